// The lab's two hosts for tests: connection details, root commands over SSH, fresh pools
// per test file, and the "tunnel + receive user ready" state. Reads what lab.sh up wrote.
//
// Commands go through the system OpenSSH client (BatchMode, the lab's own key, the lab's
// known_hosts with the host keys the VMs announced on their serial consoles, a shared
// ControlMaster per host so each command costs one channel, not one handshake).
import { wizardCleanupScript } from './wizard-footprint';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export type LabHostName = 'nas' | 'offsite';

export interface RunOptions {
  /** Bytes or text written to the command's stdin (then closed). */
  stdin?: string | Buffer;
  /** Resolve with the result instead of throwing when the exit code is not 0. */
  allowFail?: boolean;
  /** Kill the command after this long (default 10 minutes). */
  timeoutMs?: number;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  /** Exit code of the remote command; 255 is the ssh client's own failure. */
  code: number;
}

export interface LabHost {
  name: LabHostName;
  sshHost: '127.0.0.1';
  sshPort: number;
  user: 'root';
  privateKeyPath: string;
  knownHostsPath: string;
  /** `ssh-ed25519 AAAA...`, the only host key type the VMs offer. */
  hostKey: string;
  /** `SHA256:...` as OpenSSH prints it (base64, no padding). */
  hostKeyFingerprint: string;
  /** WireGuard address once the tunnel is set up: 10.99.0.1 (nas), 10.99.0.2 (offsite). */
  tunnelIp: string;
  /** Address on the plain VM-to-VM link: 192.168.99.1 (nas), 192.168.99.2 (offsite). */
  linkIp: string;
  /** The host's pool: `tank` on nas, `backup` on offsite. */
  pool: string;
  /** First line of `zfs version`, e.g. `zfs-2.3.2-1~bpo12+1`. */
  zfsVersion: string;
  /** Runs a command as root through the remote shell (bash). */
  run(cmd: string, opts?: RunOptions): Promise<RunResult>;
  /** ssh arguments up to and including `root@127.0.0.1`, for tests that spawn ssh themselves. */
  sshArgs(): string[];
}

export interface Lab {
  nas: LabHost;
  offsite: LabHost;
  zfsSeries: string;
  accel: 'kvm' | 'tcg';
  runtimeDir: string;
}

export class LabCommandError extends Error {
  constructor(
    readonly host: LabHostName,
    readonly command: string,
    readonly result: RunResult,
  ) {
    const tail = result.stderr.trim().split('\n').slice(-8).join('\n');
    super(`${host}: exit ${result.code} from: ${command}\n${tail}`);
    this.name = 'LabCommandError';
  }
}

export const labDir = path.dirname(fileURLToPath(import.meta.url));
export const labScript = path.join(labDir, 'lab.sh');

export function labRuntimeDir(): string {
  return process.env.LAB_RUNTIME_DIR ?? '/var/tmp/zfs-offsite-lab';
}

interface LabJsonHost {
  name: LabHostName;
  sshPort: number;
  hostKey: string;
  hostKeyFingerprint: string;
  linkIp: string;
  tunnelIp: string;
  pool: string;
  zfsVersion: string;
}

interface LabJson {
  zfsSeries: string;
  accel: 'kvm' | 'tcg';
  runtimeDir: string;
  privateKeyPath: string;
  knownHostsPath: string;
  startedBy: string;
  hosts: Record<LabHostName, LabJsonHost>;
}

/** The state file lab.sh up writes, or undefined when the lab is not up. */
export function readLabJson(): LabJson | undefined {
  try {
    return JSON.parse(readFileSync(path.join(labRuntimeDir(), 'lab.json'), 'utf8')) as LabJson;
  } catch {
    return undefined;
  }
}

function makeHost(lab: LabJson, h: LabJsonHost): LabHost {
  const sshArgs = (): string[] => [
    '-F', '/dev/null',
    '-o', 'BatchMode=yes',
    '-o', 'IdentitiesOnly=yes',
    '-i', lab.privateKeyPath,
    '-o', `UserKnownHostsFile=${lab.knownHostsPath}`,
    '-o', 'StrictHostKeyChecking=yes',
    '-o', 'ConnectTimeout=20',
    '-o', 'ServerAliveInterval=15',
    '-o', 'ServerAliveCountMax=8',
    '-o', 'LogLevel=ERROR',
    '-o', 'ControlMaster=auto',
    '-o', `ControlPath=${lab.runtimeDir}/cm-%C`,
    '-o', 'ControlPersist=120',
    '-p', String(h.sshPort),
    'root@127.0.0.1',
  ];
  const host: LabHost = {
    name: h.name,
    sshHost: '127.0.0.1',
    sshPort: h.sshPort,
    user: 'root',
    privateKeyPath: lab.privateKeyPath,
    knownHostsPath: lab.knownHostsPath,
    hostKey: h.hostKey,
    hostKeyFingerprint: h.hostKeyFingerprint,
    tunnelIp: h.tunnelIp,
    linkIp: h.linkIp,
    pool: h.pool,
    zfsVersion: h.zfsVersion,
    sshArgs,
    run: (cmd, opts = {}) => runSsh(h.name, sshArgs(), cmd, opts),
  };
  return host;
}

function runSsh(name: LabHostName, args: string[], cmd: string, opts: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('ssh', [...args, '--', cmd], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 10 * 60_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const result: RunResult = {
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8') + (signal ? `\n[killed by ${signal}]` : ''),
        code: code ?? 255,
      };
      if (result.code !== 0 && !opts.allowFail) reject(new LabCommandError(name, cmd, result));
      else resolve(result);
    });
    // The remote side may exit without reading all of stdin; that is its answer, not ours.
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.stdin ?? '');
  });
}

/** The two hosts of the running lab (booted by the test run's global setup or lab:up). */
export async function labHosts(): Promise<Lab> {
  const lab = readLabJson();
  if (!lab) {
    throw new Error(`the lab is not up (no ${labRuntimeDir()}/lab.json); run npm run lab:up or npm run test:lab`);
  }
  return {
    nas: makeHost(lab, lab.hosts.nas),
    offsite: makeHost(lab, lab.hosts.offsite),
    zfsSeries: lab.zfsSeries,
    accel: lab.accel,
    runtimeDir: lab.runtimeDir,
  };
}

const POOL_DISK = '/dev/disk/by-id/virtio-pool';
/** The second blank disk (lab.sh), for the wizard's guided pool creation: left empty for every test file. */
export const SPARE_DISK = '/dev/disk/by-id/virtio-spare';

/**
 * Destroys any pool on the spare disk, unmounts whatever is mounted from it, clears ZFS
 * labels and every signature (partition table included), so it lists as empty again.
 * A lab booted before the spare disk existed has none: nothing to do there.
 */
function clearSpareScript(): string {
  return `if [ -e ${SPARE_DISK} ]; then
    dev=$(readlink -f ${SPARE_DISK})
    for p in $(zpool list -H -o name 2>/dev/null); do
      if zpool status -LP "$p" | grep -qE "^[[:space:]]+$dev[0-9]*[[:space:]]"; then zpool destroy -f "$p"; fi
    done
    for d in $(lsblk -lnp -o PATH "$dev"); do umount "$d" 2>/dev/null || true; done
    for d in $(lsblk -lnp -o PATH "$dev" | tail -n +2); do zpool labelclear -f "$d" 2>/dev/null || true; wipefs -a -q "$d" || true; done
    zpool labelclear -f "$dev" 2>/dev/null || true
    wipefs -a -q "$dev"
    udevadm settle
    ! lsblk -lnp -o PATH "$dev" | tail -n +2 | grep -q .
  fi`;
}

/**
 * Destroys every pool on both hosts and recreates `tank` (nas) and `backup` (offsite) on
 * their blank disks. Call in a beforeAll so a test file does not see another's datasets.
 * When the receive user exists, its delegation on `backup` is granted again.
 */
export async function freshPools(): Promise<void> {
  const { nas, offsite } = await labHosts();
  await Promise.all([nas, offsite].map((h) => h.run(recreatePoolScript(h.pool))));
  await offsite.run(
    `if id zfsreceive >/dev/null 2>&1; then zfs allow -u zfsreceive create,mount,receive ${offsite.pool}; fi`,
  );
}

function recreatePoolScript(pool: string): string {
  return [
    'set -e',
    // A receive still draining from an earlier file would keep the pool busy.
    'pkill -x "zfs" 2>/dev/null || true',
    'for p in $(zpool list -H -o name 2>/dev/null); do zpool destroy -f "$p"; done',
    clearSpareScript(),
    `zpool labelclear -f ${POOL_DISK} 2>/dev/null || true`,
    `rm -rf /${pool}`,
    `zpool create -f -o ashift=12 -O mountpoint=/${pool} ${pool} ${POOL_DISK}`,
  ].join('\n');
}

const WG_DIR = '/etc/wireguard';
const WG_PORT = 51820;

/**
 * Brings the pair to "tunnel + receive user ready": WireGuard `wg-backup` 10.99.0.1/30 <->
 * 10.99.0.2/30 over the VM link (private keys generated on each host, never copied), a
 * `zfsreceive` user on offsite with `zfs allow -u zfsreceive create,mount,receive backup`,
 * nas root's key authorized for it and offsite's host key in nas root's known_hosts
 * (for both the tunnel and the link address). Idempotent.
 *
 * As zfsreceive, call /usr/sbin/zfs: Debian also links /bin/zfs, other systems may not, and
 * /usr/sbin is not on a non-root user's PATH over SSH.
 */
export async function prepareTunnelAndReceiveUser(): Promise<void> {
  const { nas, offsite } = await labHosts();
  const pub = async (h: LabHost): Promise<string> =>
    (
      await h.run(
        `set -e; install -d -m 700 ${WG_DIR}; cd ${WG_DIR}
         [ -s wg-backup.key ] || (umask 077; wg genkey > wg-backup.key)
         wg pubkey < wg-backup.key`,
      )
    ).stdout.trim();
  const [nasPub, offPub] = await Promise.all([pub(nas), pub(offsite)]);
  const conf = (self: LabHost, peer: LabHost, peerPub: string): string =>
    [
      '[Interface]',
      `Address = ${self.tunnelIp}/30`,
      `ListenPort = ${WG_PORT}`,
      // The private key stays in its own file on the host that made it.
      `PostUp = wg set %i private-key ${WG_DIR}/wg-backup.key`,
      '',
      '[Peer]',
      `PublicKey = ${peerPub}`,
      `AllowedIPs = ${peer.tunnelIp}/32`,
      `Endpoint = ${peer.linkIp}:${WG_PORT}`,
      'PersistentKeepalive = 25',
      '',
    ].join('\n');
  const up = (self: LabHost, peer: LabHost, peerPub: string): Promise<RunResult> =>
    self.run(
      `set -e; umask 077; cat > ${WG_DIR}/wg-backup.conf
       systemctl enable wg-quick@wg-backup >/dev/null 2>&1
       systemctl restart wg-quick@wg-backup`,
      { stdin: conf(self, peer, peerPub) },
    );
  await Promise.all([up(nas, offsite, offPub), up(offsite, nas, nasPub)]);
  // Handshake and route: the first ping triggers the handshake. Deadline 60 s.
  await nas.run(
    `for i in $(seq 1 60); do ping -c1 -W1 ${offsite.tunnelIp} >/dev/null 2>&1 && exit 0; done
     echo "no reply from ${offsite.tunnelIp} over wg-backup within 60 s" >&2; wg show >&2; exit 1`,
  );

  const nasKey = (
    await nas.run(
      `set -e; install -d -m 700 /root/.ssh
       [ -s /root/.ssh/id_ed25519 ] || ssh-keygen -q -t ed25519 -N '' -C root@nas -f /root/.ssh/id_ed25519
       cat /root/.ssh/id_ed25519.pub`,
    )
  ).stdout.trim();
  await offsite.run(
    `set -e
     id zfsreceive >/dev/null 2>&1 || useradd -m -s /bin/sh zfsreceive
     install -d -m 700 -o zfsreceive -g zfsreceive /home/zfsreceive/.ssh
     cat > /home/zfsreceive/.ssh/authorized_keys
     chown zfsreceive:zfsreceive /home/zfsreceive/.ssh/authorized_keys
     chmod 600 /home/zfsreceive/.ssh/authorized_keys
     zfs allow -u zfsreceive create,mount,receive ${offsite.pool}
     # A receive whose connection was cut ends within a minute (sshd notices the dead
     # client), so its partial state can be resumed instead of staying busy for hours.
     printf 'Match User zfsreceive\n  ClientAliveInterval 15\n  ClientAliveCountMax 3\n' > /etc/ssh/sshd_config.d/zfs-offsite-receive.conf
     systemctl reload ssh
     # sshd re-executes itself on reload and listens again a moment later: the NAS's
     # login below was once refused in that gap. Wait for the listener (10 s at most).
     for _ in $(seq 100); do ss -Hltn 'sport = :22' | grep -q . && exit 0; sleep 0.1; done
     echo 'sshd did not listen again within 10 s of its reload' >&2; exit 1`,
    { stdin: `${nasKey}\n` },
  );
  await nas.run(
    `set -e; touch /root/.ssh/known_hosts
     sed -i '/^${offsite.tunnelIp.replace(/\./g, '\\.')} /d; /^${offsite.linkIp.replace(/\./g, '\\.')} /d' /root/.ssh/known_hosts
     cat >> /root/.ssh/known_hosts`,
    { stdin: `${offsite.tunnelIp} ${offsite.hostKey}\n${offsite.linkIp} ${offsite.hostKey}\n` },
  );
  // Proof: the receive user answers over the tunnel with its delegation in place.
  await nas.run(
    `ssh -o BatchMode=yes -o ConnectTimeout=30 zfsreceive@${offsite.tunnelIp} /usr/sbin/zfs allow ${offsite.pool} | grep -q zfsreceive`,
  );
}

/** Undoes prepareTunnelAndReceiveUser: no tunnel, no receive user, no nas root key. */
export async function resetToBare(): Promise<void> {
  const { nas, offsite } = await labHosts();
  const dropTunnel = `systemctl disable --now wg-quick@wg-backup >/dev/null 2>&1 || true
    ip link del wg-backup 2>/dev/null || true
    rm -f ${WG_DIR}/wg-backup.conf ${WG_DIR}/wg-backup.key`;
  await Promise.all([
    // What the setup wizard makes (test/lab/wizard-footprint.ts), on both VMs.
    nas.run(wizardCleanupScript),
    offsite.run(wizardCleanupScript),
  ]);
  await Promise.all([
    nas.run(`${dropTunnel}
      rm -f /root/.ssh/id_ed25519 /root/.ssh/id_ed25519.pub /root/.ssh/known_hosts`),
    nas.run(clearSpareScript()),
    offsite.run(clearSpareScript()),
  ]);
  await Promise.all([
    offsite.run(`${dropTunnel}
      zfs unallow -u zfsreceive ${offsite.pool} 2>/dev/null || true
      pkill -KILL -u zfsreceive 2>/dev/null || true
      if id zfsreceive >/dev/null 2>&1; then userdel -r zfsreceive 2>/dev/null || userdel zfsreceive; fi
      rm -rf /home/zfsreceive
      if [ -f /etc/ssh/sshd_config.d/zfs-offsite-receive.conf ]; then rm -f /etc/ssh/sshd_config.d/zfs-offsite-receive.conf; systemctl reload ssh; fi`),
  ]);
}
