// One job on the Overview: how far behind the off-site copy is in plain words, then the
// last and next run, a pending resume, the tunnel, space and the retention horizon, the
// last fire drill (and a button to run one), the warnings most urgent first and hosts
// that could not be reached; ZFS terms in details.
import type { ReactNode } from 'react'
import { StatusBadge, type Tone } from '../components/status-badge'
import { formatBytes } from '../format/bytes'
import { formatDateTime } from '../format/date-time'
import type { OverviewJob } from '../../../src-main/shared/schedule'
import { FireDrillLine } from '../recovery/fire-drill'
import { headline, horizonTag, horizonTone, outcomeTone, outcomeWords, SOURCE_WORDS, spaceTone } from './overview-words'
import { spanWords } from '../../../src-main/shared/span-words'

function Row({ term, children }: { readonly term: string; readonly children: ReactNode }) {
  return (
    <div className="definition-row">
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  )
}

function Tagged({ tone, tag, children }: { readonly tone: Tone; readonly tag: string; readonly children: ReactNode }) {
  return (
    <>
      <StatusBadge tone={tone}>{tag}</StatusBadge> <span>{children}</span>
    </>
  )
}

export function JobOverviewCard({ job }: { readonly job: OverviewJob }) {
  const head = headline(job)
  const { lag } = job
  return (
    <li className="card overview-job" aria-label={job.name}>
      <div className="overview-job-head">
        <h2>{job.name}</h2>
        <StatusBadge tone={head.tone}>{head.tone === 'ok' ? 'OK' : head.tone === 'error' ? 'Needs attention' : head.tone === 'warn' ? 'Check' : 'Waiting'}</StatusBadge>
      </div>
      <p className="overview-headline">{head.text}</p>
      {job.warnings.length > 0 ? (
        <div className="notice notice-warn">
          <ul aria-label={`Warnings for ${job.name}`}>
            {job.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <dl className="definition-list" aria-label={`State of ${job.name}`}>
        <Row term="Newest off-site copy">
          {lag.ageSeconds !== null && lag.newestOffsiteAt !== null ? `${spanWords(lag.ageSeconds)} old (${formatDateTime(lag.newestOffsiteAt)})` : 'None known'}
        </Row>
        <Row term="Last run">
          {job.lastRun ? (
            <>
              <Tagged tone={outcomeTone(job.lastRun.outcome)} tag={outcomeWords(job.lastRun.outcome)}>
                {formatDateTime(job.lastRun.at)}, {SOURCE_WORDS[job.lastRun.source]}
              </Tagged>
              {job.lastRun.message ? <p className="item-meta">{job.lastRun.message}</p> : null}
            </>
          ) : (
            'No run yet'
          )}
        </Row>
        <Row term="Next run">{job.nextRunAt ? formatDateTime(job.nextRunAt) : 'Not scheduled: runs only when started from this app'}</Row>
        {job.pendingResume ? <Row term="Interrupted copy">Waiting on the off-site box; the next run resumes it instead of starting over.</Row> : null}
        {job.tunnel ? (
          <Row term="Tunnel">
            <Tagged tone={job.tunnel.healthy ? 'ok' : 'error'} tag={job.tunnel.healthy ? 'Working' : 'Problem'}>
              {job.tunnel.words}
            </Tagged>
          </Row>
        ) : null}
        {job.space ? (
          <Row term="Space off-site">
            <Tagged tone={spaceTone(job.space.level)} tag={job.space.daysLeft === null ? 'Free' : `${spanWords(job.space.daysLeft * 86400)} left`}>
              {job.space.words}
            </Tagged>
          </Row>
        ) : null}
        {job.horizon ? (
          <Row term="Retention on the NAS">
            <Tagged tone={horizonTone(job.horizon.level)} tag={horizonTag(job.horizon)}>
              {job.horizon.words}
            </Tagged>
          </Row>
        ) : null}
        <Row term="Fire drill">
          <FireDrillLine jobId={job.jobId} jobName={job.name} last={job.fireDrill} />
        </Row>
        {job.unreachable.length > 0 ? <Row term="Could not reach">{job.unreachable.join(', ')}</Row> : null}
      </dl>
      <details className="overview-details">
        <summary>ZFS details</summary>
        <dl className="definition-list">
          <Row term="Lag">{lag.words}</Row>
          <Row term="State">
            <span className="mono">{lag.state}</span>
          </Row>
          <Row term="Snapshots behind">{lag.snapshotsBehind}</Row>
          {lag.secondsBehind !== null ? <Row term="Newest common snapshot to the NAS’s newest">{spanWords(lag.secondsBehind)}</Row> : null}
          {lag.newestOffsiteAt ? (
            <Row term="Newest off-site snapshot created">
              <span className="mono">{lag.newestOffsiteAt}</span>
            </Row>
          ) : null}
          {job.pendingResume ? (
            <Row term="Resume">
              a <span className="mono">receive_resume_token</span> is set on the target (<span className="mono">zfs send -t</span> continues it)
            </Row>
          ) : null}
          {job.tunnel?.latestHandshakeAt ? (
            <Row term="Latest WireGuard handshake">
              <span className="mono">{job.tunnel.latestHandshakeAt}</span>
            </Row>
          ) : null}
          {job.space ? (
            <Row term="Target parent available">
              {formatBytes(job.space.freeBytes)} (<span className="mono">{job.space.freeBytes}</span> bytes)
            </Row>
          ) : null}
          {job.horizon?.at ? (
            <Row term="Last common snapshot pruned by sanoid at">
              <span className="mono">{job.horizon.at}</span>
            </Row>
          ) : null}
        </dl>
      </details>
    </li>
  )
}
