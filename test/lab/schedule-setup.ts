// What the schedule lab tests (API and UI) set up on the lab's hosts: no leftovers of an
// earlier run (units, sanoid blocks, scripts), the setup wizard's receive-only wrapper as
// the receive user's forced command on a parent dataset, sanoid-named snapshots made in
// the past on the NAS's clock, and the receive user's plain key put back afterwards.
import type { Lab } from './hosts'
import { receiveWrapperScript, WRAPPER_PATH } from '../../src-main/core/receive-user/receive-wrapper'
import { shellJoin } from '../../src-main/core/shell/quote'
import type { DatasetName } from '../../src-main/core/zfs/names'

/** Removes every schedule an earlier run of a schedule test left on both hosts, and sanoid's timer and config. */
export async function clearScheduleLeftovers(lab: Lab): Promise<void> {
  await Promise.all(
    (['nas', 'offsite'] as const).map((h) =>
      lab[h].run(
        `for u in /etc/systemd/system/zfs-offsite-*.timer; do [ -e "$u" ] && systemctl disable --now "\${u##*/}"; done; rm -f /etc/systemd/system/zfs-offsite-* /etc/cron.d/zfs-offsite /etc/sanoid/sanoid.conf
         rm -rf /etc/systemd/system/sanoid-prune.service.d /var/lib/zfs-offsite/jobs /var/cache/sanoid/snapshots.txt; systemctl disable --now sanoid.timer 2>/dev/null; systemctl daemon-reload; true`,
      ),
    ),
  )
}

/**
 * Makes `parent` on the off-site box (not mounted), delegates receiving below it to the
 * receive user, and makes the wizard's receive-only wrapper that user's forced command for
 * the NAS's key (prepareTunnelAndReceiveUser gives a plain key).
 */
export async function installReceiveWrapper(lab: Lab, parent: string): Promise<void> {
  const nasKey = (await lab.nas.run('cat /root/.ssh/id_ed25519.pub')).stdout.trim()
  await lab.offsite.run(
    `set -e; zfs create -o canmount=off ${shellJoin([parent])}; zfs allow -u zfsreceive create,mount,receive ${shellJoin([parent])}
     install -d -m 755 ${WRAPPER_PATH.slice(0, WRAPPER_PATH.lastIndexOf('/'))}
     cat > ${WRAPPER_PATH}; chmod 755 ${WRAPPER_PATH}
     printf '%s\\n' ${shellJoin([`restrict,from="${lab.nas.tunnelIp}",command="${WRAPPER_PATH}" ${nasKey}`])} > /home/zfsreceive/.ssh/authorized_keys`,
    { stdin: receiveWrapperScript({ root: parent as DatasetName }) },
  )
}

/** The receive user's plain key back, as prepareTunnelAndReceiveUser left it; the wrapper goes. */
export async function restorePlainReceiveKey(lab: Lab): Promise<void> {
  const nasKey = (await lab.nas.run('cat /root/.ssh/id_ed25519.pub', { allowFail: true })).stdout.trim()
  if (nasKey) await lab.offsite.run(`printf '%s\\n' ${shellJoin([nasKey])} > /home/zfsreceive/.ssh/authorized_keys; rm -f ${WRAPPER_PATH}`, { allowFail: true })
}

/** sanoid's name for a snapshot made `secondsAgo` back, of the given type (the lab's hosts run on UTC). */
export const sanoidNameAgo = (secondsAgo: number, type: string): string =>
  `autosnap_${new Date(Date.now() - secondsAgo * 1000).toISOString().slice(0, 19).replace('T', '_')}_${type}`

/**
 * Snapshots of `dataset` on the NAS, each made with the NAS's clock set that many seconds
 * back (sanoid prunes by the creation time, which a receive keeps), oldest first; the clock
 * is put back even when one fails. Each snapshot changes a file first, so each holds data.
 */
export async function snapshotsInThePast(lab: Lab, dataset: string, snapshots: readonly { readonly secondsAgo: number; readonly name: string }[]): Promise<void> {
  const mountpoint = `/${dataset}`
  try {
    for (const { secondsAgo, name } of snapshots) {
      await lab.nas.run(`set -e; date -s @${Math.floor(Date.now() / 1000) - secondsAgo} >/dev/null; echo ${secondsAgo} >> ${shellJoin([`${mountpoint}/ages`])}; zfs snapshot ${shellJoin([`${dataset}@${name}`])}`)
    }
  } finally {
    await lab.nas.run(`date -s @${Math.floor(Date.now() / 1000)} >/dev/null`)
  }
}
