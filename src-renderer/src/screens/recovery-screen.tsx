// Recovery (issue 9): the guided disaster-recovery flow (choose a backup, check the
// passphrases, look at the files or restore to a NAS, clean up), each job's fire drill,
// and the encryption passphrases kept in the OS keychain for the day the NAS is gone
// (listed by dataset, never the passphrase, and forgotten on request).
import { useState } from 'react'
import { api } from '../api'
import { ConfirmDialog } from '../components/confirm-dialog'
import { DoneNotice } from '../components/done-notice'
import { EmptyState } from '../components/empty-state'
import { ErrorNotice } from '../components/error-notice'
import { LoadingNotice } from '../components/loading-notice'
import { ScreenHeading } from '../components/screen-heading'
import { useApiQuery } from '../hooks/use-api-query'
import { useConfirmedRemoval } from '../hooks/use-confirmed-removal'
import type { Navigate } from '../navigation/screens'
import type { PassphraseRef } from '../../../src-main/shared/model'
import { SavePassphraseForm } from './save-passphrase-form'
import { FireDrillLine } from '../recovery/fire-drill'
import { RecoveryFlowView } from '../recovery/recovery-flow-view'
import '../styles/wizard.css'
import '../recovery/recovery.css'

const listHosts = () => api().listHosts()
const listJobs = () => api().listJobs()
const listPassphrases = () => api().listPassphrases()
const listFireDrills = () => api().listFireDrills({})

export interface RecoveryScreenProps {
  readonly navigate: Navigate
  readonly focusHeading: boolean
}

export function RecoveryScreen({ navigate, focusHeading }: RecoveryScreenProps) {
  const hosts = useApiQuery(listHosts)
  const saved = useApiQuery(listPassphrases)
  const jobs = useApiQuery(listJobs)
  const drills = useApiQuery(listFireDrills)
  const [notice, setNotice] = useState<string | null>(null)

  const hostList = hosts.state.status === 'ready' ? hosts.state.value : []
  const hostLabel = (id: string) => hostList.find((h) => h.id === id)?.label ?? 'A removed host'
  const savedList = saved.state.status === 'ready' ? saved.state.value : []
  const jobList = jobs.state.status === 'ready' ? jobs.state.value : []
  const drillList = drills.state.status === 'ready' ? drills.state.value : []

  const forgetting = useConfirmedRemoval(
    (ref: PassphraseRef) => api().forgetPassphrase(ref),
    (ref) => {
      setNotice(`Forgot the passphrase for ${ref.dataset} on ${hostLabel(ref.hostId)}.`)
      saved.reload()
    },
  )
  const confirming = forgetting.confirming

  return (
    <>
      <ScreenHeading focusOnMount={focusHeading}>Recovery</ScreenHeading>
      <p className="lead">
        Your NAS is gone, or a file is? Start here: the app takes you step by step from the off-site copy back to your files and datasets,
        and says before each step what happens on which host. Nothing is written over on the way.
      </p>
      {hosts.state.status === 'failed' ? <ErrorNotice error={hosts.state.error} /> : null}
      {jobs.state.status === 'failed' ? <ErrorNotice error={jobs.state.error} /> : null}
      {hosts.state.status === 'ready' && jobs.state.status === 'ready' ? (
        <section aria-label="Disaster recovery">
          <h2>Get your data back</h2>
          <RecoveryFlowView hosts={hostList} jobs={jobList} navigate={navigate} onPassphrasesSaved={saved.reload} />
        </section>
      ) : null}

      {jobList.length > 0 ? (
        <section aria-label="Fire drills">
          <h2>Fire drill</h2>
          <p>
            A fire drill checks, restoring nothing, that the passphrases in this computer’s keychain still open each job’s off-site copy and
            that its newest snapshot mounts read-only on the off-site box. The look it opens is always ended again.
          </p>
          {drills.state.status === 'failed' ? <ErrorNotice error={drills.state.error} /> : null}
          <ul className="item-list" aria-label="Fire drill per job">
            {jobList.map((job) => {
              const last = drillList.find((d) => d.jobId === job.id) ?? null
              return (
                <li key={job.id} className="item item-stacked" aria-label={job.name}>
                  <p className="item-title">{job.name}</p>
                  <FireDrillLine jobId={job.id} jobName={job.name} last={last} />
                </li>
              )
            })}
          </ul>
        </section>
      ) : null}

      <p>
        If your NAS is lost, an encrypted off-site copy can only be opened with its encryption passphrase. Save it here before you need
        it: it goes into this computer’s keychain — never into the app’s files or logs. Keep a copy on paper too.
      </p>
      {saved.state.status === 'failed' ? <ErrorNotice error={saved.state.error} /> : null}
      {forgetting.error ? <ErrorNotice error={forgetting.error} /> : null}
      <DoneNotice message={notice} />

      <h2>Saved passphrases</h2>
      {saved.state.status === 'loading' ? <LoadingNotice what="saved passphrases" /> : null}
      {saved.state.status === 'ready' && savedList.length === 0 ? (
        <EmptyState title="No passphrases saved yet">
          <p>
            Without the passphrase, nobody — not you, not the off-site box — can read an encrypted copy after a disaster. Save the
            passphrase of each encrypted dataset while your NAS still works.
          </p>
        </EmptyState>
      ) : null}
      {savedList.length > 0 ? (
        <ul className="item-list" aria-label="Saved passphrases">
          {savedList.map((ref) => (
            <li key={`${ref.hostId}/${ref.dataset}`} className="item">
              <div>
                <p className="item-title mono">{ref.dataset}</p>
                <p className="item-meta">on {hostLabel(ref.hostId)} · kept in the keychain</p>
              </div>
              <button
                type="button"
                className="button"
                aria-label={`Forget the passphrase for ${ref.dataset}`}
                onClick={() => {
                  setNotice(null)
                  forgetting.ask(ref)
                }}
              >
                Forget
              </button>
            </li>
          ))}
        </ul>
      ) : null}

      {hosts.state.status === 'ready' && hostList.length === 0 ? (
        <EmptyState
          title="Add your NAS first"
          action={
            <button type="button" className="button button-primary" onClick={() => navigate('hosts')}>
              Go to Hosts
            </button>
          }
        >
          <p>A passphrase belongs to a dataset on a host, so the app needs to know the host before it can keep one.</p>
        </EmptyState>
      ) : null}
      {hostList.length > 0 ? (
        <SavePassphraseForm
          key={hostList.map((h) => h.id).join()}
          hosts={hostList}
          onSaved={(ref) => {
            setNotice(`Saved the passphrase for ${ref.dataset} on ${hostLabel(ref.hostId)} in the keychain.`)
            saved.reload()
          }}
        />
      ) : null}

      {confirming ? (
        <ConfirmDialog
          title={`Forget the passphrase for ${confirming.dataset}?`}
          confirmLabel="Forget passphrase"
          pending={forgetting.pending}
          onCancel={forgetting.cancel}
          onConfirm={forgetting.confirm}
        >
          <p>
            The passphrase for <span className="mono">{confirming.dataset}</span> on {hostLabel(confirming.hostId)} is removed from this
            computer’s keychain. Make sure you have it somewhere else: without it, an encrypted off-site copy cannot be opened.
          </p>
        </ConfirmDialog>
      ) : null}
    </>
  )
}
