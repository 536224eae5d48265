// A job's plan in plain words: what each dataset needs, how much it sends, what stops
// it (with the off-site snapshots a rollback would destroy), the warnings, the total
// size and how long that takes at the job's rate limit.
import type { PlanView } from '../../../src-main/shared/contract'
import { formatBytes } from '../format/bytes'
import { formatTime } from '../format/date-time'
import { formatDuration } from '../format/duration'
import { StatusBadge } from './status-badge'

export interface JobPlanSummaryProps {
  readonly jobName: string
  readonly plan: PlanView
}

function totalInWords(plan: PlanView): string {
  if (plan.upToDate) return 'Everything is up to date: nothing to send.'
  const size = plan.estimatedBytes === null ? 'The size could not be estimated' : `About ${formatBytes(plan.estimatedBytes)} to send`
  const time = plan.etaSeconds === null ? '' : `, about ${formatDuration(plan.etaSeconds)} at your rate limit`
  return `${size}${time}.`
}

export function JobPlanSummary({ jobName, plan }: JobPlanSummaryProps) {
  return (
    <section className="plan" aria-label={`Plan for ${jobName}`}>
      <p className="plan-total">
        <strong>{totalInWords(plan)}</strong> <span className="hint">Checked at {formatTime(plan.plannedAt)}.</span>
      </p>
      {!plan.runnable ? (
        <div className="notice notice-error">
          <p className="notice-title">This job cannot start yet.</p>
          <p>The datasets marked “Needs your decision” below must be sorted out first; nothing was changed on either host.</p>
        </div>
      ) : null}
      {plan.warnings.length > 0 || plan.unmet.length > 0 ? (
        <div className="notice notice-warn">
          <p className="notice-title">Worth knowing before you start</p>
          <ul aria-label={`Warnings for ${jobName}`}>
            {plan.warnings.map((w) => (
              <li key={`${w.code}-${w.message}`}>{w.message}</li>
            ))}
            {plan.unmet.map((u) => (
              <li key={u}>{`The NAS cannot apply the ${u}.`}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <ul className="plan-datasets" aria-label={`Datasets in the plan for ${jobName}`}>
        {plan.datasets.map((d) => (
          <li key={d.source} className={d.blocking ? 'plan-dataset plan-dataset-blocking' : 'plan-dataset'}>
            <p className="plan-dataset-head">
              <span className="mono">{d.source}</span> → <span className="mono">{d.target}</span>{' '}
              {d.blocking ? (
                <StatusBadge tone="error">Needs your decision</StatusBadge>
              ) : d.snapshotsToSend === 0 ? (
                <StatusBadge tone="ok">Up to date</StatusBadge>
              ) : (
                <StatusBadge tone="neutral">Ready to send</StatusBadge>
              )}
            </p>
            <p>{d.summary}</p>
            <p className="item-meta">
              {d.snapshotsToSend} {d.snapshotsToSend === 1 ? 'snapshot' : 'snapshots'} to send
              {d.estimatedBytes === null ? '' : ` · about ${formatBytes(d.estimatedBytes)}`} · ZFS: <span className="mono">{d.action}</span>
            </p>
            {d.rollbackWouldDestroy.length > 0 ? (
              <div className="rollback-preview">
                <p>
                  Going on would mean rolling the off-site copy back, which destroys these snapshots there. The app never does that
                  unasked:
                </p>
                <ul className="mono" aria-label={`Snapshots a rollback of ${d.target} would destroy`}>
                  {d.rollbackWouldDestroy.map((s) => (
                    <li key={s}>{s}</li>
                  ))}
                </ul>
              </div>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  )
}
