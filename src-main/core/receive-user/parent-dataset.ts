// The one parent dataset on the off-site box that every copy lands under, and that the
// receive user's rights are given on. canmount=off: it holds nothing itself;
// readonly=on: inherited by what is received, so a mounted copy cannot be changed by
// accident (receives still work: they write below the file system layer).
import type { CommandSpec } from '../zfs/command'
import type { DatasetName } from '../zfs/names'

const CREATE_SCRIPT = [
  'set -e',
  // An existing dataset (the person chose one) is used as it is: its properties are theirs.
  'if zfs list -H -o name "$1" >/dev/null 2>&1; then echo existing; exit 0; fi',
  // No -p: zfs-create.8 says -o is ignored for what -p makes, and a missing pool or
  // parent is better reported than made up.
  'zfs create -o canmount=off -o readonly=on "$1"',
  'echo created',
].join('\n')

export function createParentCommand(dataset: DatasetName): CommandSpec {
  return { argv: ['sh', '-c', CREATE_SCRIPT, 'sh', dataset], successCodes: [0] }
}

export function parseCreateParent(stdout: string): { readonly created: boolean } {
  const word = stdout.trim().split('\n').at(-1)?.trim()
  if (word !== 'created' && word !== 'existing') throw new Error(`not the output of the parent step: ${JSON.stringify(stdout.slice(0, 80))}`)
  return { created: word === 'created' }
}

/**
 * Undo: not recursive, so it fails ("has children") once anything was received below —
 * undoing the wizard never destroys an off-site copy.
 */
export function removeEmptyParentCommand(dataset: DatasetName): CommandSpec {
  return { argv: ['zfs', 'destroy', dataset], successCodes: [0] }
}
