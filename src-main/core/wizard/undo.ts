// Undo as exact commands: for each thing a step recorded as made, the command (or the
// read-edit-write of a shared file) that removes it and nothing else, in dependency order.
import type { CommandSpec } from '../zfs/command'
import type { DatasetName } from '../zfs/names'
import { interfaceName } from '../wireguard/interface-name'
import { removeTunnelCommands } from '../wireguard/remove-tunnel'
import { removeReceiveUserCommand } from '../receive-user/receive-user'
import { removeNasKeyCommand } from '../receive-user/nas-key'
import { readAuthorizedKeysCommand, parseAuthorizedKeys, withoutAppLine, writeAuthorizedKeysCommand } from '../receive-user/authorized-keys'
import { removeWrapperCommand } from '../receive-user/receive-wrapper'
import { unallowCommand } from '../receive-user/delegation'
import { removeEmptyParentCommand } from '../receive-user/parent-dataset'
import { readKnownHostsCommand, parseKnownHosts, removeKnownHostsCommand, withoutKnownHost, writeKnownHostsCommand } from '../receive-user/known-hosts'
import { removeSshdDropinCommand } from '../receive-user/sshd-dropin'
import { destroyEmptyPoolCommand } from '../pool/destroy-pool'
import type { PoolName } from '../zfs/names'
import type { Created, WizardHost } from '../../shared/wizard'

export type UndoAction =
  | { readonly kind: 'run'; readonly host: WizardHost; readonly label: string; readonly command: CommandSpec; readonly undoes: Created }
  | {
      readonly kind: 'edit'
      readonly host: WizardHost
      readonly label: string
      readonly undoes: Created
      /** Read the file; `edit` its text; write the result only when it changed. */
      readonly read: CommandSpec
      readonly parse: (stdout: string) => { readonly exists: boolean; readonly text: string }
      readonly edit: (text: string) => { readonly text: string; readonly changed: boolean }
      readonly write: (text: string) => CommandSpec
    }

function undoOne(c: Created): UndoAction[] {
  const run = (label: string, command: CommandSpec): UndoAction => ({ kind: 'run', host: c.host, label, command, undoes: c })
  switch (c.kind) {
    case 'wg-unit':
      return removeTunnelCommands({ name: interfaceName(c.interface), unitEnabled: true, confFile: false, keyFile: false }).map((cmd) => run(`stop and disable the tunnel ${c.interface}`, cmd))
    case 'wg-conf':
      return removeTunnelCommands({ name: interfaceName(c.interface), unitEnabled: false, confFile: true, keyFile: false }).map((cmd) => run(`delete the tunnel’s configuration`, cmd))
    case 'wg-key':
      return removeTunnelCommands({ name: interfaceName(c.interface), unitEnabled: false, confFile: false, keyFile: true }).map((cmd) => run(`delete the tunnel’s private key`, cmd))
    case 'receive-user':
      return [run(`remove the user ${c.user}`, removeReceiveUserCommand(c.user))]
    case 'nas-key':
      return [run('delete the NAS’s receive key', removeNasKeyCommand(c.path))]
    case 'wrapper':
      return [run('delete the receive-only command', removeWrapperCommand(c.path))]
    case 'delegation':
      return [run(`take back ${c.permissions.join(', ')} on ${c.dataset}`, unallowCommand(c.user, c.permissions, c.dataset as DatasetName))]
    case 'dataset':
      return [run(`remove ${c.dataset} if nothing was received into it`, removeEmptyParentCommand(c.dataset as DatasetName))]
    case 'pool':
      // The check and the destroy are one script on the host: refused ("pool has children")
      // once anything is below the pool's root, so an off-site copy is never destroyed;
      // then the disk is left blank, as the wizard found it.
      return [run(`destroy the pool ${c.pool} if it holds nothing`, destroyEmptyPoolCommand(c.pool as PoolName, c.disk))]
    case 'authorized-key':
      return [
        {
          kind: 'edit',
          host: c.host,
          label: `take the NAS’s key out of ${c.user}’s authorized_keys`,
          undoes: c,
          read: readAuthorizedKeysCommand(c.user),
          parse: parseAuthorizedKeys,
          edit: withoutAppLine,
          write: (text) => writeAuthorizedKeysCommand(c.user, text),
        },
      ]
    case 'sshd-dropin':
      return [run('take out the sshd setting for the receive user', removeSshdDropinCommand(c.path))]
    case 'known-host':
      return [
        {
          kind: 'edit',
          host: c.host,
          label: `forget ${c.name}’s key on the NAS`,
          undoes: c,
          read: readKnownHostsCommand(c.path),
          parse: parseKnownHosts,
          edit: (text) => withoutKnownHost(text, c.name),
          // The file is the app's own (NAS_KNOWN_HOSTS): emptied, it goes, as before the wizard.
          write: (text) => (text.trim() === '' ? removeKnownHostsCommand(c.path) : writeKnownHostsCommand(text, c.path)),
        },
      ]
  }
}

// Within one step, what depends on something is undone before it: the tunnel is stopped
// before its files go, the rights and key line before the user, the user before nothing,
// the parent dataset before the pool it lives in.
const ORDER: readonly Created['kind'][] = ['wg-unit', 'wg-conf', 'wg-key', 'authorized-key', 'delegation', 'wrapper', 'receive-user', 'sshd-dropin', 'known-host', 'nas-key', 'dataset', 'pool']

/** The actions that undo `created` (one step's record), in the order to run them. */
export function undoActions(created: readonly Created[]): UndoAction[] {
  const sorted = [...created].sort((a, b) => ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind))
  return sorted.flatMap(undoOne)
}
