import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { Escaping } from "../src/index.js"

describe("Escaping", () => {
  it("escapes Slack's three control characters and defuses broadcasts", () => {
    expect(Escaping.escapeSlack("<!channel> a & b > c @here @Everyone")).toBe(
      "&lt;!channel&gt; a &amp; b &gt; c @\u2060here @\u2060Everyone",
    )
    expect(Escaping.unescapeSlack(Escaping.escapeSlack("a < b & c"))).toBe("a < b & c")
  })

  it("leaves no raw angle bracket and no bare entity in Slack text, whatever the input", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (text) => {
        const escaped = Escaping.escapeSlack(text)
        expect(escaped).not.toMatch(/[<>]/)
        expect(escaped).not.toMatch(/&(?!amp;|lt;|gt;)/)
      }),
    )
  })

  it("backslash-escapes every Markdown control character, whatever the input", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const escaped = Escaping.escapeMarkdown(text)
        // Every special character is preceded by an odd run of backslashes.
        for (const match of escaped.matchAll(/(\\*)([`*_[\]<>#|~&!])/g)) {
          expect(match[1]!.length % 2, escaped).toBe(1)
        }
      }),
    )
  })

  it("escapes Markdown line starts and mentions, keeping e-mail addresses", () => {
    expect(Escaping.escapeMarkdown("- item\n1. one\n+ plus")).toBe(
      "\\- item\\\n1\\. one\\\n\\+ plus",
    )
    expect(Escaping.escapeMarkdown("ask @alice or security@company.com")).toBe(
      "ask @\u2060alice or security@company.com",
    )
  })

  it("escapes HTML and strips control characters in every format", () => {
    expect(Escaping.escapeHtml(`<a href="x">'&'</a>`)).toBe(
      "&lt;a href&#x3D;&quot;x&quot;&gt;&#x27;&amp;&#x27;&lt;/a&gt;",
    )
    expect(Escaping.sanitizeText("a\u0000b\u001bc\r\nd\u202Ee\tf")).toBe("abc\nde\tf")
    for (const format of ["slack", "markdown", "text", "html"] as const) {
      expect(Escaping.escapeFor(format)("x\u0007y")).toBe("xy")
    }
  })
})
