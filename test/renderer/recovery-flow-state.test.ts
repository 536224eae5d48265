// Where the person is in the recovery flow (pure, no browser): going back only shows the
// step before, another snapshot forgets the last passphrase check, a look needs only the
// snapshot's own key, and ending a look leads to the clean-up.
import { describe, expect, it } from 'vitest'
import { initialRecoveryFlow, lookCanStart, recoveryFlow, type RecoveryChoice, type RecoveryFlowState } from '../../src-renderer/src/recovery/recovery-flow'
import type { BackupDataset, KeyCheck, Look, RecoveryKeys } from '../../src-main/shared/recovery'

const dataset: BackupDataset = {
  name: 'backup/nas/secret',
  type: 'filesystem',
  usedBytes: 1,
  referencedBytes: 1,
  encrypted: true,
  encryptionRoot: 'backup/nas/secret',
  keyStatus: 'unavailable',
  partiallyReceived: false,
  snapshots: [
    { name: 's1', guid: '1', createdAt: '2026-11-27T02:00:00.000Z', usedBytes: 0, referencedBytes: 1 },
    { name: 's2', guid: '2', createdAt: '2026-11-28T02:00:00.000Z', usedBytes: 0, referencedBytes: 1 },
  ],
}
const choice = (snapshot: string): RecoveryChoice => ({ hostId: 'offsite-1', parent: 'backup/nas', dataset, snapshot })
const root = (encryptionRoot: string, outcome: KeyCheck['outcome']): KeyCheck => ({ encryptionRoot, datasets: [encryptionRoot], outcome, source: 'keychain', saved: false, keychainDataset: encryptionRoot })
const keys = (...roots: KeyCheck[]): RecoveryKeys => ({
  snapshot: 'backup/nas/secret@s2',
  passphrasesNeeded: roots.length,
  unencrypted: [],
  roots,
  allUnlock: roots.every((r) => r.outcome === 'unlocks' || r.outcome === 'loaded'),
})
const look: Look = { lookId: 'abcd1234', hostId: 'offsite-1', snapshot: 'backup/nas/secret@s2', clone: 'backup/nas/.zfs-offsite-look-abcd1234', mountpoint: '/var/lib/zfs-offsite/look/abcd1234', mounted: true, keysLoaded: ['backup/nas/secret'] }

describe('recovery flow', () => {
  it('goes nowhere but the start before a backup is chosen', () => {
    expect(recoveryFlow(initialRecoveryFlow, { type: 'go', step: 'restore' })).toBe(initialRecoveryFlow)
  })

  it('going back to the start keeps the choice and the check; the same snapshot again keeps the check, another one forgets it', () => {
    let s: RecoveryFlowState = recoveryFlow(initialRecoveryFlow, { type: 'chose', choice: choice('backup/nas/secret@s2') })
    expect(s.step).toBe('keys')
    s = recoveryFlow(s, { type: 'keys-checked', keys: keys(root('backup/nas/secret', 'unlocks')) })
    s = recoveryFlow(s, { type: 'go', step: 'start' })
    expect(s.choice?.snapshot).toBe('backup/nas/secret@s2')
    expect(s.keys).not.toBeNull()
    expect(recoveryFlow(s, { type: 'chose', choice: choice('backup/nas/secret@s2') }).keys).not.toBeNull()
    expect(recoveryFlow(s, { type: 'chose', choice: choice('backup/nas/secret@s1') }).keys).toBeNull()
  })

  it('a look needs the snapshot’s own key only; a restore needs every root (allUnlock)', () => {
    const childMissing = keys(root('backup/nas/secret', 'unlocks'), root('backup/nas/secret/child', 'missing'))
    expect(lookCanStart(childMissing, dataset)).toBe(true)
    expect(childMissing.allUnlock).toBe(false)
    expect(lookCanStart(keys(root('backup/nas/secret', 'wrong')), dataset)).toBe(false)
    expect(lookCanStart(keys(root('backup/nas/secret', 'loaded')), dataset)).toBe(true)
    expect(lookCanStart(null, dataset)).toBe(false)
    expect(lookCanStart(keys(), { ...dataset, encrypted: false, encryptionRoot: null, keyStatus: 'none' })).toBe(true)
  })

  it('ending a look leads to the clean-up with what was done, and starting over forgets everything', () => {
    let s = recoveryFlow(initialRecoveryFlow, { type: 'chose', choice: choice('backup/nas/secret@s2') })
    s = recoveryFlow(s, { type: 'look-started', look })
    expect(s).toMatchObject({ step: 'look', look })
    s = recoveryFlow(s, { type: 'look-ended', ended: { lookId: look.lookId, done: ['Unmounted.'], keysUnloaded: ['backup/nas/secret'], keysLeftLoaded: [] } })
    expect(s).toMatchObject({ step: 'cleanup', look: null, ended: { done: ['Unmounted.'] } })
    expect(recoveryFlow(s, { type: 'start-over' })).toEqual(initialRecoveryFlow)
  })
})
