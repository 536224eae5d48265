// Captures the host probe's output from the lab VMs into test/fixtures/probe/, with the
// command and the OpenZFS version beside each (test/fixtures/README.md's layout).
// Run: npx tsx test/lab/hosts-capture-probe.ts (the lab must be up).
// It adds its own datasets under tank/probe-* (plain with snapshots, encrypted with a
// child) and removes them afterwards; nothing else on the VMs is changed.
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { labDir, labHosts, prepareTunnelAndReceiveUser, type LabHost } from './hosts'
import { PROBE_SCRIPT, probeCommand } from '../../src-main/core/hosts/probe'
import { shellJoin } from '../../src-main/core/shell/quote'

const outDir = path.resolve(labDir, '../fixtures/probe')

async function capture(name: string, description: string, host: LabHost, command: string): Promise<void> {
  const result = await host.run(command, { allowFail: true })
  const zfsVersion = (await host.run('zfs version')).stdout.trim()
  const kernel = (await host.run('uname -r')).stdout.trim()
  mkdirSync(outDir, { recursive: true })
  writeFileSync(path.join(outDir, `${name}.stdout`), result.stdout)
  writeFileSync(path.join(outDir, `${name}.stderr`), result.stderr)
  const meta = {
    name,
    description,
    host: host.name,
    command,
    exitCode: result.code,
    expected: 'success',
    zfsVersion,
    tool: kernel,
    capturedOn: new Date().toISOString().slice(0, 10),
  }
  writeFileSync(path.join(outDir, `${name}.json`), `${JSON.stringify(meta, null, 2)}\n`)
  console.log(`${name}: exit ${result.code}, ${result.stdout.length} bytes`)
}

async function main(): Promise<void> {
  const { nas, offsite } = await labHosts()
  await prepareTunnelAndReceiveUser()
  const probe = shellJoin(probeCommand().argv)
  await nas.run(
    `set -e
     zfs destroy -r tank/probe-plain 2>/dev/null || true
     zfs destroy -r tank/probe-secret 2>/dev/null || true
     zfs create tank/probe-plain
     zfs snapshot tank/probe-plain@one
     zfs snapshot tank/probe-plain@two
     zfs create -o encryption=on -o keyformat=passphrase tank/probe-secret
     zfs create tank/probe-secret/child
     zfs snapshot -r tank/probe-secret@s1`,
    { stdin: 'probe-passphrase\n' },
  )
  try {
    await capture('nas-root', 'the host probe as root on the NAS (tank/probe-plain with @one @two; tank/probe-secret encrypted with a child)', nas, probe)
    await capture('offsite-root', 'the host probe as root on the off-site box', offsite, probe)
    await capture(
      'offsite-receive-user',
      'the host probe as the delegated receive user zfsreceive (not root, no sudo), run through su on the off-site box',
      offsite,
      shellJoin(['su', '-s', '/bin/sh', 'zfsreceive', '-c', probe]),
    )
    const withoutZfs = PROBE_SCRIPT.split('\n')
    // The lab image links zfs into /usr/bin as well, so the reduced PATH is a folder of its own.
    await nas.run('rm -rf /tmp/probe-bin && mkdir /tmp/probe-bin && for t in cat id uname; do ln -s /usr/bin/$t /tmp/probe-bin/$t; done')
    withoutZfs[0] = 'PATH=/tmp/probe-bin; export LC_ALL=C'
    await capture('nas-no-zfs-on-path', 'the host probe with /usr/sbin (zfs, zpool) left off PATH: what a host without OpenZFS answers', nas, shellJoin(['sh', '-c', withoutZfs.join('\n')]))
  } finally {
    await nas.run('zfs destroy -r tank/probe-plain; zfs destroy -r tank/probe-secret; rm -rf /tmp/probe-bin', { allowFail: true })
  }
}

await main()
