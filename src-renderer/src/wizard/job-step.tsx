// Step 5, the job: what to copy and how (per dataset with or without its children,
// every snapshot or only the newest, raw, a rate limit), saved as the job the app runs;
// then the first copy is started from here and followed on the Transfers screen.
import { useId, useState } from 'react'
import { api } from '../api'
import { ErrorNotice } from '../components/error-notice'
import { TextField } from '../components/text-field'
import { useApiAction } from '../hooks/use-api-action'
import type { Navigate } from '../navigation/screens'
import type { WizardStepInput } from '../../../src-main/shared/contract'
import { DatasetPicker } from './dataset-picker'
import { INTERMEDIATES_WORDS, RATE_WORDS, RAW_WORDS, RECURSIVE_WORDS } from './explanations'
import type { PickedStepProps } from './preflight-step'
import { StepFrame } from './step-frame'

const MIB = 1024 * 1024

export interface JobStepProps extends PickedStepProps {
  readonly navigate: Navigate
}

export function JobStep(props: JobStepProps) {
  const { wizard, hosts, picked } = props
  const ids = { raw: useId(), intermediates: useId(), children: useId() }
  const stored = wizard.steps.job
  const result = stored.status === 'succeeded' ? stored.result : null
  const [name, setName] = useState(`${hosts.nas} to ${hosts.offsite}`.slice(0, 64))
  const [withChildren, setWithChildren] = useState<Readonly<Record<string, boolean>>>({})
  const [intermediates, setIntermediates] = useState(true)
  const [rate, setRate] = useState('')
  const start = useApiAction()

  const rateMiB = rate.trim() === '' ? null : Number(rate)
  const rateOk = rateMiB === null || (Number.isFinite(rateMiB) && rateMiB > 0)
  const sources = picked.datasets.map((dataset) => ({ dataset, recursive: withChildren[dataset] ?? picked.recursive }))
  const input: WizardStepInput = {
    step: 'job',
    name: name.trim(),
    sources,
    raw: picked.raw,
    intermediates,
    ...(rateMiB !== null && rateOk ? { rateLimitBytesPerSecond: Math.round(rateMiB * MIB) } : {}),
  }

  const startFirstCopy = async (jobId: string) => {
    const run = await start.run(() => api().startRun({ jobId }))
    if (run) props.navigate('transfers')
  }

  return (
    <StepFrame
      step="job"
      wizard={wizard}
      hosts={hosts}
      onState={props.onState}
      onBack={props.onBack}
      intro={
        <p>
          The app saves the job: which datasets of {hosts.nas} go to {hosts.offsite}, and how. Nothing is sent yet; the first copy starts when you
          say so.
        </p>
      }
      previewInput={input}
      undoNote="Undoing removes the job from this app (not while a copy runs). Copies already made stay on the off-site box."
      runLabel="Create the job"
      busyLabel="Creating the job…"
      canRun={name.trim() !== '' && sources.length > 0 && rateOk}
      onRun={() => api().runWizardStep(input)}
      verified={<p>The job is saved. The first copy sends everything once; later copies send only what changed.</p>}
      afterDone={
        result ? (
          <div className="wizard-start">
            {start.error ? <ErrorNotice error={start.error} /> : null}
            <button type="button" className="button button-primary" aria-busy={start.pending} disabled={start.pending} onClick={() => void startFirstCopy(result.jobId)}>
              {start.pending ? 'Starting the first copy…' : 'Start first copy'}
            </button>
          </div>
        ) : null
      }
    >
      <TextField label="Job name" value={name} onChange={setName} />
      <DatasetPicker
        nasLabel={hosts.nas}
        probe={props.nasProbe}
        probing={props.probing}
        probeError={props.probeError}
        onProbe={props.onProbe}
        chosen={picked.datasets}
        onChange={(datasets) => props.onPicked({ ...picked, datasets })}
      />
      {sources.length > 0 ? (
        <fieldset>
          <legend id={ids.children}>Child datasets</legend>
          {sources.map((s, i) => (
            <div key={s.dataset} className="checkbox">
              <input
                id={`${ids.children}-${i}`}
                type="checkbox"
                checked={s.recursive}
                onChange={(e) => setWithChildren((m) => ({ ...m, [s.dataset]: e.target.checked }))}
              />
              <label htmlFor={`${ids.children}-${i}`}>{`Include child datasets of ${s.dataset}`}</label>
            </div>
          ))}
          <p className="hint">{RECURSIVE_WORDS}</p>
        </fieldset>
      ) : null}
      <div className="checkbox">
        <input id={ids.intermediates} type="checkbox" checked={intermediates} onChange={(e) => setIntermediates(e.target.checked)} />
        <label htmlFor={ids.intermediates}>Send every snapshot, not only the newest</label>
      </div>
      <p className="hint">{INTERMEDIATES_WORDS}</p>
      <div className="checkbox">
        <input id={ids.raw} type="checkbox" checked={picked.raw} onChange={(e) => props.onPicked({ ...picked, raw: e.target.checked })} />
        <label htmlFor={ids.raw}>Keep encrypted data encrypted off-site (raw)</label>
      </div>
      <p className="hint">{RAW_WORDS}</p>
      <TextField
        label="Rate limit (MiB/s)"
        type="number"
        value={rate}
        onChange={setRate}
        error={rateOk ? undefined : 'A rate limit is a number above 0.'}
        inputProps={{ min: 0, step: 'any', inputMode: 'decimal' }}
        hint={RATE_WORDS}
      />
    </StepFrame>
  )
}
