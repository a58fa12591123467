// The real services come from scripts/with-services.sh, which exports where each one is
// (IR_TEST_PG_URL, IR_TEST_PROMETHEUS_URL, …). A test that needs a service it was not given fails,
// in CI and on a developer's machine alike: a skipped integration test must never pass for a
// tested one. The only way to skip is to opt out by name, IR_SERVICES_SKIP="pg,docker" (names:
// pg, prometheus, alertmanager, docker, chromium); the run then says what it skipped.

const services = ["pg", "prometheus", "alertmanager", "docker", "chromium"] as const

/** The service a variable belongs to: IR_TEST_PG_URL → pg, IR_TEST_DOCKER_IMAGE → docker. */
export const serviceOf = (variable: string): string => {
  const name = /^IR_TEST_([A-Z]+)_/.exec(variable)?.[1]?.toLowerCase()
  return services.find((service) => service === name) ?? variable
}

/** The services the user opted out of with IR_SERVICES_SKIP. */
export const skippedServices = (env: NodeJS.ProcessEnv = process.env): ReadonlyArray<string> =>
  (env.IR_SERVICES_SKIP ?? "")
    .split(/[\s,]+/)
    .filter((name) => name !== "")
    .map((name) => (name === "postgres" || name === "postgresql" ? "pg" : name))

/**
 * The variable's value; undefined, with a notice, only when its service is opted out by name in
 * IR_SERVICES_SKIP. Throws otherwise, so the suite fails and says how to run it.
 */
export const requireService = (variable: string, packageDir = "packages/…"): string | undefined => {
  const value = process.env[variable]
  if (value !== undefined && value !== "") return value
  const service = serviceOf(variable)
  if (skippedServices().includes(service)) {
    console.warn(`*** ${variable} is not set and IR_SERVICES_SKIP names ${service}: skipping.`)
    return undefined
  }
  throw new Error(
    `${variable} is not set: run the tests through scripts/with-services.sh ` +
      `(bash scripts/with-services.sh bash -c 'cd ${packageDir} && npx vitest run'), ` +
      `or opt out with IR_SERVICES_SKIP=${service}`,
  )
}
