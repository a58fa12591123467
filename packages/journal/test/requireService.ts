// Services for integration tests: see scripts/test-support/requireService.ts.
import { requireService as requireNamed } from "../../../scripts/test-support/requireService.js"

/** The variable's value; undefined only when its service is opted out by IR_SERVICES_SKIP. */
export const requireService = (name: string): string | undefined =>
  requireNamed(name, "packages/journal")
