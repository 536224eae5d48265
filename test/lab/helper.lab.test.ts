// The lab helper's own promises: bare hosts by default, fresh pools per file, and a
// "tunnel + receive user ready" state that can be made and undone.
import { beforeAll, describe, expect, it } from 'vitest';
import { freshPools, labHosts, prepareTunnelAndReceiveUser, resetToBare, type Lab } from './hosts';

describe('lab helper', () => {
  let lab: Lab;

  beforeAll(async () => {
    lab = await labHosts();
    await resetToBare();
    await freshPools();
  });

  it('boots hosts that are bare: pools, but no tunnel, no receive user, no delegation', async () => {
    const { nas, offsite } = lab;
    expect((await nas.run('zpool list -H -o name')).stdout).toBe('tank\n');
    expect((await offsite.run('zpool list -H -o name')).stdout).toBe('backup\n');
    expect((await nas.run('ip link show wg-backup', { allowFail: true })).code).not.toBe(0);
    expect((await offsite.run('id zfsreceive', { allowFail: true })).code).not.toBe(0);
    expect((await offsite.run('zfs allow backup')).stdout).toBe('');
  });

  it('reports each host under its own name and OpenZFS version', async () => {
    expect((await lab.nas.run('hostname')).stdout.trim()).toBe('nas');
    expect((await lab.offsite.run('hostname')).stdout.trim()).toBe('offsite');
    const version = (await lab.nas.run('zfs version')).stdout.split('\n')[0];
    expect(version).toBe(lab.nas.zfsVersion);
    expect(lab.nas.zfsVersion).toMatch(new RegExp(`^zfs-${lab.zfsSeries.replace('.', '\\.')}\\.`));
  });

  it('passes stdin through and reports exit codes without throwing when asked', async () => {
    const r = await lab.nas.run('sha256sum | cut -c1-16; echo oops >&2; exit 7', { stdin: 'abc', allowFail: true });
    expect(r).toEqual({ stdout: 'ba7816bf8f01cfea\n', stderr: 'oops\n', code: 7 });
    await expect(lab.nas.run('exit 3')).rejects.toThrow(/nas: exit 3/);
  });

  it('recreates the pools empty', async () => {
    await lab.nas.run('zfs create tank/leftover && zfs snapshot tank/leftover@x');
    await freshPools();
    expect((await lab.nas.run('zfs list -H -o name -t all -r tank')).stdout).toBe('tank\n');
  });

  it('prepares the tunnel and receive user, keeps them across fresh pools, and undoes them', async () => {
    const { nas, offsite } = lab;
    await prepareTunnelAndReceiveUser();
    await prepareTunnelAndReceiveUser(); // idempotent
    await freshPools();
    expect((await offsite.run('zfs allow backup')).stdout).toMatch(/user zfsreceive create,mount,receive/);
    const viaTunnel = await nas.run(`ssh -o BatchMode=yes zfsreceive@${offsite.tunnelIp} /usr/sbin/zfs list -H -o name backup`);
    expect(viaTunnel.stdout).toBe('backup\n');

    await resetToBare();
    expect((await nas.run('ip link show wg-backup', { allowFail: true })).code).not.toBe(0);
    expect((await offsite.run('id zfsreceive', { allowFail: true })).code).not.toBe(0);
    expect((await nas.run('ls /root/.ssh')).stdout).toBe('authorized_keys\n');
  });
});
