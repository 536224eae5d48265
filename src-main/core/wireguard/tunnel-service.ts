// The tunnel as a systemd service: wg-quick@<name> brings the interface up at boot and
// down on stop. Enabling is one command; whether it was enabled before is read first, so
// "Remove tunnel" only disables what the app enabled.
import type { CommandSpec } from '../zfs/command'
import { unitName, type InterfaceName } from './interface-name'

/** Enables at boot and starts now. */
export function enableTunnelCommand(name: InterfaceName): CommandSpec {
  return { argv: ['systemctl', 'enable', '--now', unitName(name)], successCodes: [0] }
}

/** Disables at boot and stops now (wg-quick down removes the interface and its routes). */
export function disableTunnelCommand(name: InterfaceName): CommandSpec {
  return { argv: ['systemctl', 'disable', '--now', unitName(name)], successCodes: [0] }
}

/** `systemctl is-active`: "active" (exit 0), or inactive/failed/… (exit 3). */
export function tunnelActiveCommand(name: InterfaceName): CommandSpec {
  return { argv: ['systemctl', 'is-active', unitName(name)], successCodes: [0, 3] }
}

export function parseIsActive(stdout: string): boolean {
  return stdout.trim() === 'active'
}

/** `systemctl is-enabled`: "enabled" (exit 0), or disabled/static/masked/… (exit 1 for most). */
export function tunnelEnabledCommand(name: InterfaceName): CommandSpec {
  return { argv: ['systemctl', 'is-enabled', unitName(name)], successCodes: [0, 1] }
}

export type UnitEnablement = 'enabled' | 'disabled' | 'other'

export function parseIsEnabled(stdout: string): UnitEnablement {
  const word = stdout.trim().split('\n')[0]?.trim() ?? ''
  if (word === 'enabled' || word === 'enabled-runtime') return 'enabled'
  // A unit that never existed prints nothing on stdout for an instance of a template.
  if (word === 'disabled' || word === '') return 'disabled'
  return 'other'
}

/** After the config changed under a running tunnel: wg-quick down and up with the new one. */
export function restartTunnelCommand(name: InterfaceName): CommandSpec {
  return { argv: ['systemctl', 'restart', unitName(name)], successCodes: [0] }
}

/** Whether wg and wg-quick are installed: prints their paths; exit 1 when one is missing. */
export function wgToolsCommand(): CommandSpec {
  return { argv: ['sh', '-c', 'command -v wg && command -v wg-quick'], successCodes: [0, 1, 127] }
}

/** Both tools found: two lines of output and exit 0. */
export function parseWgTools(code: number, stdout: string): boolean {
  return code === 0 && stdout.trim().split('\n').length === 2
}
