// "Remove tunnel": the exact commands that undo what the app did on one host, and only
// that. The app records what it created (key file, config, enabled unit); a file or unit
// it found already there is never touched, so a person's own WireGuard setup survives.
import type { CommandSpec } from '../zfs/command'
import { confPath, keyPath, type InterfaceName } from './interface-name'
import { disableTunnelCommand } from './tunnel-service'

export interface TunnelMade {
  readonly name: InterfaceName
  /** The app enabled wg-quick@<name>. */
  readonly unitEnabled: boolean
  readonly confFile: boolean
  readonly keyFile: boolean
}

/** In order: stop the interface first, so nothing runs on a config that is gone. */
export function removeTunnelCommands(made: TunnelMade): CommandSpec[] {
  const commands: CommandSpec[] = []
  if (made.unitEnabled) commands.push(disableTunnelCommand(made.name))
  if (made.confFile) commands.push({ argv: ['rm', '-f', '--', confPath(made.name)], successCodes: [0] })
  if (made.keyFile) commands.push({ argv: ['rm', '-f', '--', keyPath(made.name)], successCodes: [0] })
  return commands
}
