// The NAS's datasets to copy, as checkboxes named by the dataset, from the NAS's probe;
// a dataset the probe did not list can be added by name.
import { useId, useState } from 'react'
import { ErrorNotice } from '../components/error-notice'
import type { AppError } from '../../../src-main/shared/errors'
import type { HostProbe } from '../../../src-main/shared/model'

export interface DatasetPickerProps {
  readonly nasLabel: string
  readonly probe: HostProbe | null
  readonly probing: boolean
  readonly probeError: AppError | null
  onProbe(): void
  readonly chosen: readonly string[]
  onChange(chosen: string[]): void
}

export function DatasetPicker({ nasLabel, probe, probing, probeError, onProbe, chosen, onChange }: DatasetPickerProps) {
  const id = useId()
  const [typed, setTyped] = useState('')
  const listed = (probe?.datasets ?? []).filter((d) => d.type === 'filesystem')
  const names = [...listed.map((d) => d.name), ...chosen.filter((c) => !listed.some((d) => d.name === c))]
  const toggle = (name: string, on: boolean) => onChange(on ? [...chosen, name] : chosen.filter((c) => c !== name))
  const info = (name: string) => {
    const d = listed.find((x) => x.name === name)
    if (!d) return 'not in the last check of the NAS'
    return `${d.encryption === 'off' ? 'not encrypted' : 'encrypted'}, ${d.snapshotCount} ${d.snapshotCount === 1 ? 'snapshot' : 'snapshots'}`
  }
  return (
    <fieldset className="dataset-picker">
      <legend>Datasets to copy</legend>
      {probe === null ? (
        <p className="hint">
          The app has not read {nasLabel}’s datasets yet.{' '}
          <button type="button" className="button button-quiet" disabled={probing} onClick={onProbe}>
            {probing ? 'Reading the NAS’s datasets…' : 'Read the NAS’s datasets'}
          </button>
        </p>
      ) : null}
      {probeError ? <ErrorNotice error={probeError} /> : null}
      {names.map((name, i) => (
        <div key={name} className="checkbox">
          <input id={`${id}-${i}`} type="checkbox" checked={chosen.includes(name)} onChange={(e) => toggle(name, e.target.checked)} />
          <label htmlFor={`${id}-${i}`} className="mono">
            {name}
          </label>
          <span className="hint-inline">{info(name)}</span>
        </div>
      ))}
      <div className="form-row form-row-inline">
        <div className="field">
          <label htmlFor={`${id}-typed`}>Add a dataset by name</label>
          <input id={`${id}-typed`} type="text" autoComplete="off" spellCheck={false} value={typed} onChange={(e) => setTyped(e.target.value)} />
        </div>
        <button
          type="button"
          className="button"
          disabled={typed.trim() === '' || chosen.includes(typed.trim())}
          onClick={() => {
            onChange([...chosen, typed.trim()])
            setTyped('')
          }}
        >
          Add dataset
        </button>
      </div>
    </fieldset>
  )
}
