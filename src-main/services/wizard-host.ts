// One host as the wizard acts on it: the app's pinned connection, every command run as
// root (directly, or through `sudo -n` where the login is not root), and the outcome of
// a command as data when its exit status is an answer rather than a failure.
import type { SshConnection } from '../adapters/ssh/ssh-connection'
import { outcomeStdout } from '../adapters/ssh/ssh-connection'
import type { CommandSpec } from '../core/zfs/command'
import { asRoot, HOST_LABEL } from '../core/wizard/step-commands'
import { loginCheckCommand, parseLoginCheck } from '../core/wizard/login'
import { AppFailure, appError } from '../shared/errors'
import type { Host, HostProbe } from '../shared/model'
import type { WizardHost } from '../shared/wizard'

export interface Answer {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

export interface WizardHostRunner {
  readonly side: WizardHost
  readonly host: Host
  /** "the NAS" / "the off-site box" with the host's own name, for messages. */
  readonly label: string
  /** Runs as root; stdout on a success code, else the classified error. */
  run(spec: CommandSpec): Promise<string>
  /** Runs as root; any exit status comes back as data (a refused attempt is an answer). */
  answer(spec: CommandSpec): Promise<Answer>
}

export async function wizardHost(side: WizardHost, host: Host, connection: SshConnection): Promise<WizardHostRunner> {
  const label = `${HOST_LABEL[side]} (${host.label})`
  const sudo: HostProbe['login']['sudo'] = parseLoginCheck(await connection.run(loginCheckCommand()))
  if (sudo === 'no') {
    throw new AppFailure(
      appError(
        'SUDO_REQUIRED',
        `The app signs in to ${label} as ${host.user}, who can act as root neither directly nor through sudo without a password; the wizard’s steps need root.`,
        `Sign in as root, or let ${host.user} use sudo without a password (a line “${host.user} ALL=(ALL) NOPASSWD: ALL” in /etc/sudoers.d/), then run the step again. Nothing was changed.`,
      ),
    )
  }
  const root = (spec: CommandSpec) => asRoot(spec, sudo)
  return {
    side,
    host,
    label,
    async run(spec) {
      return connection.run(root(spec))
    },
    async answer(spec) {
      const s = root(spec)
      const outcome = await connection.exec(s.argv, s.stdin !== undefined ? { stdin: s.stdin } : {})
      if (outcome.kind === 'exited') return { code: outcome.code, stdout: outcome.stdout, stderr: outcome.stderr }
      // No exit status or aborted: throws the matching error.
      outcomeStdout(outcome, s.successCodes, host.label)
      throw new Error('unreachable')
    },
  }
}
