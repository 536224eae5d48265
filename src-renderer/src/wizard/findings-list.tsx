// What a step found, grouped by severity (blockers first), each with its fix: preflight's
// checks, and the firewall advice after the tunnel.
import type { MethodOutput } from '../../../src-main/shared/contract'

export type Finding = MethodOutput<'runWizardStep'>['findings'][number]

const GROUPS = [
  { severity: 'blocker', title: 'Blockers: these stop the copy' },
  { severity: 'warning', title: 'Warnings' },
  { severity: 'info', title: 'Good to know' },
  { severity: 'ok', title: 'Checked and fine' },
] as const

export function FindingsList({ findings, label }: { readonly findings: readonly Finding[]; readonly label: string }) {
  if (findings.length === 0) return null
  return (
    <section className="findings" aria-label={label}>
      {GROUPS.map(({ severity, title }) => {
        const group = findings.filter((f) => f.severity === severity)
        if (group.length === 0) return null
        return (
          <div key={severity} className={`findings-group findings-${severity}`}>
            <h3>{title}</h3>
            <ul aria-label={title}>
              {group.map((f) => (
                <li key={f.id} className="finding">
                  <p className="finding-title">{f.title}</p>
                  <p className="finding-detail">{f.detail}</p>
                  {f.fix ? <p className="finding-fix">Fix: {f.fix}</p> : null}
                </li>
              ))}
            </ul>
          </div>
        )
      })}
    </section>
  )
}
