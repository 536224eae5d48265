// Step 3a, "Look at the files": a read-only look at the snapshot on the off-site box (the
// key loaded, a temporary clone made and mounted read-only), its folders and files
// browsed, chosen ones downloaded to this computer with progress; then End the look.
import { useCallback, useEffect, useState } from 'react'
import { api } from '../api'
import { ConfirmDialog } from '../components/confirm-dialog'
import { ErrorNotice } from '../components/error-notice'
import { LoadingNotice } from '../components/loading-notice'
import { formatBytes } from '../format/bytes'
import { formatDateTime } from '../format/date-time'
import { useApiAction } from '../hooks/use-api-action'
import type { DownloadResult, EndLook, Look, LookListing } from '../../../src-main/shared/recovery'
import type { ShownCommand } from '../../../src-main/shared/wizard'
import type { TypedPassphrase } from './keys-step'
import { OperationProgress } from './operation-progress'
import type { RecoveryChoice } from './recovery-flow'
import { RecoveryStep, type HostNames } from './recovery-step'
import { useRecoveryOperation } from './use-recovery-operation'
import { useStepCommands } from './use-step-commands'

export interface LookStepProps {
  readonly choice: RecoveryChoice
  readonly look: Look | null
  readonly typed: readonly TypedPassphrase[]
  readonly hostNames: HostNames
  onStarted(look: Look): void
  onEnded(ended: EndLook): void
  onBack(): void
}

/** What starting a look, or ending the open one, runs: asked of the services. */
function useLookCommands(choice: RecoveryChoice, look: Look | null): readonly ShownCommand[] {
  const { dataset, snapshot, parent } = choice
  const keyToLoad = dataset.encrypted && dataset.encryptionRoot && dataset.keyStatus !== 'available' ? dataset.encryptionRoot : null
  return useStepCommands(look ? { step: 'end-look', look } : { step: 'look', parent, snapshot, keyToLoad })
}

const join = (folder: string, name: string) => (folder === '' ? name : `${folder}/${name}`)

export function LookStep({ choice, look, typed, hostNames, onStarted, onEnded, onBack }: LookStepProps) {
  const starting = useApiAction()
  const ending = useApiAction()
  const [asking, setAsking] = useState(false)
  const commands = useLookCommands(choice, look)

  const start = async () => {
    const opened = await starting.run(() =>
      api().startLook({ hostId: choice.hostId, parent: choice.parent, snapshot: choice.snapshot, passphrases: typed.map((t) => ({ ...t })) }),
    )
    if (opened) onStarted(opened)
  }

  const end = async (l: Look) => {
    const ended = await ending.run(() => api().endLook({ hostId: l.hostId, lookId: l.lookId }))
    setAsking(false)
    if (ended) onEnded(ended)
  }

  return (
    <RecoveryStep
      title="3. Look at the files"
      hosts={hostNames}
      onBack={look ? undefined : onBack}
      backLabel="Back to the passphrases"
      intro={
        look ? (
          <p>
            The snapshot is open read-only on {hostNames.offsite}: nothing in it can change. Open folders, choose files or folders and download
            them to this computer; they are copied from {hostNames.offsite} through this computer’s connection into a new folder, next to
            nothing else. When you are done, end the look.
          </p>
        ) : (
          <p>
            To read the files, {hostNames.offsite} unlocks the backup (when it is encrypted), makes a temporary read-only clone of the snapshot
            and mounts it in a folder of its own. The backup and its snapshots are not changed; ending the look removes the clone and locks the
            key again.
          </p>
        )
      }
      commands={commands}
    >
      <p>
        Backup <span className="mono">{choice.snapshot}</span> on {hostNames.offsite}.
      </p>
      {starting.error ? <ErrorNotice error={starting.error} /> : null}
      {ending.error ? <ErrorNotice error={ending.error} /> : null}
      {look ? (
        <>
          <LookBrowser look={look} hostNames={hostNames} />
          <div className="button-row">
            <button type="button" className="button button-primary" onClick={() => setAsking(true)} disabled={ending.pending}>
              {ending.pending ? 'Ending the look…' : 'End the look'}
            </button>
          </div>
        </>
      ) : (
        <div className="button-row">
          <button type="button" className="button button-primary" onClick={() => void start()} disabled={starting.pending} aria-busy={starting.pending}>
            {starting.pending ? 'Opening the look…' : 'Open a read-only look'}
          </button>
        </div>
      )}
      {asking && look ? (
        <ConfirmDialog title="End the look?" confirmLabel="End look" pending={ending.pending} onCancel={() => setAsking(false)} onConfirm={() => void end(look)}>
          <p>
            On {hostNames.offsite}: unmounts <span className="mono">{look.mountpoint}</span>, destroys the temporary clone{' '}
            <span className="mono">{look.clone}</span> and locks the keys the look unlocked. The backup and what you downloaded stay.
          </p>
        </ConfirmDialog>
      ) : null}
    </RecoveryStep>
  )
}

function LookBrowser({ look, hostNames }: { readonly look: Look; readonly hostNames: HostNames }) {
  const [folder, setFolder] = useState('')
  const [listing, setListing] = useState<LookListing | null>(null)
  const [chosen, setChosen] = useState<readonly string[]>([])
  const [result, setResult] = useState<DownloadResult | null>(null)
  const browsing = useApiAction()
  const downloading = useApiAction()
  const operation = useRecoveryOperation()

  const browse = browsing.run
  const open = useCallback(
    async (path: string) => {
      const answer = await browse(() => api().browseLook({ hostId: look.hostId, lookId: look.lookId, path }))
      if (answer) {
        setFolder(path)
        setListing(answer)
      }
    },
    [browse, look.hostId, look.lookId],
  )

  useEffect(() => {
    void open('')
  }, [open])

  const toggle = (path: string, on: boolean) => setChosen((all) => (on ? [...all.filter((p) => p !== path), path] : all.filter((p) => p !== path)))

  const download = async () => {
    setResult(null)
    const operationId = operation.begin()
    const answer = await downloading.run(() => api().downloadFromLook({ hostId: look.hostId, lookId: look.lookId, paths: [...chosen], operationId }))
    if (answer) {
      setResult(answer)
      setChosen([])
    }
  }

  const up = folder.includes('/') ? folder.slice(0, folder.lastIndexOf('/')) : ''

  return (
    <div className="recovery-browser">
      <div className="recovery-browser-head">
        <p>
          Folder: <span className="mono">/{folder}</span>
        </p>
        {folder !== '' ? (
          <button type="button" className="button" onClick={() => void open(up)} disabled={browsing.pending}>
            Up one folder
          </button>
        ) : null}
      </div>
      {browsing.pending ? <LoadingNotice what="the folder" /> : null}
      {browsing.error ? <ErrorNotice error={browsing.error} /> : null}
      {listing ? (
        listing.entries.length === 0 ? (
          <p className="hint">This folder is empty.</p>
        ) : (
          <table className="data-table" aria-label="Files in the backup">
            <thead>
              <tr>
                <th scope="col">Choose</th>
                <th scope="col">Name</th>
                <th scope="col">Size</th>
                <th scope="col">Changed</th>
              </tr>
            </thead>
            <tbody>
              {listing.entries.map((e) => {
                const path = join(listing.path, e.name)
                const choosable = e.kind === 'file' || e.kind === 'directory'
                return (
                  <tr key={e.name}>
                    <td>
                      {choosable ? (
                        <input type="checkbox" aria-label={`Choose ${e.name}`} checked={chosen.includes(path)} onChange={(ev) => toggle(path, ev.target.checked)} />
                      ) : null}
                    </td>
                    <td>
                      {e.kind === 'directory' ? (
                        <button type="button" className="button button-quiet" aria-label={`Open the folder ${e.name}`} onClick={() => void open(path)}>
                          {e.name}/
                        </button>
                      ) : (
                        <span className="mono">{e.name}</span>
                      )}
                      {e.kind === 'symlink' ? <span className="hint"> → {e.linkTarget ?? '?'} (a link; not followed)</span> : null}
                    </td>
                    <td>{e.kind === 'file' ? formatBytes(e.sizeBytes) : ''}</td>
                    <td>{formatDateTime(e.modifiedAt)}</td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        )
      ) : null}
      {listing?.truncated ? <p className="hint">This folder holds more entries than the app lists at once; the first ones are shown.</p> : null}

      <div className="button-row">
        <button type="button" className="button button-primary" disabled={chosen.length === 0 || downloading.pending} onClick={() => void download()} aria-busy={downloading.pending}>
          {downloading.pending ? 'Downloading…' : `Download ${chosen.length === 1 ? 'the chosen item' : `${chosen.length} chosen items`}`}
        </button>
        {chosen.length > 0 && !downloading.pending ? (
          <span className="hint">
            Chosen: <span className="mono">{chosen.join(', ')}</span>
          </span>
        ) : null}
      </div>
      <OperationProgress
        label="Download progress"
        progress={operation.progress}
        running={downloading.pending}
        cancelling={operation.cancelling}
        cancelLabel="Cancel the download"
        onCancel={() => void operation.cancel()}
      />
      {downloading.error ? <ErrorNotice error={downloading.error} /> : null}
      {result ? (
        <div className="notice notice-ok" role="status">
          <p className="notice-title">
            Downloaded {result.files} {result.files === 1 ? 'file' : 'files'} ({formatBytes(result.bytes)}) from {hostNames.offsite}.
          </p>
          <p>
            Saved in <span className="mono">{result.folder}</span> on this computer.
          </p>
          {result.skipped.length > 0 ? (
            <ul aria-label="Not downloaded">
              {result.skipped.map((s) => (
                <li key={s.path}>
                  <span className="mono">{s.path}</span>: {s.reason}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
    </div>
  )
}
