// Step 2, "Check the passphrases": every encryption root the chosen snapshot needs, each
// checked on the off-site box with a dry run (`zfs load-key -n`: it loads nothing), with
// the passphrase from the keychain or typed here. A typed one may be saved to the
// keychain once it is found right. Typed passphrases stay in this window's memory only,
// until the flow ends; the fields are emptied after each check and never show one.
import { useEffect, useState } from 'react'
import { api } from '../api'
import { ErrorNotice } from '../components/error-notice'
import { StatusBadge, type Tone } from '../components/status-badge'
import { TextField } from '../components/text-field'
import { useApiAction } from '../hooks/use-api-action'
import type { KeyCheck, RecoveryKeys } from '../../../src-main/shared/recovery'
import { lookCanStart, type RecoveryChoice } from './recovery-flow'
import { useStepCommands } from './use-step-commands'
import { RecoveryStep, type HostNames } from './recovery-step'

export interface TypedPassphrase {
  readonly encryptionRoot: string
  readonly passphrase: string
  readonly save: boolean
}

const OUTCOME: Record<KeyCheck['outcome'], { text: string; tone: Tone }> = {
  unlocks: { text: 'Unlocks', tone: 'ok' },
  loaded: { text: 'Already unlocked', tone: 'ok' },
  wrong: { text: 'Wrong passphrase', tone: 'error' },
  missing: { text: 'Passphrase needed', tone: 'warn' },
  failed: { text: 'Check failed', tone: 'error' },
}

const SOURCE: Record<KeyCheck['source'], string> = {
  typed: 'typed here',
  keychain: 'from the keychain',
  none: 'no passphrase given',
}

export interface KeysStepProps {
  readonly choice: RecoveryChoice
  readonly keys: RecoveryKeys | null
  readonly typed: readonly TypedPassphrase[]
  readonly hostNames: HostNames
  onChecked(keys: RecoveryKeys, typed: readonly TypedPassphrase[]): void
  onLook(): void
  onRestore(): void
  onBack(): void
}

export function KeysStep({ choice, keys, typed, hostNames, onChecked, onLook, onRestore, onBack }: KeysStepProps) {
  const check = useApiAction()
  const [drafts, setDrafts] = useState<Record<string, { passphrase: string; save: boolean }>>({})

  const run = async (withTyped: readonly TypedPassphrase[]) => {
    const answer = await check.run(() =>
      api().checkRecoveryKeys({ hostId: choice.hostId, snapshot: choice.snapshot, recursive: true, passphrases: withTyped.map((t) => ({ ...t })) }),
    )
    // The fields are emptied whatever the answer: a passphrase is typed, used, gone.
    setDrafts({})
    if (!answer) return
    // Keep only typed passphrases that unlock and were not saved (saved ones come from the keychain from now on).
    const keep = withTyped.filter((t) => answer.roots.some((r) => r.encryptionRoot === t.encryptionRoot && r.outcome === 'unlocks' && r.source === 'typed' && !r.saved))
    onChecked(answer, keep)
  }

  // The first check reads the keychain only: a dry run on the off-site box that loads nothing.
  useEffect(() => {
    if (keys === null) void run(typed)
    // Once per chosen snapshot.
  }, [choice.snapshot])

  const needing = keys?.roots.filter((r) => r.outcome === 'missing' || r.outcome === 'wrong' || r.outcome === 'failed') ?? []
  const draftFor = (root: string) => drafts[root] ?? { passphrase: '', save: false }
  const setDraft = (root: string, d: { passphrase: string; save: boolean }) => setDrafts((all) => ({ ...all, [root]: d }))
  const typedNow = (): TypedPassphrase[] => {
    const fresh = Object.entries(drafts)
      .filter(([, d]) => d.passphrase !== '')
      .map(([encryptionRoot, d]) => ({ encryptionRoot, passphrase: d.passphrase, save: d.save }))
    return [...typed.filter((t) => !fresh.some((f) => f.encryptionRoot === t.encryptionRoot)), ...fresh]
  }
  const roots = keys?.roots.map((r) => r.encryptionRoot) ?? (choice.dataset.encryptionRoot ? [choice.dataset.encryptionRoot] : [])
  const commands = useStepCommands({ step: 'keys', encryptionRoots: roots })

  return (
    <RecoveryStep
      title="2. Check the passphrases"
      hosts={hostNames}
      onBack={onBack}
      backLabel="Back to the backups"
      intro={
        <p>
          An encrypted backup opens only with the passphrase it had on the NAS. The app checks each one on {hostNames.offsite} with a dry run:
          ZFS says whether the passphrase is right, and nothing is unlocked or mounted. The passphrase comes from this computer’s keychain, or
          you type it here; it goes to ZFS on its standard input, never onto a command line or into a log.
        </p>
      }
      commands={commands}
    >
      <p>
        Backup <span className="mono">{choice.snapshot}</span> on {hostNames.offsite}.
      </p>
      {check.pending && keys === null ? (
        <p className="hint" role="status">
          Checking the passphrases on {hostNames.offsite}…
        </p>
      ) : null}
      {check.error ? <ErrorNotice error={check.error} /> : null}

      {keys ? (
        <>
          <p className="notice" role="status">
            {keys.passphrasesNeeded === 0
              ? 'This backup is not encrypted: no passphrase is needed.'
              : `This restore needs ${keys.passphrasesNeeded} ${keys.passphrasesNeeded === 1 ? 'passphrase' : 'passphrases'}${keys.allUnlock ? ', and every one unlocks it.' : '.'}`}
          </p>
          {keys.unencrypted.length > 0 && keys.passphrasesNeeded > 0 ? (
            <p className="hint">
              Not encrypted (the off-site box can read these): <span className="mono">{keys.unencrypted.join(', ')}</span>
            </p>
          ) : null}
          {keys.roots.length > 0 ? (
            <table className="data-table" aria-label="Passphrases this backup needs">
              <thead>
                <tr>
                  <th scope="col">Encryption root</th>
                  <th scope="col">Unlocks</th>
                  <th scope="col">Result</th>
                </tr>
              </thead>
              <tbody>
                {keys.roots.map((r) => (
                  <tr key={r.encryptionRoot}>
                    <td className="mono">{r.encryptionRoot}</td>
                    <td className="mono">{r.datasets.join(', ')}</td>
                    <td>
                      <StatusBadge tone={OUTCOME[r.outcome].tone}>{OUTCOME[r.outcome].text}</StatusBadge>{' '}
                      <span className="hint">
                        {SOURCE[r.source]}
                        {r.saved ? ' · saved to the keychain' : ''}
                      </span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          {needing.map((r) => (r.error ? <ErrorNotice key={r.encryptionRoot} error={r.error} /> : null))}
        </>
      ) : null}

      {needing.length > 0 ? (
        <form
          className="form"
          aria-label="Type the passphrases"
          noValidate
          onSubmit={(e) => {
            e.preventDefault()
            void run(typedNow())
          }}
        >
          {needing.map((r) => {
            const d = draftFor(r.encryptionRoot)
            const saveId = `save-${r.encryptionRoot}`
            return (
              <div key={r.encryptionRoot} className="recovery-passphrase">
                <TextField
                  label={`Passphrase for ${r.encryptionRoot}`}
                  type="password"
                  value={d.passphrase}
                  onChange={(v) => setDraft(r.encryptionRoot, { ...d, passphrase: v })}
                  hint="The passphrase set when the dataset was encrypted on the NAS."
                />
                <div className="checkbox">
                  <input id={saveId} type="checkbox" checked={d.save} onChange={(e) => setDraft(r.encryptionRoot, { ...d, save: e.target.checked })} />
                  <label htmlFor={saveId}>Save the passphrase for {r.encryptionRoot} to the keychain once it is found right</label>
                </div>
              </div>
            )
          })}
          <div className="button-row">
            <button type="submit" className="button button-primary" disabled={check.pending} aria-busy={check.pending}>
              {check.pending ? 'Checking…' : 'Check passphrases'}
            </button>
          </div>
        </form>
      ) : keys ? (
        <div className="button-row">
          <button type="button" className="button" disabled={check.pending} onClick={() => void run(typed)}>
            {check.pending ? 'Checking…' : 'Check again'}
          </button>
        </div>
      ) : null}

      {keys ? (
        <div className="button-row">
          <button type="button" className="button button-primary" disabled={!lookCanStart(keys, choice.dataset) || check.pending} onClick={onLook}>
            Look at the files (read-only)
          </button>
          <button type="button" className="button button-primary" disabled={!keys.allUnlock || check.pending} onClick={onRestore}>
            Restore to a NAS
          </button>
        </div>
      ) : null}
    </RecoveryStep>
  )
}
