// Step 3b, "Restore to a NAS": the chosen snapshot sent from the off-site box back to the
// original NAS or a replacement, through this computer, under a dataset that does not
// exist yet (never over existing data). A preview first (what runs on which host, what
// stands in the way), a confirmation, then live progress with Cancel; a stopped restore
// goes on from where it stopped.
import { useState } from 'react'
import { api } from '../api'
import { DialogShell } from '../components/dialog-shell'
import { ErrorNotice } from '../components/error-notice'
import { SelectField, TextField } from '../components/text-field'
import { formatBytes } from '../format/bytes'
import { useApiAction } from '../hooks/use-api-action'
import type { Navigate } from '../navigation/screens'
import type { Host } from '../../../src-main/shared/model'
import type { RestoreInput, RestorePlan, RestoreResult } from '../../../src-main/shared/recovery'
import type { TypedPassphrase } from './keys-step'
import { OperationProgress } from './operation-progress'
import type { RecoveryChoice } from './recovery-flow'
import { CommandsPanel, RecoveryStep, type HostNames } from './recovery-step'
import { useRecoveryOperation } from './use-recovery-operation'

export interface RestoreStepProps {
  readonly choice: RecoveryChoice
  readonly typed: readonly TypedPassphrase[]
  readonly nasHosts: readonly Host[]
  readonly offsiteName: string
  readonly restored: RestoreResult | null
  readonly navigate: Navigate
  onRestored(result: RestoreResult): void
  onNext(): void
  onBack(): void
}

/** Bytes per second from the MiB/s typed; null when empty. */
function rateLimitBytes(typed: string): number | null | 'invalid' {
  const t = typed.trim()
  if (t === '') return null
  const mib = Number(t)
  if (!Number.isFinite(mib) || mib <= 0) return 'invalid'
  return Math.max(1024, Math.round(mib * 1024 * 1024))
}

export function RestoreStep({ choice, typed, nasHosts, offsiteName, restored, navigate, onRestored, onNext, onBack }: RestoreStepProps) {
  const [targetHostId, setTargetHostId] = useState(nasHosts[0]?.id ?? '')
  const [targetDataset, setTargetDataset] = useState('')
  const [recursive, setRecursive] = useState(true)
  const [mount, setMount] = useState(true)
  const [rateLimit, setRateLimit] = useState('')
  const [plan, setPlan] = useState<{ key: string; plan: RestorePlan } | null>(null)
  const [confirming, setConfirming] = useState(false)
  const [stopped, setStopped] = useState(false)
  const previewing = useApiAction()
  const restoring = useApiAction()
  const operation = useRecoveryOperation()

  const targetName = nasHosts.find((h) => h.id === targetHostId)?.label ?? 'the NAS'
  const hostNames: HostNames = { nas: targetName, offsite: offsiteName }
  const limit = rateLimitBytes(rateLimit)
  const input: RestoreInput = {
    offsiteHostId: choice.hostId,
    snapshot: choice.snapshot,
    recursive,
    targetHostId,
    targetDataset: targetDataset.trim() === '' ? null : targetDataset.trim(),
    mount,
    passphrases: typed.map((t) => ({ ...t })),
    ...(typeof limit === 'number' ? { rateLimitBytesPerSecond: limit } : {}),
  }
  // What the plan was made for (the passphrases are not part of it: they only unlock).
  const key = JSON.stringify({ ...input, passphrases: undefined })
  const fresh = plan !== null && plan.key === key
  const blocked = fresh && plan.plan.blockers.length > 0

  const preview = async () => {
    setStopped(false)
    // The last preview goes while the new one is worked out: no stale blocker or size is shown.
    setPlan(null)
    const answer = await previewing.run(() => api().previewRestore(input))
    if (answer) setPlan({ key, plan: answer })
  }

  const start = async () => {
    setConfirming(false)
    setStopped(false)
    const operationId = operation.begin()
    const result = await restoring.run(() => api().startRestore({ ...input, operationId }))
    if (result) {
      onRestored(result)
      return
    }
    // Stopped or failed: what is on the NAS now changes the plan (a resume), so preview again.
    setStopped(true)
    setPlan(null)
  }

  const running = restoring.pending

  return (
    <RecoveryStep
      title="3. Restore to a NAS"
      hosts={hostNames}
      onBack={running || restored ? undefined : onBack}
      backLabel="Back to the passphrases"
      intro={
        <p>
          This copies the snapshot from {offsiteName} back to your NAS, through this computer: {offsiteName} sends it, this computer passes it
          on, and the NAS receives it as a new dataset. Nothing that already exists on the NAS is written over. Encrypted data stays encrypted
          on the way and is unlocked on the NAS with the same passphrases.
        </p>
      }
    >
      <p>
        Backup <span className="mono">{choice.snapshot}</span> on {offsiteName}.
      </p>
      {nasHosts.length === 0 ? (
        <div className="notice notice-warn">
          <p className="notice-title">The app does not know a NAS to restore to.</p>
          <p>Add your NAS, or the one replacing it, in Hosts; then come back here.</p>
          <button type="button" className="button" onClick={() => navigate('hosts')}>
            Go to Hosts
          </button>
        </div>
      ) : null}

      {restored ? null : (
        <form
          className="form"
          aria-label="Where to restore to"
          noValidate
          onSubmit={(e) => {
            e.preventDefault()
            void preview()
          }}
        >
          <SelectField label="NAS to restore to" value={targetHostId} options={nasHosts.map((h) => ({ value: h.id, label: h.label }))} onChange={setTargetHostId} disabled={running} />
          <TextField
            label="New dataset on the NAS"
            value={targetDataset}
            onChange={setTargetDataset}
            placeholder="tank/photos-restored"
            hint="Leave empty to use the original name when it is free, otherwise that name with “-restored-” and today’s date. A dataset that already exists is never written over."
            inputProps={{ disabled: running }}
          />
          <TextField
            label="Speed limit (MiB/s)"
            value={rateLimit}
            onChange={setRateLimit}
            error={limit === 'invalid' ? 'Enter a number of MiB per second, for example 5, or leave it empty.' : undefined}
            hint="Leave empty for full speed. The copy passes through this computer and its internet connection."
            inputProps={{ disabled: running, inputMode: 'decimal' }}
          />
          <div className="checkbox">
            <input id="restore-recursive" type="checkbox" checked={recursive} disabled={running} onChange={(e) => setRecursive(e.target.checked)} />
            <label htmlFor="restore-recursive">Include the datasets inside it</label>
          </div>
          <div className="checkbox">
            <input id="restore-mount" type="checkbox" checked={mount} disabled={running} onChange={(e) => setMount(e.target.checked)} />
            <label htmlFor="restore-mount">Unlock and mount it on the NAS afterwards</label>
          </div>
          <div className="button-row">
            <button type="submit" className="button" disabled={previewing.pending || running || targetHostId === '' || limit === 'invalid'} aria-busy={previewing.pending}>
              {previewing.pending ? 'Working out the restore…' : 'Preview the restore'}
            </button>
          </div>
        </form>
      )}
      {previewing.error ? <ErrorNotice error={previewing.error} /> : null}
      {stopped ? (
        <p className="notice notice-warn" role="status">
          The restore stopped before it finished. What arrived on the NAS is kept: preview the restore again and it goes on from where it
          stopped.
        </p>
      ) : null}

      {plan && !restored ? (
        <section className="recovery-plan" aria-label="Restore preview">
          {!fresh ? <p className="hint">This preview is for what was entered before; preview again.</p> : null}
          <ul className="recovery-words">
            {plan.plan.words.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
          <table className="data-table" aria-label="Datasets to restore">
            <thead>
              <tr>
                <th scope="col">From {offsiteName}</th>
                <th scope="col">To {targetName}</th>
                <th scope="col">Size</th>
              </tr>
            </thead>
            <tbody>
              {plan.plan.datasets.map((d) => (
                <tr key={d.source}>
                  <td className="mono">{d.source}</td>
                  <td className="mono">{d.target}</td>
                  <td>
                    {d.estimatedBytes !== null ? formatBytes(d.estimatedBytes) : 'unknown'}
                    {d.resume ? <span className="hint"> · goes on from where it stopped</span> : null}
                    {d.raw ? <span className="hint"> · sent still encrypted</span> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {plan.plan.blockers.map((b) => (
            <ErrorNotice key={b.code + b.cause} error={b} />
          ))}
          <CommandsPanel commands={plan.plan.commands} hosts={hostNames} />
          <div className="button-row">
            <button type="button" className="button button-primary" disabled={!fresh || blocked || running} onClick={() => setConfirming(true)}>
              {running ? 'Restoring…' : 'Restore'}
            </button>
          </div>
        </section>
      ) : null}

      <OperationProgress
        label="Restore progress"
        progress={operation.progress}
        running={running}
        cancelling={operation.cancelling}
        cancelLabel="Cancel the restore"
        onCancel={() => void operation.cancel()}
      />
      {restoring.error ? <ErrorNotice error={restoring.error} /> : null}

      {restored ? (
        <div className="notice notice-ok" role="status" aria-label="Restore finished">
          <p className="notice-title">
            Restored to <span className="mono">{restored.targetDataset}</span> on {nasHosts.find((h) => h.id === restored.targetHostId)?.label ?? 'the NAS'}.
          </p>
          <ol aria-label="What the restore did">
            {restored.done.map((d) => (
              <li key={d}>{d}</li>
            ))}
          </ol>
          <ul aria-label="Restored datasets">
            {restored.datasets.map((d) => (
              <li key={d.target}>
                <span className="mono">{d.target}</span> at snapshot <span className="mono">{d.snapshot}</span>
                {d.mounted && d.mountpoint ? ` · mounted at ${d.mountpoint}` : ' · not mounted'}
                {d.sameGuid ? ' · the same snapshot as off-site: later backups go on incrementally' : ' · its GUID differs from the off-site copy'}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {restored ? (
        <div className="button-row">
          <button type="button" className="button button-primary" onClick={onNext}>
            Next: clean up
          </button>
        </div>
      ) : null}

      {confirming && fresh ? (
        <DialogShell
          title={`Restore to ${plan.plan.targetDataset} on ${targetName}?`}
          confirmLabel="Start restore"
          confirmTone="primary"
          onCancel={() => setConfirming(false)}
          onConfirm={() => void start()}
        >
          <p>
            {offsiteName} sends <span className="mono">{plan.plan.snapshot}</span>
            {plan.plan.estimatedBytes !== null ? ` (about ${formatBytes(plan.plan.estimatedBytes)})` : ''} through this computer to {targetName},
            which makes the new dataset <span className="mono">{plan.plan.targetDataset}</span>. Nothing existing is changed. Keep this window open
            until it is done; if it stops, it can go on later.
          </p>
        </DialogShell>
      ) : null}
    </RecoveryStep>
  )
}
