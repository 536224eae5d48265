// The files and commands a job's schedule puts on the hosts besides the units, the cron
// block and the sanoid blocks (those are core/schedule and core/sanoid): the script a
// scheduled run executes on the NAS (the job's lock, then syncoid per source), the
// off-site box's hold on the newest received snapshot before sanoid prunes there, what
// each host has (systemd, sanoid, apt), installing sanoid, and sanoid's own timer.
import { shellJoin, quoteArg } from '../core/shell/quote'
import { BUSY_EXIT } from '../core/replication/run-script'
import { checkJobId } from '../core/schedule/job-id'
import { checkRemotePath } from '../core/receive-user/nas-key'
import type { CommandSpec } from '../core/zfs/command'
import { CRON_FILE, cronMarkers } from '../core/schedule/cron-block'
import { findBlock, splitLines } from '../core/schedule/marked-block'

export const JOBS_DIR = '/var/lib/zfs-offsite/jobs'

function id(jobId: string): string {
  const c = checkJobId(jobId)
  if (!c.ok) throw new Error(`${JSON.stringify(jobId)}: ${c.reason}`)
  return c.value
}

export function scheduledRunPath(jobId: string): string {
  return `${JOBS_DIR}/${id(jobId)}/scheduled-run.sh`
}

/** What the unit's ExecStart= (or the cron line) runs: plain words only (checkExecArgv). */
export function scheduledRunCommand(jobId: string): string[] {
  return ['/bin/bash', scheduledRunPath(jobId)]
}

export function holdScriptPath(jobId: string): string {
  return `${JOBS_DIR}/${id(jobId)}/hold-newest.sh`
}

/** A drop-in of Debian's sanoid-prune.service: the hold is renewed right before every prune. */
export function pruneDropInPath(jobId: string): string {
  return `/etc/systemd/system/sanoid-prune.service.d/zfs-offsite-${id(jobId)}.conf`
}

/** The first line of every file here; the app replaces or removes only files that begin with it. */
export function fileMarker(jobId: string): string {
  return `# Written by ZFS Offsite for job ${id(jobId)}:`
}

/** The lines a scheduled run prints about itself (journal or cron log), read back by the app. */
export const RUN_LINE = /^zfs-offsite: (run-start|run-end|busy) at=(\d+)(?: outcome=(\w+))?/

export interface ScheduledSource {
  /** syncoid's argv for this source (syncoidInvocations). */
  readonly syncoid: readonly string[]
  readonly source: string
  readonly target: string
  readonly recursive: boolean
  /** Datasets at or below the source that syncoid leaves out: they get no hold either. */
  readonly exclusions: readonly string[]
}

export interface ScheduledRunInput {
  readonly jobId: string
  readonly jobName: string
  readonly lockFile: string
  /** Run in order; the run fails when any syncoid fails, and goes on with the next. */
  readonly sources: readonly ScheduledSource[]
  /**
   * After a source's syncoid succeeded: the job's hold tag (the one the app's own runs use)
   * and the NAS's ssh to the off-site box as syncoid makes it (receiverSshArgv). Absent: no
   * hold is moved.
   */
  readonly hold?: { readonly tag: string; readonly ssh: readonly string[] }
}

/**
 * move_hold DATASET SNAPSHOT (sh and bash): the tag $TAG on SNAPSHOT, then released from
 * the dataset's other snapshots. The new hold is placed before the old ones are released:
 * there is never a moment without one. Fails only when the new hold cannot be placed.
 */
const MOVE_HOLD_FUNCTION = [
  'move_hold() {',
  '  zfs holds -H "$2" | cut -f 2 | grep -qxF "$TAG" || zfs hold "$TAG" "$2" || return 1',
  '  zfs get -H -p -o name,value -t snapshot -d 1 userrefs "$1" | while IFS="$(printf \'\\t\')" read -r snap refs; do',
  '    [ "$snap" != "$2" ] && [ "$refs" != 0 ] || continue',
  '    if zfs holds -H "$snap" | cut -f 2 | grep -qxF "$TAG"; then zfs release "$TAG" "$snap" >/dev/null || echo "zfs-offsite: could not release the old hold on $snap"; fi',
  '  done',
  '  return 0',
  '}',
]

/**
 * Moves the job's hold on the NAS to the newest snapshot the off-site box has (by GUID):
 * the base of the next incremental, kept from sanoid's pruning the same way the app's own
 * runs keep theirs. The off-site box is asked with the one query of syncoid's the
 * receive-only wrapper admits (`zfs get -Hpd 1 -t snapshot guid,creation '<ds>'`); the
 * newest NAS snapshot whose GUID it lists is the base, whatever the names say.
 */
const HOLD_FUNCTIONS = [
  ...MOVE_HOLD_FUNCTION,
  'hold_one() {',
  '  local src=$1 dst=$2 got base',
  '  got=$("${SSH[@]}" "zfs get -Hpd 1 -t snapshot guid,creation \'$dst\'" </dev/null 2>&1) || { echo "zfs-offsite: hold-failed $src: could not read the snapshots of $dst on the off-site box: $(tail -n 1 <<<"$got")"; return 1; }',
  '  base=$(zfs list -H -p -o name,guid -t snapshot -s createtxg -d 1 "$src" | awk -F \'\\t\' \'NR == FNR { if ($2 == "guid") g[$3] = 1; next } ($2 in g) { b = $1 } END { print b }\' <(printf \'%s\\n\' "$got") -)',
  // Nothing in common (yet): nothing to protect.
  '  [ -n "$base" ] || return 0',
  '  move_hold "$src" "$base" || { echo "zfs-offsite: hold-failed $base: zfs hold refused"; return 1; }',
  '  echo "zfs-offsite: base-held $base"',
  '}',
  // hold_base SOURCE TARGET RECURSIVE EXCLUDED...: every dataset syncoid copied.
  'hold_base() {',
  '  local src=$1 dst=$2 rec=$3 list ds ex skip; shift 3',
  '  if [ "$rec" = 1 ]; then list=$(zfs list -H -o name -t filesystem,volume -r "$src") || return 1; else list=$src; fi',
  '  while IFS= read -r ds; do',
  '    skip=0',
  '    for ex in "$@"; do case $ds in "$ex" | "$ex"/*) skip=1 ;; esac; done',
  '    [ "$skip" = 0 ] || continue',
  '    hold_one "$ds" "$dst${ds#"$src"}"',
  '  done <<<"$list"',
  '}',
]

/**
 * The scheduled run: takes the job's lock exactly as the app's own runs do (flock -n on the
 * same file, the owner written beside it), so an app run and a timer run never overlap; a
 * busy lock ends the run with 75, which the service unit counts as success. After each
 * source's syncoid succeeds, the job's hold moves to the new base (HOLD_FUNCTIONS). A hold
 * that cannot be placed is reported but does not fail the run: the copy itself arrived.
 */
export function scheduledRunScript(input: ScheduledRunInput): string {
  const name = input.jobName.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim()
  const lines = [
    '#!/bin/bash',
    `${fileMarker(input.jobId)} the scheduled replication of “${name}”. Managed by the app; it replaces or removes this file.`,
    'set -u',
    `LOCK=${quoteArg(checkRemotePath(input.lockFile))}`,
    'now() { date +%s; }',
  ]
  if (input.hold) lines.push(`TAG=${quoteArg(input.hold.tag)}`, `SSH=(${shellJoin(input.hold.ssh)})`, ...HOLD_FUNCTIONS)
  lines.push(
    'exec 9>>"$LOCK"',
    'if ! flock -n 9; then',
    '  echo "zfs-offsite: busy at=$(now) owner=$(cat "$LOCK.owner" 2>/dev/null || echo unknown): another run of this job is going; this one steps aside"',
    `  exit ${BUSY_EXIT}`,
    'fi',
    'printf \'%s %s\\n\' scheduled "$$" > "$LOCK.owner"',
    'echo "zfs-offsite: run-start at=$(now)"',
    'failed=0',
  )
  for (const s of input.sources) {
    const held = input.hold ? ` && { hold_base ${shellJoin([s.source, s.target, s.recursive ? '1' : '0', ...s.exclusions])} </dev/null 2>&1 || true; }` : ''
    lines.push(`{ ${shellJoin(s.syncoid)} </dev/null 2>&1${held}; } || { s=$?; echo "zfs-offsite: syncoid ended with status $s: ${s.source}"; failed=1; }`)
  }
  lines.push(
    'rm -f "$LOCK.owner"',
    'flock -u 9',
    'if [ "$failed" = 0 ]; then echo "zfs-offsite: run-end at=$(now) outcome=succeeded"; exit 0; fi',
    'echo "zfs-offsite: run-end at=$(now) outcome=failed"',
    'exit 1',
  )
  return lines.join('\n') + '\n'
}

/**
 * On the off-site box, as root, before sanoid prunes: each of the job's received datasets
 * gets a hold on its newest snapshot (the newest it shares with the NAS: nothing else
 * writes snapshots there) and the app's hold is released from the older ones. sanoid's
 * `zfs destroy` of a held snapshot fails and sanoid goes on with the rest, so the base of
 * the next incremental survives whatever the prune-only counts say.
 */
export function holdScript(input: { readonly jobId: string; readonly tag: string; readonly roots: readonly { readonly dataset: string; readonly recursive: boolean }[] }): string {
  const lines = [
    '#!/bin/sh',
    `${fileMarker(input.jobId)} holds the newest received snapshot of each of the job’s datasets before sanoid prunes. Managed by the app.`,
    'set -u',
    'PATH=/usr/local/sbin:/usr/sbin:/sbin:/usr/local/bin:/usr/bin:/bin',
    `TAG=${quoteArg(input.tag)}`,
    'status=0',
    ...MOVE_HOLD_FUNCTION,
    'hold_newest() {',
    '  newest=$(zfs list -H -o name -t snapshot -s createtxg -d 1 "$1" | tail -n 1)',
    '  [ -n "$newest" ] || return 0',
    '  move_hold "$1" "$newest" || { echo "could not hold $newest" >&2; status=1; }',
    '}',
  ]
  for (const r of input.roots) {
    const list = shellJoin(['zfs', 'list', '-H', '-o', 'name', '-t', 'filesystem,volume', ...(r.recursive ? ['-r'] : []), r.dataset])
    // A dataset not received yet has nothing to protect.
    lines.push(`for ds in $(${list} 2>/dev/null); do hold_newest "$ds"; done`)
  }
  // A hold that could not be placed stops the prune (the unit's ExecStartPre fails): better no pruning than a lost base.
  lines.push('exit $status')
  return lines.join('\n') + '\n'
}

export function pruneDropInText(jobId: string): string {
  return [
    `${fileMarker(jobId)} before sanoid prunes, hold the newest received snapshot of the job’s datasets. Managed by the app.`,
    '[Service]',
    `ExecStartPre=/bin/sh ${holdScriptPath(jobId)}`,
    '',
  ].join('\n')
}

const PUT_SCRIPT = [
  'set -e',
  'f=$1; marker=$2',
  'if [ -e "$f" ]; then case "$(head -n 1 "$f")" in "$marker"*) ;; *) echo "$f was not written by ZFS Offsite; not replaced" >&2; exit 3 ;; esac; fi',
  'umask 022',
  'mkdir -p "${f%/*}"',
  'cat > "$f.zfs-offsite-new"',
  'if [ -e "$f" ] && cmp -s "$f.zfs-offsite-new" "$f"; then rm -f "$f.zfs-offsite-new"; echo unchanged; exit 0; fi',
  'chmod "$3" "$f.zfs-offsite-new"',
  'mv -f "$f.zfs-offsite-new" "$f"',
  'echo written',
].join('\n')

/** Writes one of the app's own files (never over a file without the job's marker on its first line). */
export function putAppFileCommand(path: string, jobId: string, text: string, mode: '644' | '755' = '644'): CommandSpec {
  // The marker is the first line of a script after its #! line: compare that line instead.
  const first = text.startsWith('#!') ? text.split('\n')[1]! : text.split('\n')[0]!
  if (!first.startsWith(fileMarker(jobId))) throw new Error('only the app’s own files are written this way')
  const script = text.startsWith('#!') ? PUT_SCRIPT.replace('head -n 1', 'sed -n 2p') : PUT_SCRIPT
  return { argv: ['sh', '-c', script, 'sh', checkRemotePath(path), fileMarker(jobId), mode], successCodes: [0], stdin: text }
}

const DROP_SCRIPT = [
  'set -e',
  'marker=$1; shift',
  'for f in "$@"; do',
  '  [ -e "$f" ] || continue',
  '  if head -n 2 "$f" | grep -qF -- "$marker"; then rm -f -- "$f"; else echo "$f was not written by ZFS Offsite; not removed" >&2; exit 3; fi',
  '  rmdir --ignore-fail-on-non-empty -- "${f%/*}"',
  'done',
].join('\n')

/** Removes the app's own files (those that carry the job's marker) and their folders when empty. */
export function removeAppFilesCommand(jobId: string, paths: readonly string[]): CommandSpec {
  return { argv: ['sh', '-c', DROP_SCRIPT, 'sh', fileMarker(jobId), ...paths.map(checkRemotePath)], successCodes: [0] }
}

export function daemonReloadCommand(): CommandSpec {
  return { argv: ['systemctl', 'daemon-reload'], successCodes: [0] }
}

export interface HostFacts {
  readonly systemd: boolean
  readonly sanoid: boolean
  readonly syncoid: boolean
  readonly apt: boolean
  readonly flock: boolean
  /** `systemctl is-enabled sanoid.timer`: enabled, disabled, not-found… (null without systemd). */
  readonly sanoidTimer: string | null
}

const FACTS = [
  'test -d /run/systemd/system && command -v systemctl >/dev/null && echo systemd',
  'command -v sanoid >/dev/null && echo sanoid',
  'command -v syncoid >/dev/null && echo syncoid',
  'command -v apt-get >/dev/null && echo apt',
  'command -v flock >/dev/null && echo flock',
  'test -d /run/systemd/system && echo "sanoid-timer=$(systemctl is-enabled sanoid.timer 2>/dev/null || true)"',
].join('; ')

export function hostFactsCommand(): CommandSpec {
  return { argv: ['sh', '-c', `${FACTS}; true`], successCodes: [0] }
}

export function parseHostFacts(stdout: string): HostFacts {
  const lines = stdout.split('\n').map((l) => l.trim())
  const has = (w: string): boolean => lines.includes(w)
  const timer = lines.find((l) => l.startsWith('sanoid-timer='))
  return {
    systemd: has('systemd'),
    sanoid: has('sanoid'),
    syncoid: has('syncoid'),
    apt: has('apt'),
    flock: has('flock'),
    sanoidTimer: timer === undefined ? null : timer.slice('sanoid-timer='.length) || 'not-found',
  }
}

/** Debian's and Ubuntu's sanoid (which ships syncoid), without questions. */
export function installSanoidCommand(): CommandSpec {
  return { argv: ['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'install', '-y', '-q', 'sanoid'], successCodes: [0] }
}

/** Debian's sanoid.timer runs sanoid.service (take) and sanoid-prune.service (prune) every 15 minutes. */
export function enableSanoidTimerCommand(): CommandSpec {
  return { argv: ['systemctl', 'enable', '--now', 'sanoid.timer'], successCodes: [0] }
}

export function disableSanoidTimerCommand(): CommandSpec {
  return { argv: ['systemctl', 'disable', '--now', 'sanoid.timer'], successCodes: [0] }
}

/** For cron hosts: the host's wall clock now (for the next run) and its offset. */
export function wallClockCommand(): CommandSpec {
  return { argv: ['date', '+%Y %m %d %H %M %z %s'], successCodes: [0] }
}

export function tailLogCommand(path: string, lines = 200): CommandSpec {
  return { argv: ['sh', '-c', 'tail -n "$2" -- "$1" 2>/dev/null; true', 'sh', checkRemotePath(path), String(lines)], successCodes: [0] }
}

export interface LastRun {
  readonly at: string
  readonly outcome: 'running' | 'succeeded' | 'failed' | 'busy'
  readonly message?: string
}

/**
 * The last run as the script's own lines tell it (the journal after systemd forgot, or the
 * cron log): its start, its end and outcome, or a busy exit; a failure carries the lines the
 * run printed (syncoid's errors), the last ten; a success, the holds it could not place.
 */
export function lastRunFromLines(lines: readonly string[]): LastRun | null {
  let last: LastRun | null = null
  let printed: string[] = []
  for (const line of lines) {
    const m = RUN_LINE.exec(line)
    if (!m) {
      printed.push(line)
      continue
    }
    const at = new Date(Number(m[2]) * 1000).toISOString()
    if (m[1] === 'run-start') {
      last = { at, outcome: 'running' }
      printed = []
    } else if (m[1] === 'busy') last = { at, outcome: 'busy' }
    else if (last) {
      // A success whose hold on the new base could not be placed says so (HOLD_FUNCTIONS).
      const holds = printed.filter((l) => l.startsWith('zfs-offsite: hold-failed ')).map((l) => l.slice('zfs-offsite: hold-failed '.length))
      last =
        m[3] === 'succeeded'
          ? { at: last.at, outcome: 'succeeded', ...(holds.length > 0 ? { message: holds.slice(-10).join('\n') } : {}) }
          : { at: last.at, outcome: 'failed', message: printed.slice(-10).join('\n') }
    }
  }
  return last
}

/** The job's cron block with its command lines commented out: the schedule kept, nothing run. */
export function disabledCronBlock(text: string, jobId: string): string {
  const m = cronMarkers(jobId)
  const found = findBlock(text, m, CRON_FILE)
  if (!found.ok || found.value === null) return text
  const lines = splitLines(text)
  for (let i = found.value.first + 1; i < found.value.last; i++) if (!lines[i]!.startsWith('#')) lines[i] = `#disabled# ${lines[i]!}`
  return lines.join('')
}

