// Disaster recovery use cases (issue 9), first half: list the backups on the off-site box,
// check the passphrases a restore needs (`zfs load-key -n`, loads nothing), and a
// read-only look at one snapshot (load the key, clone, mount, browse, then clean up).
// Passphrases come from the keychain or are typed; they go to zfs on stdin only, and are
// registered with the redactor so no log line can show them.
import { randomBytes } from 'node:crypto'
import type { ConfigStore } from '../adapters/config/config-store'
import type { SshConnection } from '../adapters/ssh/ssh-connection'
import { classifyError } from '../core/errors/error-table'
import type { Logger } from '../core/logging/logger'
import type { Redactor } from '../core/logging/redactor'
import { backupsFromTree } from '../core/recovery/backups'
import { BROWSE_EXIT, browseCommand, LookPathError, parseBrowseListing } from '../core/recovery/browse'
import { checkKeyCommand, loadKeyCommand, unloadKeyCommand } from '../core/recovery/load-key'
import {
  cloneForLookCommand,
  destroyLookCloneCommand,
  isLookId,
  listLooksCommand,
  lookClone,
  lookIdFrom,
  lookMountpoint,
  mountLookCommand,
  parseLookList,
  RefusedCloneError,
  removeLookFolderCommand,
  unmountLookCommand,
  type LookId,
  type LookRecord,
} from '../core/recovery/look'
import { passphraseCandidates } from '../core/recovery/passphrase-sources'
import { checkKeysShown, endLookShown, listBackupsShown, startLookShown } from '../core/recovery/shown-commands'
import { requiredKeys, SnapshotNotFoundError, type RequiredRoot } from '../core/recovery/required-keys'
import { passphraseAccount } from '../core/secrets/accounts'
import type { SecretStore } from '../core/secrets/secret-store'
import { getPropertyCommand, parsePropertyValues } from '../core/zfs/get-property'
import { listTreeCommand, parseTreeListing } from '../core/zfs/list-tree'
import { checkDatasetName, checkSnapshotName, parentOf, type DatasetName, type SnapshotRef } from '../core/zfs/names'
import type { MethodName, MethodOutput } from '../shared/contract'
import { AppFailure, appError, type AppError } from '../shared/errors'
import type { Host } from '../shared/model'
import type { KeyCheck, Look } from '../shared/recovery'
import type { ParsedInput } from './app-services'
import type { HostServices } from './hosts-service'

type ServiceImpl<M extends MethodName> = (input: ParsedInput<M>) => Promise<MethodOutput<M>>
export type RecoveryMethod = 'listBackups' | 'checkRecoveryKeys' | 'startLook' | 'browseLook' | 'endLook' | 'previewRecoveryStep'

export interface RecoveryServiceDeps {
  readonly config: ConfigStore
  readonly secrets: SecretStore
  readonly logger: Logger
  readonly hosts: HostServices
  readonly redactor?: Redactor
}

/** How many entries of one folder a look lists at once. */
const BROWSE_LIMIT = 2000

interface Passphrase {
  readonly value: string
  readonly source: 'typed' | 'keychain'
  readonly save: boolean
}

type Typed = ParsedInput<'checkRecoveryKeys'>['passphrases']

const fail = (code: AppError['code'], cause: string, fix: string, details?: string): AppFailure => new AppFailure(appError(code, cause, fix, details))

function datasetOrFail(name: string): DatasetName {
  const c = checkDatasetName(name)
  if (!c.ok) throw fail('INVALID_INPUT', `“${name}” is not a dataset name: ${c.reason}`, 'Choose the dataset from the list.')
  return c.value
}

function snapshotOrFail(name: string): SnapshotRef {
  const c = checkSnapshotName(name)
  if (!c.ok) throw fail('INVALID_INPUT', `“${name}” is not a snapshot name: ${c.reason}`, 'Choose the snapshot from the list.')
  return c.value
}

/**
 * What every recovery use case needs (this file's, the restore's, the download's and the
 * fire drill's): the off-site box's connection, the keys a snapshot needs, passphrases
 * from the person or the keychain and their dry-run check, and the looks on a host.
 */
export function createRecoveryToolkit(deps: RecoveryServiceDeps) {
  const { config, secrets, logger, hosts } = deps
  /** Where each look's clone is, once seen: saves listing every dataset of the host. */
  const lookParents = new Map<string, DatasetName>()

  const findHost = (hostId: string): Host => {
    const host = config.read().hosts.find((h) => h.id === hostId)
    if (!host) throw fail('NOT_FOUND', 'That host is not in this app any more.', 'Pick the off-site box from the Hosts screen, or add it again.', hostId)
    return host
  }

  /**
   * The off-site box's pinned connection. When it rides on the NAS and that fails, say
   * how to reach it without the NAS: the NAS may be what was lost.
   */
  const connect = async (host: Host): Promise<SshConnection> => {
    const connection = await hosts.connection(host.id)
    try {
      await connection.ensure()
    } catch (err) {
      if (host.reachedThroughNas && err instanceof AppFailure && err.appError.code.startsWith('SSH_') && err.appError.code !== 'SSH_HOST_KEY_CHANGED') {
        throw fail(
          'RECOVERY_OFFSITE_UNREACHABLE',
          `${host.label} is reached through the NAS, and that way did not work: ${err.appError.cause}`,
          'If the NAS is gone, edit the off-site box in Hosts: untick “reached through the NAS” and enter the address it has on the internet (or your VPN). Its confirmed identity is kept: the app checks it is the same box.',
          err.appError.details ?? err.appError.code,
        )
      }
      throw err
    }
    return connection
  }

  const treeOf = async (connection: SshConnection, root: DatasetName) => parseTreeListing(await connection.run(listTreeCommand(root)))

  const rootsFor = async (connection: SshConnection, snapshot: SnapshotRef, recursive: boolean) => {
    try {
      return requiredKeys(await treeOf(connection, snapshot.dataset), snapshot, recursive)
    } catch (err) {
      if (err instanceof SnapshotNotFoundError || (err instanceof AppFailure && err.appError.code === 'ZFS_DATASET_MISSING')) {
        throw fail('RECOVERY_SNAPSHOT_MISSING', `${snapshot.full} is not on the off-site box.`, 'Refresh the list of backups and choose a snapshot from it.')
      }
      throw err
    }
  }

  /** A typed passphrase for the root, else the first one the keychain has; null when neither. */
  const passphraseFor = async (hostId: string, root: DatasetName, typed: Typed): Promise<Passphrase | null> => {
    const t = typed.find((p) => p.encryptionRoot === root)
    if (t) {
      deps.redactor?.register(t.passphrase)
      return { value: t.passphrase, source: 'typed', save: t.save }
    }
    for (const ref of passphraseCandidates(hostId, root, config.read().jobs)) {
      const value = await secrets.get(passphraseAccount(ref))
      if (value !== null) {
        deps.redactor?.register(value)
        return { value, source: 'keychain', save: false }
      }
    }
    return null
  }

  const missingPassphrase = (root: string): AppError =>
    appError(
      'RECOVERY_PASSPHRASE_MISSING',
      `No passphrase for ${root} is in the keychain.`,
      `Type the passphrase of ${root} (the one set when it was encrypted on the NAS); tick “save to the keychain” to keep it for next time.`,
    )

  /** `zfs load-key -n`: null when the passphrase unlocks the root, else the error that says why not. */
  const dryRun = async (connection: SshConnection, root: DatasetName, passphrase: string): Promise<AppError | null> => {
    const spec = checkKeyCommand(root, passphrase)
    const outcome = await connection.exec(spec.argv, spec.stdin !== undefined ? { stdin: spec.stdin } : {})
    if (outcome.kind === 'exited' && outcome.code === 0) return null
    if (outcome.kind !== 'exited') return appError('SSH_EXIT_STATUS_MISSING', 'The passphrase check ended without an exit status.', 'Check the connection and try again.', outcome.stderr.trim() || undefined)
    return classifyError(outcome.stderr, outcome.code)
  }

  const save = async (hostId: string, root: DatasetName, p: Passphrase): Promise<boolean> => {
    if (p.source !== 'typed' || !p.save) return false
    await secrets.set(passphraseAccount({ hostId, dataset: root }), p.value)
    logger.info('encryption passphrase saved to the keychain', { hostId, dataset: root })
    return true
  }

  const checkRoot = async (connection: SshConnection, hostId: string, root: RequiredRoot, typed: Typed): Promise<KeyCheck> => {
    const base = { encryptionRoot: root.root, datasets: [...root.datasets], keychainDataset: root.root }
    const p = await passphraseFor(hostId, root.root, typed)
    if (!p) {
      if (root.keyLoaded) return { ...base, outcome: 'loaded', source: 'none', saved: false }
      return { ...base, outcome: 'missing', source: 'none', saved: false, error: missingPassphrase(root.root) }
    }
    const error = await dryRun(connection, root.root, p.value)
    if (error === null) return { ...base, outcome: 'unlocks', source: p.source, saved: await save(hostId, root.root, p) }
    if (error.code === 'ZFS_KEY_ALREADY_LOADED') return { ...base, outcome: 'loaded', source: p.source, saved: false }
    return { ...base, outcome: error.code === 'ZFS_KEY_INCORRECT' ? 'wrong' : 'failed', source: p.source, saved: false, error }
  }

  /** The looks' clones on the host (under the parent they were seen in, else anywhere). */
  const looksOn = async (connection: SshConnection, parent: DatasetName | null): Promise<LookRecord[]> =>
    parseLookList(await connection.run(listLooksCommand(parent))).filter((r) => r.lookId !== null && r.name.endsWith(`/.zfs-offsite-look-${r.lookId}`))

  const findLook = async (connection: SshConnection, lookId: string): Promise<LookRecord> => {
    const known = lookParents.get(lookId)
    const pick = (records: LookRecord[]) => records.find((r) => r.lookId === lookId)
    const record = (known ? pick(await looksOn(connection, known)) : undefined) ?? pick(await looksOn(connection, null))
    if (!record) throw fail('RECOVERY_LOOK_NOT_FOUND', 'That look at the backup is not on the off-site box any more.', 'Start a new look from the list of backups.', lookId)
    const parent = parentOf(record.name)
    if (parent) lookParents.set(lookId, parent)
    return record
  }

  const asLook = (hostId: string, r: LookRecord): Look => ({
    lookId: r.lookId!,
    hostId,
    snapshot: r.origin ?? '',
    clone: r.name,
    mountpoint: r.mountpoint,
    mounted: r.mounted,
    keysLoaded: [...r.keysLoaded],
  })

  return { findHost, connect, treeOf, rootsFor, passphraseFor, missingPassphrase, dryRun, save, checkRoot, looksOn, findLook, asLook, lookParents }
}
export type RecoveryToolkit = ReturnType<typeof createRecoveryToolkit>

export function createRecoveryServices(deps: RecoveryServiceDeps, toolkit: RecoveryToolkit = createRecoveryToolkit(deps)): { [M in RecoveryMethod]: ServiceImpl<M> } {
  const { logger } = deps
  const { findHost, connect, treeOf, rootsFor, passphraseFor, missingPassphrase, dryRun, save, checkRoot, looksOn, findLook, asLook, lookParents } = toolkit

  /** Runs cleanup steps in order, collecting what was done; a failed step is logged and the rest still run. */
  const undoLook = async (connection: SshConnection, id: LookId, origin: SnapshotRef, clone: DatasetName | null, mounted: boolean, keys: readonly DatasetName[]) => {
    const steps: Array<() => Promise<unknown>> = []
    if (clone && mounted) steps.push(() => connection.run(unmountLookCommand(clone)))
    if (clone) steps.push(() => connection.run(destroyLookCloneCommand({ name: clone, origin: origin.full, mountpoint: lookMountpoint(id), mounted, lookId: id, keysLoaded: keys })))
    steps.push(() => connection.run(removeLookFolderCommand(id)))
    for (const k of keys) steps.push(() => connection.run(unloadKeyCommand(k)))
    for (const step of steps) {
      await step().catch((err: unknown) => logger.warn('undoing a look that failed to start: a step failed', { lookId: id, error: err instanceof Error ? err.message : String(err) }))
    }
  }

  return {
    async listBackups({ hostId, parent }) {
      const host = findHost(hostId)
      const root = datasetOrFail(parent)
      const connection = await connect(host)
      const [tree, looks] = await Promise.all([treeOf(connection, root), looksOn(connection, root)])
      for (const l of looks) lookParents.set(l.lookId!, root)
      return { hostId, parent: root, datasets: backupsFromTree(tree, root), looks: looks.map((l) => asLook(hostId, l)) }
    },

    async checkRecoveryKeys({ hostId, snapshot, recursive, passphrases }) {
      const host = findHost(hostId)
      const snap = snapshotOrFail(snapshot)
      const connection = await connect(host)
      const needed = await rootsFor(connection, snap, recursive)
      const roots: KeyCheck[] = []
      // One at a time: each check is one short zfs command, and the order is the list's.
      for (const r of needed.roots) roots.push(await checkRoot(connection, hostId, r, passphrases))
      logger.info('recovery keys checked', { hostId, snapshot, outcomes: roots.map((r) => `${r.encryptionRoot}: ${r.outcome}`) })
      return {
        snapshot: snap.full,
        passphrasesNeeded: needed.roots.length,
        unencrypted: [...needed.unencrypted],
        roots,
        allUnlock: roots.every((r) => r.outcome === 'unlocks' || r.outcome === 'loaded'),
      }
    },

    async startLook({ hostId, parent, snapshot, passphrases }) {
      const host = findHost(hostId)
      const root = datasetOrFail(parent)
      const snap = snapshotOrFail(snapshot)
      if (!snap.dataset.startsWith(`${root}/`)) {
        throw fail('INVALID_INPUT', `${snap.full} is not a backup under ${root}.`, 'Choose a snapshot from the list of backups under that parent.')
      }
      const connection = await connect(host)
      const needed = await rootsFor(connection, snap, false)
      // A clone shares its origin's key: the look needs the snapshot's own root only.
      const keyRoot = needed.roots[0]
      const loadedByLook: DatasetName[] = []
      if (keyRoot && !keyRoot.keyLoaded) {
        const p = await passphraseFor(hostId, keyRoot.root, passphrases)
        if (!p) throw new AppFailure(missingPassphrase(keyRoot.root))
        // Checked first, so a wrong passphrase loads and mounts nothing.
        const error = await dryRun(connection, keyRoot.root, p.value)
        if (error && error.code !== 'ZFS_KEY_ALREADY_LOADED') throw new AppFailure(error)
        if (!error) {
          await connection.run(loadKeyCommand(keyRoot.root, p.value))
          loadedByLook.push(keyRoot.root)
          await save(hostId, keyRoot.root, p)
        }
      }
      const id = lookIdFrom(randomBytes(8))
      const clone = lookClone(root, id)
      let made = false
      try {
        await connection.run(cloneForLookCommand(snap, root, id, loadedByLook))
        made = true
        await connection.run(mountLookCommand(clone))
      } catch (err) {
        await undoLook(connection, id, snap, made ? clone : null, false, loadedByLook)
        throw err
      }
      lookParents.set(id, root)
      logger.info('look started', { hostId, snapshot: snap.full, lookId: id, clone, keysLoaded: loadedByLook })
      return { lookId: id, hostId, snapshot: snap.full, clone, mountpoint: lookMountpoint(id), mounted: true, keysLoaded: loadedByLook }
    },

    async browseLook({ hostId, lookId, path }) {
      const host = findHost(hostId)
      const connection = await connect(host)
      const look = await findLook(connection, lookId)
      if (!look.mounted) {
        throw fail('RECOVERY_LOOK_NOT_FOUND', 'That look is not mounted any more (the off-site box may have restarted).', 'End the look, then start a new one.', look.name)
      }
      let spec
      try {
        spec = browseCommand(look.mountpoint, path, BROWSE_LIMIT)
      } catch (err) {
        if (err instanceof LookPathError) throw fail('RECOVERY_PATH_REFUSED', `“${path}” is not a folder inside the backup.`, 'Choose a folder from the list.', err.message)
        throw err
      }
      const outcome = await connection.exec(spec.argv)
      if (outcome.kind === 'exited' && outcome.code === BROWSE_EXIT.missing) throw fail('NOT_FOUND', `There is no folder “${path}” in this snapshot.`, 'Choose a folder from the list.', outcome.stderr.trim() || undefined)
      if (outcome.kind === 'exited' && outcome.code === BROWSE_EXIT.outside) {
        throw fail('RECOVERY_PATH_REFUSED', `“${path}” leads outside the backup (through a symbolic link), so it is not opened.`, 'Browse the folder the link points to inside the backup instead.')
      }
      if (outcome.kind === 'exited' && outcome.code === BROWSE_EXIT.notFolder) throw fail('RECOVERY_PATH_REFUSED', `“${path}” is a file, not a folder.`, 'Open its folder instead.')
      if (outcome.kind !== 'exited' || outcome.code !== 0) throw new AppFailure(classifyError(outcome.stderr, outcome.kind === 'exited' ? outcome.code : null))
      const listing = parseBrowseListing(outcome.stdout, BROWSE_LIMIT)
      return {
        lookId,
        path,
        truncated: listing.truncated,
        entries: listing.entries.map((e) => ({
          name: e.name,
          kind: e.kind,
          sizeBytes: e.sizeBytes,
          modifiedAt: new Date(e.modifiedMs).toISOString(),
          ...(e.linkTarget !== undefined ? { linkTarget: e.linkTarget } : {}),
        })),
      }
    },

    async previewRecoveryStep(input) {
      switch (input.step) {
        case 'list':
          return { commands: listBackupsShown(datasetOrFail(input.parent)) }
        case 'keys':
          return { commands: checkKeysShown(input.encryptionRoots.map(datasetOrFail)) }
        case 'look':
          return { commands: startLookShown(datasetOrFail(input.parent), snapshotOrFail(input.snapshot), input.keyToLoad === null ? null : datasetOrFail(input.keyToLoad)) }
        case 'end-look': {
          const { look } = input
          if (!isLookId(look.lookId)) throw fail('INVALID_INPUT', 'That is not a look’s id.', 'End a look from the list of looks.')
          const record = { name: datasetOrFail(look.clone), origin: look.snapshot, mountpoint: look.mountpoint, mounted: look.mounted, lookId: look.lookId, keysLoaded: look.keysLoaded.map(datasetOrFail) }
          try {
            return { commands: endLookShown(record) }
          } catch (err) {
            if (err instanceof RefusedCloneError) throw fail('RECOVERY_NOT_A_LOOK', `${look.clone} is not a look’s clone made by this app.`, 'End a look from the list of looks.')
            throw err
          }
        }
      }
    },

    async endLook({ hostId, lookId }) {
      const host = findHost(hostId)
      if (!isLookId(lookId)) throw fail('INVALID_INPUT', 'That is not a look’s id.', 'End a look from the list of looks.')
      const connection = await connect(host)
      const look = await findLook(connection, lookId)
      const done: string[] = []
      let destroy
      try {
        destroy = destroyLookCloneCommand(look)
      } catch (err) {
        if (err instanceof RefusedCloneError) {
          throw fail('RECOVERY_NOT_A_LOOK', `${look.name} does not look like a look’s clone made by this app, so it is left alone.`, 'Check it on the off-site box; the app destroys nothing else.')
        }
        throw err
      }
      // Read before the clone goes: the root whose key it used.
      const encRoot = parsePropertyValues(await connection.run(getPropertyCommand('encryptionroot', [look.name]))).get(look.name) ?? '-'
      if (look.mounted) {
        await connection.run(unmountLookCommand(look.name))
        done.push(`Unmounted ${look.mountpoint}.`)
      }
      await connection.run(destroy)
      done.push(`Destroyed the temporary clone ${look.name}; ${look.origin ?? 'the snapshot'} is unchanged.`)
      lookParents.delete(lookId)
      await connection.run(removeLookFolderCommand(lookId))
      done.push(`Removed the folder ${look.mountpoint}.`)
      const keysUnloaded: string[] = []
      const keysLeftLoaded: string[] = []
      for (const key of look.keysLoaded) {
        const outcome = await connection.exec(unloadKeyCommand(key).argv)
        if (outcome.kind === 'exited' && outcome.code === 0) {
          keysUnloaded.push(key)
          done.push(`Locked ${key} again (its key is unloaded).`)
          continue
        }
        const error = classifyError(outcome.stderr, outcome.kind === 'exited' ? outcome.code : null)
        // Another look (or the person) uses it: ZFS refuses with "busy", and that is right.
        keysLeftLoaded.push(key)
        done.push(`Left ${key} unlocked: ${error.cause}`)
      }
      if (encRoot !== '-' && !look.keysLoaded.includes(encRoot as DatasetName)) {
        keysLeftLoaded.push(encRoot)
        done.push(`Left ${encRoot} unlocked, as it was before the look.`)
      }
      logger.info('look ended', { hostId, lookId, keysUnloaded, keysLeftLoaded })
      return { lookId, done, keysUnloaded, keysLeftLoaded }
    },
  }
}
