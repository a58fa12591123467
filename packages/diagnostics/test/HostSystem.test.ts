import { describe, expect, it } from "vitest"
import { localMounts } from "../src/internal/HostSystem.js"

describe("localMounts", () => {
  it("keeps local file systems, drops pseudo ones and container layers, one path per device", () => {
    const procMounts = [
      "overlay / overlay rw,relatime 0 0",
      "proc /proc proc rw 0 0",
      "tmpfs /dev/shm tmpfs rw 0 0",
      "/dev/vda1 /data ext4 rw 0 0",
      "/dev/vda1 /data/bind ext4 rw 0 0",
      "/dev/vdb /var/lib/docker ext4 rw 0 0",
      "overlay /tmp/x/docker/overlay2/abc/merged overlay rw 0 0",
      "/dev/vdc /mnt/with\\040space xfs rw 0 0",
    ].join("\n")
    expect(localMounts(procMounts).map((entry) => entry.mount)).toEqual([
      "/",
      "/data",
      "/mnt/with space",
    ])
  })
})
