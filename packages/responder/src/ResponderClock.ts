/**
 * The responder clock: every tick, what is due is sent, for every incident in view, by one process
 * at a time among all that share the journal. Nobody has to run `ir escalate` for a P0 that is
 * not restored in 30 minutes to page the next contact.
 *
 * Leadership: the clock runs only while its process holds the journal's lease `responder-clock`
 * (`journal.tryLease`). Every process tries to take it at each tick; one holds it. On PostgreSQL
 * the lease is an advisory lock of the holder's connection, which the database frees the moment
 * that connection drops: when the leader is killed, another replica takes the lease at its next
 * tick and sends what fell due (within two ticks of the death). On the file journal the lease is a
 * lock file whose dead holder is recognised by its pid: one clock per journal directory on one
 * host. The leader checks that it still holds the lease before each tick (a connection that
 * dropped under it ends its leadership before it sends anything).
 *
 * Sending stays exactly once even around a handover: each incident's messages go out under its
 * dispatch lock, and a message whose key is recorded is never due again. A process that delivered
 * a message and died before recording it leaves it due: the next leader sends it again, with the
 * same idempotency key (PagerDuty's dedup key is the incident id: no second page; webhooks carry
 * `Idempotency-Key`; chat and e-mail may show it twice).
 *
 * @example
 * ```ts
 * import { createResponder, runResponder } from "@ir/responder"
 * import * as Effect from "effect/Effect"
 * declare const responder: ReturnType<typeof createResponder>
 * const fiber = Effect.runFork(runResponder(responder, { tickMs: 15_000 }))
 * // later, on SIGTERM:
 * // await Effect.runPromise(Fiber.interrupt(fiber))
 * ```
 */
import type { JournalLease } from "@ir/journal"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import type { Responder, TickReport } from "./Responder.js"

/** The clock's default tick. */
export const defaultTickMs = 15_000

/** The lease the clock runs under. */
export const clockRole = "responder-clock"

/**
 * Options of {@link runResponder}.
 *
 * @example
 * ```ts
 * import type { ResponderClockOptions } from "@ir/responder"
 * const fast: ResponderClockOptions = { tickMs: 1000 }
 * ```
 */
export interface ResponderClockOptions {
  /** How often what is due is sent, in ms (default 15 000). */
  readonly tickMs?: number
  /** The lease's name (default `responder-clock`): clocks with different roles run side by side. */
  readonly role?: string
  /** Called after each tick this process ran as the leader. */
  readonly onTick?: (report: TickReport) => void
}

/**
 * Runs the clock until interrupted (its lease is given up then). Never fails: a journal that
 * cannot be reached makes a tick fail, which is logged (`tick-failed`), and the next one tries
 * again.
 */
export const runResponder = (
  responder: Responder,
  options: ResponderClockOptions = {},
): Effect.Effect<never> => {
  const tickMs = options.tickMs ?? defaultTickMs
  const role = options.role ?? clockRole
  const log = responder.log
  let lease: JournalLease | undefined
  let standingBy = false
  let damaged = new Set<string>()

  const lead = Effect.gen(function* () {
    if (lease !== undefined) {
      if (yield* lease.held) return true
      log({ event: "lost-lead", role })
      yield* lease.release
      lease = undefined
    }
    const taken = yield* Effect.either(responder.journal.tryLease(role))
    if (Either.isRight(taken) && Option.isSome(taken.right)) {
      lease = taken.right.value
      standingBy = false
      log({ event: "leading", role })
      return true
    }
    if (Either.isLeft(taken)) log({ event: "tick-failed", detail: taken.left.message })
    else if (!standingBy) {
      standingBy = true
      log({ event: "standing-by", role })
    }
    return false
  })

  const once = Effect.gen(function* () {
    if (!(yield* lead)) return
    const report = yield* Effect.either(responder.tick())
    if (Either.isLeft(report)) {
      log({ event: "tick-failed", detail: report.left.message })
      return
    }
    // A damaged incident is told once, when it is first met, not at every tick.
    const now = new Set(report.right.damaged.map((damage) => damage.incidentId))
    for (const damage of report.right.damaged)
      if (!damaged.has(damage.incidentId)) log({ event: "damaged", damage })
    damaged = now
    options.onTick?.(report.right)
  })

  return Effect.forever(Effect.zipRight(once, Effect.sleep(tickMs))).pipe(
    Effect.ensuring(
      Effect.suspend(() => {
        const held = lease
        lease = undefined
        return held === undefined ? Effect.void : held.release
      }),
    ),
  )
}
