// Interface names, and reading which WireGuard interfaces a host has (captured `wg show interfaces`).
import { describe, expect, it } from 'vitest'
import {
  checkInterfaceName,
  chooseInterfaceName,
  confPath,
  interfaceName,
  keyPath,
  parseWgInterfaces,
  unitName,
  wgInterfacesCommand,
  DEFAULT_INTERFACE,
} from '../../../../src-main/core/wireguard/interface-name'
import { fixture } from '../../../support/fixtures'
import { shellWords } from '../../../support/shell-words'

describe('WireGuard interface names', () => {
  it('accepts the default and names like the lab’s', () => {
    expect(checkInterfaceName(DEFAULT_INTERFACE).ok).toBe(true)
    expect(checkInterfaceName('wg-backup').ok).toBe(true)
    expect(checkInterfaceName('wg0').ok).toBe(true)
  })

  it.each([
    ['', /Give the tunnel a name/],
    ['wg-zfs-offsite-1', /at most 15 characters/],
    ['-wg', /begins with a letter or a digit/],
    ['.hidden', /begins with a letter or a digit/],
    ['wg/../x', /letters, digits/],
    ['wg 0', /letters, digits/],
    ['wg=0', /letters, digits/],
    ['wg;reboot', /letters, digits/],
  ])('refuses %j', (name, reason) => {
    const c = checkInterfaceName(name)
    expect(c.ok).toBe(false)
    if (!c.ok) expect(c.reason).toMatch(reason)
  })

  it('derives the config, key and unit from the name', () => {
    const name = interfaceName('wg-backup')
    expect(confPath(name)).toBe('/etc/wireguard/wg-backup.conf')
    expect(keyPath(name)).toBe('/etc/wireguard/wg-backup.key')
    expect(unitName(name)).toBe('wg-quick@wg-backup')
  })

  it('reads the interfaces that are up from captured wg output', () => {
    const f = fixture('wg', 'wg-show-interfaces')
    expect([...wgInterfacesCommand().argv]).toEqual(shellWords(f.command))
    expect(parseWgInterfaces(f.stdout)).toEqual(['wg-backup'])
  })

  it('never picks a name the host already uses, and keeps the app’s own on a re-run', () => {
    const taken = new Set(parseWgInterfaces(fixture('wg', 'wg-show-interfaces').stdout))
    expect(chooseInterfaceName(taken)).toBe(DEFAULT_INTERFACE)
    expect(chooseInterfaceName(taken, { preferred: 'wg-backup' })).toBe('wg-backup2')
    expect(chooseInterfaceName(new Set([DEFAULT_INTERFACE]))).toBe('wg-zfs-offsite2')
    expect(chooseInterfaceName(taken, { ours: 'wg-backup' })).toBe('wg-backup')
  })
})
