// `npm run bench:noop`: a tree of 200 datasets (tank/bench/d000…d199, one snapshot each)
// that is already off-site, with nothing new. How long, and how many remote commands,
// until each tool knows there is nothing to do?
//
//   app:     one tree listing on the NAS and one on the off-site box (reached through
//            the NAS and the WireGuard tunnel, as the app reaches it), then the planner.
//   syncoid: `syncoid --recursive --no-sync-snap --no-privilege-elevation --no-rollback`
//            run on the NAS against the receive user over the tunnel.
//
// The target is seeded once with one recursive `zfs send -R` over the tunnel. Remote
// commands are counted where they arrive: the off-site sshd logs every session
// ("Starting session: command for <user>", LogLevel VERBOSE) and both tools connect as
// the receive user there, while the bench's own commands come as root; the app's one
// NAS command is counted where the bench issues it (syncoid runs on the NAS, so it has
// no remote commands there). Prints one JSON line per app sample, syncoid's line, then
// the summary.
import { execFileSync, spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { freshPools, prepareTunnelAndReceiveUser, type Lab } from '../test/lab/hosts'
import { listTreeCommand, parseTreeListing } from '../src-main/core/zfs/list-tree'
import { datasetName } from '../src-main/core/zfs/names'
import { ZFS_PATH } from '../src-main/core/zfs/receive'
import { planReplication, type ReplicationJobSpec } from '../src-main/core/replication/plan'
import { shellJoin } from '../src-main/core/shell/quote'
import { withLab } from './lab-session'
import { round } from './app-run'

const DATASETS = 200
const APP_SAMPLES = 3
const SOURCE = 'tank/bench'
const TARGET = 'backup/nas/bench'
const RECEIVE_USER = 'zfsreceive'
const VERBOSE_CONF = '/etc/ssh/sshd_config.d/00-bench-verbose.conf'
const KEY_MARK = 'zfs-offsite-bench-noop'

const spec: ReplicationJobSpec = {
  sourceRoot: datasetName(SOURCE),
  targetRoot: datasetName(TARGET),
  recursive: true,
  raw: false,
  intermediates: true,
}

/** A connection to the off-site box as the receive user, through the NAS (ssh -W), kept open like the app's. */
function offsiteThroughNas(lab: Lab): (cmd: string) => Promise<string> {
  const knownHosts = path.join(lab.runtimeDir, 'bench-known-hosts')
  writeFileSync(knownHosts, `${lab.offsite.tunnelIp} ${lab.offsite.hostKey}\n`)
  // The NAS's ssh options without its ControlMaster ones (ssh would expand their %C in a
  // ProxyCommand); the connection to the off-site box is itself kept open instead.
  const nasArgs = lab.nas.sshArgs().slice(0, -1)
  const jump = nasArgs.filter((a, i) => !/^Control/.test(a) && !(a === '-o' && /^Control/.test(nasArgs[i + 1] ?? '')))
  const args = [
    '-F', '/dev/null',
    '-o', 'BatchMode=yes',
    '-o', 'IdentitiesOnly=yes',
    '-i', lab.offsite.privateKeyPath,
    '-o', `UserKnownHostsFile=${knownHosts}`,
    '-o', 'StrictHostKeyChecking=yes',
    '-o', `ProxyCommand=${shellJoin(['ssh', ...jump, '-W', '%h:%p', lab.nas.sshArgs().at(-1)!])}`,
    '-o', 'ControlMaster=auto',
    '-o', `ControlPath=${lab.runtimeDir}/cm-bench-offsite`,
    '-o', 'ControlPersist=300',
    '-o', 'LogLevel=ERROR',
    `${RECEIVE_USER}@${lab.offsite.tunnelIp}`,
  ]
  return (cmd) =>
    new Promise((resolve, reject) => {
      const child = spawn('ssh', [...args, '--', cmd], { stdio: ['ignore', 'pipe', 'pipe'] })
      const out: Buffer[] = []
      const err: Buffer[] = []
      child.stdout.on('data', (d: Buffer) => out.push(d))
      child.stderr.on('data', (d: Buffer) => err.push(d))
      child.on('error', reject)
      child.on('close', (code) => (code === 0 ? resolve(Buffer.concat(out).toString('utf8')) : reject(new Error(`offsite via nas: exit ${code}: ${Buffer.concat(err).toString('utf8')}`))))
    })
}

/** Sessions the off-site sshd has logged for the receive user so far (read as root, so not counted). */
async function receiveUserSessions(lab: Lab): Promise<number> {
  const r = await lab.offsite.run(`journalctl -u ssh.service -o cat --no-pager | grep -c 'Starting session: .* for ${RECEIVE_USER} from' || true`)
  return Number(r.stdout.trim())
}

/** Snapshots named s1 under a root on a host (0 when the root does not exist). */
async function s1Snapshots(lab: Lab, host: 'nas' | 'offsite', root: string): Promise<number> {
  const r = await lab[host].run(`zfs list -H -o name -t snapshot -r ${root} 2>/dev/null | grep -c '@s1$' || true`)
  return Number(r.stdout.trim())
}

await withLab('bench:noop', async (lab) => {
  // Building the tree takes minutes under emulation: a lab that already holds it, seeded, is reused.
  if ((await s1Snapshots(lab, 'nas', SOURCE)) === DATASETS + 1 && (await s1Snapshots(lab, 'offsite', TARGET)) === DATASETS + 1) {
    await prepareTunnelAndReceiveUser()
    console.error(`bench:noop: reusing the ${DATASETS} datasets already on the NAS and off-site`)
  } else {
    await freshPools()
    await prepareTunnelAndReceiveUser()
    const t0 = Date.now()
    const names = Array.from({ length: DATASETS }, (_, i) => `${SOURCE}/d${String(i).padStart(3, '0')}`)
    await lab.nas.run(`set -e; zfs create ${SOURCE}; for d in ${names.join(' ')}; do zfs create "$d"; done; zfs snapshot -r ${SOURCE}@s1`, { timeoutMs: 30 * 60_000 })
    await lab.offsite.run('zfs create -p backup/nas')
    await lab.nas.run(`set -o pipefail; zfs send -R ${SOURCE}@s1 | ssh -o BatchMode=yes ${RECEIVE_USER}@${lab.offsite.tunnelIp} ${shellJoin([ZFS_PATH, 'receive', '-u', TARGET])}`, {
      timeoutMs: 30 * 60_000,
    })
    console.error(`bench:noop: ${DATASETS} datasets created and seeded off-site in ${Math.round((Date.now() - t0) / 1000)} s`)
  }

  // Log every session on the off-site box; the bench's key may sign in as the receive user.
  const pub = execFileSync('ssh-keygen', ['-y', '-f', lab.offsite.privateKeyPath], { encoding: 'utf8' }).trim()
  await lab.offsite.run(
    `set -e; echo 'LogLevel VERBOSE' > ${VERBOSE_CONF}; systemctl reload ssh
     echo ${shellJoin([`${pub} ${KEY_MARK}`])} >> /home/${RECEIVE_USER}/.ssh/authorized_keys`,
  )
  try {
    const offsite = offsiteThroughNas(lab)
    await offsite('true') // opens the connection, as the app holds one open
    await lab.nas.run('true')

    // (a) the app: one listing per host, in parallel as the planner's caller does, then the plan.
    const appTimes: number[] = []
    let appCommands = 0
    let appSessions = 0
    for (let s = 1; s <= APP_SAMPLES; s++) {
      const before = await receiveUserSessions(lab)
      // Every remote command of the app goes through one of these two, which count it.
      const commands = { nas: 0, offsite: 0 }
      const onNas = (cmd: string): Promise<string> => {
        commands.nas++
        return lab.nas.run(cmd).then((r) => r.stdout)
      }
      const onOffsite = (cmd: string): Promise<string> => {
        commands.offsite++
        return offsite(cmd)
      }
      const started = performance.now()
      const [source, target] = await Promise.all([
        onNas(shellJoin(listTreeCommand(spec.sourceRoot).argv)).then(parseTreeListing),
        onOffsite(shellJoin(listTreeCommand(spec.targetRoot).argv)).then(parseTreeListing),
      ])
      const plan = planReplication(spec, source, target)
      const seconds = (performance.now() - started) / 1000
      const sessions = (await receiveUserSessions(lab)) - before
      const upToDate = plan.datasets.filter((d) => d.action.kind === 'up-to-date').length
      // The root dataset plus its 200 children, every one up to date.
      if (upToDate !== DATASETS + 1 || plan.datasets.length !== DATASETS + 1) {
        throw new Error(`the plan is not up to date for all datasets: ${upToDate} of ${plan.datasets.length}`)
      }
      appTimes.push(seconds)
      appCommands = commands.nas + commands.offsite
      appSessions = sessions
      console.log(JSON.stringify({ way: 'app', sample: s, seconds: round(seconds), commands_nas: commands.nas, commands_offsite: commands.offsite, sessions_offsite_logged: sessions, up_to_date: upToDate }))
    }

    // (b) syncoid on the NAS, the same tree, nothing to send.
    const before = await receiveUserSessions(lab)
    const r = await lab.nas.run(
      `s=$EPOCHREALTIME
       syncoid --recursive --no-sync-snap --no-privilege-elevation --no-rollback ${SOURCE} ${RECEIVE_USER}@${lab.offsite.tunnelIp}:${TARGET} >/tmp/bench-syncoid.log 2>&1
       rc=$?; e=$EPOCHREALTIME; echo "$s $e $rc"`,
      { timeoutMs: 60 * 60_000 },
    )
    const [s, e, rc] = r.stdout.trim().split(' ').map(Number)
    const syncoidCommands = (await receiveUserSessions(lab)) - before
    const syncoidSeconds = e! - s!
    const sent = (await lab.nas.run(`grep -c -i 'sending\\|receiving' /tmp/bench-syncoid.log || true`)).stdout.trim()
    console.log(JSON.stringify({ way: 'syncoid', exit: rc, seconds: round(syncoidSeconds), sessions_offsite_logged: syncoidCommands, log_lines_about_sending: Number(sent) }))
    if (rc !== 0) throw new Error(`syncoid exited ${rc}: ${(await lab.nas.run('tail -5 /tmp/bench-syncoid.log')).stdout}`)

    const median = [...appTimes].sort((a, b) => a - b)[Math.floor(appTimes.length / 2)]!
    if (appSessions !== 1) console.error(`bench:noop: the off-site box logged ${appSessions} sessions for one app listing`)
    console.log(JSON.stringify({ datasets: DATASETS, app_commands: appCommands, syncoid_commands: syncoidCommands, app_s: round(median), syncoid_s: round(syncoidSeconds, 1) }))
  } finally {
    await lab.offsite.run(`rm -f ${VERBOSE_CONF}; systemctl reload ssh; sed -i '/ ${KEY_MARK}$/d' /home/${RECEIVE_USER}/.ssh/authorized_keys`)
  }
})
