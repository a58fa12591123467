// Files through plain descriptors and node:fs's callback API. A `FileHandle` (node:fs/promises)
// is an object the garbage collector tracks, made transferable, for every open; a storm that
// opens and appends to thousands of incident files a second paid more for those objects than
// for the system calls. The slow call, fsync, still runs on libuv's thread pool.
import * as fs from "node:fs"

const settle =
  <A>(resolve: (value: A) => void, reject: (error: unknown) => void) =>
  (error: NodeJS.ErrnoException | null, value: A) =>
    error === null ? resolve(value) : reject(error)

export const openDescriptor = (path: string, flags: string | number, mode = 0o644) =>
  new Promise<number>((resolve, reject) => fs.open(path, flags, mode, settle(resolve, reject)))

export const closeDescriptor = (fd: number) =>
  new Promise<void>((resolve, reject) =>
    fs.close(fd, (error) => (error === null ? resolve() : reject(error))),
  )

const syncDescriptor = (fd: number) =>
  new Promise<void>((resolve, reject) =>
    fs.fsync(fd, (error) => (error === null ? resolve() : reject(error))),
  )

/** Reads up to `length` bytes at `position` into `bytes` from `offset`: the bytes read. */
export const readDescriptor = (
  fd: number,
  bytes: Buffer,
  offset: number,
  length: number,
  position: number,
) =>
  new Promise<number>((resolve, reject) =>
    fs.read(fd, bytes, offset, length, position, settle(resolve, reject)),
  )

/**
 * Writes all of `bytes` (at the end, for a descriptor opened with O_APPEND), then fsyncs. The
 * write only copies into the page cache (microseconds, so it is synchronous, as the lock's calls
 * are); the fsync, which waits for the disk, goes through the thread pool.
 */
export const writeDurably = async (fd: number, bytes: Buffer): Promise<void> => {
  let written = 0
  while (written < bytes.length) written += fs.writeSync(fd, bytes, written, bytes.length - written)
  await syncDescriptor(fd)
}

/** Creates (`wx`) or appends to (`a`) `file` with `bytes`, fsynced before it resolves. */
export const appendDurably = async (
  file: string,
  bytes: Buffer,
  flag: "a" | "wx",
): Promise<void> => {
  const fd = await openDescriptor(file, flag)
  try {
    await writeDurably(fd, bytes)
  } finally {
    await closeDescriptor(fd)
  }
}

/** Fsyncs a directory: what was created, linked or renamed in it is durable. */
export const syncDirectory = async (dir: string): Promise<void> => {
  const fd = await openDescriptor(dir, "r")
  try {
    await syncDescriptor(fd)
  } finally {
    await closeDescriptor(fd)
  }
}
