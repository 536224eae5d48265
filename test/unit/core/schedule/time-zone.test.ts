// The host's time zone, read by the real sh on this machine (no systemd runs here, so the
// probe falls back to /etc/timezone or the /etc/localtime link, as on a host without it).
import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { hostTimeZoneCommand, parseHostTimeZone } from '../../../../src-main/core/schedule/time-zone'

describe('host time zone', () => {
  it('reads a zone name and the current offset from the real probe', () => {
    const cmd = hostTimeZoneCommand()
    const r = spawnSync(cmd.argv[0]!, cmd.argv.slice(1), { encoding: 'utf8', env: { ...process.env, TZ: 'Europe/Berlin' } })
    expect(r.status).toBe(0)
    const tz = parseHostTimeZone(r.stdout)
    // TZ=Europe/Berlin moves `date +%z` to +0100 or +0200 whatever the host's zone is.
    expect([60, 120]).toContain(tz.utcOffsetMinutes)
    expect(tz.zone === null || /^[A-Za-z0-9_+\-/]+$/.test(tz.zone)).toBe(true)
  })

  it('reads negative offsets and an empty zone as unknown', () => {
    expect(parseHostTimeZone('zone=\noffset=-0330\n')).toEqual({ zone: null, utcOffsetMinutes: -210 })
    expect(parseHostTimeZone('zone=America/St_Johns\noffset=-0230\n').zone).toBe('America/St_Johns')
    expect(() => parseHostTimeZone('nonsense')).toThrow()
  })
})
