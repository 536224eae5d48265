// Labelled form fields: a text input (TextField) and a choice from a list (SelectField).
// A text field has an optional hint and the reason a value was refused; a refused value
// is marked invalid and its reason read out with the field.
import { useId, type InputHTMLAttributes } from 'react'

export interface TextFieldProps {
  readonly label: string
  readonly value: string
  onChange(value: string): void
  readonly hint?: string
  /** The services' message when they refused this value, shown under the field. */
  readonly error?: string | undefined
  /**
   * When the value was refused and the reason is shown elsewhere (the form's own notice):
   * that notice's id. The field is marked invalid and described by it.
   */
  readonly errorNoticeId?: string | undefined
  readonly type?: 'text' | 'number' | 'password'
  readonly multiline?: boolean
  readonly placeholder?: string
  readonly inputProps?: InputHTMLAttributes<HTMLInputElement>
}

export function TextField({
  label,
  value,
  onChange,
  hint,
  error,
  errorNoticeId,
  type = 'text',
  multiline = false,
  placeholder,
  inputProps,
}: TextFieldProps) {
  const id = useId()
  const hintId = `${id}-hint`
  const errorId = `${id}-error`
  const reasonId = error ? errorId : (errorNoticeId ?? null)
  const describedBy = [reasonId, hint ? hintId : null].filter((x) => x !== null).join(' ') || undefined
  const common = {
    id,
    value,
    placeholder,
    spellCheck: false,
    autoComplete: 'off',
    'aria-invalid': reasonId !== null ? true : undefined,
    'aria-describedby': describedBy,
  } as const
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {multiline ? (
        <textarea {...common} rows={3} onChange={(e) => onChange(e.target.value)} />
      ) : (
        <input {...common} {...inputProps} type={type} onChange={(e) => onChange(e.target.value)} />
      )}
      {error ? (
        <p className="field-error" id={errorId}>
          {error}
        </p>
      ) : null}
      {hint ? (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      ) : null}
    </div>
  )
}

export interface SelectOption<V extends string> {
  readonly value: V
  readonly label: string
}

export interface SelectFieldProps<V extends string> {
  readonly label: string
  readonly value: V
  readonly options: readonly SelectOption<V>[]
  onChange(value: V): void
  readonly disabled?: boolean
}

export function SelectField<V extends string>({ label, value, options, onChange, disabled }: SelectFieldProps<V>) {
  const id = useId()
  // A select gives back only the value of one of its options, hence the cast to V.
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} disabled={disabled} onChange={(e) => onChange(e.target.value as V)}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  )
}
