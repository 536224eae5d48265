// Parts shared by the New job form and a job's edit form: the field names used in
// errors, the rate limit and buffer, how the NAS reaches the off-site box, and the
// error notice that lists the fields to correct.
import { useId } from 'react'
import { ErrorNotice } from '../components/error-notice'
import { TextField } from '../components/text-field'
import type { JobDraft, JobField } from '../jobs/job-draft'
import type { AppError } from '../../../src-main/shared/errors'

/** How each field is called on the form, to name it in the error. */
export const FIELD_LABELS: Record<JobField, string> = {
  name: 'Name',
  sourceHostId: 'NAS (copy from)',
  targetHostId: 'Off-site box (copy to)',
  sources: 'Datasets to copy',
  exclusions: 'Leave out',
  targetParent: 'Parent dataset on the off-site box',
  raw: 'Keep encrypted data encrypted off-site (raw)',
  intermediates: 'Send every snapshot, not only the newest',
  rateLimitBytesPerSecond: 'Rate limit (MiB/s)',
  bufferBytes: 'Buffer (MiB)',
  'receiver.user': 'Receive user',
  'receiver.address': 'Address the NAS uses',
  'receiver.port': 'Port',
  'receiver.identityFile': 'Key file on the NAS',
  'receiver.knownHostsFile': 'Known hosts file on the NAS',
}

export interface DraftFieldsProps {
  readonly draft: JobDraft
  set<K extends keyof JobDraft>(key: K, value: JobDraft[K]): void
  readonly issues: ReadonlyMap<JobField, string>
}

export function ShapingFields({ draft, set, issues }: DraftFieldsProps) {
  return (
    <div className="form-row form-row-even">
      <TextField
        label={FIELD_LABELS.rateLimitBytesPerSecond}
        type="number"
        value={draft.rateLimitMiB}
        onChange={(v) => set('rateLimitMiB', v)}
        error={issues.get('rateLimitBytesPerSecond')}
        inputProps={{ min: 0, step: 'any', inputMode: 'decimal' }}
        hint="Optional. Keeps your internet usable while a copy runs; empty sends as fast as the line allows (needs pv or mbuffer on the NAS)."
      />
      <TextField
        label={FIELD_LABELS.bufferBytes}
        type="number"
        value={draft.bufferMiB}
        onChange={(v) => set('bufferMiB', v)}
        error={issues.get('bufferBytes')}
        inputProps={{ min: 1, step: 'any', inputMode: 'decimal' }}
        hint="Optional. Memory on the NAS that smooths out an uneven connection (needs mbuffer on the NAS)."
      />
    </div>
  )
}

export function ReceiverFields({ draft, set, issues }: DraftFieldsProps) {
  return (
    <fieldset>
      <legend>How the NAS reaches the off-site box</legend>
      <p className="hint">
        The NAS sends the copy straight to the off-site box, usually over the WireGuard tunnel, and signs in there as a user that may only
        receive copies. A job can be saved without these, but it cannot start until they are set.
      </p>
      <div className="form-row">
        <TextField
          label={FIELD_LABELS['receiver.address']}
          value={draft.receiverAddress}
          onChange={(v) => set('receiverAddress', v)}
          error={issues.get('receiver.address')}
          placeholder="10.99.0.2"
          hint="The off-site box’s address as the NAS sees it, usually its tunnel address."
        />
        <TextField
          label={FIELD_LABELS['receiver.port']}
          type="number"
          value={draft.receiverPort}
          onChange={(v) => set('receiverPort', v)}
          error={issues.get('receiver.port')}
          placeholder="22"
          inputProps={{ min: 1, max: 65535 }}
        />
      </div>
      <TextField
        label={FIELD_LABELS['receiver.user']}
        value={draft.receiverUser}
        onChange={(v) => set('receiverUser', v)}
        error={issues.get('receiver.user')}
        placeholder="zfsreceive"
        hint="The login on the off-site box that receives the copies."
      />
      <TextField
        label={FIELD_LABELS['receiver.identityFile']}
        value={draft.receiverIdentityFile}
        onChange={(v) => set('receiverIdentityFile', v)}
        error={issues.get('receiver.identityFile')}
        placeholder="/root/.ssh/offsite_ed25519"
        hint="Optional. The NAS’s private key for this job; empty uses the NAS’s default key."
      />
      <TextField
        label={FIELD_LABELS['receiver.knownHostsFile']}
        value={draft.receiverKnownHostsFile}
        onChange={(v) => set('receiverKnownHostsFile', v)}
        error={issues.get('receiver.knownHostsFile')}
        placeholder="/root/.ssh/known_hosts"
        hint="Optional. Where the NAS keeps the off-site box’s identity; empty uses the NAS’s default."
      />
    </fieldset>
  )
}

export interface FieldErrorNoticeProps {
  readonly error: AppError
  readonly issues: ReadonlyMap<JobField, string>
  labelOf(field: JobField): string
}

/** The error, with the fields it names listed by their labels between cause and fix. */
export function FieldErrorNotice({ error, issues, labelOf }: FieldErrorNoticeProps) {
  const listId = useId()
  return (
    <ErrorNotice error={error}>
      {issues.size > 0 ? (
        <>
          <p id={listId}>{issues.size === 1 ? 'Field to correct:' : 'Fields to correct:'}</p>
          <ul className="field-issues" aria-labelledby={listId}>
            {[...issues].map(([field, message]) => (
              <li key={field}>
                <strong>{labelOf(field)}</strong>
                {error.cause.includes(message) ? '' : `: ${message}`}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </ErrorNotice>
  )
}
