declare const __IR_CLI_VERSION__: string

/**
 * The version of @ir/cli, inlined at build time (tsup's and vitest's `define`) rather than
 * imported from package.json, which would pull the manifest into the declaration build.
 */
export const version: string = __IR_CLI_VERSION__
