// The browser tests' Chromium: Debian's package (scripts/with-services.sh installs it and exports
// IR_TEST_CHROMIUM_PATH), driven by playwright-core, never a browser Playwright downloads. The flags
// keep it off the network it cannot reach (background networking, updates, sync), as root needs
// --no-sandbox. Accessibility is checked with axe-core (@axe-core/playwright).
import { mkdirSync } from "node:fs"
import { join } from "node:path"
import AxeBuilder from "@axe-core/playwright"
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core"

export const launchChromium = (executablePath: string): Promise<Browser> =>
  chromium.launch({
    executablePath,
    headless: true,
    timeout: 30_000,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
    ],
  })

/** A page in a fresh context (axe needs one), recording console errors and page errors. */
export const openPage = async (
  browser: Browser,
  options: Parameters<Browser["newContext"]>[0] = {},
): Promise<{ context: BrowserContext; page: Page; errors: Array<string> }> => {
  const context = await browser.newContext(options)
  const page = await context.newPage()
  page.setDefaultTimeout(10_000)
  const errors: Array<string> = []
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console: ${message.text()}`)
  })
  page.on("pageerror", (error) => errors.push(`page: ${error.message}`))
  return { context, page, errors }
}

/** The accessibility violations axe-core finds on the page (WCAG 2.1 A and AA), one line each. */
export const accessibilityViolations = async (page: Page): Promise<ReadonlyArray<string>> => {
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"])
    .analyze()
  return results.violations.map(
    (violation) =>
      `${violation.id} (${violation.impact ?? "?"}): ${violation.help} at ${violation.nodes
        .slice(0, 3)
        .map((node) => node.target.join(" "))
        .join(", ")}`,
  )
}

/** Writes a full-page screenshot into `dir` (created) as NAME.png and returns its path. */
export const screenshot = async (page: Page, dir: string, name: string): Promise<string> => {
  mkdirSync(dir, { recursive: true })
  const path = join(dir, `${name}.png`)
  await page.screenshot({ path, fullPage: true })
  return path
}
