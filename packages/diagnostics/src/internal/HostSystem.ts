import { promises as fs } from "node:fs"
import { basename } from "node:path"

/**
 * Host facts read the way psutil reads them on Linux: from /proc and statfs(2). systeminformation
 * shells out (`df`, `ps`, and `execSync('cat /proc/mounts')`, which blocks the event loop and so
 * every concurrent probe); these readers are used instead on Linux, and systeminformation on
 * other systems.
 */

export interface MountUsage {
  readonly mount: string
  readonly device: string
  readonly type: string
  readonly sizeBytes: number
  readonly usedBytes: number
  readonly availableBytes: number
  /** Used against used + available, as `df` computes Use%. */
  readonly usedRatio: number
  readonly inodes?: number
  readonly inodesUsed?: number
  readonly inodesUsedRatio?: number
}

const pseudoTypes = new Set([
  "proc",
  "sysfs",
  "devtmpfs",
  "devpts",
  "tmpfs",
  "cgroup",
  "cgroup2",
  "securityfs",
  "pstore",
  "debugfs",
  "tracefs",
  "mqueue",
  "hugetlbfs",
  "configfs",
  "fusectl",
  "binfmt_misc",
  "autofs",
  "bpf",
  "nsfs",
  "rpc_pipefs",
  "squashfs",
  "ramfs",
  "efivarfs",
  "selinuxfs",
  "fuse.lxcfs",
  "fuse.portal",
  "fuse.gvfsd-fuse",
])

const skippedPrefixes = [
  "/proc",
  "/sys",
  "/dev",
  "/run",
  "/snap",
  "/var/lib/docker",
  "/var/lib/containerd",
]

/** /proc/mounts escapes spaces and such as octal (`\040`). */
const unescapeMount = (text: string) =>
  !text.includes("\\")
    ? text
    : text.replace(/\\([0-7]{3})/g, (_, octal: string) =>
        String.fromCharCode(Number.parseInt(octal, 8)),
      )

/** The local file systems worth watching: no pseudo file systems, no container layers. */
export const localMounts = (
  procMounts: string,
): ReadonlyArray<{ mount: string; device: string; type: string }> => {
  const seen = new Map<string, { mount: string; device: string; type: string }>()
  for (const line of procMounts.split("\n")) {
    const [rawDevice, rawMount, type] = line.split(" ")
    if (rawDevice === undefined || rawMount === undefined || type === undefined) continue
    const mount = unescapeMount(rawMount)
    const device = unescapeMount(rawDevice)
    if (mount !== "/") {
      if (pseudoTypes.has(type) || type === "overlay") continue
      if (skippedPrefixes.some((prefix) => mount === prefix || mount.startsWith(`${prefix}/`)))
        continue
      if (/\/(?:overlay2?|containers|docker)\//.test(mount)) continue
    }
    // Bind mounts of the same device: keep the shortest path.
    const known = seen.get(device)
    if (known === undefined || mount.length < known.mount.length)
      seen.set(device, { mount, device, type })
  }
  return [...seen.values()].sort((a, b) => a.mount.localeCompare(b.mount))
}

/** Space and inodes of the file system holding `path`, from statfs(2). */
export const mountUsage = async (mount: string, device = "", type = ""): Promise<MountUsage> => {
  const stats = await fs.statfs(mount)
  const usedBytes = (stats.blocks - stats.bfree) * stats.bsize
  const availableBytes = stats.bavail * stats.bsize
  const usable = usedBytes + availableBytes
  const inodesUsed = stats.files - stats.ffree
  return {
    mount,
    device,
    type,
    sizeBytes: stats.blocks * stats.bsize,
    usedBytes,
    availableBytes,
    usedRatio: usable > 0 ? usedBytes / usable : 0,
    // Some file systems (btrfs) have no fixed inode table and report 0.
    ...(stats.files > 0
      ? { inodes: stats.files, inodesUsed, inodesUsedRatio: inodesUsed / stats.files }
      : {}),
  }
}

/** The last /proc/mounts read and its local mounts: the mounts rarely change between runs. */
let lastProcMounts: { readonly text: string; readonly mounts: ReturnType<typeof localMounts> } = {
  text: "",
  mounts: [],
}

/** Usage of every local mount (Linux: /proc/mounts). */
export const linuxMounts = async (): Promise<ReadonlyArray<MountUsage>> => {
  const text = await fs.readFile("/proc/mounts", "utf8")
  if (text !== lastProcMounts.text) lastProcMounts = { text, mounts: localMounts(text) }
  const mounts = lastProcMounts.mounts
  const usage = await Promise.all(
    mounts.map((entry) => mountUsage(entry.mount, entry.device, entry.type).catch(() => undefined)),
  )
  return usage.filter((entry): entry is MountUsage => entry !== undefined)
}

export interface ProcessSample {
  readonly pid: number
  readonly name: string
  readonly command: string
  readonly rssBytes: number
  /** CPU over the sampling interval as a share of one core (may exceed 1 when multi-threaded). */
  readonly cpuCores: number
}

const readText = (path: string) => fs.readFile(path, "utf8").catch(() => undefined)

const totalJiffies = async (): Promise<number> => {
  const stat = (await readText("/proc/stat")) ?? ""
  const cpu = stat.split("\n").find((line) => line.startsWith("cpu "))
  return (cpu ?? "")
    .split(/\s+/)
    .slice(1)
    .reduce((sum, field) => sum + (Number(field) || 0), 0)
}

/** utime + stime of a process, in clock ticks. */
const processJiffies = async (pid: number): Promise<number | undefined> => {
  const stat = await readText(`/proc/${pid}/stat`)
  if (stat === undefined) return undefined
  // The command name (field 2) may contain spaces and parentheses: split after the last ")".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
  return Number(fields[11]) + Number(fields[12])
}

const rssOf = async (pid: number): Promise<number | undefined> => {
  const status = await readText(`/proc/${pid}/status`)
  const match = status === undefined ? null : /^VmRSS:\s+(\d+)\s+kB/m.exec(status)
  return match === null ? (status === undefined ? undefined : 0) : Number(match[1]) * 1024
}

interface ProcessIdentity {
  readonly pid: number
  readonly name: string
  readonly command: string
}

const identity = async (pid: number): Promise<ProcessIdentity | undefined> => {
  const [comm, cmdline] = await Promise.all([
    readText(`/proc/${pid}/comm`),
    readText(`/proc/${pid}/cmdline`),
  ])
  if (comm === undefined) return undefined
  return { pid, name: comm.trim(), command: (cmdline ?? "").split("\0").filter(Boolean).join(" ") }
}

/** Processes whose name (or the program of their command line) is `name`, else whose command contains it. */
export const findProcesses = async (name: string): Promise<ReadonlyArray<ProcessIdentity>> => {
  const pids = (await fs.readdir("/proc")).filter((entry) => /^\d+$/.test(entry)).map(Number)
  const identities = (
    await Promise.all(pids.filter((pid) => pid !== process.pid).map(identity))
  ).filter((entry): entry is ProcessIdentity => entry !== undefined)
  const exact = identities.filter(
    (entry) => entry.name === name || basename(entry.command.split(" ")[0] ?? "") === name,
  )
  return exact.length > 0 ? exact : identities.filter((entry) => entry.command.includes(name))
}

/** Looks a pid up. */
export const processById = (pid: number): Promise<ProcessIdentity | undefined> => identity(pid)

/**
 * RSS now and CPU over `intervalMs` for each process (as psutil's `cpu_percent(interval)`), from
 * /proc/<pid>/stat against /proc/stat.
 */
export const sampleProcesses = async (
  processes: ReadonlyArray<ProcessIdentity>,
  intervalMs: number,
  cores: number,
  wait: (ms: number) => Promise<void>,
): Promise<ReadonlyArray<ProcessSample>> => {
  const before = await Promise.all([
    totalJiffies(),
    ...processes.map((entry) => processJiffies(entry.pid)),
  ])
  await wait(intervalMs)
  const after = await Promise.all([
    totalJiffies(),
    ...processes.map((entry) => processJiffies(entry.pid)),
  ])
  const total = (after[0] ?? 0) - (before[0] ?? 0)
  const rss = await Promise.all(processes.map((entry) => rssOf(entry.pid)))
  return processes.flatMap((entry, index) => {
    const start = before[index + 1]
    const end = after[index + 1]
    const memory = rss[index]
    if (start === undefined || end === undefined || memory === undefined) return []
    return [
      {
        ...entry,
        rssBytes: memory,
        cpuCores: total > 0 ? ((end - start) / total) * cores : 0,
      },
    ]
  })
}
