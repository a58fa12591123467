import fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as TerminalText from "../src/TerminalText.js"

const ESC = "\u001b"
const BEL = "\u0007"

// Every character a terminal acts on instead of showing, and every bidirectional control.
const unsafeCharacters =
  "\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069"
const unsafe = new RegExp(`[${unsafeCharacters}]`)

describe("TerminalText.strip", () => {
  it("removes escape sequences whole: colours, cursor moves, titles, hyperlinks, clipboard writes", () => {
    expect(TerminalText.strip(`${ESC}[31mred${ESC}[0m`)).toBe("red")
    expect(TerminalText.strip(`ok${ESC}[1A${ESC}[2Kfake line`)).toBe("okfake line")
    expect(TerminalText.strip(`${ESC}]0;pwned${BEL}title`)).toBe("title")
    expect(
      TerminalText.strip(`${ESC}]8;;https://evil.example${ESC}\\click${ESC}]8;;${ESC}\\`),
    ).toBe("click")
    expect(TerminalText.strip(`${ESC}]52;c;ZXZpbA==${BEL}x`)).toBe("x")
    expect(TerminalText.strip(`${ESC}P+q544e${ESC}\\done`)).toBe("done")
    expect(TerminalText.strip(`${ESC}cReset ${ESC}7saved`)).toBe("Reset saved")
    // The 8-bit forms.
    expect(TerminalText.strip("\u009b2Jcleared \u009d0;t\u009cend")).toBe("cleared end")
  })

  it("removes C0 (but line feed and tab), DEL, C1 and bidirectional controls", () => {
    expect(TerminalText.strip("a\u0000b\u0008c\u007fd\u0085e")).toBe("abcde")
    expect(
      TerminalText.strip("Disk \u202efull\u202c, \u2066isolated\u2069 \u200e\u200f\u061c"),
    ).toBe("Disk full, isolated ")
    expect(TerminalText.strip("line one\n\tindented")).toBe("line one\n\tindented")
  })

  it("turns carriage returns into line breaks, so text cannot overwrite its own line", () => {
    expect(TerminalText.strip("status: failing\rstatus: fine ")).toBe(
      "status: failing\nstatus: fine ",
    )
    expect(TerminalText.strip("a\r\nb")).toBe("a\nb")
  })

  it("puts text on one line with multiline: false", () => {
    expect(TerminalText.strip("first\r\n\n\tsecond\u0007", { multiline: false })).toBe(
      "first second",
    )
  })

  it("leaves an unterminated introducer's text, without the escape", () => {
    expect(TerminalText.strip(`before ${ESC}]0;never ends`)).toBe("before 0;never ends")
    expect(TerminalText.strip(`${ESC}`)).toBe("")
  })

  it("keeps text as it is when there is nothing to remove, including emoji and other scripts", () => {
    for (const text of ["plain", "Ünïcödé — 日本語 עברית", "👩‍💻 on call", ""]) {
      expect(TerminalText.strip(text)).toBe(text)
    }
  })

  it("keeps colour styles with keepStyles, and removes styles that hide or blink text", () => {
    const red = `${ESC}[31mCRITICAL${ESC}[39m`
    expect(TerminalText.strip(red, { keepStyles: true })).toBe(red)
    expect(TerminalText.strip(`${ESC}[1;33mwarn${ESC}[0m`, { keepStyles: true })).toBe(
      `${ESC}[1;33mwarn${ESC}[0m`,
    )
    expect(TerminalText.strip(`${ESC}[8mhidden${ESC}[5mblink${ESC}[2J`, { keepStyles: true })).toBe(
      "hiddenblink",
    )
    expect(TerminalText.strip(`${ESC}${ESC}[31m[8m`, { keepStyles: true })).toBe(`${ESC}[31m[8m`)
  })

  it("never leaves a control character, whatever the input", () => {
    const pieces = fc.oneof(
      fc.string({ unit: "binary" }),
      fc.constantFrom(ESC, BEL, "[", "]", "\\", "m", "8", ";", "\u009b", "\u009c", "\u202e", "\r"),
    )
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 30 }), fc.boolean(), (parts, multiline) => {
        const clean = TerminalText.strip(parts.join(""), { multiline })
        expect(clean).not.toMatch(unsafe)
        if (!multiline) expect(clean).not.toMatch(/[\n\t]/)
        expect(TerminalText.strip(clean, { multiline })).toBe(clean)
      }),
      { numRuns: 500 },
    )
  })

  it("with keepStyles, leaves escapes only as the start of a style sequence", () => {
    const pieces = fc.oneof(
      fc.string({ unit: "binary", maxLength: 4 }),
      fc.constantFrom(ESC, BEL, "[", "]", "\\", "m", "8", "31", ";", "\u009b", "\u202e"),
    )
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 30 }), (parts) => {
        const clean = TerminalText.strip(parts.join(""), { keepStyles: true })
        const withoutStyles = clean.replace(
          new RegExp(`${ESC}\\[((?:\\d|;)*)m`, "g"),
          (_, parameters: string) => {
            const codes = parameters
              .split(";")
              .filter((code) => code !== "")
              .map(Number)
            expect(codes.filter((code) => [5, 6, 7, 8, 9].includes(code))).toEqual([])
            return ""
          },
        )
        expect(withoutStyles).not.toMatch(unsafe)
      }),
      { numRuns: 500 },
    )
  })
})

describe("TerminalText.escapeJson", () => {
  it("escapes what JSON.stringify leaves raw, and parses back to the same value", () => {
    const value = {
      title: "\u202eevil\u2066",
      note: "del\u007f c1\u0085 esc\u001b",
      ok: "Ünï 👩‍💻",
    }
    const json = TerminalText.escapeJson(JSON.stringify(value, null, 2))
    expect(json).not.toMatch(unsafe)
    expect(json).toContain("\\u202e")
    expect(JSON.parse(json)).toEqual(value)
  })
})
