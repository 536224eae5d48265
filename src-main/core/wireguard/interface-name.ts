// The WireGuard interface's name and the paths that follow from it: the wg-quick config,
// the private key file beside it, and the systemd unit. Checked before it reaches a command.
import type { CommandSpec } from '../zfs/command'

declare const brand: unique symbol
export type InterfaceName = string & { readonly [brand]: 'InterfaceName' }

/** Recognisable in `ip link` and `wg show` as the app's own tunnel. */
export const DEFAULT_INTERFACE = 'wg-zfs-offsite'

/** wg-quick reads its configs from here (wg-quick.8). */
export const WIREGUARD_DIR = '/etc/wireguard'

export type InterfaceNameCheck = { readonly ok: true; readonly value: InterfaceName } | { readonly ok: false; readonly reason: string }

export function checkInterfaceName(name: string): InterfaceNameCheck {
  if (name.length === 0) return { ok: false, reason: 'Give the tunnel a name, such as wg-zfs-offsite.' }
  // IFNAMSIZ is 16 with the terminating NUL; wg-quick checks the same 15.
  if (name.length > 15) return { ok: false, reason: `A network interface name has at most 15 characters (this one has ${name.length}).` }
  // wg-quick also admits = and +, but systemd would have to escape them in wg-quick@<name>.
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) return { ok: false, reason: 'An interface name holds letters, digits and _ . - only.' }
  // A leading dash would read as an option to wg, ip and systemctl.
  if (!/^[A-Za-z0-9]/.test(name)) return { ok: false, reason: 'An interface name begins with a letter or a digit.' }
  return { ok: true, value: name as InterfaceName }
}

export function interfaceName(name: string): InterfaceName {
  const c = checkInterfaceName(name)
  if (!c.ok) throw new Error(`${JSON.stringify(name)}: ${c.reason}`)
  return c.value
}

export const confPath = (name: InterfaceName): string => `${WIREGUARD_DIR}/${name}.conf`
/** The private key lives in its own file, never inlined in the config (which the app reads back). */
export const keyPath = (name: InterfaceName): string => `${WIREGUARD_DIR}/${name}.key`
export const unitName = (name: InterfaceName): string => `wg-quick@${name}`

/** `wg show interfaces`: the WireGuard interfaces that are up, space-separated on one line. */
export function wgInterfacesCommand(): CommandSpec {
  return { argv: ['wg', 'show', 'interfaces'], successCodes: [0] }
}

export function parseWgInterfaces(stdout: string): string[] {
  return stdout.split(/\s+/).filter((s) => s !== '')
}

/** `ls /etc/wireguard`: configs that exist whether or not their interface is up. */
export function configuredInterfacesCommand(): CommandSpec {
  return { argv: ['sh', '-c', `for f in ${WIREGUARD_DIR}/*.conf; do [ -e "$f" ] && basename "$f" .conf; done; true`], successCodes: [0] }
}

export function parseConfiguredInterfaces(stdout: string): string[] {
  return stdout.split('\n').map((l) => l.trim()).filter((l) => l !== '')
}

/**
 * The name to use on a host: the app's own from an earlier run (it shows as taken, and
 * keeping it is what makes a re-run change nothing); else the preferred one when nobody
 * has it; else the preferred name with a number. Never a name the person already uses.
 */
export function chooseInterfaceName(taken: ReadonlySet<string>, options: { readonly preferred?: string; readonly ours?: string } = {}): InterfaceName {
  if (options.ours !== undefined) return interfaceName(options.ours)
  const preferred = interfaceName(options.preferred ?? DEFAULT_INTERFACE)
  if (!taken.has(preferred)) return preferred
  for (let i = 2; i < 100; i++) {
    const suffix = String(i)
    const candidate = interfaceName(`${preferred.slice(0, 15 - suffix.length)}${suffix}`)
    if (!taken.has(candidate)) return candidate
  }
  throw new Error('no free WireGuard interface name')
}
