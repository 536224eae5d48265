// The "New job" form as typed, and its translation into the API's JobInput: MiB into
// bytes, one exclusion per line, raw always sent explicitly, the receiver only when
// something of it was typed. Pure, so it is tested without a browser.
import type { MethodInput } from '../../../src-main/shared/contract'
import type { HostProbe, Job, JobInput } from '../../../src-main/shared/model'
import type { AppError } from '../../../src-main/shared/errors'
import { inputIssues } from '../forms/input-issues'

const MIB = 1024 * 1024

export interface JobDraft {
  name: string
  sourceHostId: string
  targetHostId: string
  /** Ticked in the NAS's dataset list (when the NAS was checked and its datasets are known). */
  pickedDatasets: string[]
  /** Typed when the NAS's datasets are not known. */
  typedDataset: string
  recursive: boolean
  /** One dataset per line. */
  exclusions: string
  targetParent: string
  /** null until the person touches the box: then it follows the chosen datasets' encryption. */
  raw: boolean | null
  intermediates: boolean
  rateLimitMiB: string
  bufferMiB: string
  receiverUser: string
  receiverAddress: string
  receiverPort: string
  receiverIdentityFile: string
  receiverKnownHostsFile: string
}

export function emptyDraft(sourceHostId: string, targetHostId: string): JobDraft {
  return {
    name: '',
    sourceHostId,
    targetHostId,
    pickedDatasets: [],
    typedDataset: '',
    recursive: true,
    exclusions: '',
    targetParent: '',
    raw: null,
    intermediates: true,
    rateLimitMiB: '',
    bufferMiB: '',
    receiverUser: '',
    receiverAddress: '',
    receiverPort: '',
    receiverIdentityFile: '',
    receiverKnownHostsFile: '',
  }
}

/** The datasets the draft would copy, from the list or the text field. */
export function chosenDatasets(draft: JobDraft, probe: HostProbe | null): string[] {
  if (probe && probe.datasets.length > 0) return draft.pickedDatasets
  const typed = draft.typedDataset.trim()
  return typed === '' ? [] : [typed]
}

/** True when the probe says a chosen dataset (or, recursively, one of its children) is encrypted. */
export function anyEncrypted(datasets: readonly string[], recursive: boolean, probe: HostProbe | null): boolean {
  if (!probe) return false
  return probe.datasets.some(
    (d) => d.encryption !== 'off' && datasets.some((name) => d.name === name || (recursive && d.name.startsWith(`${name}/`))),
  )
}

/** Raw as the form shows it: what the person chose, else on exactly when something chosen is encrypted. */
export function effectiveRaw(draft: JobDraft, probe: HostProbe | null): boolean {
  return draft.raw ?? anyEncrypted(chosenDatasets(draft, probe), draft.recursive, probe)
}

function mebibytes(text: string): number | undefined {
  const trimmed = text.trim()
  if (trimmed === '') return undefined
  const value = Number(trimmed)
  // Not a number: left for the services to refuse by name rather than silently dropped.
  return Number.isFinite(value) ? Math.round(value * MIB) : Number.NaN
}

function optionalText(text: string): string | undefined {
  const trimmed = text.trim()
  return trimmed === '' ? undefined : trimmed
}

export function toJobInput(draft: JobDraft, probe: HostProbe | null): JobInput {
  const fromList = probe !== null && probe.datasets.length > 0
  // A typed name goes as typed (even empty), so the services name what is wrong with it.
  const datasets = fromList ? draft.pickedDatasets : [draft.typedDataset]
  const rate = mebibytes(draft.rateLimitMiB)
  const buffer = mebibytes(draft.bufferMiB)
  const receiverTyped = [draft.receiverUser, draft.receiverAddress, draft.receiverPort, draft.receiverIdentityFile, draft.receiverKnownHostsFile].some(
    (v) => v.trim() !== '',
  )
  const port = draft.receiverPort.trim() === '' ? undefined : Number(draft.receiverPort)
  const identityFile = optionalText(draft.receiverIdentityFile)
  const knownHostsFile = optionalText(draft.receiverKnownHostsFile)
  return {
    name: draft.name,
    sourceHostId: draft.sourceHostId,
    targetHostId: draft.targetHostId,
    sources: datasets.map((dataset) => ({ dataset, recursive: draft.recursive })),
    exclusions: draft.recursive
      ? draft.exclusions
          .split('\n')
          .map((l) => l.trim())
          .filter((l) => l !== '')
      : [],
    targetParent: draft.targetParent,
    raw: effectiveRaw(draft, probe),
    intermediates: draft.intermediates,
    ...(rate === undefined ? {} : { rateLimitBytesPerSecond: rate }),
    ...(buffer === undefined ? {} : { bufferBytes: buffer }),
    ...(receiverTyped
      ? {
          receiver: {
            user: draft.receiverUser,
            address: draft.receiverAddress,
            ...(port === undefined ? {} : { port }),
            ...(identityFile === undefined ? {} : { identityFile }),
            ...(knownHostsFile === undefined ? {} : { knownHostsFile }),
          },
        }
      : {}),
  }
}

/** The form's fields, as named by the job schema's paths. */
export type JobField =
  | 'name'
  | 'sourceHostId'
  | 'targetHostId'
  | 'sources'
  | 'exclusions'
  | 'targetParent'
  | 'raw'
  | 'intermediates'
  | 'rateLimitBytesPerSecond'
  | 'bufferBytes'
  | 'receiver.user'
  | 'receiver.address'
  | 'receiver.port'
  | 'receiver.identityFile'
  | 'receiver.knownHostsFile'

const FIELDS: readonly JobField[] = [
  'name',
  'sourceHostId',
  'targetHostId',
  'sources',
  'exclusions',
  'targetParent',
  'raw',
  'intermediates',
  'rateLimitBytesPerSecond',
  'bufferBytes',
  'receiver.user',
  'receiver.address',
  'receiver.port',
  'receiver.identityFile',
  'receiver.knownHostsFile',
]

/** "sources.0.dataset" → "sources"; "receiver.address" → "receiver.address". */
export function jobFieldOf(path: string): JobField | null {
  const parts = path.split('.')
  const key = parts[0] === 'receiver' && parts[1] ? `receiver.${parts[1]}` : (parts[0] ?? '')
  return (FIELDS as readonly string[]).includes(key) ? (key as JobField) : null
}

/** The first message the services gave for each field they refused. */
export function jobFieldIssues(error: AppError | null): Map<JobField, string> {
  const issues = new Map<JobField, string>()
  for (const issue of inputIssues(error)) {
    const field = jobFieldOf(issue.path)
    if (field && !issues.has(field)) issues.set(field, issue.message)
  }
  return issues
}

function mibText(bytes: number | undefined): string {
  return bytes === undefined ? '' : String(Math.round((bytes / MIB) * 1000) / 1000)
}

/** A job as its edit form starts: what may change between runs, as stored. */
export function draftOfJob(job: Job): JobDraft {
  return {
    ...emptyDraft(job.sourceHostId, job.targetHostId),
    name: job.name,
    recursive: job.sources.some((s) => s.recursive),
    exclusions: job.exclusions.join('\n'),
    targetParent: job.targetParent,
    raw: job.send.raw,
    intermediates: job.send.intermediates,
    rateLimitMiB: mibText(job.rateLimitBytesPerSecond),
    bufferMiB: mibText(job.bufferBytes),
    receiverUser: job.receiver?.user ?? '',
    receiverAddress: job.receiver?.address ?? '',
    receiverPort: job.receiver ? String(job.receiver.port) : '',
    receiverIdentityFile: job.receiver?.identityFile ?? '',
    receiverKnownHostsFile: job.receiver?.knownHostsFile ?? '',
  }
}

/**
 * The changes updateJob takes: an emptied rate limit or buffer is cleared (null); the
 * send flags are not among them, they stay as the job was made.
 */
export function toJobChanges(id: string, draft: JobDraft): MethodInput<'updateJob'> {
  const input = toJobInput({ ...draft, recursive: true }, null)
  return {
    id,
    name: draft.name,
    exclusions: draft.recursive ? (input.exclusions ?? []) : [],
    rateLimitBytesPerSecond: input.rateLimitBytesPerSecond ?? null,
    bufferBytes: input.bufferBytes ?? null,
    ...(input.receiver ? { receiver: input.receiver } : {}),
  }
}
