// Captures the output of the real zfs/zpool/wg/ssh commands the app parses, on each
// OpenZFS version the lab builds, into test/fixtures/ (one stdout, stderr and meta file
// per command). Parser and error-table tests read these instead of imagined output.
//
//   npm run lab:capture            both versions (2.3, then 2.1)
//   npm run lab:capture -- 2.1     one version
//
// Boots the lab with the wanted version unless it is already up with it; stops only
// what it booted itself.
import { capturePool } from './capture-pool';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import {
  freshPools,
  labDir,
  labHosts,
  labScript,
  prepareTunnelAndReceiveUser,
  readLabJson,
  resetToBare,
  type LabHost,
  type RunResult,
} from './hosts';

const fixturesDir = path.resolve(labDir, '..', 'fixtures');
const PASSPHRASE = 'lab passphrase, not a secret';
const WRONG_PASSPHRASE = 'not the passphrase';
const REDACTED_KEY = Buffer.alloc(32).toString('base64');

type Expect = 'success' | 'failure' | 'any';

interface Capture {
  name: string;
  description: string;
  host: string;
  command: string;
  stdin?: string;
  redacted?: string;
  exitCode: number;
  expected: Expect;
  zfsVersion: string;
  tool: string;
  capturedOn: string;
}

const surprises: string[] = [];

class Recorder {
  /** Captures go to `<dir>.new` and replace `dir` only when the whole set is done. */
  readonly dir: string;

  constructor(
    readonly finalDir: string,
    readonly zfsVersion: string,
    readonly toolVersion: string,
  ) {
    this.dir = `${finalDir}.new`;
    rmSync(this.dir, { recursive: true, force: true });
    mkdirSync(this.dir, { recursive: true });
  }

  finish(): void {
    // Sub-folders written by other captures (pool/ by capture-pool.ts, recovery/) are
    // carried over: this capture replaces only its own files.
    if (existsSync(this.finalDir)) {
      for (const entry of readdirSync(this.finalDir, { withFileTypes: true })) {
        if (entry.isDirectory() && !existsSync(path.join(this.dir, entry.name))) renameSync(path.join(this.finalDir, entry.name), path.join(this.dir, entry.name));
      }
    }
    rmSync(this.finalDir, { recursive: true, force: true });
    renameSync(this.dir, this.finalDir);
  }

  write(name: string, description: string, host: string, command: string, r: RunResult, expected: Expect, stdin?: string): RunResult {
    let stdout = r.stdout;
    let redacted: string | undefined;
    if (/^wg show \S+ dump$/.test(command)) {
      // The interface line of a dump starts with the private key; keep the shape, not the key.
      stdout = stdout.replace(/^[A-Za-z0-9+/]{43}=\t/, `${REDACTED_KEY}\t`);
      redacted = 'the private key (first field of the interface line) is replaced by 32 zero bytes in base64';
    }
    const meta: Capture = {
      name,
      description,
      host,
      command,
      ...(stdin !== undefined ? { stdin } : {}),
      ...(redacted !== undefined ? { redacted } : {}),
      exitCode: r.code,
      expected,
      zfsVersion: this.zfsVersion,
      tool: this.toolVersion,
      capturedOn: new Date().toISOString().slice(0, 10),
    };
    writeFileSync(path.join(this.dir, `${name}.stdout`), stdout);
    writeFileSync(path.join(this.dir, `${name}.stderr`), r.stderr);
    writeFileSync(path.join(this.dir, `${name}.json`), `${JSON.stringify(meta, null, 2)}\n`);
    const ok = expected === 'any' || (expected === 'success') === (r.code === 0);
    if (!ok) surprises.push(`${path.basename(this.finalDir)}/${name}: expected ${expected}, exit ${r.code}: ${r.stderr.trim().split('\n')[0] ?? ''}`);
    return r;
  }

  /** Runs cmd on a host (as root) and records it. */
  async cap(h: LabHost, name: string, description: string, cmd: string, expected: Expect = 'success', stdin?: string): Promise<RunResult> {
    const r = await h.run(cmd, { allowFail: true, ...(stdin !== undefined ? { stdin } : {}) });
    return this.write(name, description, h.name, cmd, r, expected, stdin);
  }
}

/** Setup steps are not fixtures: they must work. */
async function sh(h: LabHost, cmd: string, stdin?: string): Promise<string> {
  return (await h.run(cmd, stdin !== undefined ? { stdin } : {})).stdout;
}

const LIST_COLUMNS = 'name,guid,createtxg,creation,used,referenced,written,encryption,encryptionroot,keystatus,receive_resume_token,type';

async function captureZfs(series: string): Promise<void> {
  await freshPools();
  await resetToBare();
  const { nas, offsite } = await labHosts();
  const zfsVersion = (await sh(nas, 'zfs version')).trim();
  const rec = new Recorder(path.join(fixturesDir, `zfs-${series}`), zfsVersion, (await sh(nas, 'uname -r')).trim());
  const cap = rec.cap.bind(rec);
  console.error(`capture: OpenZFS ${zfsVersion.split('\n')[0]} -> ${rec.finalDir}`);

  // ------------------------------------------------------------ a tree to look at
  await sh(
    nas,
    `set -e
     zfs create tank/plain
     head -c 2M /dev/urandom > /tank/plain/a.bin; zfs snapshot tank/plain@a
     head -c 1M /dev/urandom > /tank/plain/b.bin; zfs snapshot tank/plain@b
     head -c 1M /dev/urandom > /tank/plain/c.bin; zfs snapshot tank/plain@c
     zfs bookmark tank/plain@a tank/plain#a
     zfs create -o encryption=on -o keyformat=passphrase -o keylocation=prompt tank/secret`,
    `${PASSPHRASE}\n`,
  );
  await sh(
    nas,
    `set -e
     zfs create tank/secret/child
     head -c 1M /dev/urandom > /tank/secret/s1.bin; head -c 512K /dev/urandom > /tank/secret/child/s1.bin
     zfs snapshot -r tank/secret@s1
     head -c 512K /dev/urandom > /tank/secret/s2.bin
     zfs snapshot -r tank/secret@s2
     zfs create -V 16M tank/vol
     zfs snapshot tank/vol@v1
     zfs create tank/tree; zfs create tank/tree/one; zfs create tank/tree/two
     echo one > /tank/tree/one/f; echo two > /tank/tree/two/f
     zfs snapshot -r tank/tree@t1
     zfs send tank/plain@a | head -c 1048576 | zfs receive -s tank/partial || true
     zfs get -H -o value receive_resume_token tank/partial | grep -q .`,
  );

  // ------------------------------------------------------------ listings and properties
  await cap(nas, 'zfs-version', 'userland and kernel module versions', 'zfs version');
  await cap(nas, 'zpool-list', 'pools, parsable', 'zpool list -Hp');
  await cap(nas, 'zpool-list-columns', 'pool capacity columns', 'zpool list -Hp -o name,size,alloc,free,cap,health,guid');
  await cap(nas, 'zpool-get-all', 'all pool properties including feature flags', 'zpool get -Hp all tank');
  await cap(nas, 'zpool-get-features', 'pool feature flags only', "zpool get -Hp -o name,property,value,source all tank | grep -F 'feature@'");
  await cap(nas, 'zpool-get-extensible-dataset', "syncoid's pool probe", "zpool get -o value -H feature@extensible_dataset 'tank'");
  await cap(nas, 'zpool-status', 'pool status', 'zpool status -P tank');
  await cap(nas, 'zpool-upgrade-v', 'features this OpenZFS supports', 'zpool upgrade -v');
  await cap(nas, 'zfs-list-tree', 'the replication listing on a tree with encrypted and plain datasets, snapshots, bookmarks, a volume and a partially received dataset', `zfs list -Hp -t filesystem,volume,snapshot,bookmark -o ${LIST_COLUMNS} -r tank`);
  await cap(nas, 'zfs-list-snapshots-by-txg', 'snapshots in creation order', 'zfs list -Hp -t snapshot -o name,guid,createtxg,creation -s createtxg -r tank');
  await cap(nas, 'zfs-list-bookmarks', 'bookmarks', 'zfs list -Hp -t bookmark -o name,guid,createtxg,creation -r tank');
  await cap(nas, 'zfs-list-filesystems-space', 'space per dataset', 'zfs list -Hp -o name,used,avail,refer,mountpoint,mounted -t filesystem,volume -r tank');
  await cap(nas, 'zfs-get-all-plain', 'all properties of a plain dataset', 'zfs get -Hp all tank/plain');
  await cap(nas, 'zfs-get-all-encrypted', 'all properties of an encryption root', 'zfs get -Hp all tank/secret');
  await cap(nas, 'zfs-get-encryption', 'encryption properties of the tree', 'zfs get -Hp -o name,property,value,source -r encryption,encryptionroot,keystatus,keyformat,keylocation tank');
  await cap(nas, 'zfs-get-snapshot-guid-creation', "syncoid's snapshot listing shape", "zfs get -Hpd 1 -t snapshot guid,creation 'tank/plain'");
  await cap(nas, 'zfs-get-resume-token', 'the resume token of a partially received dataset', "zfs get -H receive_resume_token 'tank/partial'");
  await cap(nas, 'zfs-get-resume-token-none', 'no resume token', "zfs get -H receive_resume_token 'tank/plain'");
  const token = (await sh(nas, 'zfs get -H -o value receive_resume_token tank/partial')).trim();

  // ------------------------------------------------------------ send estimates
  await cap(nas, 'send-estimate-full', 'full send size estimate', 'zfs send -nvP tank/plain@c');
  await cap(nas, 'send-estimate-incremental-i', 'incremental -i estimate', 'zfs send -nvP -i tank/plain@a tank/plain@b');
  await cap(nas, 'send-estimate-incremental-I', 'incremental -I estimate (with intermediates)', 'zfs send -nvP -I tank/plain@a tank/plain@c');
  await cap(nas, 'send-estimate-from-bookmark', 'incremental from a bookmark', 'zfs send -nvP -i tank/plain#a tank/plain@c');
  await cap(nas, 'send-estimate-raw', 'raw send of an encrypted dataset', 'zfs send -nvP -w tank/secret@s1');
  await cap(nas, 'send-estimate-raw-incremental-I', 'raw incremental', 'zfs send -nvP -w -I tank/secret@s1 tank/secret@s2');
  await cap(nas, 'send-estimate-replicate', 'replication stream -R of a tree', 'zfs send -nvP -R tank/tree@t1');
  await cap(nas, 'send-estimate-replicate-raw', 'raw replication stream of an encrypted tree', 'zfs send -nvP -R -w tank/secret@s2');
  await cap(nas, 'send-estimate-resume-token', 'estimate of a resumed send', `zfs send -nvP -t ${token}`);
  await cap(nas, 'send-estimate-volume', 'full send of a volume', 'zfs send -nvP tank/vol@v1');

  // ------------------------------------------------------------ progress lines
  // pv -L slows the pipe so zfs prints several once-a-second progress lines on stderr.
  await cap(nas, 'send-progress-v', 'zfs send -v progress lines on stderr', 'set -o pipefail; zfs send -v tank/plain@c | pv -q -L 1m > /dev/null');
  await cap(nas, 'send-progress-vP', 'zfs send -vP parsable progress lines on stderr', 'set -o pipefail; zfs send -vP tank/plain@c | pv -q -L 1m > /dev/null');
  await cap(nas, 'send-progress-vP-incremental-I', 'parsable progress of an -I send', 'set -o pipefail; zfs send -vP -I tank/plain@a tank/plain@c | pv -q -L 1m > /dev/null');
  await cap(nas, 'send-progress-vP-raw', 'parsable progress of a raw send', 'set -o pipefail; zfs send -vP -w tank/secret@s1 | pv -q -L 512k > /dev/null');
  await cap(nas, 'send-progress-vP-resume', 'parsable progress of a resumed send', `set -o pipefail; zfs send -vP -t ${token} | pv -q -L 512k > /dev/null`);
  await cap(nas, 'pv-numeric-bytes', 'pv -n -b byte counts on stderr', 'set -o pipefail; zfs send tank/plain@c | pv -n -b -i 0.5 -L 2m > /dev/null');

  // ------------------------------------------------------------ holds and bookmarks
  await cap(nas, 'hold', 'place a hold', 'zfs hold zfs-offsite tank/plain@a');
  await cap(nas, 'hold-again', 'the same tag twice', 'zfs hold zfs-offsite tank/plain@a', 'failure');
  await cap(nas, 'holds', 'list holds', 'zfs holds -H tank/plain@a tank/plain@b');
  await cap(nas, 'holds-recursive-parsable', 'list holds recursively, parsable (OpenZFS 2.1 has no -p here)', 'zfs holds -Hp -r tank/plain@a', 'any');
  await cap(nas, 'destroy-held-snapshot', 'destroying a held snapshot', 'zfs destroy tank/plain@a', 'failure');
  await cap(nas, 'destroy-held-snapshot-dry-run', 'destroy dry run of a held snapshot', 'zfs destroy -nvp tank/plain@a', 'any');
  await cap(nas, 'release-unknown-tag', 'release a tag that is not there', 'zfs release nosuchtag tank/plain@a', 'failure');
  await cap(nas, 'release', 'release a hold', 'zfs release zfs-offsite tank/plain@a');
  await cap(nas, 'hold-missing-snapshot', 'hold on a snapshot that does not exist', 'zfs hold zfs-offsite tank/plain@nope', 'failure');
  await cap(nas, 'bookmark', 'create a bookmark', 'zfs bookmark tank/plain@b tank/plain#b');
  await cap(nas, 'bookmark-exists', 'bookmark name already used', 'zfs bookmark tank/plain@b tank/plain#b', 'failure');
  await cap(nas, 'destroy-snapshot-dry-run', 'what destroying a snapshot would free', 'zfs destroy -nvp tank/plain@b');

  // ------------------------------------------------------------ receive and its failures
  await sh(nas, 'set -o pipefail; zfs send tank/plain@a | zfs receive -u tank/copy');
  await cap(nas, 'receive-exists-without-F', 'a full stream into an existing dataset', 'set -o pipefail; zfs send tank/plain@a | zfs receive -u tank/copy', 'failure');
  await cap(nas, 'receive-incremental-source-mismatch', 'incremental whose source is not the newest target snapshot', 'set -o pipefail; zfs send -i tank/plain@b tank/plain@c | zfs receive -u tank/copy', 'failure');
  await cap(nas, 'receive-incremental-verbose', 'a successful incremental receive, verbose', 'set -o pipefail; zfs send -i tank/plain@a tank/plain@b | zfs receive -v -u tank/copy');
  await sh(nas, 'zfs mount tank/copy && echo changed > /tank/copy/changed.txt');
  await cap(nas, 'receive-target-modified', 'incremental into a target written since its newest snapshot', 'set -o pipefail; zfs send -i tank/plain@b tank/plain@c | zfs receive -u tank/copy', 'failure');
  await cap(nas, 'receive-target-has-newer-snapshot', 'incremental when the target has a snapshot newer than the source base', 'set -o pipefail; zfs snapshot tank/copy@extra && zfs send -i tank/plain@b tank/plain@c | zfs receive -u tank/copy', 'failure');
  await cap(nas, 'receive-truncated', 'stream cut mid-way, receive without -s', 'set -o pipefail; zfs send tank/plain@c | head -c 1048576 | zfs receive -u tank/trunc', 'failure');
  await cap(nas, 'receive-truncated-resumable', 'stream cut mid-way, receive -s keeps partial state', 'set -o pipefail; zfs send tank/plain@c | head -c 1048576 | zfs receive -s -u tank/trunc2', 'failure');
  await cap(nas, 'receive-truncated-header', 'stream cut inside its header', 'set -o pipefail; zfs send tank/plain@c | head -c 200 | zfs receive -s -u tank/trunc3', 'failure');
  await cap(nas, 'receive-empty-stream', 'nothing at all on stdin', 'zfs receive -u tank/empty < /dev/null', 'failure');
  await cap(nas, 'receive-resume', 'resume a partial receive by token', `set -o pipefail; zfs send -t $(zfs get -H -o value receive_resume_token tank/trunc2) | zfs receive -s -u -v tank/trunc2`);
  await cap(nas, 'send-invalid-token', 'a malformed resume token', 'zfs send -t 1-deadbeef-c0-789c636064000310a500c4ec50360710e72765a5269740d80cd8e4d3d28a534b18e00024cf86249f5459925acc802a8facbf243fbd34338581e1d52a80e4fc', 'failure');
  await cap(nas, 'send-token-truncated', 'a resume token cut short', `zfs send -t ${token.slice(0, 40)}`, 'failure');
  await sh(nas, 'set -o pipefail; zfs snapshot tank/plain@gone; zfs send tank/plain@gone | head -c 1048576 | zfs receive -s -u tank/stale || true');
  const staleToken = (await sh(nas, 'zfs get -H -o value receive_resume_token tank/stale')).trim();
  await sh(nas, 'zfs destroy tank/plain@gone');
  await cap(nas, 'send-stale-token-source-gone', 'resume token whose source snapshot was destroyed', `zfs send -t ${staleToken}`, 'failure');
  await cap(nas, 'receive-abort', 'abort a partial receive (zfs receive -A)', 'zfs receive -A tank/partial');
  await cap(nas, 'receive-abort-nothing', 'abort where there is no partial state', 'zfs receive -A tank/partial', 'failure');
  await cap(nas, 'receive-resume-after-abort', 'resume by token after the partial state was aborted', `set -o pipefail; zfs send -t ${token} | zfs receive -s -u tank/partial`, 'failure');
  await cap(nas, 'list-missing-dataset', 'a dataset that does not exist', 'zfs list -Hp tank/nope', 'failure');
  await cap(nas, 'send-missing-snapshot', 'send a snapshot that does not exist', 'zfs send -nvP tank/plain@nope', 'failure');

  // ------------------------------------------------------------ encryption keys
  await sh(nas, 'set -o pipefail; zfs send -w tank/secret@s1 | zfs receive -u tank/rawcopy');
  await cap(nas, 'keystatus-unavailable', 'a raw copy before load-key', 'zfs get -Hp -o name,property,value keystatus,encryptionroot,keylocation,keyformat tank/rawcopy');
  await cap(nas, 'mount-key-not-loaded', 'mount before load-key', 'zfs mount tank/rawcopy', 'failure');
  await cap(nas, 'send-nonraw-key-not-loaded', 'non-raw send of a dataset whose key is not loaded', 'zfs send -nvP tank/rawcopy@s1', 'any');
  await cap(nas, 'load-key-wrong-passphrase', 'load-key with a wrong passphrase', 'zfs load-key tank/rawcopy', 'failure', `${WRONG_PASSPHRASE}\n`);
  await cap(nas, 'load-key-n-wrong-passphrase', 'check a wrong passphrase (load-key -n)', 'zfs load-key -n tank/rawcopy', 'failure', `${WRONG_PASSPHRASE}\n`);
  await cap(nas, 'load-key-n', 'check the passphrase without loading (load-key -n)', 'zfs load-key -n tank/rawcopy', 'success', `${PASSPHRASE}\n`);
  await cap(nas, 'load-key-empty-stdin', 'load-key with nothing on stdin', 'zfs load-key tank/rawcopy < /dev/null', 'failure');
  await cap(nas, 'load-key', 'load-key with the right passphrase', 'zfs load-key tank/rawcopy', 'success', `${PASSPHRASE}\n`);
  await cap(nas, 'load-key-already-loaded', 'load-key when the key is loaded', 'zfs load-key tank/rawcopy', 'failure', `${PASSPHRASE}\n`);
  await cap(nas, 'load-key-not-encryption-root', 'load-key on a child that inherits its key', 'zfs load-key tank/secret/child', 'failure', `${PASSPHRASE}\n`);
  await cap(nas, 'mount', 'mount after load-key', 'zfs mount tank/rawcopy');
  await cap(nas, 'unload-key-mounted', 'unload-key while mounted', 'zfs unload-key tank/rawcopy', 'failure');
  await cap(nas, 'unmount-unload-key', 'unmount then unload-key', 'zfs unmount tank/rawcopy && zfs unload-key tank/rawcopy');
  await cap(nas, 'create-short-passphrase', 'a passphrase shorter than 8 characters', 'zfs create -o encryption=on -o keyformat=passphrase -o keylocation=prompt tank/short', 'failure', 'short\n');

  // ------------------------------------------------------------ out of space
  await sh(
    nas,
    `set -e; truncate -s 64M /var/tmp/small.img; zpool create -f small /var/tmp/small.img
     zfs create -o compression=off tank/big; head -c 96M /dev/urandom > /tank/big/fill.bin; zfs snapshot tank/big@full`,
  );
  await cap(nas, 'receive-out-of-space', 'a full stream larger than the target pool', 'set -o pipefail; zfs send tank/big@full | zfs receive -u small/big', 'failure');
  await cap(nas, 'zpool-list-full', 'a full pool', 'zpool list -Hp small');
  await cap(nas, 'zfs-list-full', 'space of a full pool', 'zfs list -Hp -o name,used,avail,refer -r small');
  await sh(nas, 'zpool destroy small; rm -f /var/tmp/small.img; zfs destroy -r tank/big');

  // ------------------------------------------------------------ delegation (offsite)
  await sh(
    offsite,
    `set -e
     useradd -m -s /bin/sh nocreate; zfs allow -u nocreate mount,receive backup
     useradd -m -s /bin/sh receiver; zfs allow -u receiver create,mount,receive backup
     useradd -m -s /bin/sh nobody2`,
  );
  const stream = 'tank/plain@a';
  const toOffsite = async (name: string, description: string, user: string, recv: string, expected: Expect): Promise<void> => {
    // The stream is made on nas and piped into the delegated user's receive on offsite.
    const bytes = await nas.run(`zfs send ${stream} | base64 -w0`, {});
    const cmd = `base64 -d | su -s /bin/sh ${user} -c '${recv}'`;
    const r = await offsite.run(cmd, { allowFail: true, stdin: bytes.stdout });
    rec.write(name, `${description} (stream of ${stream} from nas)`, offsite.name, cmd, r, expected);
  };
  await toOffsite('receive-delegated-no-create', 'receive as a user without the create permission', 'nocreate', '/usr/sbin/zfs receive -s -u backup/denied', 'failure');
  await toOffsite('receive-delegated-no-rights', 'receive as a user without any delegation', 'nobody2', '/usr/sbin/zfs receive -s -u backup/denied', 'failure');
  await toOffsite('receive-delegated', 'receive as a user with create,mount,receive', 'receiver', '/usr/sbin/zfs receive -s -u backup/app', 'success');
  await toOffsite('receive-delegated-mount', 'receive without -u as a delegated user (mount cannot be delegated on Linux)', 'receiver', '/usr/sbin/zfs receive -s backup/app2', 'any');
  await cap(offsite, 'zfs-allow', 'delegations on the receive parent', 'zfs allow backup');
  await cap(offsite, 'destroy-delegated-denied', 'destroy as the receive user', "su -s /bin/sh receiver -c '/usr/sbin/zfs destroy backup/app@a'", 'failure');
  await cap(offsite, 'snapshot-delegated-denied', 'snapshot as the receive user', "su -s /bin/sh receiver -c '/usr/sbin/zfs snapshot backup/app@mine'", 'failure');
  await sh(offsite, 'for u in nocreate receiver nobody2; do userdel -r $u 2>/dev/null || true; done');

  await cap(nas, 'syncoid-version', 'syncoid as shipped by Debian', 'syncoid --version', 'any');
  rec.finish();
}

async function captureWgAndSsh(): Promise<void> {
  const { nas, offsite } = await labHosts();
  await prepareTunnelAndReceiveUser();
  const wgVersion = (await sh(nas, 'wg --version')).trim();
  const wg = new Recorder(path.join(fixturesDir, 'wg'), (await sh(nas, 'zfs version')).trim(), wgVersion);
  await wg.cap(nas, 'wg-show-dump', 'wg show dump of an up tunnel (private key column included by wg)', 'wg show wg-backup dump');
  await wg.cap(nas, 'wg-show', 'human-readable wg show', 'wg show wg-backup');
  await wg.cap(nas, 'wg-show-latest-handshakes', 'latest handshake per peer', 'wg show wg-backup latest-handshakes');
  await wg.cap(nas, 'wg-show-transfer', 'bytes per peer', 'wg show wg-backup transfer');
  await wg.cap(nas, 'wg-show-interfaces', 'WireGuard interfaces', 'wg show interfaces');
  await wg.cap(nas, 'ip-addr-wg', 'the tunnel address', 'ip -j addr show dev wg-backup');
  await wg.cap(nas, 'wg-quick-up-again', 'wg-quick up of an interface that is up', 'wg-quick up wg-backup', 'failure');
  await wg.cap(nas, 'systemctl-is-active-wg', 'state of the wg-quick unit', 'systemctl is-active wg-quick@wg-backup');
  await wg.cap(nas, 'ping-tunnel', 'ping across the tunnel', `ping -c2 -W5 ${offsite.tunnelIp}`);
  await wg.cap(offsite, 'wg-show-dump-offsite', 'wg show dump on the other side', 'wg show wg-backup dump');
  await wg.cap(nas, 'wg-show-missing', 'wg show of an interface that does not exist', 'wg show wg-nope dump', 'failure');
  await wg.cap(nas, 'ssh-over-tunnel', 'nas to offsite as the receive user over the tunnel', `ssh -o BatchMode=yes zfsreceive@${offsite.tunnelIp} 'id -un; /usr/sbin/zfs allow backup'`);
  await wg.cap(nas, 'ssh-receive-user-path', 'PATH of a non-root user over ssh, and whether zfs resolves on it', `ssh -o BatchMode=yes zfsreceive@${offsite.tunnelIp} 'echo $PATH; zfs version'`, 'any');
  await wg.cap(nas, 'ssh-over-tunnel-unknown-host-key', 'nas to offsite over the tunnel with no known host key', `ssh -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=/dev/null zfsreceive@${offsite.tunnelIp} true`, 'failure');
  await sh(offsite, 'systemctl stop wg-quick@wg-backup');
  await wg.cap(nas, 'wg-show-dump-peer-down', 'wg show dump while the peer is down', 'wg show wg-backup dump');
  await wg.cap(nas, 'ssh-over-tunnel-peer-down', 'ssh over the tunnel while the peer is down', `ssh -o BatchMode=yes -o ConnectTimeout=5 zfsreceive@${offsite.tunnelIp} true`, 'failure');
  await wg.cap(nas, 'ping-tunnel-peer-down', 'ping over the tunnel while the peer is down', `ping -c1 -W3 ${offsite.tunnelIp}`, 'failure');
  await sh(offsite, 'systemctl start wg-quick@wg-backup');

  // ssh client errors, produced from this machine against the lab's sshd.
  const sshVersion = spawnSync('ssh', ['-V'], { encoding: 'utf8' }).stderr.trim();
  const ssh = new Recorder(path.join(fixturesDir, 'ssh'), '', sshVersion);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'zfs-offsite-capture-'));
  try {
    const base = ['-F', '/dev/null', '-o', 'BatchMode=yes', '-o', 'LogLevel=ERROR', '-o', 'ConnectTimeout=10'];
    const local = (name: string, description: string, args: string[], expected: Expect): void => {
      const r = spawnSync('ssh', args, { encoding: 'utf8', input: '' });
      const shown = ['ssh', ...args].map((a) => a.replace(tmp, '$TMP')).join(' ');
      ssh.write(name, description, 'local', shown, { stdout: r.stdout, stderr: r.stderr.replaceAll(tmp, '$TMP'), code: r.status ?? 255 }, expected);
    };
    // A known_hosts that pins nas's key for offsite's address: what a changed key looks like.
    writeFileSync(path.join(tmp, 'wrong_known_hosts'), `[127.0.0.1]:${offsite.sshPort} ${nas.hostKey}\n`);
    local('host-key-changed', 'the server offers a different host key than the pinned one', [...base, '-i', nas.privateKeyPath, '-o', 'IdentitiesOnly=yes', '-o', `UserKnownHostsFile=${tmp}/wrong_known_hosts`, '-o', 'StrictHostKeyChecking=yes', '-p', String(offsite.sshPort), 'root@127.0.0.1', 'true'], 'failure');
    local('host-key-unknown', 'no pinned host key and strict checking', [...base, '-i', nas.privateKeyPath, '-o', 'IdentitiesOnly=yes', '-o', `UserKnownHostsFile=${tmp}/empty_known_hosts`, '-o', 'StrictHostKeyChecking=yes', '-p', String(offsite.sshPort), 'root@127.0.0.1', 'true'], 'failure');
    spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(tmp, 'stranger')]);
    local('permission-denied-publickey', 'a key the server does not accept', [...base, '-i', path.join(tmp, 'stranger'), '-o', 'IdentitiesOnly=yes', '-o', `UserKnownHostsFile=${nas.knownHostsPath}`, '-o', 'StrictHostKeyChecking=yes', '-p', String(nas.sshPort), 'root@127.0.0.1', 'true'], 'failure');
    local('permission-denied-user', 'a user that does not exist on the server', [...base, '-i', nas.privateKeyPath, '-o', 'IdentitiesOnly=yes', '-o', `UserKnownHostsFile=${nas.knownHostsPath}`, '-o', 'StrictHostKeyChecking=yes', '-p', String(nas.sshPort), 'nosuchuser@127.0.0.1', 'true'], 'failure');
    local('connection-refused', 'nothing listens on the port', [...base, '-p', '1', 'root@127.0.0.1', 'true'], 'failure');
    local('remote-command-fails', 'the remote command exits 3', [...base, '-i', nas.privateKeyPath, '-o', 'IdentitiesOnly=yes', '-o', `UserKnownHostsFile=${nas.knownHostsPath}`, '-o', 'StrictHostKeyChecking=yes', '-p', String(nas.sshPort), 'root@127.0.0.1', 'echo out; echo err >&2; exit 3'], 'failure');
    local('remote-command-not-found', 'a remote command that is not installed', [...base, '-i', nas.privateKeyPath, '-o', 'IdentitiesOnly=yes', '-o', `UserKnownHostsFile=${nas.knownHostsPath}`, '-o', 'StrictHostKeyChecking=yes', '-p', String(nas.sshPort), 'root@127.0.0.1', 'no-such-command'], 'failure');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  wg.finish();
  ssh.finish();
  await resetToBare();
}

function labUp(series: string): boolean {
  const state = readLabJson();
  if (state && spawnSync('bash', [labScript, 'status'], { stdio: 'ignore' }).status === 0) {
    if (state.zfsSeries === series) return false;
    if (!state.startedBy.startsWith('capture:')) {
      throw new Error(`lab is up with OpenZFS ${state.zfsSeries}; capture needs ${series}: run npm run lab:down first`);
    }
    spawnSync('bash', [labScript, 'down'], { stdio: 'inherit' });
  }
  const r = spawnSync('bash', [labScript, 'up'], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, LAB_ZFS: series, LAB_STARTED_BY: `capture:${process.pid}` },
  });
  if (r.status !== 0) throw new Error(`lab up (OpenZFS ${series}) failed`);
  // Someone else may have booted it meanwhile; stop only what this process started.
  return readLabJson()?.startedBy === `capture:${process.pid}`;
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const versions = wanted.length > 0 ? wanted : ['2.3', '2.1'];
  let booted = false;
  const stop = (): void => {
    if (booted) spawnSync('bash', [labScript, 'down'], { stdio: 'inherit' });
    booted = false;
  };
  process.once('SIGINT', () => { stop(); process.exit(130); });
  process.once('SIGTERM', () => { stop(); process.exit(143); });
  try {
    for (const series of versions) {
      booted = labUp(series) || booted;
      await captureZfs(series);
      // The disk survey and pool creation fixtures live inside zfs-<series>/, which the
      // capture above replaced as a whole: write them again.
      await capturePool();
      if (series === versions[0]) await captureWgAndSsh();
      await freshPools();
    }
  } finally {
    stop();
  }
  if (surprises.length > 0) {
    console.error(`capture: ${surprises.length} command(s) did not end as expected (recorded anyway):`);
    for (const s of surprises) console.error(`  ${s}`);
  }
  console.error(`capture: done (${versions.join(', ')})`);
}

await main();
