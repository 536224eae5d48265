// The setup wizard's stored document: its steps, what each made on which host (so undo
// removes exactly that) and what each leaves for the next. It lives in the config and
// crosses the API, so it is part of the contract; the reducer over it is core/wizard.
import { z } from 'zod'
import { AppErrorSchema } from './errors'

export const WIZARD_STEPS = ['tunnel', 'receive-user', 'destination', 'preflight', 'job'] as const
export type WizardStepName = (typeof WIZARD_STEPS)[number]

export const WizardHostSchema = z.enum(['nas', 'offsite'])
export type WizardHost = z.infer<typeof WizardHostSchema>

/** One command a step, a schedule or a restore runs, shown before it runs ("what this runs"). */
export const ShownCommandSchema = z.object({
  host: WizardHostSchema,
  purpose: z.string(),
  kind: z.enum(['check', 'change', 'verify']),
  command: z.string(),
  input: z.string().optional(),
})
export type ShownCommand = z.infer<typeof ShownCommandSchema>

/** One thing the app made on a host; undo removes exactly these and nothing it found there. */
export const CreatedSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('wg-key'), host: WizardHostSchema, interface: z.string() }),
  z.object({ kind: z.literal('wg-conf'), host: WizardHostSchema, interface: z.string() }),
  /** Recorded before `systemctl enable --now` runs: disabling a unit that never got enabled is harmless, the reverse is not. */
  z.object({ kind: z.literal('wg-unit'), host: WizardHostSchema, interface: z.string() }),
  z.object({ kind: z.literal('receive-user'), host: WizardHostSchema, user: z.string() }),
  z.object({ kind: z.literal('nas-key'), host: WizardHostSchema, path: z.string() }),
  z.object({ kind: z.literal('authorized-key'), host: WizardHostSchema, user: z.string() }),
  z.object({ kind: z.literal('wrapper'), host: WizardHostSchema, path: z.string() }),
  z.object({ kind: z.literal('delegation'), host: WizardHostSchema, user: z.string(), dataset: z.string(), permissions: z.array(z.string()).min(1) }),
  z.object({ kind: z.literal('dataset'), host: WizardHostSchema, dataset: z.string() }),
  /** A pool the wizard made on an empty disk (`disk`: its by-id name); undo destroys it only while it holds nothing but its root, and leaves the disk blank. */
  z.object({ kind: z.literal('pool'), host: WizardHostSchema, pool: z.string(), disk: z.string().optional() }),
  z.object({ kind: z.literal('known-host'), host: WizardHostSchema, path: z.string(), name: z.string() }),
  /** An sshd drop-in the app wrote (dead-client detection for the receive user); removed and sshd reloaded on undo. */
  z.object({ kind: z.literal('sshd-dropin'), host: WizardHostSchema, path: z.string() }),
])
export type Created = z.infer<typeof CreatedSchema>

// What each step leaves for the ones after it (and for a resumed wizard).
export const TunnelResultSchema = z.object({
  interface: z.string(),
  nasAddress: z.string(),
  offsiteAddress: z.string(),
  prefixLength: z.number().int(),
  nasPort: z.number().int(),
  offsitePort: z.number().int(),
  nasPublicKey: z.string(),
  offsitePublicKey: z.string(),
})
/** No tunnel made: the NAS already reaches the off-site box (an existing VPN, a managed host). */
export const ReachableResultSchema = z.object({
  /** The off-site box's address as the NAS reaches it. */
  offsiteAddress: z.string(),
  /** The NAS's address as the off-site box sees it (for the key's from=). */
  nasAddress: z.string(),
})
export const ReceiveUserResultSchema = z.object({
  user: z.string(),
  address: z.string(),
  port: z.number().int(),
  identityFile: z.string(),
  knownHostsFile: z.string(),
  permissions: z.array(z.string()),
})
export const DestinationResultSchema = z.object({ parent: z.string() })
export const PreflightResultSchema = z.object({ blockers: z.number().int(), warnings: z.number().int() })
export const JobResultSchema = z.object({ jobId: z.string() })

const RESULT_SCHEMAS = {
  tunnel: z.union([TunnelResultSchema.extend({ kind: z.literal('tunnel') }), ReachableResultSchema.extend({ kind: z.literal('reachable') })]),
  'receive-user': ReceiveUserResultSchema,
  destination: DestinationResultSchema,
  preflight: PreflightResultSchema,
  job: JobResultSchema,
} as const

export type StepResults = { readonly [S in WizardStepName]: z.infer<(typeof RESULT_SCHEMAS)[S]> }

/** Steps the wizard may skip, and why. */
export const SKIPPABLE = { tunnel: 'already-reachable', 'receive-user': 'account-given' } as const
export type Skippable = keyof typeof SKIPPABLE

function stepStateSchema<R extends z.ZodType>(result: R) {
  const created = z.array(CreatedSchema)
  return z.discriminatedUnion('status', [
    z.object({ status: z.literal('pending') }),
    z.object({ status: z.literal('running'), startedAt: z.string(), created }),
    /** The app stopped during the step or its undo; `during` says which to offer again. */
    z.object({ status: z.literal('interrupted'), during: z.enum(['run', 'undo']), startedAt: z.string(), created }),
    z.object({ status: z.literal('succeeded'), finishedAt: z.string(), created, result }),
    z.object({ status: z.literal('skipped'), at: z.string(), reason: z.string(), result }),
    z.object({ status: z.literal('failed'), at: z.string(), error: AppErrorSchema, created }),
    z.object({ status: z.literal('undoing'), startedAt: z.string(), created }),
    /** `created` holds what is still there. */
    z.object({ status: z.literal('undo-failed'), at: z.string(), error: AppErrorSchema, created }),
  ])
}

export const WizardStateSchema = z.object({
  version: z.literal(1),
  nasHostId: z.string(),
  offsiteHostId: z.string(),
  updatedAt: z.string(),
  steps: z.object({
    tunnel: stepStateSchema(RESULT_SCHEMAS.tunnel),
    'receive-user': stepStateSchema(RESULT_SCHEMAS['receive-user']),
    destination: stepStateSchema(RESULT_SCHEMAS.destination),
    preflight: stepStateSchema(RESULT_SCHEMAS.preflight),
    job: stepStateSchema(RESULT_SCHEMAS.job),
  }),
})
export type WizardState = z.infer<typeof WizardStateSchema>
export type StepState<S extends WizardStepName = WizardStepName> = WizardState['steps'][S]

