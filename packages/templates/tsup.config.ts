import { readdirSync, readFileSync, writeFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { defineConfig } from "tsup"
import { PRECOMPILED_FILE, precompiledModule } from "./src/internal/precompiled.js"
import { parseFileName } from "./src/MessageKind.js"

/** Writes `templates/templates.precompiled.cjs` from the built-in `.hbs` files (see internal/precompiled). */
const precompileBuiltIns = async (): Promise<void> => {
  const dir = fileURLToPath(new URL("./templates/", import.meta.url))
  const templates = readdirSync(dir)
    .filter((name) => name.endsWith(".hbs"))
    .sort()
    .map((name) => {
      const parsed = parseFileName(name)
      if (parsed === undefined) throw new Error(`templates/${name}: not a template name`)
      return { name, part: parsed.part, source: readFileSync(`${dir}${name}`, "utf8") }
    })
  writeFileSync(`${dir}${PRECOMPILED_FILE}`, precompiledModule(templates))
}

export default defineConfig({
  entry: ["src/index.ts"],
  format: ["esm"],
  target: "node20",
  // Declarations come from tsc (see the build script): bundled .d.ts files lose the schema values
  // of namespace re-exports (`export * as X`) whose type shares the value's name.
  dts: false,
  tsconfig: "tsconfig.build.json",
  sourcemap: true,
  clean: true,
  onSuccess: precompileBuiltIns,
})
