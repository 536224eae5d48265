// The wizard's stored progress through the real services and config file: roles are
// checked before anything runs, and a step that was running when the app quit is offered
// again (interrupted) by the next app on the same data folder.
import { afterEach, describe, expect, it } from 'vitest'
import { createAppContext } from '../../../src-main/services/app-context'
import { openConfBackend } from '../../../src-main/adapters/config/conf-backend'
import { dispatch } from '../../../src-main/services/dispatch'
import type { Result } from '../../../src-main/shared/result'
import type { Host } from '../../../src-main/shared/model'
import type { WizardState } from '../../../src-main/shared/wizard'
import { makeTestContext, type TestContext } from './app-context-fixture'

let t: TestContext | undefined
afterEach(async () => {
  await t?.cleanup()
  t = undefined
})

const call = async <T>(c: TestContext['ctx'], method: string, input: unknown): Promise<Result<T>> => (await dispatch(c.services, c.logger, method, input)) as Result<T>

async function twoHosts(c: TestContext['ctx']): Promise<{ nas: Host; offsite: Host }> {
  const nas = await call<Host>(c, 'addHost', { label: 'NAS', role: 'nas', address: '192.0.2.10', user: 'root' })
  const offsite = await call<Host>(c, 'addHost', { label: 'Friend', role: 'offsite', address: '192.0.2.20', user: 'root' })
  if (!nas.ok || !offsite.ok) throw new Error('hosts not added')
  return { nas: nas.value, offsite: offsite.value }
}

describe('wizard service', () => {
  it('refuses a NAS and an off-site box in swapped roles, and stores no wizard', async () => {
    t = makeTestContext()
    const { nas, offsite } = await twoHosts(t.ctx)
    const r = await call(t.ctx, 'startWizard', { nasHostId: offsite.id, offsiteHostId: nas.id })
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error).toMatchObject({ code: 'HOST_ROLE_MISMATCH', cause: '“Friend” was added as an off-site box, not as the NAS.' })
    expect(await call(t.ctx, 'getWizard', {})).toEqual({ ok: true, value: null })
  })

  it('resumes after a restart: a step that was running is offered again with what it had made', async () => {
    t = makeTestContext()
    const { nas, offsite } = await twoHosts(t.ctx)
    const started = await call<WizardState>(t.ctx, 'startWizard', { nasHostId: nas.id, offsiteHostId: offsite.id })
    expect(started.ok && started.value.steps.tunnel.status).toBe('pending')
    // The app quits in the middle of the tunnel step, after it made the NAS's key.
    t.ctx.config.update((c) => {
      c.wizard!.steps.tunnel = { status: 'running', startedAt: '2026-12-01T10:00:00.000Z', created: [{ kind: 'wg-key', host: 'nas', interface: 'wg-zfs-offsite' }] }
    })
    t.ctx.dispose()
    const again = createAppContext({ dataDir: t.dataDir, transport: 'bridge', version: '0.0.0-test', openConfig: openConfBackend, keychainService: t.keychainService })
    try {
      const w = await call<WizardState>(again, 'getWizard', {})
      expect(w.ok && w.value?.steps.tunnel).toEqual({ status: 'interrupted', during: 'run', startedAt: '2026-12-01T10:00:00.000Z', created: [{ kind: 'wg-key', host: 'nas', interface: 'wg-zfs-offsite' }] })
      // A later step cannot jump the queue.
      const r = await call(again, 'runWizardStep', { step: 'destination', parent: 'backup/nas' })
      expect(!r.ok && r.error).toMatchObject({ code: 'WIZARD_STEP_REFUSED', cause: 'This step cannot run now: destination cannot start before tunnel is done.' })
    } finally {
      again.dispose()
    }
  })
})
