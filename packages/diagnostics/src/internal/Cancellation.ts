import { EventEmitter } from "node:events"
import * as Effect from "effect/Effect"
import type { ProbeFailure } from "./ProbeFailure.js"

/**
 * Cancels promise-based work when the fiber awaiting it is interrupted (the probe's time is up):
 * the work checks `cancelled` between its steps, and undici takes it as a request's `signal` (an
 * EventEmitter with `aborted`, which undici accepts). An AbortController per call (what
 * `Effect.tryPromise` makes when the work takes a signal) costs more than a local call's own
 * overhead.
 */
export class Cancellation extends EventEmitter {
  cancelled = false

  /** What undici reads of a signal. */
  get aborted(): boolean {
    return this.cancelled
  }

  cancel(): void {
    if (this.cancelled) return
    this.cancelled = true
    this.emit("abort")
  }
}

/**
 * A promise as an Effect, as `Effect.tryPromise`, cancelled through a {@link Cancellation} when the
 * fiber is interrupted. Several calls in one promise (`Promise.all`) run at once without a fiber
 * each.
 */
export const promised = <A>(
  evaluate: (cancellation: Cancellation) => Promise<A>,
  onError: (error: unknown) => ProbeFailure,
): Effect.Effect<A, ProbeFailure> =>
  Effect.async<A, ProbeFailure>((resume) => {
    const cancellation = new Cancellation()
    const failed = (error: unknown) => resume(Effect.fail(onError(error)))
    try {
      evaluate(cancellation).then((value) => resume(Effect.succeed(value)), failed)
    } catch (error) {
      failed(error)
    }
    return Effect.sync(() => cancellation.cancel())
  })
