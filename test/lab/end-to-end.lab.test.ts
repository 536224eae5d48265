// The whole off-site path on real hosts, with the lab helper alone (no app code):
// WireGuard tunnel, SSH from nas to offsite over it as the delegated receive user, a raw
// send of an encrypted dataset cut off mid-stream and resumed by token, then load-key
// and mount on offsite with the data's checksums equal on both sides.
import { beforeAll, describe, expect, it } from 'vitest';
import { freshPools, labHosts, prepareTunnelAndReceiveUser, type Lab } from './hosts';

const PASSPHRASE = 'lab passphrase, not a secret';

describe('end to end over the lab', () => {
  let lab: Lab;

  beforeAll(async () => {
    lab = await labHosts();
    await freshPools();
    await prepareTunnelAndReceiveUser();
  });

  it('gives the two hosts distinct SSH host keys', () => {
    expect(lab.nas.hostKeyFingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(lab.offsite.hostKeyFingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(lab.nas.hostKeyFingerprint).not.toBe(lab.offsite.hostKeyFingerprint);
  });

  it('carries a WireGuard handshake and pings across the tunnel', async () => {
    const dump = (await lab.nas.run('wg show wg-backup dump')).stdout.trim().split('\n');
    const peer = dump[1]?.split('\t') ?? [];
    // Peer line: public-key, preshared-key, endpoint, allowed-ips, latest-handshake, ...
    expect(peer[2]).toBe(`${lab.offsite.linkIp}:51820`);
    expect(peer[3]).toBe(`${lab.offsite.tunnelIp}/32`);
    expect(Number(peer[4])).toBeGreaterThan(0);
    await lab.offsite.run(`ping -c1 -W5 ${lab.nas.tunnelIp}`);
  });

  it('reaches the receive user on offsite by SSH over the tunnel', async () => {
    const r = await lab.nas.run(`ssh -o BatchMode=yes zfsreceive@${lab.offsite.tunnelIp} 'id -un; echo $SSH_CONNECTION'`);
    const [user, connection] = r.stdout.trim().split('\n');
    expect(user).toBe('zfsreceive');
    // The connection comes from nas's tunnel address to offsite's.
    expect(connection?.split(' ')[0]).toBe(lab.nas.tunnelIp);
    expect(connection?.split(' ')[2]).toBe(lab.offsite.tunnelIp);
  });

  it('resumes a cut-off raw send of an encrypted dataset and opens it off-site', async () => {
    const { nas, offsite } = lab;
    const remote = `ssh -o BatchMode=yes zfsreceive@${offsite.tunnelIp}`;
    await nas.run(
      `set -e
       zfs create -o encryption=on -o keyformat=passphrase -o keylocation=prompt tank/secret
       head -c 3M /dev/urandom > /tank/secret/random.bin
       seq 1 100000 > /tank/secret/numbers.txt
       mkdir /tank/secret/docs; echo 'off-site copy' > /tank/secret/docs/readme.txt
       zfs snapshot tank/secret@s1`,
      { stdin: `${PASSPHRASE}\n` },
    );
    const checksums = 'cd "$(zfs get -H -o value mountpoint DS)" && find . -type f -print0 | sort -z | xargs -0 sha256sum';
    const source = (await nas.run(checksums.replace('DS', 'tank/secret'))).stdout;
    expect(source.split('\n').filter(Boolean)).toHaveLength(3);

    const streamBytes = Number((await nas.run('zfs send -w tank/secret@s1 | wc -c')).stdout.trim());
    const cut = Math.floor(streamBytes / 2);
    expect(cut).toBeGreaterThan(1024 * 1024);

    // First attempt: only half the stream arrives; receive -s keeps what it got.
    const first = await nas.run(
      `set -o pipefail; zfs send -w tank/secret@s1 | head -c ${cut} | ${remote} /usr/sbin/zfs receive -s -u backup/secret`,
      { allowFail: true },
    );
    expect(first.code).not.toBe(0);
    expect(first.stderr).toMatch(/Partially received snapshot is saved/);
    const token = (await offsite.run('zfs get -H -o value receive_resume_token backup/secret')).stdout.trim();
    expect(token).toMatch(/^[0-9a-f]+-[0-9a-f]+-[0-9a-f]+-[0-9a-f]+$/);

    // The token says where to restart; the rest of the stream completes the snapshot.
    const estimate = await nas.run(`zfs send -nvP -t ${token}`);
    expect(estimate.stdout + estimate.stderr).toMatch(/resume token contents/);
    await nas.run(`set -o pipefail; zfs send -t ${token} | ${remote} /usr/sbin/zfs receive -s -u backup/secret`);

    const after = await offsite.run('zfs get -H -o value receive_resume_token,keystatus,encryptionroot backup/secret');
    expect(after.stdout.trim().split('\n')).toEqual(['-', 'unavailable', 'backup/secret']);
    const guid = 'zfs get -H -o value guid DS@s1';
    expect((await offsite.run(guid.replace('DS', 'backup/secret'))).stdout).toBe(
      (await nas.run(guid.replace('DS', 'tank/secret'))).stdout,
    );

    // Off-site, the data is readable only after load-key (passphrase on stdin) and mount.
    await offsite.run('zfs load-key backup/secret', { stdin: `${PASSPHRASE}\n` });
    await offsite.run('zfs mount backup/secret');
    const copy = (await offsite.run(checksums.replace('DS', 'backup/secret'))).stdout;
    expect(copy).toBe(source);
  });
});
