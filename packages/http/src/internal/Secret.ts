import { timingSafeEqual } from "node:crypto"
import * as Redacted from "effect/Redacted"

/** A secret given as a string or a `Redacted`. */
export type Secret = string | Redacted.Redacted<string>

/** The value of a secret, for comparison only (never for output). */
export const reveal = (secret: Secret | undefined): string | undefined =>
  secret === undefined ? undefined : Redacted.isRedacted(secret) ? Redacted.value(secret) : secret

/** Constant-time comparison, so a token cannot be guessed byte by byte from response times. */
export const safeEqual = (given: string, expected: string): boolean => {
  const left = Buffer.from(given)
  const right = Buffer.from(expected)
  return left.length === right.length && timingSafeEqual(left, right)
}

/** The token of an `Authorization: Bearer …` header. */
export const bearerToken = (header: string | null | undefined): string | undefined => {
  if (header === null || header === undefined) return undefined
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header.trim())
  return match?.[1]
}
