// The state file reader on lines as the run script writes them, carrying zfs send's
// captured stderr (test/fixtures/zfs-*/send-progress-vP-resume.stderr).
import { describe, expect, it } from 'vitest'
import { parseRunState } from '../../../../src-main/core/replication/run-state'
import { fixture, ZFS_VERSIONS } from '../../../support/fixtures'

const stateOf = (sendStderr: string, extra = '') => {
  let at = 1_795_000_000_000_000
  const line = (...f: (string | number)[]) => `${(at += 1000)}\t${f.join('\t')}\n`
  return (
    line('run-start', 'run-1', 10, 10, 1) +
    line('step-start', 0, 'tank/plain', 'backup/plain', 'resume tank/plain@a') +
    sendStderr
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => line('progress', 0, l))
      .join('') +
    extra
  )
}

describe.each(ZFS_VERSIONS)('the run state on OpenZFS %s output', (version) => {
  it('reads a resumed send’s progress and takes the token dump for neither progress nor an error', () => {
    const f = fixture(version, 'send-progress-vP-resume')
    const state = parseRunState(stateOf(f.stderr))
    const t = state.transfers[0]!
    expect(t.sendMessages).toEqual([])
    expect(t.totalBytes).toBe(Number(/^size\t(\d+)$/m.exec(f.stderr)![1]))
    expect(t.bytesDone).toBeGreaterThan(0)
  })

  it('keeps what zfs send says when it fails, for the error shown to the person', () => {
    const f = fixture(version, 'send-missing-snapshot')
    const state = parseRunState(stateOf(f.stderr))
    expect(state.transfers[0]!.sendMessages).toEqual(f.stderr.split('\n').filter((l) => l.trim() !== ''))
  })
})
