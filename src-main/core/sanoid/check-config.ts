// Whether sanoid is there (and which version), and a dry run of a candidate configuration
// before it replaces the real one: sanoid stops with "FATAL" on a setting it does not
// know, and with --readonly it only says what it would snapshot and prune. The dry run
// uses its own config, cache and run folders, so the real sanoid's cache and locks are
// never touched.
import type { CommandSpec } from '../zfs/command'

/** `sanoid --version` (Getopt::Long's auto_version); exit 127 when sanoid is not installed. */
export function sanoidVersionCommand(): CommandSpec {
  return { argv: ['sh', '-c', 'command -v sanoid >/dev/null || exit 127; sanoid --version'], successCodes: [0, 127] }
}

/**
 * The version from `sanoid --version`, or null when not installed. Read loosely (the
 * first x.y.z after "version"): no output captured from the lab yet.
 */
export function parseSanoidVersion(code: number, stdout: string): string | null {
  if (code === 127) return null
  const m = /version\s+(\d+\.\d+\.\d+)/.exec(stdout)
  if (!m) throw new Error(`sanoid --version printed no version: ${JSON.stringify(stdout.slice(0, 80))}`)
  return m[1]!
}

const DRY_RUN_SCRIPT = [
  'set -e',
  'd=$(mktemp -d)',
  'trap \'rm -rf "$d"\' EXIT',
  'mkdir "$d/conf" "$d/cache" "$d/run"',
  'cat > "$d/conf/sanoid.conf"',
  'sanoid --configdir="$d/conf" --cache-dir="$d/cache" --run-dir="$d/run" --readonly --verbose --take-snapshots --prune-snapshots',
].join('\n')

/** Runs sanoid read-only on the candidate text (stdin). Exit 0: sanoid accepted the configuration. */
export function sanoidDryRunCommand(candidate: string): CommandSpec {
  return { argv: ['sh', '-c', DRY_RUN_SCRIPT], successCodes: [0], stdin: candidate }
}

export interface SanoidDryRun {
  /** Full snapshot names sanoid would take now. */
  readonly wouldTake: readonly string[]
  /** Full snapshot names sanoid would prune now. */
  readonly wouldPrune: readonly string[]
}

/**
 * Reads the two lines sanoid 2.1.0 prints under --verbose, as written in its source:
 * "taking snapshot <dataset@name>[ (zfs recursive)]" and "INFO: pruning <dataset@name> ... ".
 * Not yet checked against captured output.
 */
export function parseSanoidDryRun(stdout: string): SanoidDryRun {
  const wouldTake: string[] = []
  const wouldPrune: string[] = []
  for (const line of stdout.split('\n')) {
    const take = /^taking snapshot (\S.*?@\S+?)( \(zfs recursive\))?$/.exec(line)
    if (take) wouldTake.push(take[1]!)
    const prune = /^INFO: pruning (\S.*?@\S+) \.\.\. ?$/.exec(line)
    if (prune) wouldPrune.push(prune[1]!)
  }
  return { wouldTake, wouldPrune }
}
