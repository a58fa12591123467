import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Scope from "effect/Scope"

/**
 * A resource acquired at most once per run, on first use, and released when the run's scope
 * closes. The acquisition runs in its own fiber: a probe that stops waiting for it (its timeout)
 * does not cancel it for the other probes, and closing the scope interrupts it if it still runs.
 */
export const shared = <A, E>(
  acquire: Effect.Effect<A, E, Scope.Scope>,
): Effect.Effect<Effect.Effect<A, E>, never, Scope.Scope> =>
  Effect.gen(function* () {
    const scope = yield* Effect.scope
    const result = yield* Deferred.make<A, E>()
    let started = false
    return Effect.suspend(() => {
      if (!started) {
        started = true
        return Effect.zipRight(
          Effect.forkIn(Effect.intoDeferred(Scope.extend(acquire, scope), result), scope),
          Deferred.await(result),
        )
      }
      return Deferred.await(result)
    })
  })
