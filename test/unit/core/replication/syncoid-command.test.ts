// syncoid's argv for a job: the fixed flags the receive-only wrapper relies on, the job's
// own settings mapped to syncoid 2.1.0's options, and names checked before they reach it.
// The exclusion regexes are run by the real perl, the way syncoid matches them.
import { describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { excludeRegex, receiverSshArgv, syncoidInvocations, SYNCOID_PATH } from '../../../../src-main/core/replication/syncoid-command'
import { datasetName } from '../../../../src-main/core/zfs/names'

type JobPart = Parameters<typeof syncoidInvocations>[0]

function job(over: Partial<JobPart> = {}): JobPart {
  const base: JobPart = {
    sources: [{ dataset: 'tank/photos', recursive: false }],
    exclusions: [],
    targetParent: 'backup/nas',
    send: { raw: false, intermediates: true, largeBlocks: true, embedded: true, compressed: true },
    receiver: { user: 'zfsreceive', address: '10.99.0.2', port: 22, identityFile: '/var/lib/zfs-offsite/ssh/receive_ed25519', knownHostsFile: '/var/lib/zfs-offsite/ssh/known_hosts' },
  }
  return { ...base, ...over } as JobPart
}

const argvOf = (j: JobPart) => syncoidInvocations(j).map((i) => i.command.argv)

describe('syncoid’s command line for a job', () => {
  it('sends a non-raw source with -L -e -c, no sync snapshot, no rollback, no sudo, no compression stage and an unmounted receive', () => {
    const [inv] = syncoidInvocations(job())
    expect(inv!.source).toBe('tank/photos')
    expect(inv!.target).toBe('backup/nas/photos')
    expect(inv!.command.successCodes).toEqual([0])
    expect(inv!.command.argv).toEqual([
      SYNCOID_PATH,
      '--no-sync-snap',
      '--no-rollback',
      '--no-privilege-elevation',
      '--compress=none',
      '--recvoptions=u',
      '--sendoptions=Lec',
      '--sshkey=/var/lib/zfs-offsite/ssh/receive_ed25519',
      '--sshoption=IdentitiesOnly=yes',
      '--sshoption=UserKnownHostsFile=/var/lib/zfs-offsite/ssh/known_hosts',
      '--sshoption=StrictHostKeyChecking=yes',
      '--sshoption=BatchMode=yes',
      '--sshport=22',
      'tank/photos',
      'zfsreceive@10.99.0.2:backup/nas/photos',
    ])
  })

  it('never asks syncoid for -F, a rollback, sync snapshots or sudo, whatever the job says', () => {
    const variants = [job(), job({ send: { raw: true, intermediates: false, largeBlocks: false, embedded: false, compressed: false } }), job({ sources: [{ dataset: 'tank', recursive: true }] })]
    for (const argv of variants.flatMap(argvOf)) {
      expect(argv).toEqual(expect.arrayContaining(['--no-sync-snap', '--no-rollback', '--no-privilege-elevation', '--compress=none', '--recvoptions=u']))
      for (const a of argv) expect(a).not.toMatch(/^(--force-delete|--keep-sync-snap|--no-resume|--identifier|--recvoptions=.*[Fox]|--sendoptions=.*[RD])/)
    }
  })

  it('sends raw (-w) for a raw job, and only -w', () => {
    const argv = argvOf(job({ send: { raw: true, intermediates: true, largeBlocks: true, embedded: true, compressed: true } }))[0]!
    expect(argv.filter((a) => a.startsWith('--sendoptions'))).toEqual(['--sendoptions=w'])
  })

  it('passes only the non-raw flags the job was made with, and none when it has none', () => {
    expect(argvOf(job({ send: { raw: false, intermediates: true, largeBlocks: false, embedded: true, compressed: false } }))[0]).toContain('--sendoptions=e')
    expect(argvOf(job({ send: { raw: false, intermediates: true, largeBlocks: false, embedded: false, compressed: false } }))[0]!.some((a) => a.startsWith('--sendoptions'))).toBe(false)
  })

  it('sends every snapshot in between (-I, syncoid’s default) or only the newest (--no-stream)', () => {
    expect(argvOf(job())[0]).not.toContain('--no-stream')
    expect(argvOf(job({ send: { raw: false, intermediates: false, largeBlocks: true, embedded: true, compressed: true } }))[0]).toContain('--no-stream')
  })

  it('limits the rate and sizes the buffer on the NAS in bytes', () => {
    const argv = argvOf(job({ rateLimitBytesPerSecond: 262144, bufferBytes: 67108864 }))[0]!
    expect(argv).toContain('--source-bwlimit=262144')
    expect(argv).toContain('--mbuffer-size=67108864')
    expect(argvOf(job())[0]!.some((a) => /bwlimit|mbuffer-size/.test(a))).toBe(false)
  })

  it('uses the NAS’s default key and known_hosts when the receiver names none, still strictly', () => {
    const argv = argvOf(job({ receiver: { user: 'zfsreceive', address: 'offsite.lan', port: 2222 } }))[0]!
    expect(argv.some((a) => a.startsWith('--sshkey') || a.includes('UserKnownHostsFile') || a.includes('IdentitiesOnly'))).toBe(false)
    expect(argv).toContain('--sshoption=StrictHostKeyChecking=yes')
    expect(argv).toContain('--sshport=2222')
    expect(argv.at(-1)).toBe('zfsreceive@offsite.lan:backup/nas/photos')
  })

  it('makes one invocation per source, each landing under the target parent by its last name part', () => {
    const invs = syncoidInvocations(job({ sources: [{ dataset: 'tank/photos', recursive: false }, { dataset: 'tank/home/docs', recursive: true }, { dataset: 'data', recursive: false }] }))
    expect(invs.map((i) => [i.source, i.target, i.command.argv.at(-1)])).toEqual([
      ['tank/photos', 'backup/nas/photos', 'zfsreceive@10.99.0.2:backup/nas/photos'],
      ['tank/home/docs', 'backup/nas/docs', 'zfsreceive@10.99.0.2:backup/nas/docs'],
      ['data', 'backup/nas/data', 'zfsreceive@10.99.0.2:backup/nas/data'],
    ])
    expect(invs[1]!.command.argv).toContain('--recursive')
    expect(invs[0]!.command.argv).not.toContain('--recursive')
  })

  it('excludes a recursive source’s excluded children with anchored regexes, and leaves out a source that is itself excluded', () => {
    const invs = syncoidInvocations(
      job({
        sources: [{ dataset: 'tank/home', recursive: true }, { dataset: 'tank/media', recursive: true }, { dataset: 'tank/scratch', recursive: false }],
        exclusions: ['tank/home/.cache', 'tank/home/bob/v1.2', 'tank/scratch', 'tank/other'],
      }),
    )
    expect(invs.map((i) => i.source)).toEqual(['tank/home', 'tank/media'])
    expect(invs[0]!.command.argv.filter((a) => a.startsWith('--exclude='))).toEqual(['--exclude=^tank/home/[.]cache(?![^/])', '--exclude=^tank/home/bob/v1[.]2(?![^/])'])
    expect(invs[1]!.command.argv.some((a) => a.startsWith('--exclude='))).toBe(false)
    // The hold after syncoid leaves out the same datasets.
    expect(invs.map((i) => [i.recursive, i.exclusions])).toEqual([
      [true, ['tank/home/.cache', 'tank/home/bob/v1.2']],
      [true, []],
    ])
  })

  it('reaches the off-site box for the hold after syncoid with syncoid’s own key, known_hosts, port and checks', () => {
    expect(receiverSshArgv(job().receiver!)).toEqual([
      'ssh',
      '-o',
      'BatchMode=yes',
      '-o',
      'StrictHostKeyChecking=yes',
      '-i',
      '/var/lib/zfs-offsite/ssh/receive_ed25519',
      '-o',
      'IdentitiesOnly=yes',
      '-o',
      'UserKnownHostsFile=/var/lib/zfs-offsite/ssh/known_hosts',
      '-p',
      '22',
      'zfsreceive@10.99.0.2',
    ])
    expect(receiverSshArgv({ user: 'zfsreceive', address: '10.99.0.2', port: 2222 })).toEqual(['ssh', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes', '-p', '2222', 'zfsreceive@10.99.0.2'])
    expect(() => receiverSshArgv({ user: 'zfsreceive', address: '10.99.0.2', port: 22, identityFile: '/root/k ey' })).toThrow(/plain absolute path/)
    expect(() => receiverSshArgv({ user: 'root', address: '10.99.0.2', port: 22 })).toThrow(/never root/)
  })

  it('writes exclusion regexes that perl matches against the excluded dataset and its children only', () => {
    const re = excludeRegex(datasetName('tank/home/v1.2'))
    const names = ['tank/home/v1.2', 'tank/home/v1.2/a', 'tank/home/v1.2/a/b', 'tank/home/v1x2', 'tank/home/v1.23', 'tank/home', 'other/tank/home/v1.2', 'tank/home/v1.2-old']
    // syncoid: if ($dataset =~ /$_/) — the same match, by the real perl.
    const r = spawnSync('perl', ['-ne', 'chomp; print "$_\\n" if $_ =~ /$ENV{RE}/'], { input: names.join('\n') + '\n', env: { RE: re }, encoding: 'utf8' })
    expect(r.status).toBe(0)
    expect(r.stdout.split('\n').filter(Boolean)).toEqual(['tank/home/v1.2', 'tank/home/v1.2/a', 'tank/home/v1.2/a/b'])
    // Nothing a unit file or cron line would read as its own syntax.
    expect(re).not.toMatch(/[$\\%\s'"]/)
  })

  it('refuses names and endpoints syncoid would read wrongly or a shell would read at all', () => {
    expect(() => syncoidInvocations(job({ receiver: undefined }))).toThrow(/no receiver/)
    expect(() => syncoidInvocations(job({ sources: [{ dataset: 'tank/a;id', recursive: false }] }))).toThrow(/not a dataset name/)
    expect(() => syncoidInvocations(job({ sources: [{ dataset: 'tank/a b', recursive: false }] }))).toThrow(/space/)
    expect(() => syncoidInvocations(job({ sources: [{ dataset: 'tank/a@s', recursive: false }] }))).toThrow(/not a dataset name/)
    expect(() => syncoidInvocations(job({ targetParent: 'backup/../x' }))).toThrow(/not a dataset name/)
    expect(() => syncoidInvocations(job({ exclusions: ['tank/$(id)'] }))).toThrow(/not a dataset name/)
    expect(() => syncoidInvocations(job({ receiver: { user: 'root', address: '10.99.0.2', port: 22 } }))).toThrow(/never root/)
    expect(() => syncoidInvocations(job({ receiver: { user: 'zfsreceive', address: 'fd00::2', port: 22 } }))).toThrow(/splits its target at ':'/)
    expect(() => syncoidInvocations(job({ receiver: { user: 'zfsreceive', address: '10.99.0.2', port: 22, identityFile: '/root/k ey' } }))).toThrow(/plain absolute path/)
    expect(() => syncoidInvocations(job({ receiver: { user: 'zfsreceive', address: '10.99.0.2', port: 22, knownHostsFile: '/a/../etc/passwd' } }))).toThrow(/plain absolute path/)
    expect(() => syncoidInvocations(job({ rateLimitBytesPerSecond: 1.5 }))).toThrow(/whole number/)
  })

  it('is read by syncoid 2.1.0’s own option parser', () => {
    // syncoid's GetOptions line (Debian's sanoid 2.1.0), so a misspelt option fails here, not on the NAS at 2 AM.
    const getopt = '"no-command-checks", "monitor-version", "compress=s", "dumpsnaps", "recursive|r", "sendoptions=s", "recvoptions=s", "source-bwlimit=s", "target-bwlimit=s", "sshkey=s", "sshport=i", "sshcipher|c=s", "sshoption|o=s@", "debug", "quiet", "no-stream", "no-sync-snap", "no-resume", "exclude=s@", "skip-parent", "identifier=s", "no-clone-handling", "no-privilege-elevation", "force-delete", "no-clone-rollback", "no-rollback", "create-bookmark", "pv-options=s", "keep-sync-snap", "preserve-recordsize", "mbuffer-size=s"'
    const script = `use Getopt::Long; my %a; GetOptions(\\%a, ${getopt}) or exit 2; print scalar(@ARGV), "\\n";`
    const all = job({ sources: [{ dataset: 'tank/home', recursive: true }], exclusions: ['tank/home/x'], rateLimitBytesPerSecond: 4096, bufferBytes: 1048576, send: { raw: false, intermediates: false, largeBlocks: true, embedded: true, compressed: true } })
    const argv = argvOf(all)[0]!
    const r = spawnSync('perl', ['-e', script, '--', ...argv.slice(1)], { encoding: 'utf8' })
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    // Source and target are left, as syncoid requires exactly two.
    expect(r.stdout.trim()).toBe('2')
  })
})
