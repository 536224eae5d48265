// Global setup for `npm run test:lab`: refuses plainly when this machine cannot run the
// lab, builds or reuses the image, boots the two VMs once per run (or reuses a lab that
// `npm run lab:up` started, and leaves that one running), and stops what it booted at
// teardown and on SIGINT/SIGTERM.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import process from 'node:process';
import { labScript, readLabJson } from './hosts';

const NEEDED_COMMANDS = ['qemu-system-x86_64', 'qemu-img', 'debootstrap', 'mkfs.ext4', 'ssh', 'ssh-keygen', 'flock', 'ss'];

function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/** One line naming what is missing, or undefined when the lab can run here. */
export function missingPrerequisites(): string | undefined {
  if (process.platform !== 'linux') return `Linux (this is ${process.platform})`;
  const missing: string[] = [];
  if (process.getuid?.() !== 0) missing.push('root (run as root or with sudo)');
  for (const c of NEEDED_COMMANDS) if (!hasCommand(c)) missing.push(c);
  return missing.length > 0 ? missing.join(', ') : undefined;
}

function lab(action: 'up' | 'down' | 'status', env: NodeJS.ProcessEnv = {}): number {
  const r = spawnSync('bash', [labScript, action], {
    stdio: action === 'status' ? 'ignore' : ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, ...env },
  });
  return r.status ?? 1;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Two runs on one lab would destroy each other's pools (freshPools): refuse the second. */
function refuseIfInUse(startedBy: string): void {
  const by = /^(vitest|capture):(\d+)$/.exec(startedBy);
  if (!by || !pidAlive(Number(by[2]))) return;
  let cmdline = '';
  try {
    cmdline = readFileSync(`/proc/${by[2]}/cmdline`, 'utf8');
  } catch {
    return;
  }
  if (!/node|tsx|vitest/.test(cmdline)) return; // a recycled pid, not a run
  throw new Error(
    `lab: in use by another ${by[1]} run (pid ${by[2]}); wait for it, or give this run its own lab with LAB_RUNTIME_DIR=/var/tmp/zfs-offsite-lab-2`,
  );
}

export default function setup(): () => void {
  const missing = missingPrerequisites();
  if (missing) {
    const line = `lab: cannot run the lab tests on this machine: missing ${missing}`;
    console.error(line);
    const e = new Error(line);
    e.stack = line;
    throw e;
  }

  // A lab left by an earlier test run that died is ours to stop; one from lab:up is not.
  let ours: boolean;
  const state = readLabJson();
  if (lab('status') === 0 && state) {
    refuseIfInUse(state.startedBy);
    ours = /^(vitest|capture):/.test(state.startedBy);
    const wanted = process.env.LAB_ZFS;
    if (wanted && wanted !== state.zfsSeries) {
      throw new Error(`lab: up with OpenZFS ${state.zfsSeries} but LAB_ZFS=${wanted}; run npm run lab:down first`);
    }
    console.error(`lab: reusing the running lab (OpenZFS ${state.zfsSeries}, started by ${state.startedBy})`);
  } else {
    const marker = `vitest:${process.pid}`;
    if (lab('up', { LAB_STARTED_BY: marker }) !== 0) {
      throw new Error('lab: could not boot the lab (see the lines above)');
    }
    // Another run may have been booting the lab at the same moment; then `up` found it
    // already up and it is that run's to stop, not ours.
    const startedBy = readLabJson()?.startedBy ?? '';
    ours = startedBy === marker;
    if (!ours) refuseIfInUse(startedBy);
  }

  let stopped = false;
  const stop = (): void => {
    if (stopped || !ours) return;
    stopped = true;
    lab('down');
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    stop();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  // Vitest may exit on its own signal handling first; 'exit' still allows synchronous work.
  process.once('exit', stop);

  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('exit', stop);
    stop();
  };
}
