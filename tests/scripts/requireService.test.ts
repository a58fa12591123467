// How an integration test finds its service (scripts/requireService.ts, which every package's
// test/requireService.ts re-exports): a missing service fails the test file unless the user
// skipped that service on purpose.
import { afterEach, describe, expect, it, vi } from "vitest"
import { requireService } from "../../packages/cli/test/requireService.js"

afterEach(() => vi.restoreAllMocks())

describe("requireService", () => {
  it("gives the service's address when scripts/with-services.sh exported it", () => {
    expect(
      requireService("IR_TEST_PG_URL", { IR_TEST_PG_URL: "postgres://127.0.0.1:5999/x" }),
    ).toBe("postgres://127.0.0.1:5999/x")
  })

  it("fails when the service is missing, on a developer's machine as in CI", () => {
    for (const env of [{}, { CI: "true" }, { IR_TEST_PG_URL: "" }]) {
      expect(() => requireService("IR_TEST_PG_URL", env)).toThrow(
        /IR_TEST_PG_URL is not set: run the integration tests through scripts\/with-services\.sh[\s\S]*IR_SERVICES_SKIP=pg/,
      )
    }
  })

  it("skips, saying so, only the services named in IR_SERVICES_SKIP", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {})
    const env = { IR_SERVICES_SKIP: "docker, postgres" }
    expect(requireService("IR_TEST_PG_CLUSTER_SCRIPT", env)).toBeUndefined()
    expect(requireService("IR_TEST_DOCKER_SOCKET", env)).toBeUndefined()
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("IR_TEST_DOCKER_SOCKET"))
    expect(() => requireService("IR_TEST_PROMETHEUS_URL", env)).toThrow(
      /IR_SERVICES_SKIP=prometheus/,
    )
    expect(() => requireService("IR_TEST_ALERTMANAGER_URL", env)).toThrow(/alertmanager/)
  })
})
