// The one Handlebars environment every template runs in: isolated from the global instance, with
// the helpers registered, and the options every template is compiled (or precompiled) with.
import Handlebars from "handlebars"
import type { TemplatePart } from "../MessageKind.js"
import { helperSpecs, registerHelpers } from "./helpers.js"

export const environment = Handlebars.create()
registerHelpers(environment)

const knownHelpers = Object.fromEntries(Object.keys(helperSpecs).map((name) => [name, true]))

export const compileOptions = (part: TemplatePart) => ({
  strict: true,
  knownHelpersOnly: true,
  knownHelpers,
  // Non-HTML formats are escaped before rendering, field by field (see Escaping).
  noEscape: part !== "html",
})
