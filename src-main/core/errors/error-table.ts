// One table from the real tools' stderr (zfs, zpool, ssh, wg, the shell) to error
// codes, each with a plain cause and the action that fixes it. Every row is tested on
// output captured in the lab (test/fixtures/, see test/unit/core/errors/). Lines are
// matched after joining wrapped lines, since zfs wraps long messages.
import { appError, type AppError, type ErrorCode } from '../../shared/errors'

interface ErrorRule {
  readonly code: ErrorCode
  readonly pattern: RegExp
  readonly cause: (m: RegExpExecArray) => string
  readonly fix: (m: RegExpExecArray) => string
}

const q = (s: string | undefined): string => `“${s ?? '?'}”`

/** Order matters: more specific rows first (ssh's "Permission denied (publickey)" before zfs's). */
export const ERROR_RULES: readonly ErrorRule[] = [
  {
    code: 'SSH_HOST_KEY_CHANGED',
    pattern: /Host key for (\S+) has changed|REMOTE HOST IDENTIFICATION HAS CHANGED/,
    cause: (m) => `The identity key of ${m[1] ? q(m[1]) : 'the host'} is not the one trusted before.`,
    fix: () => 'If the host was reinstalled, compare the new fingerprint with the one on its console before trusting it; otherwise do not connect.',
  },
  {
    code: 'SSH_HOST_KEY_UNKNOWN',
    pattern: /No \S+ host key is known for (\S+)/,
    cause: (m) => `The identity key of ${q(m[1])} has not been confirmed yet.`,
    fix: () => 'Confirm the host’s fingerprint first (the app shows it and the command to read it on the host).',
  },
  {
    code: 'SSH_AUTH_FAILED',
    pattern: /(\S+): Permission denied \(([^)]+)\)/,
    cause: (m) => `${q(m[1])} refused the login.`,
    fix: () => 'Check the user name, or install the app’s key on the host again.',
  },
  {
    code: 'SSH_CONNECTION_REFUSED',
    pattern: /connect to host (\S+) port (\d+): Connection refused/,
    cause: (m) => `Nothing answers SSH at ${q(m[1])} port ${m[2]}.`,
    fix: () => 'Check the address and port, and that the SSH server is running on that host.',
  },
  {
    code: 'SSH_TIMEOUT',
    pattern: /connect to host (\S+) port (\d+): Connection timed out/,
    cause: (m) => `${q(m[1])} did not answer.`,
    fix: () => 'Check that the host is switched on; if it is reached through the tunnel, check that WireGuard is up on both sides.',
  },
  {
    code: 'ZFS_TARGET_MODIFIED',
    pattern: /destination (.+?) has been modified since most recent snapshot/,
    cause: (m) => `The off-site copy ${q(m[1])} changed after its newest snapshot, so new snapshots cannot be added on top of it.`,
    fix: () => 'Review what a rollback would discard (the app shows it) and confirm it, or send to a new destination. Nothing was changed.',
  },
  {
    code: 'ZFS_INCREMENTAL_MISMATCH',
    pattern: /most recent snapshot of (.+?) does not match incremental source/,
    cause: (m) => `The newest snapshot of ${q(m[1])} is not the one this transfer starts from.`,
    fix: () => 'Plan the transfer again: the app then starts from the newest snapshot both sides share.',
  },
  {
    code: 'ZFS_PARTIAL_RECEIVE_SAVED',
    pattern: /Partially received snapshot is saved/,
    cause: () => 'The transfer stopped part-way; what arrived is kept and the transfer can resume from there.',
    fix: () => 'Run the job again: it resumes where it stopped.',
  },
  {
    code: 'ZFS_STREAM_INCOMPLETE',
    pattern: /failed to read from stream|incomplete stream|checksum mismatch/,
    cause: () => 'The data stream ended early or arrived damaged, so nothing usable was received.',
    fix: () => 'Check the connection (the tunnel) and run the job again.',
  },
  {
    code: 'ZFS_RESUME_TOKEN_CORRUPT',
    pattern: /resume token is corrupt/,
    cause: () => 'The saved point to resume from is damaged.',
    fix: () => 'Discard the partial transfer (the app offers this); the next run sends again from the last complete snapshot.',
  },
  {
    code: 'ZFS_RESUME_SOURCE_GONE',
    pattern: /'([^']+)' used in the initial send no longer exists/,
    cause: (m) => `The snapshot ${q(m[1])} that the interrupted transfer was sending has been deleted on the NAS.`,
    fix: () => 'Discard the partial transfer; the next run sends from the newest snapshot both sides share.',
  },
  {
    code: 'ZFS_RESUME_TARGET_GONE',
    pattern: /cannot receive resume stream: destination '([^']+)' does not exist/,
    cause: (m) => `The partial transfer into ${q(m[1])} no longer exists on the off-site box.`,
    fix: () => 'Run the job again; it plans a new transfer.',
  },
  {
    code: 'ZFS_MOUNT_DENIED',
    pattern: /cannot mount '([^']+)': failed to create mountpoint: Permission denied/,
    cause: (m) => `The data arrived, but this account may not mount ${q(m[1])} (Linux cannot delegate mounting).`,
    fix: () => 'Nothing is lost. Backups are received unmounted; recovery mounts them as root.',
  },
  {
    code: 'ZFS_PERMISSION_DENIED',
    pattern: /permission denied/i,
    cause: () => 'The account used on this host is not allowed to do that.',
    fix: () => 'Run the receive-user setup again so it gets the create, mount and receive rights on the backup dataset.',
  },
  {
    code: 'ZFS_OUT_OF_SPACE',
    pattern: /out of space/,
    cause: () => 'The pool is full.',
    fix: () => 'Free space (prune old snapshots) or give the pool a bigger disk, then run the job again.',
  },
  {
    code: 'ZFS_DESTINATION_EXISTS',
    pattern: /destination '([^']+)' exists/,
    cause: (m) => `A dataset named ${q(m[1])} already exists there and is not a copy of this one.`,
    fix: () => 'Pick another destination, or remove that dataset after checking what it holds. Nothing was changed.',
  },
  {
    code: 'ZFS_KEY_INCORRECT',
    pattern: /Incorrect key provided for '([^']+)'/,
    cause: (m) => `That passphrase does not unlock ${q(m[1])}.`,
    fix: () => 'Check the passphrase: it is the one set when the dataset was encrypted on the NAS.',
  },
  {
    code: 'ZFS_KEY_ALREADY_LOADED',
    pattern: /Key already loaded for '([^']+)'/,
    cause: (m) => `${q(m[1])} is already unlocked.`,
    fix: () => 'Nothing to do: it can be mounted.',
  },
  {
    code: 'ZFS_KEY_NOT_ENCRYPTION_ROOT',
    pattern: /Keys must be loaded for encryption root of '([^']+)' \(([^)]+)\)/,
    cause: (m) => `${q(m[1])} shares its key with ${q(m[2])}.`,
    fix: (m) => `Unlock ${q(m[2])} instead; ${q(m[1])} is unlocked with it.`,
  },
  {
    code: 'ZFS_KEY_LOAD_FAILED',
    pattern: /Key load error: encryption failure/,
    cause: () => 'ZFS could not use the passphrase it was given (it was empty or unreadable).',
    fix: () => 'Enter the passphrase again.',
  },
  {
    code: 'ZFS_KEY_NOT_LOADED',
    pattern: /encryption key not loaded/,
    cause: () => 'The dataset is locked: its key is not loaded.',
    fix: () => 'Unlock it with its passphrase first.',
  },
  {
    code: 'ZFS_PASSPHRASE_TOO_SHORT',
    pattern: /Passphrase too short \(min (\d+)\)/,
    cause: (m) => `The passphrase is shorter than the ${m[1]} characters ZFS requires.`,
    fix: (m) => `Choose a passphrase of at least ${m[1]} characters.`,
  },
  {
    code: 'ZFS_SNAPSHOT_HELD',
    pattern: /cannot destroy snapshot (.+?): it's being held/,
    cause: (m) => `${q(m[1])} is protected by a hold.`,
    fix: () => 'Leave it: the app holds the base of the next backup and releases it once a newer common snapshot exists.',
  },
  {
    // OpenZFS 2.1 says only "busy" when a held snapshot is destroyed.
    code: 'ZFS_SNAPSHOT_HELD',
    pattern: /cannot destroy snapshot (.+?): dataset is busy/,
    cause: (m) => `${q(m[1])} is protected by a hold, or in use.`,
    fix: () => 'Leave it: the app holds the base of the next backup and releases it once a newer common snapshot exists.',
  },
  {
    code: 'ZFS_HOLD_EXISTS',
    pattern: /tag already exists on this dataset/,
    cause: () => 'That hold is already on the snapshot.',
    fix: () => 'Nothing to do.',
  },
  {
    code: 'ZFS_HOLD_MISSING',
    pattern: /no such tag on this dataset/,
    cause: () => 'There is no such hold on the snapshot.',
    fix: () => 'Nothing to do.',
  },
  {
    code: 'ZFS_BOOKMARK_EXISTS',
    pattern: /bookmark exists/,
    cause: () => 'A bookmark with that name already exists.',
    fix: () => 'Nothing to do, or choose another name.',
  },
  {
    code: 'ZFS_BUSY',
    pattern: /'([^']+)' is busy/,
    cause: (m) => `${q(m[1])} is in use (mounted, or a file on it is open).`,
    fix: () => 'Unmount it first, closing anything that uses it.',
  },
  {
    code: 'ZFS_DATASET_MISSING',
    pattern: /'([^']+)': dataset does not exist/,
    cause: (m) => `${q(m[1])} does not exist.`,
    fix: () => 'Refresh the view: it may have been renamed or deleted.',
  },
  {
    code: 'WG_INTERFACE_MISSING',
    pattern: /Unable to access interface: No such device/,
    cause: () => 'The WireGuard tunnel is not up on this host.',
    fix: () => 'Bring the tunnel up (setup → tunnel), then try again.',
  },
  {
    code: 'WG_INTERFACE_EXISTS',
    pattern: /wg-quick: `([^']+)' already exists/,
    cause: (m) => `The tunnel ${q(m[1])} is already up.`,
    fix: () => 'Nothing to do.',
  },
  {
    code: 'COMMAND_NOT_FOUND',
    pattern: /(?:^|\s)([\w./-]+): (?:command )?not found/,
    cause: (m) => `${q(m[1])} is not installed on this host.`,
    fix: () => 'Install it; the host check lists what is missing.',
  },
]

/** Turns a failed command's stderr into an error with a cause and a fix; raw text kept as details. */
export function classifyError(stderr: string, exitCode: number | null): AppError {
  const text = stderr.replace(/\s*\n\s*/g, ' ').trim()
  for (const rule of ERROR_RULES) {
    const m = rule.pattern.exec(text)
    if (m) return appError(rule.code, rule.cause(m), rule.fix(m), stderr.trim())
  }
  return appError(
    'COMMAND_FAILED',
    exitCode === null ? 'A command on the host ended without an exit status.' : `A command on the host failed (exit status ${exitCode}).`,
    'Read the details; if they do not help, report them with the log file.',
    stderr.trim() === '' ? undefined : stderr.trim(),
  )
}
