// Restore to a NAS (issue 9): the chosen snapshot goes back from the off-site box to the
// original NAS or a replacement, raw where it came raw, one dataset at a time (parents
// first), under a dataset that does not exist there yet — never over existing data. A
// stopped restore goes on from the NAS's resume token. Afterwards each restored snapshot's
// GUID is compared with the off-site one (same GUID: the job's next run is incremental),
// and the datasets are unlocked with the same passphrase and mounted when asked.
//
// The stream passes through this computer: the off-site box runs `zfs send`, the app
// relays its stdout into `zfs receive` on the NAS with backpressure. The NAS's own key
// may only *receive* on the off-site box (least privilege), and a replacement NAS may
// have no tunnel yet; the app's two SSH logins are what both boxes already trust.
import { Transform } from 'node:stream'
import type { ConfigStore } from '../adapters/config/config-store'
import type { SshConnection, ExecOutcome } from '../adapters/ssh/ssh-connection'
import { classifyError } from '../core/errors/error-table'
import type { Logger } from '../core/logging/logger'
import { bytesWords } from '../core/overview/words'
import { checkKeyCommand, loadKeyCommand } from '../core/recovery/load-key'
import {
  datasetExistsCommand,
  mountRestoredCommand,
  parseRestoredState,
  poolRootsCommand,
  restoredGuidsCommand,
  restoredStateCommand,
  restoreEstimateCommand,
  restoreReceiveCommand,
  restoreResumeEstimateCommand,
  restoreResumeSendCommand,
  restoreSendCommand,
} from '../core/recovery/restore-commands'
import {
  fallbackNasDataset,
  originalNasDataset,
  newerOffsite,
  parsePoolRoots,
  restoredName,
  RestoreSnapshotMissingError,
  restoreSources,
  targetOf,
  targetState,
  throttleDelayMs,
  topTargetFree,
  type RestoreSource,
  type TargetState,
} from '../core/recovery/restore-plan'
import { shellJoin } from '../core/shell/quote'
import type { CommandSpec } from '../core/zfs/command'
import type { DatasetTree } from '../core/zfs/dataset-tree'
import { listTreeCommand, parseTreeListing } from '../core/zfs/list-tree'
import { checkDatasetName, checkSnapshotName, parentOf, type DatasetName, type SnapshotName, type SnapshotRef } from '../core/zfs/names'
import { parseSendEstimate } from '../core/zfs/send-estimate'
import type { MethodName, MethodOutput } from '../shared/contract'
import { AppFailure, appError, type AppError } from '../shared/errors'
import type { Host } from '../shared/model'
import type { RestorePlan, RestoreResult } from '../shared/recovery'
import type { ShownCommand } from '../shared/wizard'
import type { ParsedInput } from './app-services'
import type { EventBus } from './event-bus'
import type { HostServices } from './hosts-service'
import type { RecoveryOperation, RecoveryOperations } from './recovery-operations'
import type { RecoveryToolkit } from './recovery-service'

type ServiceImpl<M extends MethodName> = (input: ParsedInput<M>) => Promise<MethodOutput<M>>
type Method = 'previewRestore' | 'startRestore'
type Input = ParsedInput<'previewRestore'>

export interface RecoveryRestoreDeps {
  readonly config: ConfigStore
  readonly logger: Logger
  readonly hosts: HostServices
  readonly events: EventBus
  readonly toolkit: RecoveryToolkit
  readonly operations: RecoveryOperations
}

type Blocker = RestorePlan['blockers'][number]

interface Item {
  readonly source: RestoreSource
  readonly target: DatasetName
  readonly state: TargetState
  /** The NAS's token to go on from, checked on the off-site box; null for a full send. */
  readonly resumeToken: string | null
  readonly estimate: number | null
}

interface Prepared {
  readonly offsiteHost: Host
  readonly nasHost: Host
  readonly offsite: SshConnection
  readonly nas: SshConnection
  readonly snapshot: SnapshotRef
  readonly top: DatasetName
  readonly items: readonly Item[]
  readonly skipped: readonly DatasetName[]
  readonly blockers: readonly Blocker[]
}

const fail = (code: AppError['code'], cause: string, fix: string, details?: string): AppFailure => new AppFailure(appError(code, cause, fix, details))
const GO_ON = 'Start the restore again to go on from here: what arrived on the NAS is kept.'
const PASSPHRASE_SHOWN = '(the passphrase, typed or from the keychain; never shown)'

function exitedWith(outcome: ExecOutcome, code: number): boolean {
  return outcome.kind === 'exited' && outcome.code === code
}

export function createRecoveryRestoreServices(deps: RecoveryRestoreDeps): { [M in Method]: ServiceImpl<M> } {
  const { config, logger, hosts, toolkit, operations } = deps

  /** The NAS's tree under a would-be target; null when it does not exist. */
  const nasTreeOf = async (nas: SshConnection, top: DatasetName): Promise<DatasetTree | null> => {
    const outcome = await nas.exec(listTreeCommand(top).argv)
    if (outcome.kind === 'exited' && outcome.code === 0) return parseTreeListing(outcome.stdout)
    const error = classifyError(outcome.stderr, outcome.kind === 'exited' ? outcome.code : null)
    if (error.code === 'ZFS_DATASET_MISSING') return null
    throw new AppFailure(error)
  }

  const exists = async (connection: SshConnection, name: DatasetName): Promise<boolean> => {
    const outcome = await connection.exec(datasetExistsCommand(name).argv)
    if (outcome.kind === 'exited' && outcome.code === 0) return true
    const error = classifyError(outcome.stderr, outcome.kind === 'exited' ? outcome.code : null)
    if (error.code === 'ZFS_DATASET_MISSING') return false
    throw new AppFailure(error)
  }

  /** Size of a send from `zfs send -nvP` (a guide; null when zfs would not say). */
  const estimate = async (offsite: SshConnection, spec: CommandSpec): Promise<{ bytes: number | null; toguid: string | null; error: AppError | null }> => {
    const outcome = await offsite.exec(spec.argv)
    if (outcome.kind !== 'exited' || outcome.code !== 0) return { bytes: null, toguid: null, error: classifyError(outcome.stderr, outcome.kind === 'exited' ? outcome.code : null) }
    try {
      const e = parseSendEstimate(outcome.stdout)
      return { bytes: e.totalBytes, toguid: e.resumeToken?.toguid ?? null, error: null }
    } catch {
      return { bytes: null, toguid: null, error: null }
    }
  }

  async function prepare(input: Input): Promise<Prepared> {
    const offsiteHost = toolkit.findHost(input.offsiteHostId)
    const nasHost = toolkit.findHost(input.targetHostId)
    if (nasHost.id === offsiteHost.id) throw fail('INVALID_INPUT', 'The backup would go back to the box it is on.', 'Choose the NAS to restore to.')
    const snapCheck = checkSnapshotName(input.snapshot)
    if (!snapCheck.ok) throw fail('INVALID_INPUT', `“${input.snapshot}” is not a snapshot name: ${snapCheck.reason}`, 'Choose the snapshot from the list.')
    const snapshot = snapCheck.value
    let explicit: DatasetName | null = null
    if (input.targetDataset !== null) {
      const c = checkDatasetName(input.targetDataset)
      if (!c.ok) throw fail('INVALID_INPUT', `“${input.targetDataset}” is not a dataset name: ${c.reason}`, 'Type a new dataset name on the NAS, for example tank/photos-restored.')
      explicit = c.value
    }
    const offsite = await toolkit.connect(offsiteHost)
    const nas = await hosts.connection(nasHost.id)
    await nas.ensure()

    let picked: ReturnType<typeof restoreSources>
    try {
      picked = restoreSources(await toolkit.treeOf(offsite, snapshot.dataset), snapshot, input.recursive)
    } catch (err) {
      if (err instanceof RestoreSnapshotMissingError || (err instanceof AppFailure && err.appError.code === 'ZFS_DATASET_MISSING')) {
        throw fail('RECOVERY_SNAPSHOT_MISSING', `${snapshot.full} is not on the off-site box.`, 'Refresh the list of backups and choose a snapshot from it.')
      }
      throw err
    }
    const { sources, skipped } = picked

    // The target: the one asked for, else the original name when free, else “-restored-<date>”.
    let candidates: DatasetName[]
    if (explicit) candidates = [explicit]
    else {
      const original =
        originalNasDataset(config.read().jobs, offsiteHost.id, nasHost.id, snapshot.dataset) ?? fallbackNasDataset(parsePoolRoots(await nas.run(poolRootsCommand())), snapshot.dataset)
      if (!original) throw fail('RECOVERY_RESTORE_FAILED', `${nasHost.label} has no pool to restore into.`, 'Create a pool on the NAS first, or choose the dataset to restore into.')
      candidates = [original, restoredName(original, new Date())]
    }
    let top = candidates[0]!
    let states: TargetState[] = []
    for (const candidate of candidates) {
      const tree = await nasTreeOf(nas, candidate)
      top = candidate
      states = sources.map((s) => targetState(tree, targetOf(candidate, s.relative), s.guid))
      if (topTargetFree(states)) break
    }

    const blockers: Blocker[] = []
    if (!topTargetFree(states)) {
      const done = states[0]?.kind === 'restored'
      blockers.push({
        code: 'RECOVERY_TARGET_EXISTS',
        cause: done
          ? `${top} already exists on ${nasHost.label} (it holds this snapshot already). A restore never writes over existing data.`
          : `${top} already exists on ${nasHost.label} and holds other data. A restore never writes over existing data.`,
        fix: 'Choose a new dataset name on the NAS (one that does not exist yet), for example with “-restored” at the end.',
      })
    }
    const parent = parentOf(top)
    if (parent === null) {
      blockers.push({ code: 'RECOVERY_TARGET_EXISTS', cause: `${top} is a pool on ${nasHost.label}, not a new dataset.`, fix: `Choose a dataset inside the pool, for example ${top}/restored.` })
    } else if (!(await exists(nas, parent))) {
      blockers.push({
        code: 'RECOVERY_TARGET_PARENT_MISSING',
        cause: `${parent}, where ${top} would be made, does not exist on ${nasHost.label}.`,
        fix: `Choose a name inside a dataset that exists (for example in the pool ${top.split('/')[0]}), or create ${parent} on the NAS first.`,
      })
    }

    const items: Item[] = []
    for (const [i, source] of sources.entries()) {
      const state = states[i]!
      const target = targetOf(top, source.relative)
      if (state.kind === 'partial') {
        const check = await estimate(offsite, restoreResumeEstimateCommand(state.token))
        if (check.error || check.toguid === null) {
          blockers.push({
            code: 'RECOVERY_TARGET_EXISTS',
            cause: `${target} on ${nasHost.label} holds a stopped copy that the off-site box cannot go on from${check.error ? `: ${check.error.cause}` : '.'}`,
            fix: `Choose a new dataset name, or discard the stopped copy on the NAS (zfs receive -A ${target}) and restore again.`,
          })
        } else if (check.toguid !== source.guid) {
          blockers.push({
            code: 'RECOVERY_TARGET_EXISTS',
            cause: `${target} on ${nasHost.label} holds a stopped copy of another snapshot, not of ${source.snapshot.full}.`,
            fix: `Choose a new dataset name, or discard the stopped copy on the NAS (zfs receive -A ${target}) and restore again.`,
          })
        }
        items.push({ source, target, state, resumeToken: state.token, estimate: check.bytes })
      } else if (state.kind === 'missing') {
        items.push({ source, target, state, resumeToken: null, estimate: (await estimate(offsite, restoreEstimateCommand(source.snapshot.full, source.raw))).bytes })
      } else {
        if (state.kind === 'exists' && i > 0 && blockers.length === 0) {
          blockers.push({
            code: 'RECOVERY_TARGET_EXISTS',
            cause: `${target} already exists on ${nasHost.label} and holds other data. A restore never writes over existing data.`,
            fix: 'Choose a new dataset name on the NAS (one that does not exist yet).',
          })
        }
        items.push({ source, target, state, resumeToken: null, estimate: 0 })
      }
    }
    return { offsiteHost, nasHost, offsite, nas, snapshot, top, items, skipped, blockers }
  }

  /** The encryption roots on the off-site box whose passphrases unlock the restored datasets. */
  const offsiteRoots = (items: readonly Item[]): DatasetName[] => [...new Set(items.filter((i) => i.source.raw && i.source.dataset.encryptionRoot).map((i) => i.source.dataset.encryptionRoot!))]

  /** Checks each passphrase on the off-site box with `load-key -n` (loads nothing there). */
  async function keyBlockers(p: Prepared, input: Input, save: boolean, verified = new Set<DatasetName>()): Promise<Blocker[]> {
    const blockers: Blocker[] = []
    for (const root of offsiteRoots(p.items)) {
      const pass = await toolkit.passphraseFor(p.offsiteHost.id, root, input.passphrases)
      if (!pass) {
        const missing = toolkit.missingPassphrase(root)
        blockers.push({ code: missing.code, cause: missing.cause, fix: `${missing.fix} Or restore without unlocking and mounting.` })
        continue
      }
      const error = await toolkit.dryRun(p.offsite, root, pass.value)
      if (error && error.code !== 'ZFS_KEY_ALREADY_LOADED') {
        blockers.push({
          code: error.code,
          cause: error.code === 'ZFS_KEY_INCORRECT' ? `The passphrase for ${root} is wrong, so the restored copy could not be unlocked.` : error.cause,
          fix: error.code === 'ZFS_KEY_INCORRECT' ? `Type the passphrase of ${root} again (the one set when it was encrypted on the NAS), or restore without unlocking and mounting.` : error.fix,
        })
      } else if (!error) {
        verified.add(root)
        if (save) await toolkit.save(p.offsiteHost.id, root, pass)
      }
    }
    return blockers
  }

  function describe(p: Prepared, input: Input): Pick<RestorePlan, 'words' | 'commands'> {
    const show = (host: ShownCommand['host'], kind: ShownCommand['kind'], purpose: string, spec: CommandSpec, shownInput?: string): ShownCommand => ({
      host,
      kind,
      purpose,
      command: shellJoin(spec.argv),
      ...(shownInput ? { input: shownInput } : {}),
    })
    const pending = p.items.filter((i) => i.state.kind !== 'restored')
    const total = pending.every((i) => i.estimate !== null) ? pending.reduce((a, i) => a + (i.estimate ?? 0), 0) : null
    const count = pending.length === 1 ? 'one dataset' : `${pending.length} datasets`
    const words = [
      `The off-site box ${p.offsiteHost.label} sends ${p.snapshot.full} (${count}${total !== null ? `, about ${bytesWords(total)}` : ''}) to ${p.nasHost.label}, which stores it as ${p.top}.`,
      'The copy passes through this computer (the NAS may only send to the off-site box, not read from it): keep this computer awake and connected until the restore is done.',
    ]
    if (p.items.some((i) => i.source.raw)) words.push('Encrypted datasets go back still encrypted, as they were copied (raw): the off-site box never needs their key.')
    for (const i of pending.filter((i) => i.resumeToken)) words.push(`A restore into ${i.target} stopped before; it goes on from where it stopped.`)
    for (const i of p.items.filter((i) => i.state.kind === 'restored')) words.push(`${i.target} was restored already and is left as it is.`)
    for (const s of p.skipped) words.push(`${s} is left out: the dataset above it has no snapshot @${p.snapshot.snapshot}.`)
    words.push(`Nothing on the NAS is written over: ${p.top} is made new.`)
    const ahead = newerOffsite(p.items.map((i) => i.source))
    if (ahead.length === 0) {
      words.push('The restored snapshots keep their identity (GUID), so the next backup from the restored dataset sends only what changed, not everything again.')
    } else {
      const first = ahead[0]!
      const count = first.newer.length === 1 ? 'one newer snapshot' : `${first.newer.length} newer snapshots`
      words.push(
        `@${p.snapshot.snapshot} is not the newest copy: the off-site box has ${count} of ${first.dataset} (newest @${first.newer.at(-1)!}). ` +
          'The job’s next backup from the restored dataset will find the off-site copy ahead of it and stop, showing which off-site snapshots a rollback would remove; nothing is removed unless you confirm that. ' +
          'Restore the newest snapshot instead if backups should simply go on.',
      )
    }
    words.push(input.mount ? 'Then the restored datasets are unlocked with the same passphrase and mounted on the NAS.' : 'The restored datasets stay unmounted (and locked, if encrypted).')

    const commands: ShownCommand[] = [
      show('offsite', 'check', `List ${p.snapshot.dataset} and its snapshots`, listTreeCommand(p.snapshot.dataset)),
      show('nas', 'check', `See whether ${p.top} exists`, listTreeCommand(p.top)),
    ]
    const parent = parentOf(p.top)
    if (parent) commands.push(show('nas', 'check', `See that ${parent} exists`, datasetExistsCommand(parent)))
    for (const i of pending) {
      commands.push(
        i.resumeToken
          ? show('offsite', 'check', `Check that the stopped copy into ${i.target} can go on`, restoreResumeEstimateCommand(i.resumeToken))
          : show('offsite', 'check', `Estimate the size of ${i.source.snapshot.full}`, restoreEstimateCommand(i.source.snapshot.full, i.source.raw)),
      )
    }
    if (input.mount) for (const root of offsiteRoots(p.items)) commands.push(show('offsite', 'check', `Check the passphrase of ${root} (loads nothing)`, checkKeyCommand(root, 'x'), PASSPHRASE_SHOWN))
    for (const i of pending) {
      commands.push(
        show('offsite', 'change', `Send ${i.source.snapshot.full}${i.source.raw ? ' raw (still encrypted)' : ''}; the app relays it to the NAS`, i.resumeToken ? restoreResumeSendCommand(i.resumeToken) : restoreSendCommand(i.source.snapshot.full, i.source.raw)),
        show('nas', 'change', `Receive it as ${i.target} (resumable, not mounted yet)`, restoreReceiveCommand(i.target), `(the stream from the off-site box)`),
      )
    }
    commands.push(show('nas', 'verify', 'Read back the restored snapshots’ GUIDs', restoredGuidsCommand(p.items.map((i) => `${i.target}@${p.snapshot.snapshot}` as SnapshotName))))
    if (input.mount) {
      const targets = p.items.map((i) => i.target)
      commands.push(show('nas', 'check', 'Read the restored datasets’ keys and mountpoints', restoredStateCommand(targets)))
      // Each dataset received raw on its own becomes its own encryption root there (zrepl#950).
      for (const i of p.items.filter((i) => i.source.raw)) {
        commands.push(show('nas', 'check', `Check the passphrase of ${i.target} (loads nothing)`, checkKeyCommand(i.target, 'x'), PASSPHRASE_SHOWN))
        commands.push(show('nas', 'change', `Unlock ${i.target}`, loadKeyCommand(i.target, 'x'), PASSPHRASE_SHOWN))
      }
      for (const t of targets) commands.push(show('nas', 'change', `Mount ${t}`, mountRestoredCommand(t)))
    }
    return { words, commands }
  }

  function plan(p: Prepared, input: Input, blockers: readonly Blocker[]): RestorePlan {
    const pending = p.items.filter((i) => i.state.kind !== 'restored')
    return {
      snapshot: p.snapshot.full,
      targetHostId: p.nasHost.id,
      targetDataset: p.top,
      datasets: p.items.map((i) => ({ source: i.source.snapshot.full, target: i.target, raw: i.source.raw, resume: i.resumeToken !== null, estimatedBytes: i.estimate })),
      estimatedBytes: pending.every((i) => i.estimate !== null) ? pending.reduce((a, i) => a + (i.estimate ?? 0), 0) : null,
      blockers: [...blockers],
      ...describe(p, input),
    }
  }

  /** Relays one dataset's stream from the off-site box to the NAS; resolves with the bytes relayed. */
  async function relay(p: Prepared, item: Item, op: RecoveryOperation, before: number, rate: number | null): Promise<number> {
    const stop = new AbortController()
    let relayed = 0
    const started = Date.now()
    const sendSpec = item.resumeToken ? restoreResumeSendCommand(item.resumeToken) : restoreSendCommand(item.source.snapshot.full, item.source.raw)
    const send = await p.offsite.execStream(sendSpec.argv, { signal: stop.signal })
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        relayed += chunk.length
        op.update({ bytesDone: before + relayed })
        const wait = throttleDelayMs(relayed, Date.now() - started, rate)
        if (wait > 0) setTimeout(() => callback(null, chunk), wait)
        else callback(null, chunk)
      },
    })
    send.stdout.pipe(meter)
    // Stops the relay at once: zfs send may have finished long ago, its stream waiting in
    // the SSH window, so killing it is not enough. The NAS's receive then sees its input
    // end, keeps what arrived (-s) and exits; zfs receive itself is never killed.
    const halt = () => {
      stop.abort()
      send.stdout.unpipe(meter)
      send.stdout.destroy()
      if (!meter.writableEnded) meter.end()
    }
    const onCancel = () => halt()
    op.signal.addEventListener('abort', onCancel, { once: true })
    if (op.signal.aborted) halt()
    try {
      let receive
      try {
        receive = await p.nas.execStream(restoreReceiveCommand(item.target).argv, { stdin: meter })
      } catch (err) {
        halt()
        await send.done
        throw err
      }
      receive.stdout.resume()
      // A receive that gave up reads no more: stop the send, or it waits on backpressure forever.
      const received = receive.done.then((o) => {
        if (!exitedWith(o, 0)) halt()
        return o
      })
      const [sent, got] = await Promise.all([send.done, received])
      if (op.signal.aborted) {
        throw fail('RECOVERY_CANCELLED', `The restore was stopped while ${item.target} was being copied.`, GO_ON)
      }
      if (!exitedWith(got, 0)) {
        const error = classifyError(got.stderr, got.kind === 'exited' ? got.code : null)
        throw fail('RECOVERY_RESTORE_FAILED', `The NAS stopped receiving ${item.target}: ${error.cause}`, `${error.fix} ${GO_ON}`, got.stderr.trim() || undefined)
      }
      if (!exitedWith(sent, 0)) {
        const error = classifyError(sent.stderr, sent.kind === 'exited' ? sent.code : null)
        throw fail('RECOVERY_RESTORE_FAILED', `The off-site box stopped sending ${item.source.snapshot.full}: ${error.cause}`, `${error.fix} ${GO_ON}`, sent.stderr.trim() || undefined)
      }
      return relayed
    } finally {
      op.signal.removeEventListener('abort', onCancel)
    }
  }

  /** Unlocks (every passphrase checked first: a wrong one unlocks nothing) and mounts the restored datasets. */
  async function unlockAndMount(p: Prepared, input: Input, verified: ReadonlySet<DatasetName>, done: string[]): Promise<Map<string, { mounted: boolean; mountpoint: string | null }>> {
    const targets = p.items.map((i) => i.target)
    const state = parseRestoredState(await p.nas.run(restoredStateCommand(targets)))
    const roots = new Map<DatasetName, DatasetName>() // NAS root → off-site root
    for (const i of p.items) {
      const s = state.get(i.target)
      const root = s?.encryptionroot
      if (!root || root === '-' || s?.keystatus === 'available' || roots.has(root as DatasetName)) continue
      const owner = p.items.find((x) => x.target === root)
      if (!owner?.source.dataset.encryptionRoot) continue
      roots.set(root as DatasetName, owner.source.dataset.encryptionRoot)
    }
    const passes: Array<{ root: DatasetName; value: string }> = []
    for (const [root, offsiteRoot] of roots) {
      const pass = await toolkit.passphraseFor(p.offsiteHost.id, offsiteRoot, input.passphrases)
      // Checked on the off-site box before the copy (the same key), else checked here first.
      const error = !pass ? toolkit.missingPassphrase(offsiteRoot) : verified.has(offsiteRoot) ? null : await toolkit.dryRun(p.nas, root, pass.value)
      if (error && error.code !== 'ZFS_KEY_ALREADY_LOADED') {
        done.push(`Did not unlock or mount anything: ${error.code === 'ZFS_KEY_INCORRECT' ? `the passphrase for ${root} is wrong.` : error.cause} Unlock and mount it on the NAS later (zfs load-key, zfs mount).`)
        return new Map(targets.map((t) => [t, { mounted: false, mountpoint: null }]))
      }
      if (!error && pass) passes.push({ root, value: pass.value })
    }
    for (const { root, value } of passes) {
      await p.nas.run(loadKeyCommand(root, value))
      done.push(`Unlocked ${root} on ${p.nasHost.label}.`)
    }
    for (const t of targets) {
      const s = state.get(t)
      if (s?.canmount === 'off' || s?.mountpoint === 'none' || s?.mountpoint === 'legacy' || s?.mounted === 'yes') continue
      await p.nas.run(mountRestoredCommand(t))
    }
    const after = parseRestoredState(await p.nas.run(restoredStateCommand(targets)))
    const out = new Map<string, { mounted: boolean; mountpoint: string | null }>()
    for (const t of targets) {
      const s = after.get(t)
      const mounted = s?.mounted === 'yes'
      out.set(t, { mounted, mountpoint: mounted && s?.mountpoint && s.mountpoint.startsWith('/') ? s.mountpoint : null })
      if (mounted) done.push(`Mounted ${t} at ${s!.mountpoint}.`)
    }
    return out
  }

  return {
    async previewRestore(input) {
      const p = await prepare(input)
      const blockers = [...p.blockers, ...(input.mount ? await keyBlockers(p, input, false) : [])]
      return plan(p, input, blockers)
    },

    async startRestore(input) {
      const { operationId } = input
      const op = operations.begin(operationId, 'restore')
      try {
        const p = await prepare(input)
        const blockers = [...p.blockers]
        // Keys are checked before anything is copied, so a wrong passphrase costs no transfer.
        const verified = new Set<DatasetName>()
        if (blockers.length === 0 && input.mount) blockers.push(...(await keyBlockers(p, input, true, verified)))
        const first = blockers[0]
        if (first) throw new AppFailure(appError(first.code as AppError['code'], first.cause, first.fix, blockers.length > 1 ? blockers.map((b) => b.cause).join('\n') : undefined))
        const shown = plan(p, input, [])
        const pending = p.items.filter((i) => i.state.kind !== 'restored')
        logger.info('restore started', { operationId, offsiteHostId: p.offsiteHost.id, snapshot: p.snapshot.full, targetHostId: p.nasHost.id, target: p.top, datasets: pending.length, resume: pending.some((i) => i.resumeToken) })
        const done: string[] = []
        op.update({ phase: 'copying', bytesTotal: shown.estimatedBytes, bytesDone: 0 })
        let bytes = 0
        for (const item of pending) {
          if (op.signal.aborted) throw fail('RECOVERY_CANCELLED', `The restore was stopped before ${item.target} was copied.`, GO_ON)
          op.update({ current: item.target })
          bytes += await relay(p, item, op, bytes, input.rateLimitBytesPerSecond ?? null)
          done.push(`${item.resumeToken ? 'Finished the stopped copy of' : 'Copied'} ${item.source.snapshot.full} to ${item.target} on ${p.nasHost.label}${item.source.raw ? ' (raw, still encrypted)' : ''}.`)
        }
        op.update({ phase: 'verifying', current: null })
        const snaps = p.items.map((i) => `${i.target}@${p.snapshot.snapshot}` as SnapshotName)
        const guids = new Map<string, string>()
        for (const line of (await p.nas.run(restoredGuidsCommand(snaps))).split('\n')) {
          const [name, guid] = line.split('\t')
          if (name && guid) guids.set(name, guid)
        }
        const mismatched = p.items.filter((i) => guids.get(`${i.target}@${p.snapshot.snapshot}`) !== i.source.guid)
        if (mismatched.length > 0) {
          throw fail(
            'VERIFY_MISMATCH',
            `The restored snapshot ${mismatched[0]!.target}@${p.snapshot.snapshot} is not the one on the off-site box (its GUID differs).`,
            'Do not rely on it: restore again under a new name, and check the off-site box’s pool (zpool status).',
            mismatched.map((i) => `${i.target}: NAS ${guids.get(`${i.target}@${p.snapshot.snapshot}`) ?? 'none'}, off-site ${i.source.guid}`).join('\n'),
          )
        }
        done.push(`Checked: each restored snapshot has the same GUID as on the off-site box, so later backups go on incrementally.`)
        let mounts = new Map<string, { mounted: boolean; mountpoint: string | null }>()
        if (input.mount) {
          op.update({ phase: 'unlocking' })
          mounts = await unlockAndMount(p, input, verified, done)
        }
        const result: RestoreResult = {
          operationId,
          targetHostId: p.nasHost.id,
          targetDataset: p.top,
          datasets: p.items.map((i) => ({
            target: i.target,
            snapshot: `${i.target}@${p.snapshot.snapshot}`,
            guid: guids.get(`${i.target}@${p.snapshot.snapshot}`)!,
            sameGuid: true,
            mounted: mounts.get(i.target)?.mounted ?? false,
            mountpoint: mounts.get(i.target)?.mountpoint ?? null,
          })),
          done,
        }
        logger.info('restore done', { operationId, target: p.top, bytes, datasets: pending.length })
        op.finish('done', `Restored ${p.snapshot.full} to ${p.top} on ${p.nasHost.label}.`)
        return result
      } catch (err) {
        const error = err instanceof AppFailure ? err.appError : appError('RECOVERY_RESTORE_FAILED', 'The restore stopped.', GO_ON, err instanceof Error ? err.message : String(err))
        const cancelled = error.code === 'RECOVERY_CANCELLED' || op.signal.aborted
        logger.info('restore ended', { operationId, outcome: cancelled ? 'cancelled' : 'failed', code: error.code })
        op.finish(cancelled ? 'cancelled' : 'failed', cancelled ? `Stopped. ${GO_ON}` : error.cause)
        if (cancelled && error.code !== 'RECOVERY_CANCELLED') throw fail('RECOVERY_CANCELLED', 'The restore was stopped.', GO_ON, error.details)
        throw err
      }
    },
  }
}
