// What the recovery steps run on the off-site box, shown before they run ("What this
// runs"): built from the same command functions the services run, so the panel cannot
// drift from what happens. Passphrases are never in them: a command that reads one says
// so in words instead.
import type { ShownCommand } from '../../shared/wizard'
import { shellJoin } from '../shell/quote'
import type { CommandSpec } from '../zfs/command'
import { listTreeCommand } from '../zfs/list-tree'
import type { DatasetName, SnapshotRef } from '../zfs/names'
import { checkKeyCommand, loadKeyCommand, unloadKeyCommand } from './load-key'
import { cloneForLookCommand, destroyLookCloneCommand, lookClone, mountLookCommand, removeLookFolderCommand, unmountLookCommand, type LookId, type LookRecord } from './look'

const PASSPHRASE_WORDS = 'the passphrase (from the keychain or typed here; never shown)'
/** Stands in for a passphrase while the argv is built; the shown command never carries stdin. */
const NOT_A_PASSPHRASE = 'not-shown'
/** A look's id is made when it starts; until then the panel says <id>. */
const PENDING_ID = 'zzzzzzzz' as LookId

function shown(spec: CommandSpec, purpose: string, kind: ShownCommand['kind'], input?: string): ShownCommand {
  return { host: 'offsite', purpose, kind, command: shellJoin(spec.argv).replaceAll(PENDING_ID, '<id>'), ...(input ? { input } : {}) }
}

/** Step 1: reading the backups changes nothing. */
export function listBackupsShown(parent: DatasetName): ShownCommand[] {
  return [shown(listTreeCommand(parent), 'Lists the backups, their snapshots, sizes and keys', 'check')]
}

/** Step 2: one dry run per encryption root; nothing is loaded. */
export function checkKeysShown(roots: readonly DatasetName[]): ShownCommand[] {
  return roots.map((root) => shown(checkKeyCommand(root, NOT_A_PASSPHRASE), `Checks the passphrase of ${root}; loads nothing`, 'check', PASSPHRASE_WORDS))
}

/** Starting a look: the key checked and loaded (when it is not loaded yet), the read-only clone made and mounted. */
export function startLookShown(parent: DatasetName, snapshot: SnapshotRef, keyToLoad: DatasetName | null): ShownCommand[] {
  const out: ShownCommand[] = []
  if (keyToLoad) {
    out.push(shown(checkKeyCommand(keyToLoad, NOT_A_PASSPHRASE), `Checks the passphrase of ${keyToLoad}; loads nothing`, 'check', PASSPHRASE_WORDS))
    out.push(shown(loadKeyCommand(keyToLoad, NOT_A_PASSPHRASE), `Unlocks ${keyToLoad} until the look ends`, 'change', PASSPHRASE_WORDS))
  }
  out.push(shown(cloneForLookCommand(snapshot, parent, PENDING_ID, keyToLoad ? [keyToLoad] : []), 'Makes a temporary read-only clone of the snapshot (the snapshot itself is not changed)', 'change'))
  out.push(shown(mountLookCommand(lookClone(parent, PENDING_ID)), 'Mounts the clone read-only at its own folder', 'change'))
  return out
}

/** Ending a look: only the look's clone is destroyed, and only the keys it loaded are unloaded. */
export function endLookShown(look: LookRecord & { readonly lookId: LookId }): ShownCommand[] {
  return [
    ...(look.mounted ? [shown(unmountLookCommand(look.name), 'Unmounts the look', 'change')] : []),
    shown(destroyLookCloneCommand(look), 'Destroys the temporary clone (only the look’s clone; the backup stays)', 'change'),
    shown(removeLookFolderCommand(look.lookId), 'Removes the look’s empty folder', 'change'),
    ...look.keysLoaded.map((k) => shown(unloadKeyCommand(k), `Locks ${k} again`, 'change')),
  ]
}
