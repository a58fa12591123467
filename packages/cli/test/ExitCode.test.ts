import { describe, expect, it } from "vitest"
import { ExitCode } from "../src/index.js"

describe("ExitCode", () => {
  it("maps check statuses to the Nagios plugin codes", () => {
    expect(
      ["ok", "warn", "critical", "unknown"].map((s) => ExitCode.fromCheckStatus(s as never)),
    ).toEqual([0, 1, 2, 3])
  })

  it("lets the worst status win: critical over warning over unknown over ok", () => {
    expect(ExitCode.worstStatus(["ok", "unknown", "warn"])).toBe("warn")
    expect(ExitCode.worstStatus(["unknown", "critical", "warn"])).toBe("critical")
    expect(ExitCode.worstStatus(["ok", "unknown"])).toBe("unknown")
    expect(ExitCode.worstStatus(["ok", "ok"])).toBe("ok")
  })

  it("calls nothing checked UNKNOWN", () => {
    expect(ExitCode.worstStatus([])).toBe("unknown")
  })
})
