// The probes' names for the one redaction of @ir/core (Redaction), imported once here.
import { Redaction } from "@ir/core"

export const { deepMapStrings, makeScrubber, mask, redactText, redactUrl, secretsOfUrl } = Redaction
