// Undo as exact commands: only what a step recorded as made, in an order where nothing
// is removed from under something still using it.
import { describe, expect, it } from 'vitest'
import { undoActions, type UndoAction } from '../../../../src-main/core/wizard/undo'
import type { Created } from '../../../../src-main/core/wizard/wizard-state'
import { shellJoin } from '../../../../src-main/core/shell/quote'

const line = (a: UndoAction) => `${a.host}: ${a.kind === 'run' ? shellJoin(a.command.argv) : `edit (${a.label})`}`

describe('undoing the tunnel', () => {
  it('stops the unit before deleting its config and key, on each host', () => {
    const made: Created[] = [
      { kind: 'wg-key', host: 'nas', interface: 'wg-zfs-offsite' },
      { kind: 'wg-key', host: 'offsite', interface: 'wg-zfs-offsite' },
      { kind: 'wg-conf', host: 'nas', interface: 'wg-zfs-offsite' },
      { kind: 'wg-conf', host: 'offsite', interface: 'wg-zfs-offsite' },
      { kind: 'wg-unit', host: 'nas', interface: 'wg-zfs-offsite' },
      { kind: 'wg-unit', host: 'offsite', interface: 'wg-zfs-offsite' },
    ]
    expect(undoActions(made).map(line)).toEqual([
      'nas: systemctl disable --now wg-quick@wg-zfs-offsite',
      'offsite: systemctl disable --now wg-quick@wg-zfs-offsite',
      'nas: rm -f -- /etc/wireguard/wg-zfs-offsite.conf',
      'offsite: rm -f -- /etc/wireguard/wg-zfs-offsite.conf',
      'nas: rm -f -- /etc/wireguard/wg-zfs-offsite.key',
      'offsite: rm -f -- /etc/wireguard/wg-zfs-offsite.key',
    ])
  })

  it('touches nothing the app found already there', () => {
    // The key existed before (the person's), so only the config the app wrote goes.
    expect(undoActions([{ kind: 'wg-conf', host: 'nas', interface: 'wg-backup' }]).map(line)).toEqual(['nas: rm -f -- /etc/wireguard/wg-backup.conf'])
    expect(undoActions([])).toEqual([])
  })
})

describe('undoing the receive user and the destination', () => {
  const made: Created[] = [
    { kind: 'dataset', host: 'offsite', dataset: 'backup/nas' },
    { kind: 'nas-key', host: 'nas', path: '/var/lib/zfs-offsite/ssh/receive_ed25519' },
    { kind: 'receive-user', host: 'offsite', user: 'zfsreceive' },
    { kind: 'authorized-key', host: 'offsite', user: 'zfsreceive' },
    { kind: 'known-host', host: 'nas', path: '/var/lib/zfs-offsite/ssh/known_hosts', name: '10.99.0.2' },
    { kind: 'wrapper', host: 'offsite', path: '/usr/local/libexec/zfs-offsite/receive-only' },
    { kind: 'delegation', host: 'offsite', user: 'zfsreceive', dataset: 'backup/nas', permissions: ['create', 'mount', 'receive'] },
  ]

  it('takes back the key line and the rights before the user, and the parent last and only when empty', () => {
    expect(undoActions(made).map(line)).toEqual([
      'offsite: edit (take the NAS’s key out of zfsreceive’s authorized_keys)',
      'offsite: zfs unallow -u zfsreceive create,mount,receive backup/nas',
      'offsite: rm -f -- /usr/local/libexec/zfs-offsite/receive-only',
      'offsite: userdel --remove zfsreceive',
      'nas: edit (forget 10.99.0.2’s key on the NAS)',
      'nas: rm -f -- /var/lib/zfs-offsite/ssh/receive_ed25519 /var/lib/zfs-offsite/ssh/receive_ed25519.pub',
      'offsite: zfs destroy backup/nas',
    ])
  })

  it('edits shared files to remove only the app’s line', () => {
    const [keys] = undoActions([made[3]!])
    const [hosts] = undoActions([made[4]!])
    if (keys?.kind !== 'edit' || hosts?.kind !== 'edit') throw new Error('expected edits')
    const theirs = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIK3919R8j0M4MaewfluZnwGdqak9sk30z16isvTd+5zo someone@laptop\n'
    const ours = 'restrict,from="10.99.0.1",command="/usr/local/libexec/zfs-offsite/receive-only" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIK3919R8j0M4MaewfluZnwGdqak9sk30z16isvTd+5zo zfs-offsite\n'
    const read = keys.parse(`present\n${theirs}${ours}`)
    expect(keys.edit(read.text)).toEqual({ text: theirs, changed: true })
    expect(keys.write(theirs).stdin).toBe(theirs)
    expect(hosts.edit('10.99.0.2 ssh-ed25519 AAAA\n10.99.0.9 ssh-ed25519 BBBB\n')).toEqual({ text: '10.99.0.9 ssh-ed25519 BBBB\n', changed: true })
    expect(hosts.write('10.99.0.9 ssh-ed25519 BBBB\n').argv[0]).toBe('sh')
  })

  it('deletes the app’s known_hosts file once its last line is gone, instead of leaving it empty', () => {
    const [hosts] = undoActions([made[4]!])
    if (hosts?.kind !== 'edit') throw new Error('expected an edit')
    const edited = hosts.edit('10.99.0.2 ssh-ed25519 AAAA\n')
    expect(edited.changed).toBe(true)
    expect(hosts.write(edited.text).argv).toEqual(['rm', '-f', '--', '/var/lib/zfs-offsite/ssh/known_hosts'])
  })
})

describe('undoing the pool made on an empty disk', () => {
  it('destroys the pool last, after the parent dataset in it, and only through the check for copies', () => {
    const made: Created[] = [
      { kind: 'pool', host: 'offsite', pool: 'offsite2', disk: 'virtio-spare' },
      { kind: 'dataset', host: 'offsite', dataset: 'offsite2/nas' },
    ]
    const actions = undoActions(made)
    expect(actions.map((a) => a.undoes.kind)).toEqual(['dataset', 'pool'])
    const pool = actions[1]!
    expect(pool.kind === 'run' && pool.command.argv.slice(0, 2)).toEqual(['sh', '-c'])
    expect(pool.kind === 'run' && pool.command.argv.slice(-2)).toEqual(['offsite2', '/dev/disk/by-id/virtio-spare'])
    // The script checks for anything below the root before it may reach zpool destroy.
    const script = pool.kind === 'run' ? pool.command.argv[2]! : ''
    expect(script.indexOf('zfs list -H -r -t all')).toBeGreaterThan(-1)
    expect(script.indexOf('zfs list -H -r -t all')).toBeLessThan(script.indexOf('zpool destroy'))
    expect(script).not.toMatch(/zpool destroy -f|zfs destroy/)
  })
})
