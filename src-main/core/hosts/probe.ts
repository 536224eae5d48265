// The host probe: one shell script per host that prints every fact the app needs (OS,
// OpenZFS, pools with features, datasets with encryption and snapshots, tools, what the
// login may do) in marked sections, and the pure parser that turns it into a HostProbe.
// One round trip instead of a dozen; each section carries its own exit status, so one
// failing part (no zfs on PATH, no pools) is reported without hiding the rest.
import type { CommandSpec } from '../zfs/command'
import { parseTreeListing, TREE_PROPERTIES } from '../zfs/list-tree'
import { newestSnapshot } from '../zfs/dataset-tree'
import { parsePoolProperties } from '../zfs/pool-properties'
import { parseZfsVersion } from '../zfs/zfs-version'
import type { HostProbe, ProbedDataset, ProbedPool, ProbeTool } from '../../shared/model'

export const PROBE_TOOLS: readonly ProbeTool[] = ['zfs', 'zpool', 'wg', 'pv', 'mbuffer', 'sanoid', 'syncoid', 'systemctl', 'sudo', 'setsid']

const MARK = '@@zfs-offsite-probe'

// zfs and zpool live in /usr/sbin, which is not on a non-root login's PATH on Debian.
// LC_ALL=C keeps numbers and messages in the form the parsers read.
export const PROBE_SCRIPT = [
  'PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"; export LC_ALL=C',
  `begin() { printf '${MARK} %s\\n' "$1"; }`,
  `end() { printf '\\n${MARK}-status %s\\n' "$1"; }`,
  'begin os; cat /etc/os-release 2>&1; end $?',
  'begin kernel; uname -sr 2>&1; end $?',
  'begin login; id -u 2>&1 && id -un 2>&1; end $?',
  'begin sudo; if [ "$(id -u)" = 0 ]; then echo root; elif command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then echo nopasswd; else echo no; fi; end $?',
  `begin tools; for t in ${PROBE_TOOLS.join(' ')}; do p=$(command -v "$t" 2>/dev/null) && printf '%s\\t%s\\n' "$t" "$p"; done; end 0`,
  'begin systemd; if [ -d /run/systemd/system ]; then echo yes; else echo no; fi; end $?',
  'begin zfs-version; zfs version 2>&1; end $?',
  'begin pools; zpool get -Hp all 2>&1; end $?',
  `begin datasets; zfs list -Hp -t filesystem,volume,snapshot -o ${TREE_PROPERTIES.join(',')} 2>&1; end $?`,
  'begin allow; rc=0; for p in $(zpool list -H -o name 2>/dev/null); do zfs allow "$p" 2>&1 || rc=$?; done; end $rc',
].join('\n')

export function probeCommand(): CommandSpec {
  return { argv: ['sh', '-c', PROBE_SCRIPT], successCodes: [0] }
}

export class ProbeParseError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ProbeParseError'
  }
}

interface Section {
  readonly text: string
  readonly status: number
}

export function splitSections(stdout: string): Map<string, Section> {
  const sections = new Map<string, Section>()
  const re = new RegExp(`^${MARK} (\\S+)\\n([\\s\\S]*?)\\n?\\n${MARK}-status (\\d+)$`, 'gm')
  for (const m of stdout.matchAll(re)) sections.set(m[1]!, { text: m[2]!, status: Number(m[3]) })
  return sections
}

function osRelease(text: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const line of text.split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim())
    if (m) out.set(m[1]!, m[2]!.replace(/^"(.*)"$/, '$1'))
  }
  return out
}

/** `zfs allow <pool>` blocks: "---- Permissions on tank ----" then "\tuser name perms". */
export function parseAllow(text: string): HostProbe['login']['delegations'] {
  const out: HostProbe['login']['delegations'] = []
  let dataset: string | null = null
  for (const raw of text.split('\n')) {
    const on = /^-+ Permissions on (\S+) -*$/.exec(raw.trim())
    if (on) {
      dataset = on[1]!
      continue
    }
    const grant = /^\s+((?:user|group) \S+|everyone) (\S+)$/.exec(raw)
    if (grant && dataset) out.push({ dataset, who: grant[1]!, permissions: grant[2]!.split(',') })
  }
  return out
}

function pools(text: string): ProbedPool[] {
  const byPool = new Map<string, string[]>()
  for (const line of text.split('\n')) {
    if (line === '') continue
    const pool = line.split('\t')[0]!
    const lines = byPool.get(pool) ?? []
    lines.push(line)
    byPool.set(pool, lines)
  }
  return [...byPool.values()].map((lines) => {
    const p = parsePoolProperties(lines.join('\n'))
    return {
      name: p.pool,
      health: p.health,
      sizeBytes: p.sizeBytes,
      freeBytes: p.freeBytes,
      allocatedBytes: p.allocatedBytes,
      features: Object.fromEntries(p.features),
    }
  })
}

function datasets(text: string): ProbedDataset[] {
  const tree = parseTreeListing(text)
  return [...tree.datasets.values()].map((d) => {
    const newest = newestSnapshot(d)
    return {
      name: d.name,
      type: d.type,
      usedBytes: d.used,
      referencedBytes: d.referenced,
      encryption: d.encryption,
      encryptionRoot: d.encryptionRoot,
      keyStatus: d.keyStatus,
      snapshotCount: d.snapshots.length,
      newestSnapshot: newest ? { name: newest.name, creation: newest.creation } : null,
      resumable: d.receiveResumeToken !== null,
    }
  })
}

/** Parses the probe script's output. `probedAt` is the time the probe ran (ISO). */
export function parseProbe(stdout: string, probedAt: string): HostProbe {
  const sections = splitSections(stdout)
  if (sections.size === 0) throw new ProbeParseError(`not the output of the host probe: ${JSON.stringify(stdout.slice(0, 200))}`)
  const problems: HostProbe['problems'] = []
  /** The section's text when it succeeded; otherwise notes the problem and gives null. */
  const ok = (name: string, message: string): string | null => {
    const s = sections.get(name)
    if (!s) {
      problems.push({ section: name, message: `${message} (no answer)` })
      return null
    }
    if (s.status !== 0) {
      problems.push({ section: name, message: `${message}: ${s.text.trim() || `exit status ${s.status}`}` })
      return null
    }
    return s.text
  }
  const guard = <T>(name: string, message: string, parse: () => T, fallback: T): T => {
    try {
      return parse()
    } catch (err) {
      problems.push({ section: name, message: `${message}: ${err instanceof Error ? err.message : String(err)}` })
      return fallback
    }
  }

  const release = osRelease(ok('os', 'The operating system could not be read') ?? '')
  const kernel = ok('kernel', 'The kernel version could not be read')?.trim() || null
  const loginLines = (ok('login', 'The login could not be identified') ?? '').split('\n').map((l) => l.trim())
  const uid = /^\d+$/.test(loginLines[0] ?? '') ? Number(loginLines[0]) : null
  const sudoText = (ok('sudo', 'Whether sudo works could not be checked') ?? 'no').trim()
  const tools: Record<string, string | null> = Object.fromEntries(PROBE_TOOLS.map((t) => [t, null]))
  for (const line of (sections.get('tools')?.text ?? '').split('\n')) {
    const [name, path] = line.split('\t')
    if (name && path && name in tools) tools[name] = path
  }

  const versionText = ok('zfs-version', 'OpenZFS is not installed or not on the PATH')
  const zfs =
    versionText === null
      ? null
      : guard(
          'zfs-version',
          'The OpenZFS version could not be read',
          () => {
            const v = parseZfsVersion(versionText)
            return { userland: v.userland.full, kernel: v.kernel?.full ?? null, major: v.userland.major, minor: v.userland.minor, patch: v.userland.patch }
          },
          null,
        )
  const poolText = ok('pools', 'The pools could not be listed')
  const datasetText = ok('datasets', 'The datasets could not be listed')
  const allowText = sections.get('allow')?.text ?? ''

  return {
    os: {
      name: release.get('PRETTY_NAME') ?? release.get('NAME') ?? 'unknown',
      id: release.get('ID') ?? null,
      version: release.get('VERSION_ID') ?? null,
      kernel,
    },
    zfs,
    pools: poolText === null || poolText.trim() === '' ? [] : guard('pools', 'The pool list could not be read', () => pools(poolText), []),
    datasets: datasetText === null ? [] : guard('datasets', 'The dataset list could not be read', () => datasets(datasetText), []),
    tools,
    systemd: (sections.get('systemd')?.text ?? '').trim() === 'yes',
    login: {
      user: loginLines[1] || 'unknown',
      uid,
      isRoot: uid === 0,
      sudo: sudoText === 'root' || sudoText === 'nopasswd' ? sudoText : 'no',
      delegations: parseAllow(allowText),
    },
    problems,
    probedAt,
  }
}
