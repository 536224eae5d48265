// The error model shared by every layer: a stable code, a one-sentence cause in plain
// language, the action that fixes it, and the raw details (stderr, paths) kept apart.
import { z } from 'zod'

export const errorCodes = [
  'INVALID_INPUT',
  'UNTRUSTED_SENDER',
  'UNKNOWN_METHOD',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'CONFIG_UNREADABLE',
  'CONFIG_TOO_NEW',
  'SECRET_STORE_UNAVAILABLE',
  'SECRET_STORE_FAILED',
  'LOG_UNREADABLE',
  'INTERNAL',
] as const

export const ErrorCodeSchema = z.enum(errorCodes)
export type ErrorCode = z.infer<typeof ErrorCodeSchema>

export const AppErrorSchema = z.object({
  code: ErrorCodeSchema,
  /** What went wrong, one sentence a non-specialist understands. */
  cause: z.string().min(1),
  /** What the person can do about it. */
  fix: z.string().min(1),
  /** Raw material for "details": stderr, the path involved, the offending field. */
  details: z.string().optional(),
})
export type AppError = z.infer<typeof AppErrorSchema>

export function appError(code: ErrorCode, cause: string, fix: string, details?: string): AppError {
  return details === undefined ? { code, cause, fix } : { code, cause, fix, details }
}

/** An exception that carries an AppError, thrown inside services and turned back into data at the boundary. */
export class AppFailure extends Error {
  constructor(readonly appError: AppError) {
    super(appError.cause)
    this.name = 'AppFailure'
  }
}
