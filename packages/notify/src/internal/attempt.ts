// One attempt at a delivery, as the channel senders report it to the retry loop.
import type { CauseSummary, DeliveryError } from "../DeliveryError.js"

export interface Failure {
  readonly reason: DeliveryError["reason"]
  readonly status?: number
  readonly detail: string
  readonly retryable: boolean
  /** The peer asked to wait this long (Retry-After). */
  readonly retryAfterMs?: number
  readonly cause?: CauseSummary
}

export type AttemptResult =
  | {
      readonly ok: true
      readonly status?: number
      readonly detail?: string
      /** What the peer calls what was created (a Statuspage incident id, a ticket number). */
      readonly reference?: string
    }
  | { readonly ok: false; readonly failure: Failure }

export interface AttemptContext {
  readonly timeoutMs: number
  readonly signal?: AbortSignal
}

/** A delivery prepared once (payload, signature, connection settings) and attempted as often as the policy allows. */
export interface PreparedDelivery {
  readonly attempt: (context: AttemptContext) => Promise<AttemptResult>
  readonly close?: () => void
}
