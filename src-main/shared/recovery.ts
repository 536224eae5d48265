// Disaster recovery (issue 9), as the contract carries it: the backups kept on the
// off-site box, the keys a restore needs and whether the passphrases unlock them, and a
// read-only look (a clone of one snapshot, mounted at a temporary folder) to browse.
// Passphrases cross this boundary only inwards, typed by the person; never outwards.
import { z } from 'zod'
import { ShownCommandSchema } from './wizard'

const datasetName = z
  .string()
  .trim()
  .min(1, 'Name the dataset, for example backup/nas.')
  .max(255, 'A dataset name is at most 255 characters.')
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:/ -]*$/, 'A dataset name holds letters, digits, spaces and _ . : - / only, for example backup/nas.')

const snapshotName = z
  .string()
  .trim()
  .min(3, 'Choose a snapshot, for example backup/nas/photos@daily-1.')
  .max(255, 'A snapshot name is at most 255 characters.')
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:/ -]*@[A-Za-z0-9_.: -]+$/, 'A snapshot name has the form dataset@name, for example backup/nas/photos@daily-1.')

/** Made by startLook; eight lower-case letters or digits. */
export const LookIdSchema = z.string().regex(/^[a-z0-9]{8}$/, 'A look id is eight lower-case letters or digits.')

export const BackupSnapshotSchema = z.object({
  /** The short name after '@'. */
  name: z.string(),
  guid: z.string(),
  /** ISO time the snapshot was taken (on the NAS; a raw or plain receive keeps it). */
  createdAt: z.string(),
  /** Bytes only this snapshot holds (what destroying it would free). */
  usedBytes: z.number().nonnegative(),
  /** Bytes of data the snapshot shows (its size as a copy). */
  referencedBytes: z.number().nonnegative(),
})
export type BackupSnapshot = z.infer<typeof BackupSnapshotSchema>

export const KeyStatusSchema = z.enum(['available', 'unavailable', 'none'])

export const BackupDatasetSchema = z.object({
  name: z.string(),
  type: z.enum(['filesystem', 'volume']),
  usedBytes: z.number().nonnegative(),
  referencedBytes: z.number().nonnegative(),
  encrypted: z.boolean(),
  /** The dataset whose key unlocks this one; null when not encrypted. */
  encryptionRoot: z.string().nullable(),
  /** 'available': the key is loaded now; 'none': not encrypted. */
  keyStatus: KeyStatusSchema,
  /** A transfer into it stopped part-way and can resume. */
  partiallyReceived: z.boolean(),
  /** Oldest first. */
  snapshots: z.array(BackupSnapshotSchema),
})
export type BackupDataset = z.infer<typeof BackupDatasetSchema>

/** A look left on the off-site box (by this app, maybe before a restart), found by its clone. */
export const LookSchema = z.object({
  lookId: LookIdSchema,
  hostId: z.string(),
  /** The snapshot looked at. */
  snapshot: z.string(),
  /** The temporary clone (`<parent>/.zfs-offsite-look-<id>`), destroyed by endLook. */
  clone: z.string(),
  /** Where the clone is mounted read-only on the off-site box. */
  mountpoint: z.string(),
  mounted: z.boolean(),
  /** Encryption roots whose keys this look loaded (endLook unloads these, no others). */
  keysLoaded: z.array(z.string()),
})
export type Look = z.infer<typeof LookSchema>

export const BackupListSchema = z.object({
  hostId: z.string(),
  parent: z.string(),
  /** Parents before children; the looks' clones are not among them. */
  datasets: z.array(BackupDatasetSchema),
  looks: z.array(LookSchema),
})
export type BackupList = z.infer<typeof BackupListSchema>

/** A passphrase the person typed for one encryption root; `save` keeps it in the keychain once it is checked. */
export const TypedPassphraseSchema = z
  .object({
    encryptionRoot: datasetName,
    passphrase: z.string().min(8, 'An OpenZFS passphrase is at least 8 characters.').max(512),
    save: z.boolean().default(false),
  })
  .strict()

export const RecoveryKeysInputSchema = z
  .object({
    hostId: z.string(),
    /** The snapshot to look at or restore, e.g. backup/nas/photos@daily-1. */
    snapshot: snapshotName,
    /** Count the children's encryption roots too (a restore with children); a look needs only the snapshot's own. */
    recursive: z.boolean().default(false),
    /** Typed passphrases; every other root's passphrase is read from the keychain. */
    passphrases: z.array(TypedPassphraseSchema).max(256).default([]),
  })
  .strict()
export type RecoveryKeysInput = z.input<typeof RecoveryKeysInputSchema>

export const KeyCheckOutcomeSchema = z.enum([
  /** `zfs load-key -n` accepted the passphrase. */
  'unlocks',
  /** The key is loaded on the off-site box already; nothing to check. */
  'loaded',
  /** ZFS refused the passphrase. */
  'wrong',
  /** Not typed and not in the keychain. */
  'missing',
  /** The check itself failed (details in error). */
  'failed',
])

export const KeyCheckSchema = z.object({
  encryptionRoot: z.string(),
  /** The datasets of the restore unlocked by this root. */
  datasets: z.array(z.string()),
  outcome: KeyCheckOutcomeSchema,
  /** Where the passphrase came from. */
  source: z.enum(['typed', 'keychain', 'none']),
  /** A typed passphrase was saved to the keychain (after it was found right). */
  saved: z.boolean(),
  /** The keychain entry the app looks in first, so the screen can offer to save there. */
  keychainDataset: z.string(),
  error: z.object({ code: z.string(), cause: z.string(), fix: z.string(), details: z.string().optional() }).optional(),
})
export type KeyCheck = z.infer<typeof KeyCheckSchema>

export const RecoveryKeysSchema = z.object({
  snapshot: z.string(),
  /** How many passphrases the restore needs (raw sends make each encrypted child its own root). */
  passphrasesNeeded: z.number().int().nonnegative(),
  /** Datasets of the restore that are not encrypted (readable by the off-site box). */
  unencrypted: z.array(z.string()),
  roots: z.array(KeyCheckSchema),
  /** Every root unlocks (or is loaded). */
  allUnlock: z.boolean(),
})
export type RecoveryKeys = z.infer<typeof RecoveryKeysSchema>

export const StartLookInputSchema = z
  .object({
    hostId: z.string(),
    /** The backups' parent on the off-site box; the temporary clone is made directly under it. */
    parent: datasetName,
    snapshot: snapshotName,
    passphrases: z.array(TypedPassphraseSchema).max(256).default([]),
  })
  .strict()

/** A path inside the look, relative to its root: '' is the root; no '..', no leading '/'. */
export const LookPathSchema = z
  .string()
  .max(4096)
  .refine((p) => !p.startsWith('/'), 'A path inside the copy does not begin with “/”.')
  .refine((p) => !p.split('/').some((part) => part === '..' || part === '.'), 'A path inside the copy has no “.” or “..” parts.')
  .refine((p) => !/[\u0000]/.test(p), 'A path has no NUL characters.')

export const LookEntrySchema = z.object({
  name: z.string(),
  kind: z.enum(['file', 'directory', 'symlink', 'other']),
  sizeBytes: z.number().nonnegative(),
  /** ISO time of the last change of its contents. */
  modifiedAt: z.string(),
  /** Where a symbolic link points (shown, never followed). */
  linkTarget: z.string().optional(),
})
export type LookEntry = z.infer<typeof LookEntrySchema>

export const LookListingSchema = z.object({
  lookId: LookIdSchema,
  path: z.string(),
  /** Directories first, then by name. */
  entries: z.array(LookEntrySchema),
  /** More entries than the app lists at once. */
  truncated: z.boolean(),
})
export type LookListing = z.infer<typeof LookListingSchema>

export const EndLookSchema = z.object({
  lookId: LookIdSchema,
  /** What was done, in order, in plain words. */
  done: z.array(z.string()),
  keysUnloaded: z.array(z.string()),
  /** Keys left loaded because they were loaded before the look began. */
  keysLeftLoaded: z.array(z.string()),
})
export type EndLook = z.infer<typeof EndLookSchema>

/**
 * Made by the renderer before it starts a download or a restore, so it can follow that
 * operation's progress events and cancel it while the call is still going.
 */
export const OperationIdSchema = z.string().regex(/^[a-z0-9-]{8,40}$/, 'An operation id is 8 to 40 lower-case letters, digits or dashes.')

export const RecoveryProgressSchema = z.object({
  operationId: OperationIdSchema,
  kind: z.enum(['download', 'restore']),
  phase: z.enum(['preparing', 'copying', 'unlocking', 'verifying', 'done', 'failed', 'cancelled']),
  bytesDone: z.number().nonnegative(),
  /** From sizes read first (download) or `zfs send -nvP` (restore); null when not known. */
  bytesTotal: z.number().nonnegative().nullable(),
  rateBytesPerSecond: z.number().nonnegative(),
  etaSeconds: z.number().nonnegative().nullable(),
  /** The file or dataset being copied now. */
  current: z.string().nullable(),
  /** For done, failed and cancelled: what happened, in plain words. */
  message: z.string().optional(),
})
export type RecoveryProgress = z.infer<typeof RecoveryProgressSchema>

export const DownloadInputSchema = z
  .object({
    hostId: z.string(),
    lookId: LookIdSchema,
    /** Files or folders inside the look (folders are copied whole). */
    paths: z.array(LookPathSchema).min(1, 'Choose at least one file or folder to download.').max(1000),
    operationId: OperationIdSchema,
  })
  .strict()

export const DownloadResultSchema = z.object({
  operationId: OperationIdSchema,
  /**
   * The new folder on this computer the files were written to (inside the app's downloads
   * folder, never an existing one: nothing on this computer is overwritten).
   */
  folder: z.string(),
  files: z.number().int().nonnegative(),
  bytes: z.number().nonnegative(),
  /** Entries not copied (symbolic links leading outside, special files), with the reason. */
  skipped: z.array(z.object({ path: z.string(), reason: z.string() })),
})
export type DownloadResult = z.infer<typeof DownloadResultSchema>

export const RestoreInputSchema = z
  .object({
    /** The off-site box holding the backup. */
    offsiteHostId: z.string(),
    /** The snapshot to bring back, e.g. backup/nas/tank/photos@daily-1. */
    snapshot: snapshotName,
    /** Bring the children's snapshots of the same name too. */
    recursive: z.boolean().default(true),
    /** The NAS to restore to: the original one or a replacement. */
    targetHostId: z.string(),
    /**
     * The dataset to create on the NAS. It must not exist: a restore never writes over
     * existing data. Null: the original name when it is free there, else that name with
     * “-restored-<date>”.
     */
    targetDataset: datasetName.nullable().default(null),
    /** After the copy, unlock (with the same passphrases) and mount the restored datasets on the NAS. */
    mount: z.boolean().default(true),
    passphrases: z.array(TypedPassphraseSchema).max(256).default([]),
    /** Bytes per second the app relays at most (the copy passes through this computer); none when absent. */
    rateLimitBytesPerSecond: z.number().int().min(1024, 'A rate limit below 1 KiB/s would never finish.').optional(),
  })
  .strict()
export type RestoreInput = z.input<typeof RestoreInputSchema>

export const RestoreDatasetPlanSchema = z.object({
  /** The snapshot on the off-site box. */
  source: z.string(),
  /** The dataset it becomes on the NAS. */
  target: z.string(),
  /** Sent raw (still encrypted, as it was received). */
  raw: z.boolean(),
  /** A restore into this dataset stopped part-way before; it goes on from there. */
  resume: z.boolean(),
  estimatedBytes: z.number().nonnegative().nullable(),
})

export const RestorePlanSchema = z.object({
  snapshot: z.string(),
  targetHostId: z.string(),
  targetDataset: z.string(),
  datasets: z.array(RestoreDatasetPlanSchema),
  estimatedBytes: z.number().nonnegative().nullable(),
  /** Why the restore cannot start as asked (the target exists, a key is missing…); empty when it can. */
  blockers: z.array(z.object({ code: z.string(), cause: z.string(), fix: z.string() })),
  /** Plain words: what happens on which host, and that the data passes through this computer. */
  words: z.array(z.string()),
  commands: z.array(ShownCommandSchema),
})
export type RestorePlan = z.infer<typeof RestorePlanSchema>

export const RestoreResultSchema = z.object({
  operationId: OperationIdSchema,
  targetHostId: z.string(),
  targetDataset: z.string(),
  datasets: z.array(
    z.object({
      target: z.string(),
      snapshot: z.string(),
      guid: z.string(),
      /** The restored snapshot's GUID equals the off-site one: later runs go on incrementally. */
      sameGuid: z.boolean(),
      mounted: z.boolean(),
      mountpoint: z.string().nullable(),
    }),
  ),
  /** What was done, in order, in plain words. */
  done: z.array(z.string()),
})
export type RestoreResult = z.infer<typeof RestoreResultSchema>

export const FireDrillSchema = z.object({
  jobId: z.string(),
  at: z.string(),
  outcome: z.enum(['passed', 'failed']),
  trigger: z.enum(['person', 'interval']),
  /** The off-site snapshot that was mounted read-only; null when the drill stopped before. */
  snapshot: z.string().nullable(),
  /** Each encryption root's check with the keychain's passphrase (`zfs load-key -n`). */
  roots: z.array(KeyCheckSchema),
  /** The snapshot mounted read-only and its top folder could be listed. */
  mountedReadOnly: z.boolean(),
  /** One sentence for the overview. */
  words: z.string(),
  /** What was done, in order (the look is always ended). */
  done: z.array(z.string()),
  error: z.object({ code: z.string(), cause: z.string(), fix: z.string(), details: z.string().optional() }).optional(),
})
export type FireDrill = z.infer<typeof FireDrillSchema>

/** Which step's commands to show, with what that step is given. */
export const RecoveryStepPreviewSchema = z.discriminatedUnion('step', [
  z.object({ step: z.literal('list'), parent: datasetName }).strict(),
  z.object({ step: z.literal('keys'), encryptionRoots: z.array(datasetName).max(256) }).strict(),
  /** `keyToLoad`: the snapshot's encryption root when its key is not loaded yet; null otherwise. */
  z.object({ step: z.literal('look'), parent: datasetName, snapshot: snapshotName, keyToLoad: datasetName.nullable() }).strict(),
  z.object({ step: z.literal('end-look'), look: LookSchema }).strict(),
])
export type RecoveryStepPreview = z.input<typeof RecoveryStepPreviewSchema>

export const recoveryMethods = {
  /** The backups under a parent on the off-site box: datasets, snapshots with dates and sizes, keys; and any looks left. */
  listBackups: { input: z.object({ hostId: z.string(), parent: datasetName }).strict(), output: BackupListSchema },
  /** Which passphrases a restore of the snapshot needs, each checked with `zfs load-key -n` (loads nothing). */
  checkRecoveryKeys: { input: RecoveryKeysInputSchema, output: RecoveryKeysSchema },
  /** Loads the key (when not loaded), clones the snapshot read-only under the parent and mounts it at a temporary folder. */
  startLook: { input: StartLookInputSchema, output: LookSchema },
  browseLook: { input: z.object({ hostId: z.string(), lookId: LookIdSchema, path: LookPathSchema.default('') }).strict(), output: LookListingSchema },
  /** Unmounts and destroys the look's clone (nothing else), removes its folder and unloads the keys the look loaded. */
  endLook: { input: z.object({ hostId: z.string(), lookId: LookIdSchema }).strict(), output: EndLookSchema },
  /** Copies files or folders from a look to a new folder on this computer, with recoveryProgress events. */
  downloadFromLook: { input: DownloadInputSchema, output: DownloadResultSchema },
  /** What startRestore would do, changing nothing: datasets, sizes, blockers, the commands on each host. */
  previewRestore: { input: RestoreInputSchema, output: RestorePlanSchema },
  /** Sends the snapshot back to a NAS under a dataset that does not exist yet (resuming a stopped one), keeping its GUIDs. */
  startRestore: { input: RestoreInputSchema.extend({ operationId: OperationIdSchema }).strict(), output: RestoreResultSchema },
  /** Stops a download or a restore; a restore can go on later from where it stopped. */
  cancelRecoveryOperation: { input: z.object({ operationId: OperationIdSchema }).strict(), output: z.object({ operationId: z.string(), cancelled: z.boolean() }) },
  /** Checks, restoring nothing, that the keychain's passphrases unlock the job's off-site copy and that its newest snapshot mounts read-only. */
  runFireDrill: { input: z.object({ jobId: z.string() }).strict(), output: FireDrillSchema },
  /** What a recovery step runs on the off-site box, built by the commands the services run; asks no host. */
  previewRecoveryStep: { input: RecoveryStepPreviewSchema, output: z.object({ commands: z.array(ShownCommandSchema) }) },
  /** The last fire drill of each job. */
  listFireDrills: { input: z.object({}).strict(), output: z.array(FireDrillSchema) },
} as const
