// `zfs receive` on the off-site box. Always resumable (-s) and unmounted (-u): mounting
// cannot be delegated on Linux, and an unmounted copy cannot be changed by accident.
// Never -F: it rolls back and destroys target snapshots (zfs-receive.8); that is only
// ever done after a person confirmed the previewed rollback, by a separate command.
import type { CommandSpec } from './command'
import type { DatasetName } from './names'

/** Where zfs lives on Debian and most Linux: not on a non-root user's PATH over SSH. */
export const ZFS_PATH = '/usr/sbin/zfs'

export function receiveCommand(target: DatasetName, options: { readonly zfsPath?: string } = {}): CommandSpec {
  return { argv: [options.zfsPath ?? 'zfs', 'receive', '-s', '-u', target], successCodes: [0] }
}
