// The New job form's translation into the API's input (pure functions, no browser):
// sizes in MiB, exclusions per line, raw sent explicitly and defaulting from the probe.
import { describe, expect, it } from 'vitest'
import { draftOfJob, effectiveRaw, emptyDraft, jobFieldIssues, toJobChanges, toJobInput } from '../../src-renderer/src/jobs/job-draft'
import { parseInputIssues } from '../../src-renderer/src/forms/input-issues'
import type { HostProbe, Job, ProbedDataset } from '../../src-main/shared/model'

function dataset(name: string, encryption: string): ProbedDataset {
  return {
    name,
    type: 'filesystem',
    usedBytes: 1000,
    referencedBytes: 1000,
    encryption,
    encryptionRoot: encryption === 'off' ? null : name,
    keyStatus: encryption === 'off' ? null : 'available',
    snapshotCount: 3,
    newestSnapshot: null,
    resumable: false,
  }
}

const probe: HostProbe = {
  os: { name: 'Debian', id: 'debian', version: '12', kernel: null },
  zfs: null,
  pools: [],
  datasets: [dataset('tank', 'off'), dataset('tank/photos', 'off'), dataset('tank/photos/raw', 'aes-256-gcm'), dataset('tank/docs', 'off')],
  tools: {},
  systemd: true,
  login: { user: 'root', uid: 0, isRoot: true, sudo: 'root', delegations: [] },
  problems: [],
  probedAt: '2025-05-01T08:00:00.000Z',
}

describe('job draft', () => {
  it('turns MiB into bytes, splits exclusions by line and sends raw explicitly', () => {
    const draft = {
      ...emptyDraft('nas', 'off'),
      name: 'Photos',
      typedDataset: 'tank/photos',
      exclusions: ' tank/photos/cache \n\n tank/photos/tmp',
      targetParent: 'backup/nas',
      rateLimitMiB: '10',
      bufferMiB: '1.5',
    }
    expect(toJobInput(draft, null)).toEqual({
      name: 'Photos',
      sourceHostId: 'nas',
      targetHostId: 'off',
      sources: [{ dataset: 'tank/photos', recursive: true }],
      exclusions: ['tank/photos/cache', 'tank/photos/tmp'],
      targetParent: 'backup/nas',
      raw: false,
      intermediates: true,
      rateLimitBytesPerSecond: 10 * 1024 * 1024,
      bufferBytes: 1.5 * 1024 * 1024,
    })
  })

  it('leaves the receiver out until some of it is typed, and drops exclusions without children', () => {
    const draft = { ...emptyDraft('nas', 'off'), typedDataset: 'tank/docs', recursive: false, exclusions: 'tank/docs/x' }
    const plain = toJobInput(draft, null)
    expect(plain).not.toHaveProperty('receiver')
    expect(plain.exclusions).toEqual([])
    expect(plain.sources).toEqual([{ dataset: 'tank/docs', recursive: false }])
    const withReceiver = toJobInput({ ...draft, receiverUser: 'zfsreceive', receiverAddress: '10.99.0.2', receiverPort: '2222' }, null)
    expect(withReceiver.receiver).toEqual({ user: 'zfsreceive', address: '10.99.0.2', port: 2222 })
  })

  it('defaults raw to on when a chosen dataset or, with children, a child is encrypted', () => {
    const base = { ...emptyDraft('nas', 'off'), pickedDatasets: ['tank/docs'] }
    expect(effectiveRaw(base, probe)).toBe(false)
    expect(effectiveRaw({ ...base, pickedDatasets: ['tank/photos'] }, probe)).toBe(true)
    expect(effectiveRaw({ ...base, pickedDatasets: ['tank/photos'], recursive: false }, probe)).toBe(false)
    // Once the person chose, their choice stands.
    expect(effectiveRaw({ ...base, pickedDatasets: ['tank/photos'], raw: false }, probe)).toBe(false)
    expect(toJobInput({ ...base, pickedDatasets: ['tank/photos/raw'] }, probe)).toMatchObject({
      sources: [{ dataset: 'tank/photos/raw', recursive: true }],
      raw: true,
    })
  })

  it('reads the services’ field messages back per form field', () => {
    const details =
      'sources.0.dataset: A dataset name holds letters, digits and _ . : - / only, for example tank/photos.; receiver.address: Bad; x; exclusions.1: Too long'
    expect(parseInputIssues(details).map((i) => i.path)).toEqual(['sources.0.dataset', 'receiver.address', 'exclusions.1'])
    const issues = jobFieldIssues({ code: 'INVALID_INPUT', cause: 'A dataset name holds…', fix: 'Correct it.', details })
    expect(issues.get('sources')).toBe('A dataset name holds letters, digits and _ . : - / only, for example tank/photos.')
    // A "; " inside a message stays in that message.
    expect(issues.get('receiver.address')).toBe('Bad; x')
    expect(issues.get('exclusions')).toBe('Too long')
  })

  it('takes a field named alone in the details (the services’ own checks) with the cause as its message', () => {
    const taken = jobFieldIssues({ code: 'ALREADY_EXISTS', cause: 'A job named “Photos” already exists.', fix: 'Give this job another name.', details: 'name' })
    expect([...taken]).toEqual([['name', 'A job named “Photos” already exists.']])
    const zfs = jobFieldIssues({ code: 'INVALID_INPUT', cause: 'Not a dataset name ZFS accepts: too deep', fix: 'Use the name as ZFS shows it.', details: 'sources.0.dataset' })
    expect(zfs.get('sources')).toBe('Not a dataset name ZFS accepts: too deep')
    const pathInCause = jobFieldIssues({ code: 'INVALID_INPUT', cause: 'Not a dataset name ZFS accepts: targetParent: Enter a name.', fix: 'Fix it.', details: 'targetParent' })
    expect(pathInCause.get('targetParent')).toBe('Not a dataset name ZFS accepts: Enter a name.')
    // Details that are not a field (an id, stderr) mark nothing.
    expect(jobFieldIssues({ code: 'NOT_FOUND', cause: 'Gone.', fix: 'Pick another.', details: '0b5c-41' }).size).toBe(0)
    expect(jobFieldIssues(null).size).toBe(0)
  })

  it('edits only what may change between runs, clearing an emptied rate limit', () => {
    const job: Job = {
      id: 'j1',
      name: 'Photos',
      sourceHostId: 'nas',
      targetHostId: 'off',
      sources: [{ dataset: 'tank/photos', recursive: true }],
      exclusions: ['tank/photos/cache'],
      targetParent: 'backup/nas',
      intermediates: true,
      rateLimitBytesPerSecond: 5 * 1024 * 1024,
      stallSeconds: 120,
      send: { raw: true, intermediates: true, largeBlocks: false, embedded: false, compressed: false },
      createdAt: '2025-05-01T08:00:00.000Z',
    }
    const draft = draftOfJob(job)
    expect(draft).toMatchObject({ name: 'Photos', exclusions: 'tank/photos/cache', rateLimitMiB: '5', bufferMiB: '', receiverUser: '' })
    expect(toJobChanges('j1', { ...draft, rateLimitMiB: '', receiverUser: 'zfsreceive', receiverAddress: '10.99.0.2' })).toEqual({
      id: 'j1',
      name: 'Photos',
      exclusions: ['tank/photos/cache'],
      rateLimitBytesPerSecond: null,
      bufferBytes: null,
      receiver: { user: 'zfsreceive', address: '10.99.0.2' },
    })
  })
})
