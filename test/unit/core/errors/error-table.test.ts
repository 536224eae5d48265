// Every row of the error table against stderr captured from the real tools.
import { describe, expect, it } from 'vitest'
import { classifyError, ERROR_RULES } from '../../../../src-main/core/errors/error-table'
import { fixture, fixtureNames, ZFS_VERSIONS } from '../../../support/fixtures'

/** Captured failures (by fixture name) and the code each must map to. */
const ZFS_FAILURES: Record<string, string> = {
  'bookmark-exists': 'ZFS_BOOKMARK_EXISTS',
  'create-short-passphrase': 'ZFS_PASSPHRASE_TOO_SHORT',
  'destroy-delegated-denied': 'ZFS_PERMISSION_DENIED',
  'destroy-held-snapshot': 'ZFS_SNAPSHOT_HELD',
  'hold-again': 'ZFS_HOLD_EXISTS',
  'hold-missing-snapshot': 'ZFS_DATASET_MISSING',
  'list-missing-dataset': 'ZFS_DATASET_MISSING',
  'load-key-already-loaded': 'ZFS_KEY_ALREADY_LOADED',
  'load-key-empty-stdin': 'ZFS_KEY_LOAD_FAILED',
  'load-key-n-wrong-passphrase': 'ZFS_KEY_INCORRECT',
  'load-key-not-encryption-root': 'ZFS_KEY_NOT_ENCRYPTION_ROOT',
  'load-key-wrong-passphrase': 'ZFS_KEY_INCORRECT',
  'mount-key-not-loaded': 'ZFS_KEY_NOT_LOADED',
  'receive-abort-nothing': 'ZFS_DATASET_MISSING',
  'receive-delegated-mount': 'ZFS_MOUNT_DENIED',
  'receive-delegated-no-create': 'ZFS_PERMISSION_DENIED',
  'receive-delegated-no-rights': 'ZFS_PERMISSION_DENIED',
  'receive-empty-stream': 'ZFS_STREAM_INCOMPLETE',
  'receive-exists-without-F': 'ZFS_DESTINATION_EXISTS',
  'receive-incremental-source-mismatch': 'ZFS_INCREMENTAL_MISMATCH',
  'receive-out-of-space': 'ZFS_OUT_OF_SPACE',
  'receive-resume-after-abort': 'ZFS_RESUME_TARGET_GONE',
  'receive-target-has-newer-snapshot': 'ZFS_TARGET_MODIFIED',
  'receive-target-modified': 'ZFS_TARGET_MODIFIED',
  'receive-truncated': 'ZFS_STREAM_INCOMPLETE',
  'receive-truncated-header': 'ZFS_STREAM_INCOMPLETE',
  'receive-truncated-resumable': 'ZFS_PARTIAL_RECEIVE_SAVED',
  'release-unknown-tag': 'ZFS_HOLD_MISSING',
  'send-invalid-token': 'ZFS_RESUME_TOKEN_CORRUPT',
  'send-missing-snapshot': 'ZFS_DATASET_MISSING',
  'send-stale-token-source-gone': 'ZFS_RESUME_SOURCE_GONE',
  'send-token-truncated': 'ZFS_RESUME_TOKEN_CORRUPT',
  'snapshot-delegated-denied': 'ZFS_PERMISSION_DENIED',
  'unload-key-mounted': 'ZFS_BUSY',
}

const OTHER_FAILURES: Record<string, string> = {
  'wg/ping-tunnel-peer-down': 'COMMAND_FAILED',
  'wg/ssh-over-tunnel-peer-down': 'SSH_TIMEOUT',
  'wg/ssh-over-tunnel-unknown-host-key': 'SSH_HOST_KEY_UNKNOWN',
  'wg/wg-quick-up-again': 'WG_INTERFACE_EXISTS',
  'wg/wg-show-missing': 'WG_INTERFACE_MISSING',
  'ssh/connection-refused': 'SSH_CONNECTION_REFUSED',
  'ssh/host-key-changed': 'SSH_HOST_KEY_CHANGED',
  'ssh/host-key-unknown': 'SSH_HOST_KEY_UNKNOWN',
  'ssh/permission-denied-publickey': 'SSH_AUTH_FAILED',
  'ssh/permission-denied-user': 'SSH_AUTH_FAILED',
  'ssh/remote-command-fails': 'COMMAND_FAILED',
  'ssh/remote-command-not-found': 'COMMAND_NOT_FOUND',
}

describe.each(ZFS_VERSIONS)('the error table on OpenZFS %s stderr', (version) => {
  it.each(Object.entries(ZFS_FAILURES))('maps %s to %s', (name, code) => {
    const f = fixture(version, name)
    const error = classifyError(f.stderr, f.exitCode)
    expect(error.code).toBe(code)
    expect(error.cause.length).toBeGreaterThan(10)
    expect(error.fix.length).toBeGreaterThan(5)
    expect(error.details).toBe(f.stderr.trim())
  })

  it('knows every failure captured in this version', () => {
    const failures = fixtureNames(version).filter((n) => {
      const f = fixture(version, n)
      return f.exitCode !== 0 && f.expected !== 'any'
    })
    expect(failures.filter((n) => !(n in ZFS_FAILURES))).toEqual([])
  })
})

describe('the error table on ssh, wg and shell stderr', () => {
  it.each(Object.entries(OTHER_FAILURES))('maps %s to %s', (path, code) => {
    const [folder, name] = path.split('/') as [string, string]
    const f = fixture(folder, name)
    expect(classifyError(f.stderr, f.exitCode).code).toBe(code)
  })

  it('names the host and port in plain words', () => {
    const f = fixture('ssh', 'connection-refused')
    expect(classifyError(f.stderr, f.exitCode).cause).toBe('Nothing answers SSH at “127.0.0.1” port 1.')
  })

  it('says when a command gave no exit status at all', () => {
    expect(classifyError('', null)).toMatchObject({ code: 'COMMAND_FAILED', cause: /without an exit status/ })
  })
})

describe('the error table itself', () => {
  it('has a captured example for every row', () => {
    const mapped = new Set([...Object.values(ZFS_FAILURES), ...Object.values(OTHER_FAILURES)])
    expect(ERROR_RULES.map((r) => r.code).filter((c) => !mapped.has(c))).toEqual([])
  })
})
