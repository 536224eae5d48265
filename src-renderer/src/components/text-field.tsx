// One labelled text input with an optional hint and the services' message for it; a
// refused value is marked invalid and its message read out with the field.
import { useId, type InputHTMLAttributes } from 'react'

export interface TextFieldProps {
  readonly label: string
  readonly value: string
  onChange(value: string): void
  readonly hint?: string
  /** The services' message when they refused this value. */
  readonly error?: string | undefined
  readonly type?: 'text' | 'number'
  readonly multiline?: boolean
  readonly placeholder?: string
  readonly inputProps?: InputHTMLAttributes<HTMLInputElement>
}

export function TextField({ label, value, onChange, hint, error, type = 'text', multiline = false, placeholder, inputProps }: TextFieldProps) {
  const id = useId()
  const hintId = `${id}-hint`
  const errorId = `${id}-error`
  const describedBy = [error ? errorId : null, hint ? hintId : null].filter((x) => x !== null).join(' ') || undefined
  const common = {
    id,
    value,
    placeholder,
    spellCheck: false,
    autoComplete: 'off',
    'aria-invalid': error ? true : undefined,
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
