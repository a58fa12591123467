// The web pages of `ir serve` in a real browser: Debian's Chromium driven by playwright-core,
// axe-core for accessibility. The status page before, during and after a P1 (opened, updated,
// mitigated and resolved with the CLI), and the responder board: sign-in, acknowledge and resolve
// from the page (checked in the journal), and a change made by the CLI showing up live. Each
// state is screenshotted into test-output/web/ (the key ones are in docs/web.md).
import type { ChildProcess } from "node:child_process"
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import type { Browser } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { stringify } from "yaml"
import {
  accessibilityViolations,
  launchChromium,
  openPage,
  screenshot,
} from "../../../scripts/test-support/browser.js"
import { type Peer, webhookPeer } from "../../../scripts/test-support/peers.js"
import { requireService } from "./requireService.js"
import { irProcess, requireBuiltCli, type Served, serveIr, waitFor } from "./scenarios.js"

const chromiumPath = requireService("IR_TEST_CHROMIUM_PATH")

const token = "web-alerts-token-0123456789abcdef"
const boardToken = "web-board-token-0123456789abcdef"
const shots = resolve(import.meta.dirname, "../test-output/web")
const root = mkdtempSync(join(tmpdir(), "ir-web-"))
const started: Array<ChildProcess> = []
const peers: Array<Peer> = []
let browser: Browser | undefined
let server: Served | undefined
const dir = join(root, "team")

const ir = (argv: ReadonlyArray<string>) =>
  irProcess(argv, { cwd: dir, env: { IR_USER: "alice" }, timeoutMs: 60_000 })

/** The incident the CLI shows, as JSON. */
const shown = async (id: string) => {
  const result = await ir(["incident", "show", id, "--json"])
  expect(result.code, result.stderr).toBe(0)
  return JSON.parse(result.stdout).incident as Record<string, unknown>
}

beforeAll(async () => {
  if (chromiumPath === undefined) return
  requireBuiltCli()
  const hook = await webhookPeer()
  peers.push(hook)
  mkdirSync(dir, { recursive: true })
  writeFileSync(
    join(dir, "ir.config.yaml"),
    stringify({
      targets: { http: false, prometheus: false, postgres: false, docker: false, files: false },
      journal: { dir: "journal" },
      notify: {
        channels: [
          { id: "incidents", kind: "webhook", url: `${hook.url}/ir`, secret: "webhook-0123456789" },
        ],
        retries: 0,
      },
      serve: {
        port: 0,
        tick: "1s",
        boardToken,
        status: {
          name: "Acme status",
          cache: "1s",
          components: [
            { id: "api", name: "API", playbooks: ["system-down", "high-api-error-rate"] },
            { id: "detection", name: "Anomaly detection", playbooks: ["model-inference-failures"] },
            { id: "data", name: "Data processing", playbooks: ["data-pipeline-failures"] },
          ],
        },
      },
    }),
  )
  server = await serveIr(dir, token, started)
  browser = await launchChromium(chromiumPath)
}, 60_000)

afterAll(async () => {
  await browser?.close()
  for (const child of started.splice(0)) if (child.exitCode === null) child.kill("SIGKILL")
  for (const peer of peers.splice(0)) await peer.close()
  rmSync(root, { recursive: true, force: true })
})

describe.skipIf(chromiumPath === undefined)("the web pages in Chromium", () => {
  it("the status page before, during and after a P1: state, updates, the 90-day bar, accessible, no script errors", async () => {
    if (browser === undefined || server === undefined) throw new Error("not started")
    const { context, page, errors } = await openPage(browser)
    const statusUrl = `${server.url}/status`

    await page.goto(statusUrl)
    await expect(page.locator("h1").textContent()).resolves.toBe("Acme status")
    await expect(page.locator(".banner").textContent()).resolves.toBe("All Systems Operational")
    expect(await page.locator(".days").count()).toBe(3)
    expect(await page.locator(".days").first().locator("li").count()).toBe(90)
    expect(await accessibilityViolations(page)).toEqual([])
    await screenshot(page, shots, "status-before")

    const opened = await ir([
      "incident",
      "open",
      "--severity",
      "P1",
      "--playbook",
      "high-api-error-rate",
      "--title",
      "api-1.prod.internal 5xx at 12%",
      "--summary",
      "5xx on 10.0.3.7:8080 since the 10:02 deploy",
      "--json",
    ])
    expect(opened.code, opened.stderr).toBe(0)
    const id = JSON.parse(opened.stdout).incident.id as string

    // The page is cached for one second: it shows the incident at the next computation.
    await waitFor(
      "the status page to show the P1",
      async () => {
        await page.goto(statusUrl)
        return (await page.locator(".banner").textContent()) === "Partial System Outage"
          ? true
          : undefined
      },
      10_000,
    )
    const current = page.locator("section[aria-labelledby=current] article")
    await expect(current.locator("h3").textContent()).resolves.toBe("Elevated error rates")
    await expect(current.locator(".updates li").first().textContent()).resolves.toContain(
      "We are investigating this issue.",
    )
    await expect(
      page
        .locator("section[aria-labelledby=components] .card", { hasText: "API" })
        .locator(".state")
        .textContent(),
    ).resolves.toBe("Partial outage")
    await expect(
      page.locator(".days").first().locator("li").last().getAttribute("class"),
    ).resolves.toBe("major")
    expect(await accessibilityViolations(page)).toEqual([])
    await screenshot(page, shots, "status-during")

    for (const argv of [
      [
        "incident",
        "update",
        id,
        "--progress",
        "Failing over api-1.prod.internal",
        "--status",
        "Pool exhausted on 10.0.3.7",
        "--next",
        "Resize the pool",
        "--public",
        "Requests are moving to a healthy region.",
      ],
      ["incident", "mitigate", id, "--summary", "Failed over"],
      ["incident", "resolve", id, "--resolution", "Pool resized"],
    ]) {
      const result = await ir(argv)
      expect(result.code, `${argv.join(" ")}: ${result.stderr}`).toBe(0)
    }
    await waitFor(
      "the status page to show the resolution",
      async () => {
        await page.goto(statusUrl)
        return (await page.locator(".banner").textContent()) === "All Systems Operational"
          ? true
          : undefined
      },
      10_000,
    )
    const past = page.locator("section[aria-labelledby=past] article")
    const updates = await past.locator(".updates li").allTextContents()
    expect(updates.map((text) => text.split(":")[0])).toEqual([
      "Resolved",
      "Monitoring",
      "Investigating",
      "Investigating",
    ])
    expect(updates[2]).toContain("Requests are moving to a healthy region.")
    await expect(
      page.locator(".days").first().locator("li").last().getAttribute("class"),
    ).resolves.toBe("major")
    const html = await page.content()
    for (const internal of ["api-1", "10.0.3.7", id, "alice", "Pool exhausted", "deploy"]) {
      expect(html.includes(internal), `the page shows ${internal}`).toBe(false)
    }
    expect(await accessibilityViolations(page)).toEqual([])
    await screenshot(page, shots, "status-after")
    expect(errors).toEqual([])
    await context.close()

    // A phone in dark mode: the same page, one column, dark colours, still accessible.
    const phone = await openPage(browser, {
      viewport: { width: 390, height: 844 },
      colorScheme: "dark",
      deviceScaleFactor: 2,
    })
    await phone.page.goto(statusUrl)
    const background = await phone.page.evaluate("getComputedStyle(document.body).backgroundColor")
    expect(background).toBe("rgb(13, 17, 23)")
    const overflow = await phone.page.evaluate(
      "document.documentElement.scrollWidth - document.documentElement.clientWidth",
    )
    expect(overflow).toBe(0)
    expect(await accessibilityViolations(phone.page)).toEqual([])
    await screenshot(phone.page, shots, "status-phone-dark")
    expect(phone.errors).toEqual([])
    await phone.context.close()

    // Without JavaScript the page is the same: it never needed any.
    const noScript = await openPage(browser, { javaScriptEnabled: false })
    await noScript.page.goto(statusUrl)
    await expect(noScript.page.locator(".banner").textContent()).resolves.toBe(
      "All Systems Operational",
    )
    await noScript.context.close()

    const shownIncident = await shown(id)
    expect(shownIncident.status).toBe("resolved")
  }, 120_000)
  it("the board: sign in with the token, acknowledge and resolve from the page, a CLI change shown live", async () => {
    if (browser === undefined || server === undefined) throw new Error("not started")
    const opened = await ir([
      "incident",
      "open",
      "--severity",
      "P0",
      "--playbook",
      "system-down",
      "--title",
      "Everything is down",
      "--summary",
      "Health endpoint unreachable",
      "--json",
    ])
    expect(opened.code, opened.stderr).toBe(0)
    const id = JSON.parse(opened.stdout).incident.id as string
    const { context, page, errors } = await openPage(browser, {
      viewport: { width: 1280, height: 900 },
    })

    // Never open: the board asks for the token first.
    const first = await page.goto(`${server.url}/board`)
    expect(first?.status()).toBe(401)
    await expect(page.locator("h1").textContent()).resolves.toBe("Responder board")
    expect(await accessibilityViolations(page)).toEqual([])
    await screenshot(page, shots, "board-sign-in")
    await page.getByLabel("Access token").fill("not-the-token-at-all")
    await page.getByRole("button", { name: "Sign in" }).click()
    await expect(page.getByText("The token was not accepted").count()).resolves.toBe(1)
    await page.getByLabel("Access token").fill(boardToken)
    await page.getByRole("button", { name: "Sign in" }).click()
    await page.waitForURL(`${server.url}/board`)
    // The two 401 answers (no token yet, a wrong token) are the only messages so far.
    expect(errors).toEqual([
      "console: Failed to load resource: the server responded with a status of 401 (Unauthorized)",
      "console: Failed to load resource: the server responded with a status of 401 (Unauthorized)",
    ])
    errors.length = 0

    const card = page.locator(`article#${id}`)
    await expect(card.locator("h3").textContent()).resolves.toBe(`P0 ${id}: Everything is down`)
    await expect(card.locator("time[data-countdown]").count()).resolves.toBeGreaterThan(0)
    expect(await accessibilityViolations(page)).toEqual([])
    await screenshot(page, shots, "board-open")

    // Acknowledge from the page, as "bob": the journal has it.
    await card.locator(`#${id}-ack-by`).fill("bob")
    await card.getByRole("button", { name: `Acknowledge ${id}` }).click()
    await page.waitForURL(`${server.url}/board#${id}`)
    const acknowledged = await shown(id)
    expect(acknowledged.status).toBe("acknowledged")
    expect(acknowledged.acknowledgedBy).toBe("bob")

    // A change made elsewhere (the CLI) reaches the open page within 2 s, without a reload.
    await page.evaluate("window.__sameDocument = true")
    const posted = performance.now()
    const update = await ir([
      "incident",
      "update",
      id,
      "--progress",
      "Restarted the app container",
      "--status",
      "Recovering",
      "--next",
      "Watch the error rate",
    ])
    expect(update.code, update.stderr).toBe(0)
    const written = performance.now()
    await page
      .locator(`article#${id}`)
      .getByText("Restarted the app container")
      .first()
      .waitFor({ timeout: 2_000 })
    const shownAfter = performance.now() - written
    expect(shownAfter).toBeLessThan(2_000)
    expect(await page.evaluate("window.__sameDocument === true")).toBe(true)
    expect(posted).toBeLessThan(written)
    await screenshot(page, shots, "board-live-update")

    // Resolve from the page: the journal has it, and the board no longer lists it.
    const live = page.locator(`article#${id}`)
    await live.locator(`#${id}-resolve summary`).click()
    await live.locator(`#${id}-resolve-resolution`).fill("Restarted; healthy for 15 minutes")
    await live.locator(`#${id}-resolve-by`).fill("bob")
    await live.getByRole("button", { name: `Resolve ${id}` }).click()
    await page.waitForURL(`${server.url}/board#${id}`)
    const resolved = await shown(id)
    expect(resolved.status).toBe("resolved")
    await expect(page.locator(`article#${id}`).count()).resolves.toBe(0)
    expect(await accessibilityViolations(page)).toEqual([])
    expect(errors).toEqual([])
    await context.close()
  }, 120_000)
})
