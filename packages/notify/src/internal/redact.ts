// Scrubbing of secrets from any text that leaves the package: error bodies, library errors, logs.
// The literal secrets of the channels and what free-text redaction finds: `Redaction` of @ir/core.
import { Redaction } from "@ir/core"
import type { CauseSummary } from "../DeliveryError.js"

export const scrub = (text: string, secrets: ReadonlyArray<string>): string =>
  Redaction.makeScrubber(secrets)(text)

export const summarizeCause = (error: unknown, secrets: ReadonlyArray<string>): CauseSummary => {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code
    return {
      name: error.name,
      ...(typeof code === "string" ? { code } : {}),
      message: scrub(error.message, secrets),
    }
  }
  return { name: "Error", message: scrub(String(error), secrets) }
}

/** The first line of an answer, shortened, for error messages. */
export const excerpt = (text: string, limit = 300): string => {
  const compact = text.replace(/\s+/g, " ").trim()
  return compact.length <= limit ? compact : `${compact.slice(0, limit - 1)}…`
}
