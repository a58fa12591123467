// The status badge (`status/badge.svg`), drawn by shields.io's `badge-maker`: the overall state
// in a few words and its colour, for READMEs and dashboards.
import type { StatusPage } from "@ir/core"
import { makeBadge } from "badge-maker"

const colour: Readonly<Record<StatusPage.Indicator, string>> = {
  none: "#1a7f37",
  minor: "#7d4e00",
  major: "#953800",
  critical: "#a40e26",
  maintenance: "#0550ae",
}

const words: Readonly<Record<StatusPage.Indicator, string>> = {
  none: "operational",
  minor: "minor outage",
  major: "partial outage",
  critical: "major outage",
  maintenance: "maintenance",
}

/** The badge for the page's overall indicator. */
export const statusBadge = (summary: StatusPage.StatusSummary): string =>
  makeBadge({
    label: "status",
    message: words[summary.indicator],
    color: colour[summary.indicator],
  })
