// The host's own time zone: schedules run on the host's clock (systemd and cron both read
// OnCalendar and cron times in the system zone), so the words for a schedule name it.
import type { CommandSpec } from '../zfs/command'

const SCRIPT = [
  'tz=$(timedatectl show --property=Timezone --value 2>/dev/null) || tz=',
  '[ -n "$tz" ] || tz=$(cat /etc/timezone 2>/dev/null) || tz=',
  // Without systemd or /etc/timezone: the zoneinfo file /etc/localtime points to.
  '[ -n "$tz" ] || { l=$(readlink /etc/localtime 2>/dev/null) && tz=${l#*zoneinfo/}; } || tz=',
  'echo "zone=$tz"',
  'echo "offset=$(date +%z)"',
].join('\n')

export function hostTimeZoneCommand(): CommandSpec {
  return { argv: ['sh', '-c', SCRIPT], successCodes: [0] }
}

export interface HostTimeZone {
  /** An IANA name such as Europe/Berlin, or null when the host does not say. */
  readonly zone: string | null
  /** Minutes east of UTC right now (changes with daylight saving time). */
  readonly utcOffsetMinutes: number
}

export function parseHostTimeZone(stdout: string): HostTimeZone {
  const zoneLine = /^zone=(.*)$/m.exec(stdout)
  const offset = /^offset=([+-])(\d{2})(\d{2})$/m.exec(stdout)
  if (!zoneLine || !offset) throw new Error(`not the output of the time zone probe: ${JSON.stringify(stdout.slice(0, 80))}`)
  const zone = zoneLine[1]!.trim()
  const minutes = Number(offset[2]) * 60 + Number(offset[3])
  return { zone: /^[A-Za-z0-9_+\-/]+$/.test(zone) ? zone : null, utcOffsetMinutes: offset[1] === '-' ? -minutes : minutes }
}
