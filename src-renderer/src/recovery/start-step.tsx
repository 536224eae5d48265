// Step 1, "Choose the backup": the off-site box (reached directly when the NAS is gone),
// where the backups are on it, then a backup and one of its snapshots with dates and
// sizes. Reads only. Looks left open on the box are listed to go on with or to end.
import { useEffect, useId, useState } from 'react'
import { api } from '../api'
import { ConfirmDialog } from '../components/confirm-dialog'
import { ErrorNotice } from '../components/error-notice'
import { SelectField, TextField } from '../components/text-field'
import { formatBytes } from '../format/bytes'
import { formatDateTime } from '../format/date-time'
import { useApiAction } from '../hooks/use-api-action'
import type { Navigate } from '../navigation/screens'
import type { Host, Job } from '../../../src-main/shared/model'
import type { BackupList, EndLook, Look } from '../../../src-main/shared/recovery'
import type { RecoveryChoice } from './recovery-flow'
import { useStepCommands } from './use-step-commands'
import { RecoveryStep, type HostNames } from './recovery-step'

export interface StartStepProps {
  readonly offsiteHosts: readonly Host[]
  readonly jobs: readonly Job[]
  readonly hostNames: HostNames
  readonly initial: RecoveryChoice | null
  readonly navigate: Navigate
  onChosen(choice: RecoveryChoice): void
  /** Go on with a look left open (by this window or an earlier session). */
  onLookResumed(look: Look, choice: RecoveryChoice): void
  onLookEnded(ended: EndLook): void
}

/** The parent a job sends to on that box, the usual place to look. */
function parentFor(hostId: string, jobs: readonly Job[]): string {
  return jobs.find((j) => j.targetHostId === hostId)?.targetParent ?? ''
}

/** Errors that mean the box could not be reached: Hosts is where that is fixed. */
function isReachError(code: string): boolean {
  return code === 'RECOVERY_OFFSITE_UNREACHABLE' || code.startsWith('SSH_')
}

export function StartStep(props: StartStepProps) {
  const { offsiteHosts, jobs, initial } = props
  const firstHost = initial?.hostId ?? offsiteHosts[0]?.id ?? ''
  const [hostId, setHostId] = useState(firstHost)
  const [parent, setParent] = useState(initial?.parent ?? parentFor(firstHost, jobs))
  const listCommands = useStepCommands(parent.trim() === '' ? null : { step: 'list', parent: parent.trim() })
  const [list, setList] = useState<BackupList | null>(null)
  const [datasetName, setDatasetName] = useState(initial?.dataset.name ?? '')
  const [snapshot, setSnapshot] = useState(initial?.snapshot ?? '')
  const [ending, setEnding] = useState<Look | null>(null)
  const reading = useApiAction()
  const endingAction = useApiAction()
  const ids = { snapshots: useId() }
  const hostLabel = offsiteHosts.find((h) => h.id === hostId)?.label ?? 'the off-site box'

  const read = async () => {
    setList(null)
    const answer = await reading.run(() => api().listBackups({ hostId, parent: parent.trim() }))
    if (!answer) return
    setList(answer)
    const withSnapshots = answer.datasets.filter((d) => d.snapshots.length > 0)
    const keep = withSnapshots.find((d) => d.name === datasetName) ?? withSnapshots[0]
    setDatasetName(keep?.name ?? '')
    const newest = keep?.snapshots.at(-1)
    if (!keep?.snapshots.some((s) => `${keep.name}@${s.name}` === snapshot)) setSnapshot(newest && keep ? `${keep.name}@${newest.name}` : '')
  }

  // Back from a later step shows the same list again, read afresh (looks may have changed).
  useEffect(() => {
    if (initial !== null) void read()
    // Once, when the step opens with a choice made before.
  }, [])

  const datasets = list?.datasets.filter((d) => d.snapshots.length > 0) ?? []
  const dataset = datasets.find((d) => d.name === datasetName)
  const choiceFor = (snap: string): RecoveryChoice | null => {
    if (!list) return null
    const name = snap.split('@')[0]
    const d = list.datasets.find((x) => x.name === name)
    return d ? { hostId: list.hostId, parent: list.parent, dataset: d, snapshot: snap } : null
  }
  const chosen = dataset && snapshot.startsWith(`${dataset.name}@`) ? choiceFor(snapshot) : null

  const endLook = async (look: Look) => {
    const ended = await endingAction.run(() => api().endLook({ hostId: look.hostId, lookId: look.lookId }))
    setEnding(null)
    if (ended) props.onLookEnded(ended)
  }

  return (
    <RecoveryStep
      title="1. Choose the backup"
      hosts={props.hostNames}
      intro={
        <>
          <p className="lead">Your NAS is gone? Start here.</p>
          <p>
            The app connects to the off-site box and reads which backups it keeps, with the date and size of every snapshot. It
            changes nothing on any host. If the off-site box was reached through the NAS and the NAS is gone, change that in Hosts
            first: its address, user and confirmed fingerprint are kept.
          </p>
        </>
      }
      commands={listCommands}
    >
      {offsiteHosts.length === 0 ? (
        <div className="notice notice-warn">
          <p className="notice-title">The app does not know an off-site box yet.</p>
          <p>Add the off-site box in Hosts (its address, user and fingerprint), then come back here.</p>
          <button type="button" className="button" onClick={() => props.navigate('hosts')}>
            Go to Hosts
          </button>
        </div>
      ) : (
        <form
          className="form"
          aria-label="Where the backups are"
          noValidate
          onSubmit={(e) => {
            e.preventDefault()
            void read()
          }}
        >
          <SelectField
            label="Off-site box"
            value={hostId}
            options={offsiteHosts.map((h) => ({ value: h.id, label: h.label }))}
            onChange={(v) => {
              setHostId(v)
              setParent(parentFor(v, jobs))
              setList(null)
            }}
          />
          <TextField
            label="Where the backups are on the off-site box"
            value={parent}
            onChange={(v) => {
              setParent(v)
              setList(null)
            }}
            placeholder="backup/nas"
            hint="The parent dataset your jobs copy into, for example backup/nas."
          />
          <div className="button-row">
            <button type="submit" className="button button-primary" disabled={reading.pending || hostId === '' || parent.trim() === ''} aria-busy={reading.pending}>
              {reading.pending ? 'Reading the off-site box…' : 'Show the backups'}
            </button>
          </div>
        </form>
      )}

      {reading.error ? <ErrorNotice error={reading.error} /> : null}
      {reading.error && isReachError(reading.error.code) ? (
        <div className="button-row">
          <button type="button" className="button" onClick={() => props.navigate('hosts')}>
            Go to Hosts
          </button>
        </div>
      ) : null}
      {endingAction.error ? <ErrorNotice error={endingAction.error} /> : null}

      {list && list.looks.length > 0 ? (
        <div className="notice notice-warn">
          <p className="notice-title">A look at a backup is still open on {hostLabel}.</p>
          <ul className="item-list" aria-label="Open looks">
            {list.looks.map((look) => {
              const choice = choiceFor(look.snapshot)
              return (
                <li key={look.lookId} className="item">
                  <div>
                    <p className="item-title mono">{look.snapshot}</p>
                    <p className="item-meta">mounted read-only at {look.mountpoint}</p>
                  </div>
                  <div className="item-actions">
                    {choice ? (
                      <button type="button" className="button" onClick={() => props.onLookResumed(look, choice)} aria-label={`Go on looking at ${look.snapshot}`}>
                        Go on looking
                      </button>
                    ) : null}
                    <button type="button" className="button" onClick={() => setEnding(look)} aria-label={`End the look at ${look.snapshot}`}>
                      End this look
                    </button>
                  </div>
                </li>
              )
            })}
          </ul>
        </div>
      ) : null}

      {list && datasets.length === 0 ? (
        <p className="notice" role="status">
          There is no backup with a snapshot under <span className="mono">{list.parent}</span> on {hostLabel}. Check the name of the parent
          dataset (Jobs shows where each job copies to).
        </p>
      ) : null}

      {list && datasets.length > 0 ? (
        <div className="form">
          <SelectField
            label="Backup"
            value={datasetName}
            options={datasets.map((d) => ({ value: d.name, label: `${d.name}${d.encrypted ? ' (encrypted)' : ''}` }))}
            onChange={(v) => {
              setDatasetName(v)
              const d = datasets.find((x) => x.name === v)
              const newest = d?.snapshots.at(-1)
              setSnapshot(d && newest ? `${d.name}@${newest.name}` : '')
            }}
          />
          {dataset ? (
            <fieldset aria-describedby={ids.snapshots}>
              <legend>Snapshot to bring back</legend>
              <p className="hint" id={ids.snapshots}>
                Newest first. “Size” is how much data the snapshot shows; {dataset.partiallyReceived ? 'a copy into this backup stopped part-way and will go on at the next run.' : 'every snapshot is a complete copy of that moment.'}
              </p>
              {[...dataset.snapshots].reverse().map((s) => {
                const full = `${dataset.name}@${s.name}`
                const id = `snap-${full}`
                return (
                  <div className="radio" key={s.guid}>
                    <input type="radio" id={id} name="recovery-snapshot" checked={snapshot === full} onChange={() => setSnapshot(full)} />
                    <label htmlFor={id}>
                      <span className="mono">{s.name}</span> — {formatDateTime(s.createdAt)} — {formatBytes(s.referencedBytes)}
                    </label>
                  </div>
                )
              })}
            </fieldset>
          ) : null}
          <div className="button-row">
            <button type="button" className="button button-primary" disabled={!chosen} onClick={() => chosen && props.onChosen(chosen)}>
              Next: check the passphrases
            </button>
          </div>
        </div>
      ) : null}

      {ending ? (
        <ConfirmDialog
          title="End this look?"
          confirmLabel="End look"
          pending={endingAction.pending}
          onCancel={() => setEnding(null)}
          onConfirm={() => void endLook(ending)}
        >
          <p>
            On {hostLabel}: unmounts the read-only look at <span className="mono">{ending.mountpoint}</span>, destroys its temporary clone{' '}
            <span className="mono">{ending.clone}</span> and locks the keys it unlocked. The backup itself is not touched.
          </p>
        </ConfirmDialog>
      ) : null}
    </RecoveryStep>
  )
}
