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
  // From the real tools' stderr (src-main/core/errors/error-table.ts).
  'ZFS_TARGET_MODIFIED',
  'ZFS_INCREMENTAL_MISMATCH',
  'ZFS_STREAM_INCOMPLETE',
  'ZFS_PARTIAL_RECEIVE_SAVED',
  'ZFS_RESUME_TOKEN_CORRUPT',
  'ZFS_RESUME_SOURCE_GONE',
  'ZFS_RESUME_TARGET_GONE',
  'ZFS_PERMISSION_DENIED',
  'ZFS_MOUNT_DENIED',
  'ZFS_OUT_OF_SPACE',
  'ZFS_DATASET_MISSING',
  'ZFS_DESTINATION_EXISTS',
  'ZFS_KEY_INCORRECT',
  'ZFS_KEY_ALREADY_LOADED',
  'ZFS_KEY_NOT_LOADED',
  'ZFS_KEY_NOT_ENCRYPTION_ROOT',
  'ZFS_KEY_LOAD_FAILED',
  'ZFS_PASSPHRASE_TOO_SHORT',
  'ZFS_SNAPSHOT_HELD',
  'ZFS_HOLD_EXISTS',
  'ZFS_HOLD_MISSING',
  'ZFS_BOOKMARK_EXISTS',
  'ZFS_BUSY',
  'SSH_HOST_KEY_CHANGED',
  'SSH_HOST_KEY_UNKNOWN',
  'SSH_AUTH_FAILED',
  'SSH_CONNECTION_REFUSED',
  'SSH_TIMEOUT',
  'SSH_HOST_NOT_FOUND',
  'SSH_PIN_STORE_UNREADABLE',
  'SSH_KEY_UNREADABLE',
  'SSH_AGENT_UNAVAILABLE',
  'SSH_CONNECTION_LOST',
  'SSH_JUMP_FAILED',
  'SSH_NAS_MISSING',
  'SSH_EXIT_STATUS_MISSING',
  'COMMAND_ABORTED',
  'PROBE_UNREADABLE',
  'WG_INTERFACE_MISSING',
  'WG_INTERFACE_EXISTS',
  'COMMAND_NOT_FOUND',
  'COMMAND_FAILED',
  // Replication runs (src-main/services/runs-service.ts).
  'JOB_NOT_READY',
  'JOB_BUSY',
  'JOB_HAS_SCHEDULE',
  'PLAN_BLOCKED',
  'RUN_FAILED',
  'VERIFY_MISMATCH',
  // The setup wizard (src-main/services/wizard-service.ts).
  'WIZARD_STEP_REFUSED',
  'HOST_ROLE_MISMATCH',
  'SUDO_REQUIRED',
  'WG_NOT_INSTALLED',
  'WG_NO_HANDSHAKE',
  'WG_PING_FAILED',
  'WG_NO_FREE_ADDRESS',
  'WG_NO_FREE_PORT',
  'WG_CONFIG_NOT_OURS',
  'HOST_KEY_MISMATCH',
  'RECEIVE_LOGIN_FAILED',
  'RECEIVE_COMMAND_REFUSED',
  'RECEIVE_PERMISSION_MISSING',
  'RECEIVE_KEY_TOO_WIDE',
  'PREFLIGHT_BLOCKED',
  'DATASET_HAS_CHILDREN',
  'WG_PORT_IN_USE',
  'OFFSITE_UNREACHABLE',
  'DISK_NOT_EMPTY',
  'CONFIRMATION_MISMATCH',
  // Schedules, sanoid and retention (src-main/core/schedule, core/sanoid).
  'SCHEDULE_INVALID',
  'SCHEDULE_NO_CRON_EQUIVALENT',
  'MARKED_BLOCK_DAMAGED',
  'SANOID_SECTION_CONFLICT',
  'SANOID_POLICY_INVALID',
  'SANOID_PRUNE_UNSAFE',
  'SANOID_MISSING',
  // Disaster recovery (src-main/core/recovery, src-main/services/recovery-service.ts).
  'RECOVERY_PASSPHRASE_MISSING',
  'RECOVERY_SNAPSHOT_MISSING',
  'RECOVERY_LOOK_NOT_FOUND',
  'RECOVERY_PATH_REFUSED',
  'RECOVERY_NOT_A_LOOK',
  'RECOVERY_OFFSITE_UNREACHABLE',
  'RECOVERY_TARGET_EXISTS',
  'RECOVERY_CANCELLED',
  'RECOVERY_DOWNLOAD_FAILED',
  'RECOVERY_RESTORE_FAILED',
  'RECOVERY_TARGET_PARENT_MISSING',
  'FIRE_DRILL_FAILED',
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

/** One line naming each invalid field and why, for an error's details. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`).join('; ')
}
