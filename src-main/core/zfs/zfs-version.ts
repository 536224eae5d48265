// `zfs version`: the userland tools' and the kernel module's OpenZFS versions. They can
// differ after an upgrade without a reboot; features follow the kernel module.
import type { CommandSpec } from './command'

export interface OpenZfsVersion {
  readonly major: number
  readonly minor: number
  readonly patch: number
  /** As printed, e.g. "2.3.2-2~bpo12+2". */
  readonly full: string
}

export interface ZfsVersions {
  readonly userland: OpenZfsVersion
  readonly kernel: OpenZfsVersion | null
}

export function zfsVersionCommand(): CommandSpec {
  return { argv: ['zfs', 'version'], successCodes: [0] }
}

function parseOne(text: string): OpenZfsVersion | null {
  const m = /^(\d+)\.(\d+)\.(\d+)(.*)$/.exec(text)
  if (!m) return null
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), full: text }
}

export function parseZfsVersion(stdout: string): ZfsVersions {
  let userland: OpenZfsVersion | null = null
  let kernel: OpenZfsVersion | null = null
  for (const line of stdout.split('\n').map((l) => l.trim())) {
    if (line.startsWith('zfs-kmod-')) kernel = parseOne(line.slice('zfs-kmod-'.length))
    else if (line.startsWith('zfs-')) userland = parseOne(line.slice('zfs-'.length))
  }
  if (!userland) throw new Error(`not the output of zfs version: ${JSON.stringify(stdout.slice(0, 200))}`)
  return { userland, kernel }
}

/** a ≥ b */
export function atLeast(v: OpenZfsVersion, major: number, minor: number): boolean {
  return v.major > major || (v.major === major && v.minor >= minor)
}
