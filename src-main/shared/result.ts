// Result: how every API call answers. Errors cross the process boundary as data,
// never as thrown exceptions, so the renderer can always show cause and fix.
import type { AppError } from './errors'

export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: AppError }

export function ok<T>(value: T): Result<T> {
  return { ok: true, value }
}

export function fail<T = never>(error: AppError): Result<T> {
  return { ok: false, error }
}
