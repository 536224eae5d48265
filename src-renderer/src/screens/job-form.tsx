// The "New job" form: what to copy from the NAS, where it lands on the off-site box, how
// it is sent, and how the NAS reaches the off-site box. The services validate (the
// shared schemas); the fields they refuse are marked and named in the error.
import { useId, useState, type FormEvent } from 'react'
import { api } from '../api'
import { SelectField, TextField, type SelectOption } from '../components/text-field'
import { formatBytes } from '../format/bytes'
import { useApiAction } from '../hooks/use-api-action'
import { anyEncrypted, chosenDatasets, effectiveRaw, emptyDraft, jobFieldIssues, toJobInput, type JobDraft, type JobField } from '../jobs/job-draft'
import type { Host, HostProbe, Job } from '../../../src-main/shared/model'
import { FIELD_LABELS, FieldErrorNotice, ReceiverFields, ShapingFields } from './job-form-parts'

export interface JobFormProps {
  readonly hosts: readonly Host[]
  /** What the last check of each host found, by host id. */
  readonly probes: ReadonlyMap<string, HostProbe>
  onAdded(job: Job): void
}

const hostOption = (h: Host): SelectOption<string> => ({ value: h.id, label: h.label })

export function JobForm({ hosts, probes, onAdded }: JobFormProps) {
  const nases = hosts.filter((h) => h.role === 'nas')
  const offsites = hosts.filter((h) => h.role === 'offsite')
  const [draft, setDraft] = useState<JobDraft>(() => emptyDraft(nases[0]?.id ?? '', offsites[0]?.id ?? ''))
  const action = useApiAction()
  const ids = { title: useId(), recursive: useId(), raw: useId(), rawHint: useId(), intermediates: useId(), datasets: useId() }

  const probe = probes.get(draft.sourceHostId) ?? null
  const fromList = probe !== null && probe.datasets.length > 0
  const chosen = chosenDatasets(draft, probe)
  const raw = effectiveRaw(draft, probe)
  const encrypted = anyEncrypted(chosen, draft.recursive, probe)
  const issues = jobFieldIssues(action.error)
  const labelOf = (field: JobField) => (field === 'sources' && !fromList ? 'Dataset to copy' : FIELD_LABELS[field])

  const set = <K extends keyof JobDraft>(key: K, value: JobDraft[K]) => {
    setDraft((d) => ({ ...d, [key]: value }))
    // An edit answers the last error; the next Add checks again.
    if (action.error) action.clearError()
  }

  const toggleDataset = (name: string, on: boolean) =>
    set('pickedDatasets', on ? [...draft.pickedDatasets, name] : draft.pickedDatasets.filter((d) => d !== name))

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const job = await action.run(() => api().addJob(toJobInput(draft, probe)))
    if (job) {
      setDraft(emptyDraft(draft.sourceHostId, draft.targetHostId))
      onAdded(job)
    }
  }

  return (
    <form className="form card job-form" aria-labelledby={ids.title} onSubmit={(e) => void submit(e)} noValidate>
      <h2 id={ids.title}>New job</h2>
      <p className="hint">A job copies datasets from your NAS to the off-site box. Check its plan before the first copy to see what it will send.</p>
      <TextField label="Name" value={draft.name} onChange={(v) => set('name', v)} error={issues.get('name')} placeholder="Photos and documents" />

      <div className="form-row form-row-even">
        <SelectField
          label={FIELD_LABELS.sourceHostId}
          value={draft.sourceHostId}
          options={nases.map(hostOption)}
          onChange={(v) => setDraft((d) => ({ ...d, sourceHostId: v, pickedDatasets: [], raw: null }))}
        />
        <SelectField label={FIELD_LABELS.targetHostId} value={draft.targetHostId} options={offsites.map(hostOption)} onChange={(v) => set('targetHostId', v)} />
      </div>

      {fromList ? (
        <fieldset aria-invalid={issues.has('sources') || undefined} aria-describedby={issues.has('sources') ? `${ids.datasets}-error` : undefined}>
          <legend>{FIELD_LABELS.sources}</legend>
          {issues.has('sources') ? (
            <p className="field-error" id={`${ids.datasets}-error`}>
              {issues.get('sources')}
            </p>
          ) : null}
          <ul className="dataset-picker">
            {probe.datasets.map((d) => {
              const boxId = `${ids.datasets}-${d.name}`
              return (
                <li key={d.name} style={{ paddingLeft: `${(d.name.split('/').length - 1) * 1.2}em` }}>
                  <div className="checkbox">
                    <input
                      id={boxId}
                      type="checkbox"
                      checked={draft.pickedDatasets.includes(d.name)}
                      onChange={(e) => toggleDataset(d.name, e.target.checked)}
                      aria-describedby={`${boxId}-facts`}
                    />
                    <label htmlFor={boxId} className="mono">
                      {d.name}
                    </label>
                    <span className="hint" id={`${boxId}-facts`}>
                      {d.encryption === 'off' ? 'not encrypted' : 'encrypted'} · {formatBytes(d.usedBytes)} · {d.snapshotCount}{' '}
                      {d.snapshotCount === 1 ? 'snapshot' : 'snapshots'}
                    </span>
                  </div>
                </li>
              )
            })}
          </ul>
        </fieldset>
      ) : (
        <TextField
          label={labelOf('sources')}
          value={draft.typedDataset}
          onChange={(v) => set('typedDataset', v)}
          error={issues.get('sources')}
          placeholder="tank/photos"
          hint="The dataset on the NAS, for example tank/photos. Connect to the NAS on the Hosts screen to pick from its list instead."
        />
      )}

      <div className="checkbox">
        <input id={ids.recursive} type="checkbox" checked={draft.recursive} onChange={(e) => set('recursive', e.target.checked)} />
        <label htmlFor={ids.recursive}>Include child datasets</label>
      </div>
      {draft.recursive ? (
        <TextField
          label={FIELD_LABELS.exclusions}
          multiline
          value={draft.exclusions}
          onChange={(v) => set('exclusions', v)}
          error={issues.get('exclusions')}
          placeholder="tank/photos/cache"
          hint="Optional. Child datasets not to copy, one per line; their own children are left out too."
        />
      ) : null}

      <TextField
        label={FIELD_LABELS.targetParent}
        value={draft.targetParent}
        onChange={(v) => set('targetParent', v)}
        error={issues.get('targetParent')}
        placeholder="backup/nas"
        hint="Each dataset lands under it by its last name: tank/photos becomes backup/nas/photos."
      />

      <div className="field">
        <div className="checkbox">
          <input
            id={ids.raw}
            type="checkbox"
            checked={raw}
            onChange={(e) => set('raw', e.target.checked)}
            aria-describedby={ids.rawHint}
          />
          <label htmlFor={ids.raw}>{FIELD_LABELS.raw}</label>
        </div>
        <p className="hint" id={ids.rawHint}>
          The off-site box then keeps your encrypted datasets locked with your own key, so it can never read your files.
          {probe && chosen.length > 0 ? (encrypted ? ' Some of the chosen datasets are encrypted.' : ' None of the chosen datasets is encrypted.') : ''}{' '}
          This cannot be changed once the job exists.
        </p>
      </div>

      <div className="checkbox">
        <input id={ids.intermediates} type="checkbox" checked={draft.intermediates} onChange={(e) => set('intermediates', e.target.checked)} />
        <label htmlFor={ids.intermediates}>{FIELD_LABELS.intermediates}</label>
      </div>

      <ShapingFields draft={draft} set={set} issues={issues} />
      <ReceiverFields draft={draft} set={set} issues={issues} />
      {action.error ? <FieldErrorNotice error={action.error} issues={issues} labelOf={labelOf} /> : null}
      <div className="button-row">
        <button type="submit" className="button button-primary" disabled={action.pending}>
          {action.pending ? 'Adding…' : 'Add job'}
        </button>
      </div>
    </form>
  )
}
