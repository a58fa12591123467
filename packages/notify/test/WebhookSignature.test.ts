import { createHmac } from "node:crypto"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { WebhookSignature } from "../src/index.js"

describe("WebhookSignature", () => {
  it("is HMAC-SHA256 of the exact body, as a receiver computes it with node:crypto", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 16 }), fc.string(), (secret, body) => {
        const header = WebhookSignature.signatureHeader(secret, body)
        expect(header).toBe(`sha256=${createHmac("sha256", secret).update(body).digest("hex")}`)
        expect(WebhookSignature.verify(secret, body, header)).toBe(true)
        expect(WebhookSignature.verify(secret, `${body} `, header)).toBe(false)
      }),
    )
  })

  it("rejects a missing, malformed or foreign signature", () => {
    const header = WebhookSignature.signatureHeader("a-shared-secret-value", "{}")
    expect(WebhookSignature.verify("a-shared-secret-value", "{}", undefined)).toBe(false)
    expect(WebhookSignature.verify("a-shared-secret-value", "{}", "sha256=00")).toBe(false)
    expect(WebhookSignature.verify("another-secret-value", "{}", header)).toBe(false)
    expect(WebhookSignature.verify("a-shared-secret-value", Buffer.from("{}"), [header])).toBe(true)
  })
})
