// ZFS rights for the receive user, by `zfs allow` on exactly one parent dataset: never
// `sudo zfs` (that is root), never destroy or rollback.
//
// What the rights allow, by OpenZFS version:
// - OpenZFS ≥ 2.4: `receive:append` (openzfs PR #17015) admits only receives that add
//   snapshots; a forced receive (-F) is refused by ZFS itself.
// - Older OpenZFS: plain `receive` is needed, and with it `zfs receive -F` can still roll
//   back a target and destroy snapshots the stream does not have, without the destroy
//   or rollback right (openzfs#16943; seen in the lab on 2.3.2 through syncoid's default
//   -F). Two things close that here: the forced-command wrapper (receive-wrapper.ts)
//   admits no -F, so the NAS's key cannot ask for it; and a hold on the off-site
//   snapshots the app must keep (placed over the app's own login, not this user's: it
//   has no hold or release right) makes any destroy of them fail, -F included.
// `create` and `mount` are needed by every receive (lab: "permission denied" without
// either); mounting itself cannot be delegated on Linux, so receives run with -u.
import type { CommandSpec } from '../zfs/command'
import type { HostProbe } from '../../shared/model'
import type { DatasetName } from '../zfs/names'
import { checkUser } from './receive-user'

export const APPEND_ONLY_PERMISSIONS = ['create', 'mount', 'receive:append'] as const
export const RECEIVE_PERMISSIONS = ['create', 'mount', 'receive'] as const

/** Rights that would let the key erase or hide off-site history; the app never grants them and warns where they are found. */
export const DANGEROUS_PERMISSIONS = ['destroy', 'rollback', 'release', 'rename', 'promote', 'clone'] as const

function versionOf(text: string | null | undefined): { major: number; minor: number } | null {
  const m = /^(\d+)\.(\d+)/.exec(text ?? '')
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : null
}

const atLeast = (v: { major: number; minor: number }, major: number, minor: number) => v.major > major || (v.major === major && v.minor >= minor)

/**
 * Whether the off-site box's OpenZFS knows `receive:append`: the tools (which check the
 * permission's name) and the loaded kernel module (which enforces it) must both be ≥ 2.4;
 * after an upgrade without a reboot they differ.
 */
export function supportsReceiveAppend(zfs: HostProbe['zfs']): boolean {
  if (zfs === null) return false
  if (!atLeast({ major: zfs.major, minor: zfs.minor }, 2, 4)) return false
  const kernel = versionOf(zfs.kernel)
  return kernel === null || atLeast(kernel, 2, 4)
}

export function receivePermissionsFor(zfs: HostProbe['zfs']): readonly string[] {
  return supportsReceiveAppend(zfs) ? APPEND_ONLY_PERMISSIONS : RECEIVE_PERMISSIONS
}

function checkPermissions(permissions: readonly string[]): string {
  if (permissions.length === 0) throw new Error('no permissions to grant')
  for (const p of permissions) {
    if (!/^[a-z:_]+$/.test(p)) throw new Error(`not a permission name: ${JSON.stringify(p)}`)
    if ((DANGEROUS_PERMISSIONS as readonly string[]).includes(p)) throw new Error(`the receive user is never given ${p}`)
  }
  return permissions.join(',')
}

/** `zfs allow -u <user> <perms> <dataset>`: local and descendent, as the receives land in children. */
export function allowCommand(user: string, permissions: readonly string[], dataset: DatasetName): CommandSpec {
  return { argv: ['zfs', 'allow', '-u', checkUser(user), checkPermissions(permissions), dataset], successCodes: [0] }
}

/** The exact reverse of allowCommand. */
export function unallowCommand(user: string, permissions: readonly string[], dataset: DatasetName): CommandSpec {
  return { argv: ['zfs', 'unallow', '-u', checkUser(user), checkPermissions(permissions), dataset], successCodes: [0] }
}

/** `zfs allow <dataset>`: read with parseAllow (core/hosts/probe.ts). */
export function showAllowCommand(dataset: DatasetName): CommandSpec {
  return { argv: ['zfs', 'allow', dataset], successCodes: [0] }
}

export interface DelegationCheck {
  /** Needed rights the user does not have on the dataset: what allowCommand must grant. */
  readonly missing: readonly string[]
  /** Rights the user has there (or above) that could erase history. */
  readonly dangerous: readonly string[]
}

/**
 * Compares what `zfs allow` shows with what the user needs. Rights given on a parent
 * reach down (Local+Descendent), so the dataset's ancestors count too.
 */
export function checkDelegation(delegations: HostProbe['login']['delegations'], user: string, dataset: DatasetName, needed: readonly string[]): DelegationCheck {
  const covers = (d: string) => d === dataset || dataset.startsWith(`${d}/`)
  const held = new Set(delegations.filter((d) => d.who === `user ${user}` && covers(d.dataset)).flatMap((d) => d.permissions))
  const everyone = new Set(delegations.filter((d) => d.who === 'everyone' && covers(d.dataset)).flatMap((d) => d.permissions))
  return {
    missing: needed.filter((p) => !held.has(p) && !everyone.has(p)),
    dangerous: DANGEROUS_PERMISSIONS.filter((p) => held.has(p) || everyone.has(p)),
  }
}
