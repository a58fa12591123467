import type { Runbook, StatusPage } from "@ir/core"
import { describeValue, isMapping } from "../Config.js"

/** The status page of `ir serve`, as `serve.status` configures it. */
export interface StatusSettings {
  readonly enabled: boolean
  readonly name?: string
  readonly url?: string
  readonly days?: number
  readonly cacheMs?: number
  readonly components?: ReadonlyArray<StatusPage.ComponentConfig>
}

const strings = (value: unknown): value is ReadonlyArray<string> =>
  Array.isArray(value) && value.every((item) => typeof item === "string" && item !== "")

/** A problem in `serve.status`: where (the path under it) and what was expected. */
export interface StatusProblem {
  readonly path: ReadonlyArray<string>
  readonly expected: string
}

/**
 * Reads `serve.status` (default: on, one component per playbook):
 *
 * ```yaml
 * serve:
 *   status:
 *     name: Acme status
 *     url: https://status.example.com/status   # links in the Atom feed
 *     days: 90
 *     cache: 5s
 *     components:
 *       - { id: api, name: API, playbooks: [system-down, high-api-error-rate], checks: [http.health] }
 *       - { id: db, name: Database, playbooks: [database-connectivity] }
 * ```
 *
 * `status: false` turns it off.
 */
export const readStatusSection = (
  value: unknown,
  runbook: Runbook,
  parseMillis: (text: string) => number | undefined,
): StatusSettings | StatusProblem => {
  if (value === undefined || value === null || value === true) return { enabled: true }
  if (value === false) return { enabled: false }
  if (!isMapping(value)) {
    return {
      path: [],
      expected: `true, false or a mapping (name, url, days, cache, components), got ${describeValue(value)}`,
    }
  }
  const known = ["enabled", "name", "url", "days", "cache", "components"]
  const unknown = Object.keys(value).find((key) => !known.includes(key))
  if (unknown !== undefined)
    return { path: [unknown], expected: `one of ${known.join(", ")} (not "${unknown}")` }
  const enabled = value.enabled ?? true
  if (typeof enabled !== "boolean")
    return { path: ["enabled"], expected: `true or false, got ${describeValue(enabled)}` }
  if (value.name !== undefined && (typeof value.name !== "string" || value.name.trim() === ""))
    return { path: ["name"], expected: `the page's title, got ${describeValue(value.name)}` }
  if (
    value.url !== undefined &&
    (typeof value.url !== "string" || !/^https?:\/\/[^/\s]+/i.test(value.url))
  ) {
    return {
      path: ["url"],
      expected: `an absolute http(s) URL such as https://status.example.com/status, got ${describeValue(value.url)}`,
    }
  }
  if (
    value.days !== undefined &&
    (typeof value.days !== "number" ||
      !Number.isInteger(value.days) ||
      value.days < 1 ||
      value.days > 366)
  )
    return {
      path: ["days"],
      expected: `a whole number of days from 1 to 366, got ${describeValue(value.days)}`,
    }
  const cacheMs =
    value.cache === undefined
      ? undefined
      : typeof value.cache === "string"
        ? parseMillis(value.cache)
        : undefined
  if (value.cache !== undefined && (cacheMs === undefined || cacheMs > 3_600_000))
    return {
      path: ["cache"],
      expected: `a duration up to 1h such as "5s", got ${describeValue(value.cache)}`,
    }
  let components: Array<StatusPage.ComponentConfig> | undefined
  if (value.components !== undefined) {
    if (!Array.isArray(value.components) || value.components.length === 0)
      return {
        path: ["components"],
        expected: "a list of components (id, name, playbooks, checks)",
      }
    components = []
    const playbookIds = runbook.playbooks.map((playbook) => playbook.id)
    for (const [index, item] of value.components.entries()) {
      const at = ["components", String(index)]
      if (!isMapping(item))
        return { path: at, expected: `a mapping with id and name, got ${describeValue(item)}` }
      const extra = Object.keys(item).find(
        (key) => !["id", "name", "description", "playbooks", "checks"].includes(key),
      )
      if (extra !== undefined)
        return {
          path: [...at, extra],
          expected: `one of id, name, description, playbooks, checks (not "${extra}")`,
        }
      if (typeof item.id !== "string" || !/^[a-z0-9][a-z0-9._-]*$/i.test(item.id))
        return {
          path: [...at, "id"],
          expected: `an id of letters, digits, ".", "_" or "-", got ${describeValue(item.id)}`,
        }
      if (components.some((component) => component.id === item.id))
        return { path: [...at, "id"], expected: `a unique id ("${item.id}" is used twice)` }
      if (typeof item.name !== "string" || item.name.trim() === "")
        return {
          path: [...at, "name"],
          expected: `the component's public name, got ${describeValue(item.name)}`,
        }
      if (item.description !== undefined && typeof item.description !== "string")
        return {
          path: [...at, "description"],
          expected: `text, got ${describeValue(item.description)}`,
        }
      if (item.playbooks !== undefined) {
        if (!strings(item.playbooks))
          return {
            path: [...at, "playbooks"],
            expected: `a list of playbook ids, got ${describeValue(item.playbooks)}`,
          }
        const missing = item.playbooks.find((id) => !playbookIds.includes(id))
        if (missing !== undefined)
          return {
            path: [...at, "playbooks"],
            expected: `playbooks of the runbook (no playbook "${missing}"; see \`ir playbook list\`)`,
          }
      }
      if (item.checks !== undefined && !strings(item.checks))
        return {
          path: [...at, "checks"],
          expected: `a list of probe ids such as http.health, got ${describeValue(item.checks)}`,
        }
      components.push({
        id: item.id,
        name: item.name,
        ...(typeof item.description === "string" ? { description: item.description } : {}),
        ...(item.playbooks === undefined
          ? {}
          : { playbooks: item.playbooks as ReadonlyArray<string> }),
        ...(item.checks === undefined ? {} : { checks: item.checks as ReadonlyArray<string> }),
      })
    }
  }
  return {
    enabled,
    ...(typeof value.name === "string" ? { name: value.name } : {}),
    ...(typeof value.url === "string" ? { url: value.url } : {}),
    ...(typeof value.days === "number" ? { days: value.days } : {}),
    ...(cacheMs === undefined ? {} : { cacheMs }),
    ...(components === undefined ? {} : { components }),
  }
}
