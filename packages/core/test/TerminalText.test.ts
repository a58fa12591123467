import { describe, expect, it } from "vitest"
import { TerminalText } from "../src/index.js"

describe("TerminalText.strip", () => {
  it("keeps printable text, newlines and tabs as they are", () => {
    const text = "API 5xx > 10%\n\tsee https://grafana/d/api — ünïcødé ✓"
    expect(TerminalText.strip(text)).toBe(text)
  })

  it("removes colour and cursor sequences whole", () => {
    expect(TerminalText.strip("\u001b[31;1mred\u001b[0m \u001b[2J\u001b[Hcleared")).toBe(
      "red cleared",
    )
  })

  it("removes OSC titles and hyperlinks, ended by BEL, by ST, or not at all", () => {
    expect(TerminalText.strip("\u001b]0;owned\u0007title")).toBe("title")
    expect(TerminalText.strip("\u001b]8;;http://evil\u001b\\link\u001b]8;;\u001b\\")).toBe("link")
    expect(TerminalText.strip("before\u001b]2;never ended")).toBe("before")
  })

  it("removes C0 (but newline and tab), DEL and C1 controls, and the 8-bit CSI", () => {
    expect(TerminalText.strip("a\u0000b\u0007c\rd\u007fe\u0085f\u009b31mg")).toBe("abcdefg")
  })

  it("removes bidirectional overrides, embeddings, isolates and marks", () => {
    expect(TerminalText.strip("file\u202egnp.exe\u2066x\u2069\u200f\u061c")).toBe("filegnp.exex")
    expect(TerminalText.isClean("file\u202egnp.exe")).toBe(false)
    expect(TerminalText.isClean("plain")).toBe(true)
  })

  it("keeps colour sequences, and only them, for a writer that prints its own colours", () => {
    expect(
      TerminalText.strip("\u001b[31mred\u001b[0m\u001b]0;t\u0007\u001b[2J", { keepColour: true }),
    ).toBe("\u001b[31mred\u001b[0m")
  })

  it("keeps no style that hides text: conceal, blink, reverse, strike-through", () => {
    const hidden =
      "\u001b[8mhidden\u001b[5mblink\u001b[7mreverse\u001b[1;9mstruck\u001b[38;5;8mgrey"
    expect(TerminalText.strip(hidden, { keepColour: true })).toBe("hiddenblinkreversestruckgrey")
    expect(TerminalText.strip("\u001b[1;33mwarn\u001b[22;39m", { keepColour: true })).toBe(
      "\u001b[1;33mwarn\u001b[22;39m",
    )
  })
})
