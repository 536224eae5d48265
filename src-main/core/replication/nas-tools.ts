// What the NAS offers a run: systemd (for a transient unit that outlives the app's
// session), pv and mbuffer (rate limit, buffer), flock (the job lock). Asked once per
// run in one command, so a tool installed since the last probe is used.
import type { CommandSpec } from '../zfs/command'

export interface NasTools {
  readonly systemd: boolean
  readonly pv: boolean
  readonly mbuffer: boolean
  readonly flock: boolean
  readonly setsid: boolean
}

const CHECKS = [
  // systemd-run alone is not enough: it must be the running init.
  'test -d /run/systemd/system && command -v systemd-run >/dev/null && echo systemd',
  'command -v pv >/dev/null && echo pv',
  'command -v mbuffer >/dev/null && echo mbuffer',
  'command -v flock >/dev/null && echo flock',
  'command -v setsid >/dev/null && echo setsid',
].join('; ')

export function nasToolsCommand(): CommandSpec {
  return { argv: ['sh', '-c', `${CHECKS}; true`], successCodes: [0] }
}

export function parseNasTools(stdout: string): NasTools {
  const found = new Set(stdout.split('\n').map((l) => l.trim()))
  return { systemd: found.has('systemd'), pv: found.has('pv'), mbuffer: found.has('mbuffer'), flock: found.has('flock'), setsid: found.has('setsid') }
}
