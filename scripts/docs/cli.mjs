// docs/cli.md: the `ir` command reference, generated from the command definitions of @ir/cli.
import { CliReference } from "@ir/cli"

export const file = "cli.md"

export async function generate() {
  return CliReference.markdown()
}
