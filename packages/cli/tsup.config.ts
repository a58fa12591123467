import { randomUUID } from "node:crypto"
import { readFileSync } from "node:fs"
import { dirname } from "node:path"
import { fileURLToPath } from "node:url"
import { defineConfig, type Options } from "tsup"

const { version } = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8"))

// The program (main.cjs) inlines Effect and every ir library (core, diagnostics, templates,
// notify, journal, responder, http) and pg: one bundled copy of Effect loads far faster than the
// hundreds of modules of node_modules/effect, which an external library would load a second time
// (a lifecycle command such as `ir incident list` reads the notify section, so it loads notify and
// templates), and Handlebars and ical.js, which notify and templates load with themselves. pg is
// then no runtime dependency of the CLI. Docker's, the host's, the HTTP and the SMTP clients stay
// external and load when a probe or a delivery first uses them; so do the status page's badge and
// feed libraries (badge-maker brings 900 KB of font metrics), which only `ir serve` loads, when its
// status page is first asked for: every other command would read them at each start.
const inlined = [
  /^effect(\/|$)/,
  /^@effect\//,
  /^@ir\/(core|diagnostics|templates|notify|journal|responder|http)(\/node)?$/,
]
const external = [
  "nodemailer",
  "prom-client",
  "dockerode",
  "systeminformation",
  "undici",
  "badge-maker",
  "feed",
]

type Plugin = NonNullable<Options["esbuildPlugins"]>[number]

/**
 * pg's lib/stream.js asks at load time whether it runs in a Cloudflare Worker by constructing a
 * `Response` on Node 20 (which has no `navigator`): that one probe loads Node's whole built-in
 * fetch (undici, http2, zlib, worker threads), a fifth of an `ir check postgres.*` start-up. The
 * bundles run on Node only, so they get pg's own Node branch of that module and nothing else.
 */
const pgNodeStream: Plugin = {
  name: "pg-node-stream",
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/]pg[\\/]lib[\\/]stream\.js$/ }, () => ({
      loader: "js",
      contents: [
        "// pg's lib/stream.js, Node branch only (packages/cli/tsup.config.ts: pgNodeStream).",
        "module.exports = {",
        "  getStream: () => new (require('net').Socket)(),",
        "  getSecureStream: (options) => require('tls').connect(options),",
        "}",
      ].join("\n"),
    }))
  },
}

/**
 * pg's lib/crypto/utils.js loads node:crypto (and its Web Crypto) when pg loads: 6 ms of every
 * PostgreSQL check or journal command, for what only password authentication (MD5 or SCRAM) uses.
 * The bundles get a module with the same functions that loads pg's own on the first call.
 */
const pgLazyCrypto: Plugin = {
  name: "pg-lazy-crypto",
  setup(build) {
    const eager = /[\\/]node_modules[\\/]pg[\\/]lib[\\/]crypto[\\/]utils\.js$/
    build.onLoad({ filter: eager, namespace: "file" }, (args) => {
      const source = readFileSync(args.path, "utf8")
      const names = /module\.exports = \{([^}]*)\}/.exec(source)?.[1]?.match(/\w+/g)
      if (names === undefined || names === null || names.length === 0) {
        throw new Error(
          `${args.path}: pg's crypto helpers are no longer one module.exports = {...}`,
        )
      }
      const lines = [
        "// pg's lib/crypto/utils.js, loaded on first use (packages/cli/tsup.config.ts: pgLazyCrypto).",
        "let eager",
        `const load = () => (eager ??= require(${JSON.stringify(`${args.path}?eager`)}))`,
        ...names.map((name) => `exports.${name} = (...args) => load().${name}(...args)`),
      ]
      return { loader: "js", contents: lines.join("\n") }
    })
    build.onResolve({ filter: /[\\/]pg[\\/]lib[\\/]crypto[\\/]utils\.js\?eager$/ }, (args) => ({
      path: args.path.slice(0, -"?eager".length),
      namespace: "pg-eager-crypto",
    }))
    build.onLoad({ filter: /.*/, namespace: "pg-eager-crypto" }, (args) => ({
      loader: "js",
      contents: readFileSync(args.path, "utf8"),
      resolveDir: dirname(args.path),
    }))
  },
}

/**
 * undici's index loads its cookie helpers, which ask at load time for `globalThis.Headers`: on
 * Node that getter loads Node's own bundled undici and compiles its WebAssembly parser, about
 * 150 ms of every `ir check http.*` or `prometheus.*` spent after the result is printed. The
 * check bundle, which inlines undici and never touches cookies, gets helpers that say so instead.
 */
const undiciWithoutCookies: Plugin = {
  name: "undici-without-cookies",
  setup(build) {
    build.onLoad(
      { filter: /[\\/]node_modules[\\/]undici[\\/]lib[\\/]web[\\/]cookies[\\/]index\.js$/ },
      () => ({
        loader: "js",
        contents: [
          "// undici's cookie helpers, left out of the check bundle (packages/cli/tsup.config.ts).",
          "const unavailable = () => { throw new Error('undici cookies are not part of this build') }",
          "module.exports = { deleteCookie: unavailable, getCookies: unavailable, getSetCookies: unavailable, setCookie: unavailable, parseCookie: unavailable }",
        ].join("\n"),
      }),
    )
  },
}

/**
 * The check bundle takes @ir/core and @ir/diagnostics from their sources (both
 * `"sideEffects": false`), so that esbuild leaves out every module `ir check` does not reach; from
 * their single-file builds it would run every schema of the incident model at start-up.
 */
const librarySources: Plugin = {
  name: "library-sources",
  setup(build) {
    build.onResolve({ filter: /^@ir\/(core|diagnostics)$/ }, (args) => ({
      path: fileURLToPath(new URL(`../${args.path.slice(4)}/src/index.ts`, import.meta.url)),
    }))
  },
}

/**
 * @ir/templates finds its built-in templates beside its own module (`new URL("../templates/",
 * import.meta.url)`), which a CommonJS bundle has no value for. The program, which inlines
 * @ir/templates, carries the templates of the same build in `dist/templates/` (copied by
 * `copyTemplates`) and finds them beside itself: no lookup of the installed package at start-up
 * (`require.resolve` took about 7 ms of every lifecycle command), and never another version's.
 */
const templatesDirectory: Plugin = {
  name: "templates-directory",
  setup(build) {
    build.onLoad({ filter: /[\\/]templates[\\/]dist[\\/]index\.js$/ }, (args) => {
      const source = readFileSync(args.path, "utf8")
      const marker = 'new URL("../templates/", import.meta.url)'
      if (!source.includes(marker)) {
        throw new Error(`${args.path}: the templates folder is no longer found with ${marker}`)
      }
      return {
        loader: "js",
        contents: source.replace(
          marker,
          'require("node:url").pathToFileURL(require("node:path").join(__dirname, "templates/"))',
        ),
      }
    })
  },
}

/** Copies @ir/templates' built-in templates to `dist/templates/`, beside the program. */
const copyTemplates = async (): Promise<void> => {
  const { cpSync, rmSync } = await import("node:fs")
  const source = fileURLToPath(new URL("../templates/templates/", import.meta.url))
  const target = fileURLToPath(new URL("./dist/templates/", import.meta.url))
  rmSync(target, { recursive: true, force: true })
  cpSync(source, target, { recursive: true })
}

/**
 * Fails the build unless every program file is ASCII. The launcher reads a bundle as Latin-1 when
 * it is ASCII (src/internal/CodeCache.ts): Node 20 decodes a megabyte of UTF-8 in 10-15 ms, a fifth
 * of what a PostgreSQL check spends before it connects, and Latin-1 in under 2 ms. One character
 * beyond ASCII (a licence comment, a dash in a regular expression) would send the whole bundle back
 * to the slow path; esbuild escapes those of strings, so this catches what it cannot.
 */
const assertAscii =
  (...names: ReadonlyArray<string>) =>
  async (): Promise<void> => {
    const { isAscii } = await import("node:buffer")
    for (const name of names) {
      const path = fileURLToPath(new URL(`./dist/${name}`, import.meta.url))
      const bytes = readFileSync(path)
      if (isAscii(bytes)) continue
      const at = bytes.findIndex((byte) => byte > 0x7f)
      const context = bytes.subarray(Math.max(0, at - 60), at + 20).toString("utf8")
      throw new Error(`dist/${name} is not ASCII at byte ${at}: …${context}…`)
    }
  }

// Names this build for the launcher's code cache (see src/internal/CodeCache.ts).
const build = randomUUID()

const shared: Options = {
  define: { __IR_CLI_VERSION__: JSON.stringify(version), __IR_BUILD__: JSON.stringify(build) },
  target: "node20",
  platform: "node",
  // Declarations come from tsc (see the build script): bundled .d.ts files lose the schema values
  // of namespace re-exports (`export * as X`) whose type shares the value's name.
  dts: false,
  tsconfig: "tsconfig.build.json",
  sourcemap: true,
}

/** The launcher and the programs it loads. */
const program: Options = {
  ...shared,
  // YAML (the configuration, read by most commands) and pg (the journal and the PostgreSQL
  // probes: `ir check` as a Nagios plugin) are cached with the rest.
  noExternal: [...inlined, /^yaml$/, /^pg$/, /^handlebars$/, /^ical\.js$/],
  // pg's optional native binding is required only by `pg.native`, which ir never touches.
  external: [...external, "pg-native"],
  format: ["cjs"],
  outExtension: () => ({ js: ".cjs" }),
  splitting: false,
  // IR_NO_MINIFY=1 keeps names readable, for a CPU profile of start-up.
  minify: process.env.IR_NO_MINIFY === undefined,
  esbuildPlugins: [pgNodeStream, pgLazyCrypto, templatesDirectory],
  // `import("pg")` of an external package becomes a lazy `require("pg")`: the bundle runs from
  // V8's code cache through `vm.Script`, where Node 20 has no dynamic `import()` without an
  // experimental warning.
  esbuildOptions: (options) => {
    options.supported = { ...options.supported, "dynamic-import": false }
    // The bundled libraries' licence comments go to `<bundle>.LEGAL.txt` beside each bundle
    // (shipped with `dist/`), not into the code every command reads.
    options.legalComments = "external"
  },
}

export default defineConfig([
  // The library (`@ir/cli`: runCli, the command tree), over its dependencies as installed.
  {
    ...shared,
    entry: ["src/index.ts"],
    format: ["esm"],
    splitting: true,
  },
  // The launcher (bin.cjs, Node built-ins only, run by the committed `ir` executable bin/ir.cjs)
  // and the programs it runs: main.cjs (every command) and check.cjs (`ir check` alone, without
  // @effect/cli: what a Nagios plugin run loads; see src/internal/LaunchRoute.ts). CommonJS, one
  // file each, so that V8 can cache the program's compiled code.
  {
    ...program,
    entry: { bin: "src/bin.ts", main: "src/main.ts" },
    onSuccess: async () => {
      await copyTemplates()
      await assertAscii("bin.cjs", "main.cjs")()
    },
  },
  {
    ...program,
    entry: { check: "src/internal/CheckMain.ts" },
    // undici too (http.* and prometheus.*): from the code cache, not a hundred files compiled.
    noExternal: [...inlined, /^yaml$/, /^pg$/, /^undici$/],
    external: [...external.filter((name) => name !== "undici"), "pg-native"],
    esbuildPlugins: [pgNodeStream, pgLazyCrypto, librarySources, undiciWithoutCookies],
    onSuccess: assertAscii("check.cjs"),
  },
])
