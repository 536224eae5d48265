// What the setup wizard may touch on the lab's VMs, shared by its API and UI lab tests:
// a footprint to compare before and after (equal means nothing changed) and the script
// that removes everything the wizard can make, for a bare start and a clean end.
import type { Lab } from './hosts'

export const WG = 'wg-zfs-offsite'
export const NAS_KEY = '/var/lib/zfs-offsite/ssh/receive_ed25519'
export const NAS_KNOWN_HOSTS = '/var/lib/zfs-offsite/ssh/known_hosts'
export const SSHD_DROPIN = '/etc/ssh/sshd_config.d/zfs-offsite-receive.conf'
export const WRAPPER = '/usr/local/libexec/zfs-offsite/receive-only'

/**
 * Checksums of the files the wizard writes, the tunnel unit's state, the interfaces and
 * UDP listeners, the receive user, the delegations and the datasets. `restarts` also
 * tells a restarted tunnel from one left running; a step that started the unit and then
 * put everything back leaves only that timestamp behind, so failure tests leave it out.
 */
export async function footprint(lab: Lab, options: { restarts: boolean } = { restarts: true }): Promise<string> {
  const files = `/etc/wireguard/* ${NAS_KEY} ${NAS_KEY}.pub ${NAS_KNOWN_HOSTS} ${SSHD_DROPIN} ${WRAPPER} /home/zfsreceive/.ssh/authorized_keys`
  const unit = options.restarts ? `systemctl show -p ActiveEnterTimestamp wg-quick@${WG}` : `systemctl is-active wg-quick@${WG} 2>/dev/null`
  const script = `for f in ${files}; do [ -e "$f" ] && sha256sum "$f"; done
    systemctl is-enabled wg-quick@${WG} 2>/dev/null; ${unit}
    ip -br link show type wireguard; ss -Hlun
    id zfsreceive 2>/dev/null; zfs allow backup 2>/dev/null; zpool list -H -o name; zfs list -H -o name; true`
  const [n, o] = await Promise.all([lab.nas.run(script), lab.offsite.run(script)])
  return `nas:\n${n.stdout}\noffsite:\n${o.stdout}`
}

/** Removes whatever a wizard test made, on either VM; safe to run when nothing is there. */
export const wizardCleanupScript = `systemctl disable --now wg-quick@${WG} >/dev/null 2>&1 || true
  ip link del ${WG} 2>/dev/null || true
  ip link del zfsotest 2>/dev/null || true
  ip link del zfsoport 2>/dev/null || true
  rm -f /etc/wireguard/${WG}.conf /etc/wireguard/${WG}.key ${WRAPPER}
  rm -rf /var/lib/zfs-offsite/ssh
  [ -e /usr/bin/wg.hidden ] && mv /usr/bin/wg.hidden /usr/bin/wg
  true`

/** Releases every hold on a dataset's snapshots, then destroys it (copies the runs held). */
export function destroyHeldScript(dataset: string): string {
  return `zfs list -H -o name -t snapshot -r ${dataset} 2>/dev/null | while read -r s; do
    zfs holds -H "$s" | cut -f2 | while read -r t; do zfs release "$t" "$s"; done
  done
  zfs destroy -r ${dataset} 2>/dev/null || true`
}
