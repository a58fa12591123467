// Where the integration tests find the real services that scripts/with-services.sh starts. A
// missing service fails the test file (with or without CI): an integration test that silently
// skips proves nothing. Only an explicit opt-out, IR_SERVICES_SKIP=pg,docker (what
// with-services.sh also takes), skips the tests that need those services, and the closing
// summary of scripts/test.sh lists every test so skipped.

/** The with-services.sh service that exports a variable, from the variable's name. */
const serviceOf = (name: string): string | undefined =>
  /^IR_TEST_PG_/.test(name)
    ? "pg"
    : /^IR_TEST_(PROMETHEUS|ALERTMANAGER|DOCKER)_/.exec(name)?.[1]?.toLowerCase()

/** The services named in IR_SERVICES_SKIP (comma or space separated; postgres means pg). */
export const skippedServices = (env: NodeJS.ProcessEnv = process.env): ReadonlyArray<string> =>
  (env.IR_SERVICES_SKIP ?? "")
    .split(/[\s,]+/)
    .filter((service) => service !== "")
    .map((service) => (service === "postgres" || service === "postgresql" ? "pg" : service))

/**
 * The variable's value. When it is absent: undefined (after a note) if the user skipped its
 * service with IR_SERVICES_SKIP, else an error that fails the test file.
 *
 * @example
 * ```ts
 * const pgUrl = requireService("IR_TEST_PG_URL")
 * describe.skipIf(pgUrl === undefined)("against a real PostgreSQL", () => {})
 * ```
 */
export const requireService = (
  name: string,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined => {
  const value = env[name]
  if (value !== undefined && value !== "") return value
  const service = serviceOf(name)
  if (service !== undefined && skippedServices(env).includes(service)) {
    console.warn(`IR_SERVICES_SKIP=${env.IR_SERVICES_SKIP}: skipping the tests that need ${name}`)
    return undefined
  }
  throw new Error(
    `${name} is not set: run the integration tests through scripts/with-services.sh, e.g.\n` +
      "  bash scripts/with-services.sh npx vitest run --root packages/cli test/Check.integration.test.ts\n" +
      `or skip the tests that need it on purpose with IR_SERVICES_SKIP=${service ?? "<service>"}`,
  )
}
