// The script the NAS runs for one replication run, detached from the app: it takes the
// job's lock, runs each transfer pipeline, and writes everything that happens to a state
// file the app reads (live, or after a restart, from the start). Progress comes from
// `zfs send -vP` itself; each stage's exit status is recorded (PIPESTATUS), so a failed
// send is never hidden behind a successful receive.
import { shellJoin, quoteArg } from '../shell/quote'

export interface RunTransfer {
  /** What the person reads, e.g. "changes from s3 to s5 of tank/photos". */
  readonly label: string
  readonly source: string
  readonly target: string
  /** From pipelineStages(): send first, ssh last, each quoted for bash. */
  readonly stages: readonly string[]
}

export interface RunScriptInput {
  readonly jobId: string
  readonly runId: string
  /** Folder on the NAS for this run's script and state file. */
  readonly stateDir: string
  /** One lock per job, shared with scheduled runs. */
  readonly lockFile: string
  readonly transfers: readonly RunTransfer[]
}

/** Exit status of a run that found the job's lock taken. */
export const BUSY_EXIT = 75

export const STATE_FILE = 'state.tsv'
export const SCRIPT_FILE = 'run.sh'

/** Job and run ids become file and unit names: keep them plain. */
export function checkRunId(id: string): string {
  if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(id)) throw new Error(`not a valid job or run id: ${JSON.stringify(id)}`)
  return id
}

export function runScript(input: RunScriptInput): string {
  checkRunId(input.jobId)
  checkRunId(input.runId)
  const state = `${input.stateDir}/${STATE_FILE}`
  const lines = [
    '#!/bin/bash',
    '# Written by ZFS Offsite for one replication run; safe to delete once the run ended.',
    'set -u',
    `STATE=${quoteArg(state)}`,
    `LOCK=${quoteArg(input.lockFile)}`,
    // One line per event: <µs since the epoch> TAB <event> TAB <fields…>. A field never
    // holds a line break; only the last field (a whole zfs line) may hold tabs.
    'emit() { local IFS=$\'\\t\'; printf \'%s\\t%s\\n\' "${EPOCHREALTIME/./}" "$*" >> "$STATE"; }',
    'tag() { while IFS= read -r line; do emit "$1" "$2" "$line"; done; }',
    'exec 9>>"$LOCK"',
    'if ! flock -n 9; then',
    '  emit busy "$(cat "$LOCK.owner" 2>/dev/null || echo unknown)"',
    `  exit ${BUSY_EXIT}`,
    'fi',
    `printf '%s %s\\n' ${quoteArg(input.runId)} "$$" > "$LOCK.owner"`,
    'cancelled=0',
    // systemctl stop / kill -TERM: stop the current pipeline, record, leave the partial
    // receive in place so the next run resumes it.
    "trap 'cancelled=1' TERM INT",
    `emit run-start ${quoteArg(input.runId)} "$$" "$(ps -o pgid= $$ | tr -d ' ')" ${input.transfers.length}`,
    'failed=0',
  ]
  input.transfers.forEach((t, i) => {
    const last = t.stages.length - 1
    const stages = t.stages.map((stage, k) => {
      // zfs send's stderr is its progress; every other stage's stderr is kept as errors.
      const kind = k === 0 ? 'progress' : 'stderr'
      return `${stage} 2> >(tag ${kind} ${i})${k === last ? ' >/dev/null' : ''}`
    })
    lines.push(
      `if [ "$failed" = 0 ] && [ "$cancelled" = 0 ]; then`,
      `  emit step-start ${i} ${quoteArg(t.source)} ${quoteArg(t.target)} ${quoteArg(t.label)}`,
      `  ${stages.join(' | ')}`,
      '  status=("${PIPESTATUS[@]}")',
      // Let the stderr readers finish before the step's end is written.
      '  wait',
      `  emit step-end ${i} "\${status[*]}"`,
      '  for s in "${status[@]}"; do [ "$s" = 0 ] || failed=1; done',
      'fi',
    )
  })
  lines.push(
    'if [ "$cancelled" = 1 ]; then outcome=cancelled',
    'elif [ "$failed" = 1 ]; then outcome=failed',
    'else outcome=succeeded; fi',
    // The lock is let go before the end is written: whoever reads run-end may start the
    // next run at once (an unlock acts on the lock itself, whichever child shares the fd).
    'rm -f "$LOCK.owner"',
    'flock -u 9',
    'emit run-end "$outcome"',
    '[ "$outcome" = succeeded ]',
  )
  return lines.join('\n') + '\n'
}

/** Writes the script (from stdin) and starts it detached: a transient systemd unit where there is systemd, else setsid. */
export function startRunCommand(input: { readonly stateDir: string; readonly runId: string; readonly systemd: boolean }): string {
  const dir = quoteArg(input.stateDir)
  const script = quoteArg(`${input.stateDir}/${SCRIPT_FILE}`)
  const start = input.systemd
    ? shellJoin(['systemd-run', '--quiet', '--collect', `--unit=zfs-offsite-run-${checkRunId(input.runId)}`, '--property=KillMode=control-group', 'bash', `${input.stateDir}/${SCRIPT_FILE}`])
    : `setsid -f bash ${script} </dev/null >/dev/null 2>&1`
  return `set -e; umask 077; mkdir -p ${dir}; cat > ${script}; ${start}`
}

/** Stops a run: the unit (all its processes), or the script's process group. */
export function cancelRunCommand(input: { readonly runId: string; readonly systemd: boolean; readonly pgid?: number }): string {
  if (input.systemd) return shellJoin(['systemctl', 'stop', `zfs-offsite-run-${checkRunId(input.runId)}.service`])
  if (input.pgid === undefined || !Number.isInteger(input.pgid) || input.pgid <= 1) throw new Error('need the run’s process group to cancel it')
  return shellJoin(['kill', '-TERM', '--', `-${input.pgid}`])
}

/** Follows the state file from its first line; used live and to reattach after a restart. */
export function followStateCommand(stateDir: string): string {
  return shellJoin(['tail', '-n', '+1', '-F', `${stateDir}/${STATE_FILE}`])
}
