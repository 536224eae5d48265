// How many snapshots of each kind to keep, as a group of labelled number fields.
import { TextField } from '../components/text-field'
import { COUNT_KINDS, COUNT_LABELS, type CountKind, type CountsDraft } from './schedule-draft'

export interface CountsFieldsProps {
  readonly legend: string
  /** Ends each field's label: "Daily on the NAS", "Daily off-site". */
  readonly where: string
  readonly hint: string
  readonly counts: CountsDraft
  /** Field key prefix in the problems map: "nas" or "offsite". */
  readonly group: 'nas' | 'offsite'
  readonly problems: Readonly<Record<string, string>>
  onChange(kind: CountKind, value: string): void
}

export function CountsFields({ legend, where, hint, counts, group, problems, onChange }: CountsFieldsProps) {
  return (
    <fieldset className="schedule-counts">
      <legend>{legend}</legend>
      <p className="hint">{hint}</p>
      <div className="schedule-count-grid">
        {COUNT_KINDS.map((k) => (
          <TextField
            key={k}
            label={`${COUNT_LABELS[k]} ${where}`}
            value={counts[k]}
            onChange={(v) => onChange(k, v)}
            error={problems[`${group}.${k}`]}
            inputProps={{ inputMode: 'numeric', size: 5 }}
          />
        ))}
      </div>
    </fieldset>
  )
}
