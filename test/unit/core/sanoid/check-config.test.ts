// Whether sanoid is installed, and the dry run's two verbose lines as sanoid 2.1.0's source
// prints them (not yet captured from the lab: a missing fixture).
import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { parseSanoidDryRun, parseSanoidVersion, sanoidDryRunCommand, sanoidVersionCommand } from '../../../../src-main/core/sanoid/check-config'

describe('sanoid on the host', () => {
  it('says “not installed” for exit 127 from the real sh where sanoid is missing', () => {
    const cmd = sanoidVersionCommand()
    const r = spawnSync(cmd.argv[0]!, cmd.argv.slice(1), { encoding: 'utf8', env: { ...process.env, PATH: '/nonexistent:/usr/bin:/bin' } })
    if (spawnSync('sh', ['-c', 'PATH=/nonexistent:/usr/bin:/bin command -v sanoid']).status !== 0) expect(parseSanoidVersion(r.status ?? -1, r.stdout)).toBeNull()
    expect(cmd.successCodes).toContain(127)
  })

  it('passes the candidate on stdin and keeps the real cache and locks out of the dry run', () => {
    const cmd = sanoidDryRunCommand('[tank/x]\n')
    expect(cmd.stdin).toBe('[tank/x]\n')
    expect(cmd.argv[2]).toMatch(/--configdir="\$d\/conf" --cache-dir="\$d\/cache" --run-dir="\$d\/run" --readonly/)
  })

  it('reads what sanoid would take and prune, dataset names with spaces included', () => {
    const out = [
      'INFO: taking snapshots...',
      'taking snapshot tank/family photos@autosnap_2026-11-28_02:00:00_hourly (zfs recursive)',
      'taking snapshot tank/docs@autosnap_2026-11-28_02:00:00_daily',
      'INFO: pruning snapshots...',
      'INFO: pruning tank/docs@autosnap_2026-10-01_23:59:00_daily ... ',
    ].join('\n')
    expect(parseSanoidDryRun(out)).toEqual({
      wouldTake: ['tank/family photos@autosnap_2026-11-28_02:00:00_hourly', 'tank/docs@autosnap_2026-11-28_02:00:00_daily'],
      wouldPrune: ['tank/docs@autosnap_2026-10-01_23:59:00_daily'],
    })
  })
})
