// The guided pool creation's disk choice: the off-site box's disks, only empty ones
// selectable (the others say why not), then the chosen disk's id typed back exactly —
// everything on it is erased, so the person names it twice.
import { useId } from 'react'
import { api } from '../api'
import { ErrorNotice } from '../components/error-notice'
import { LoadingNotice } from '../components/loading-notice'
import { TextField } from '../components/text-field'
import { formatBytes } from '../format/bytes'
import { useApiQuery } from '../hooks/use-api-query'
import type { WizardDisk } from '../../../src-main/shared/contract'

const loadDisks = () => api().listWizardDisks()

export interface DiskPickerProps {
  readonly offsiteLabel: string
  readonly poolName: string
  readonly diskId: string
  readonly confirm: string
  onDisk(id: string): void
  onConfirm(typed: string): void
}

const diskWords = (d: WizardDisk) => [formatBytes(d.sizeBytes), d.model, d.serial ? `serial ${d.serial}` : ''].filter((s) => s !== '').join(', ')

export function DiskPicker({ offsiteLabel, poolName, diskId, confirm, onDisk, onConfirm }: DiskPickerProps) {
  const disks = useApiQuery(loadDisks)
  const name = useId()
  const chosen = disks.state.status === 'ready' ? disks.state.value.find((d) => d.id === diskId) : undefined
  return (
    <div className="disk-picker">
      {disks.state.status === 'loading' ? <LoadingNotice what={`the disks of ${offsiteLabel}`} /> : null}
      {disks.state.status === 'failed' ? <ErrorNotice error={disks.state.error} /> : null}
      {disks.state.status === 'ready' ? (
        disks.state.value.length === 0 ? (
          <p className="hint">{offsiteLabel} has no disk the app could find.</p>
        ) : (
          <fieldset>
            <legend>Empty disk for the new pool</legend>
            {disks.state.value.map((d) => (
              <div key={d.id} className="radio">
                <input type="radio" id={`${name}-${d.id}`} name={name} value={d.id} checked={d.id === diskId} disabled={!d.empty} onChange={() => onDisk(d.id)} />
                <label htmlFor={`${name}-${d.id}`}>
                  <span className="mono">{d.id}</span> <span className="hint-inline">({diskWords(d)})</span>
                  {!d.empty ? <span className="hint-inline"> — not offered: {d.inUse ?? 'it is in use'}</span> : null}
                </label>
              </div>
            ))}
          </fieldset>
        )
      ) : null}
      {chosen ? (
        <div className="notice notice-warn">
          <p className="notice-title">
            Everything on <span className="mono">{chosen.id}</span> is erased.
          </p>
          <p>
            The app makes the pool <span className="mono">{poolName}</span> on this whole disk ({diskWords(chosen)}) on {offsiteLabel}. Whatever is on
            the disk now cannot be recovered afterwards.
          </p>
          <TextField label="Type the disk’s id to confirm" value={confirm} onChange={onConfirm} hint={`Type ${chosen.id} exactly.`} />
        </div>
      ) : null}
    </div>
  )
}
