// The wizard's reducer: steps in order, what each made recorded for undo, skipping a
// reachable target, failing, resuming after a restart, and undoing newest first — and
// the state surviving a trip through JSON and the schema at every point.
import { describe, expect, it } from 'vitest'
import {
  wizardReducer,
  initialWizardState,
  parseWizardState,
  afterRestart,
  currentStep,
  refusal,
  createdOf,
  type WizardEvent,
  type WizardState,
  type Created,
} from '../../../../src-main/core/wizard/wizard-state'
import { appError } from '../../../../src-main/shared/errors'

const t = (n: number) => `2026-12-01T10:00:${String(n).padStart(2, '0')}.000Z`
const start = () => initialWizardState({ nasHostId: 'nas-1', offsiteHostId: 'offsite-1', at: t(0) })

const tunnelMade: Created[] = [
  { kind: 'wg-key', host: 'nas', interface: 'wg-zfs-offsite' },
  { kind: 'wg-conf', host: 'nas', interface: 'wg-zfs-offsite' },
  { kind: 'wg-unit', host: 'nas', interface: 'wg-zfs-offsite' },
]
const tunnelResult = {
  kind: 'tunnel' as const,
  interface: 'wg-zfs-offsite',
  nasAddress: '10.99.0.1',
  offsiteAddress: '10.99.0.2',
  prefixLength: 30,
  nasPort: 51820,
  offsitePort: 51820,
  nasPublicKey: '5JFvCPFWD9J5IGKSbWpZrQVevZMFdmOTbJbi+zcZexA=',
  offsitePublicKey: 'fqO1uoXMtQ5xVQ0e5E5KVZvfpg4DhNocP/tywStjDkE=',
}
const receiver = { user: 'zfsreceive', address: '10.99.0.2', port: 22, identityFile: '/var/lib/zfs-offsite/ssh/receive_ed25519', knownHostsFile: '/var/lib/zfs-offsite/ssh/known_hosts', permissions: [] }

/** Applies events one by one; after each, the state must survive JSON and the schema unchanged. */
function run(state: WizardState, events: WizardEvent[]): WizardState {
  return events.reduce((s, e) => {
    const next = wizardReducer(s, e)
    expect(parseWizardState(JSON.parse(JSON.stringify(next)))).toEqual(next)
    return next
  }, state)
}

const tunnelDone: WizardEvent[] = [
  { type: 'step-started', step: 'tunnel', at: t(1) },
  ...tunnelMade.map((created, i): WizardEvent => ({ type: 'resource-created', step: 'tunnel', at: t(2 + i), created })),
  { type: 'step-succeeded', step: 'tunnel', at: t(5), result: tunnelResult },
]

describe('the wizard’s steps', () => {
  it('start at the tunnel and go in order to the job', () => {
    let s = start()
    expect(currentStep(s)).toBe('tunnel')
    s = run(s, [
      ...tunnelDone,
      { type: 'step-started', step: 'receive-user', at: t(6) },
      { type: 'step-succeeded', step: 'receive-user', at: t(7), result: receiver, created: [{ kind: 'receive-user', host: 'offsite', user: 'zfsreceive' }] },
      { type: 'step-started', step: 'destination', at: t(8) },
      { type: 'step-succeeded', step: 'destination', at: t(9), result: { parent: 'backup/nas' } },
      { type: 'step-started', step: 'preflight', at: t(10) },
      { type: 'step-succeeded', step: 'preflight', at: t(11), result: { blockers: 0, warnings: 1 } },
      { type: 'step-started', step: 'job', at: t(12) },
      { type: 'step-succeeded', step: 'job', at: t(13), result: { jobId: 'job-1' } },
    ])
    expect(currentStep(s)).toBeNull()
    expect(s.steps.tunnel).toMatchObject({ status: 'succeeded', created: tunnelMade, result: tunnelResult })
    expect(s.updatedAt).toBe(t(13))
  })

  it('refuses a step before the one it needs, leaving the state as it was', () => {
    const s = start()
    const e: WizardEvent = { type: 'step-started', step: 'destination', at: t(1) }
    expect(refusal(s, e)).toBe('destination cannot start before tunnel is done')
    expect(wizardReducer(s, e)).toBe(s)
    expect(wizardReducer(s, { type: 'step-succeeded', step: 'tunnel', at: t(1), result: tunnelResult })).toBe(s)
  })

  it('does not start a second step while one is running', () => {
    const s = run(start(), [...tunnelDone, { type: 'step-started', step: 'receive-user', at: t(6) }])
    expect(refusal(s, { type: 'step-started', step: 'tunnel', at: t(7) })).toBe('receive-user is still in progress')
  })

  it('skips the tunnel when the off-site box is already reachable, and goes on', () => {
    const s = run(start(), [{ type: 'step-skipped', step: 'tunnel', at: t(1), result: { kind: 'reachable', offsiteAddress: '192.168.1.20', nasAddress: '192.168.1.10' } }])
    expect(s.steps.tunnel).toMatchObject({ status: 'skipped', reason: 'already-reachable' })
    expect(currentStep(s)).toBe('receive-user')
  })

  it('skips only what can be skipped, and nothing that made changes', () => {
    expect(refusal(start(), { type: 'step-skipped', step: 'destination', at: t(1) } as unknown as WizardEvent)).toBe('destination cannot be skipped')
    const failed = run(start(), [
      { type: 'step-started', step: 'tunnel', at: t(1) },
      { type: 'step-failed', step: 'tunnel', at: t(2), error: appError('COMMAND_FAILED', 'x', 'y'), created: [tunnelMade[0]!] },
    ])
    expect(refusal(failed, { type: 'step-skipped', step: 'tunnel', at: t(3), result: { kind: 'reachable', offsiteAddress: 'a', nasAddress: 'b' } })).toMatch(/undo them before skipping/)
  })

  it('keeps what a failed step made, and keeps it across a re-run', () => {
    const error = appError('COMMAND_NOT_FOUND', '“wg” is not installed on this host.', 'Install it; the host check lists what is missing.')
    let s = run(start(), [
      { type: 'step-started', step: 'tunnel', at: t(1) },
      { type: 'resource-created', step: 'tunnel', at: t(2), created: tunnelMade[0]! },
      { type: 'step-failed', step: 'tunnel', at: t(3), error },
    ])
    expect(s.steps.tunnel).toEqual({ status: 'failed', at: t(3), error, created: [tunnelMade[0]] })
    s = run(s, [{ type: 'step-started', step: 'tunnel', at: t(4) }, ...tunnelMade.map((created): WizardEvent => ({ type: 'resource-created', step: 'tunnel', at: t(5), created }))])
    // Recorded once, however often a re-run reports it.
    expect(createdOf(s.steps.tunnel)).toEqual(tunnelMade)
  })
})

describe('a failed step that put back what it made', () => {
  it('forgets only what was put back, and keeps what an earlier run made', () => {
    const error = appError('WG_NO_HANDSHAKE', 'no handshake', 'check the endpoint')
    const earlier = run(start(), [
      { type: 'step-started', step: 'tunnel', at: t(1) },
      { type: 'resource-created', step: 'tunnel', at: t(2), created: tunnelMade[0]! },
      { type: 'step-failed', step: 'tunnel', at: t(3), error },
    ])
    const s = run(earlier, [
      { type: 'step-started', step: 'tunnel', at: t(4) },
      ...tunnelMade.slice(1).map((created): WizardEvent => ({ type: 'resource-created', step: 'tunnel', at: t(5), created })),
      { type: 'step-failed', step: 'tunnel', at: t(6), error, rolledBack: tunnelMade.slice(1) },
    ])
    expect(s.steps.tunnel).toEqual({ status: 'failed', at: t(6), error, created: [tunnelMade[0]] })
  })
})

describe('a restarted app', () => {
  it('finds the step that was running interrupted, with what it made, and can run it again', () => {
    const mid = run(start(), [{ type: 'step-started', step: 'tunnel', at: t(1) }, { type: 'resource-created', step: 'tunnel', at: t(2), created: tunnelMade[0]! }])
    const stored = JSON.parse(JSON.stringify(mid)) as unknown
    const resumed = afterRestart(parseWizardState(stored))
    expect(resumed.steps.tunnel).toEqual({ status: 'interrupted', during: 'run', startedAt: t(1), created: [tunnelMade[0]] })
    expect(currentStep(resumed)).toBe('tunnel')
    const again = run(resumed, [{ type: 'step-started', step: 'tunnel', at: t(3) }])
    expect(again.steps.tunnel).toEqual({ status: 'running', startedAt: t(3), created: [tunnelMade[0]] })
  })

  it('finds an interrupted undo, which must be finished before the step runs again', () => {
    const undoing = run(start(), [...tunnelDone, { type: 'undo-requested', step: 'tunnel', at: t(6) }])
    const resumed = afterRestart(undoing)
    expect(resumed.steps.tunnel).toMatchObject({ status: 'interrupted', during: 'undo' })
    expect(refusal(resumed, { type: 'step-started', step: 'tunnel', at: t(7) })).toMatch(/finish the undo first/)
    expect(refusal(resumed, { type: 'undo-requested', step: 'tunnel', at: t(7) })).toBeNull()
  })

  it('refuses a stored state that is not a wizard', () => {
    expect(() => parseWizardState({ version: 2 })).toThrow()
    expect(() => parseWizardState({ ...start(), steps: { ...start().steps, tunnel: { status: 'running' } } })).toThrow()
  })
})

describe('undo', () => {
  const allDone = () =>
    run(start(), [
      ...tunnelDone,
      { type: 'step-started', step: 'receive-user', at: t(6) },
      { type: 'step-succeeded', step: 'receive-user', at: t(7), result: receiver, created: [{ kind: 'receive-user', host: 'offsite', user: 'zfsreceive' }] },
      { type: 'step-started', step: 'destination', at: t(8) },
      { type: 'step-succeeded', step: 'destination', at: t(9), result: { parent: 'backup/nas' } },
      { type: 'step-started', step: 'preflight', at: t(10) },
      { type: 'step-succeeded', step: 'preflight', at: t(11), result: { blockers: 0, warnings: 0 } },
    ])

  it('goes newest first: the tunnel cannot be undone while the receive user exists', () => {
    expect(refusal(allDone(), { type: 'undo-requested', step: 'tunnel', at: t(12) })).toBe('undo receive-user first: it depends on tunnel')
  })

  it('returns an undone step to pending, and asks again what was decided after it', () => {
    const s = run(allDone(), [
      { type: 'undo-requested', step: 'receive-user', at: t(12) },
      { type: 'undo-done', step: 'receive-user', at: t(13) },
    ])
    expect(s.steps['receive-user']).toEqual({ status: 'pending' })
    expect(s.steps.destination).toEqual({ status: 'pending' })
    expect(s.steps.preflight).toEqual({ status: 'pending' })
    expect(s.steps.tunnel.status).toBe('succeeded')
    const gone = run(s, [
      { type: 'undo-requested', step: 'tunnel', at: t(14) },
      { type: 'undo-done', step: 'tunnel', at: t(15) },
    ])
    expect(gone).toEqual({ ...start(), updatedAt: t(15) })
  })

  it('keeps what could not be removed when an undo fails', () => {
    const error = appError('COMMAND_FAILED', 'A command on the host failed (exit status 1).', 'Read the details.')
    const s = run(allDone(), [
      { type: 'undo-requested', step: 'receive-user', at: t(12) },
      { type: 'undo-failed', step: 'receive-user', at: t(13), error, remaining: [{ kind: 'receive-user', host: 'offsite', user: 'zfsreceive' }] },
    ])
    expect(s.steps['receive-user']).toEqual({ status: 'undo-failed', at: t(13), error, created: [{ kind: 'receive-user', host: 'offsite', user: 'zfsreceive' }] })
    expect(refusal(s, { type: 'undo-requested', step: 'receive-user', at: t(14) })).toBeNull()
  })

  it('has nothing to undo for a step that never ran or was skipped', () => {
    expect(refusal(start(), { type: 'undo-requested', step: 'tunnel', at: t(1) })).toBe('tunnel has nothing to undo')
  })
})
