import { Console as NodeConsole } from "node:console"
import { Writable } from "node:stream"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import { colorEnabled, type Io, type Sink, stripAnsi } from "../Output.js"

const writableFor = (sink: Sink, color: boolean): Writable =>
  new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      const text = typeof chunk === "string" ? chunk : chunk.toString("utf8")
      sink.write(color ? text : stripAnsi(text))
      callback()
    },
  })

/**
 * An Effect `Console` writing to the command's stdout and stderr: `@effect/cli` prints help,
 * version, completions and parse errors through it. ANSI colour is removed where colour is off
 * (not a terminal, or `NO_COLOR`).
 */
export const make = (io: Io): Console.Console => {
  const unsafe = new NodeConsole({
    stdout: writableFor(io.stdout, colorEnabled(io.stdout, io.env)),
    stderr: writableFor(io.stderr, colorEnabled(io.stderr, io.env)),
    colorMode: false,
  })
  const sync =
    <Args extends ReadonlyArray<unknown>>(f: (...args: Args) => void) =>
    (...args: Args) =>
      Effect.sync(() => f(...args))
  return {
    [Console.TypeId]: Console.TypeId,
    assert: sync((condition: boolean, ...args: ReadonlyArray<unknown>) =>
      unsafe.assert(condition, args.map(String).join(" ")),
    ),
    clear: Effect.void,
    count: sync((label?: string) => unsafe.count(label)),
    countReset: sync((label?: string) => unsafe.countReset(label)),
    debug: sync((...args: ReadonlyArray<unknown>) => unsafe.debug(...args)),
    dir: sync((item: unknown, options?: object) => unsafe.dir(item, options)),
    dirxml: sync((...args: ReadonlyArray<unknown>) => unsafe.dirxml(...args)),
    error: sync((...args: ReadonlyArray<unknown>) => unsafe.error(...args)),
    group: sync((options?: { readonly label?: string | undefined }) =>
      unsafe.group(options?.label ?? ""),
    ),
    groupEnd: Effect.sync(() => unsafe.groupEnd()),
    info: sync((...args: ReadonlyArray<unknown>) => unsafe.info(...args)),
    log: sync((...args: ReadonlyArray<unknown>) => unsafe.log(...args)),
    table: sync((data: unknown, properties?: ReadonlyArray<string>) =>
      unsafe.table(data, properties === undefined ? undefined : [...properties]),
    ),
    time: sync((label?: string) => unsafe.time(label)),
    timeEnd: sync((label?: string) => unsafe.timeEnd(label)),
    timeLog: sync((label?: string, ...args: ReadonlyArray<unknown>) =>
      unsafe.timeLog(label, ...args),
    ),
    trace: sync((...args: ReadonlyArray<unknown>) => unsafe.trace(...args)),
    warn: sync((...args: ReadonlyArray<unknown>) => unsafe.warn(...args)),
    unsafe,
  }
}
