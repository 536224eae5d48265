// What the probe found on a host, in plain words first: system, OpenZFS, login rights,
// tools; then the pools and the dataset tree with encryption and snapshots.
import type { HostProbe, ProbedDataset } from '../../../src-main/shared/model'
import { formatBytes } from '../format/bytes'
import { StatusBadge } from './status-badge'

const TOOL_NAMES: Record<string, string> = {
  wg: 'WireGuard (wg)',
  pv: 'pv',
  mbuffer: 'mbuffer',
  sanoid: 'sanoid',
  syncoid: 'syncoid',
  systemctl: 'systemd',
  sudo: 'sudo',
}

function loginInWords(login: HostProbe['login']): string {
  if (login.isRoot) return `${login.user} (root: may do everything)`
  if (login.sudo === 'nopasswd') return `${login.user} (may use sudo without a password)`
  const rights = login.delegations.filter((d) => d.who === `user ${login.user}` || d.who === 'everyone')
  if (rights.length > 0) return `${login.user} (delegated: ${rights.map((d) => `${d.permissions.join(', ')} on ${d.dataset}`).join('; ')})`
  return `${login.user} (no root, no sudo, no delegated ZFS rights)`
}

function depth(name: string): number {
  return name.split('/').length - 1
}

function encryptionInWords(d: ProbedDataset): string {
  if (d.encryption === 'off') return 'Not encrypted'
  const locked = d.keyStatus === 'unavailable' ? ', locked' : d.keyStatus === 'available' ? ', unlocked' : ''
  return d.encryptionRoot === d.name ? `Encrypted (${d.encryption}), own key${locked}` : `Encrypted, key of ${d.encryptionRoot ?? '?'}${locked}`
}

function newestInWords(d: ProbedDataset): string {
  if (!d.newestSnapshot) return '—'
  return `@${d.newestSnapshot.name}, ${new Date(d.newestSnapshot.creation * 1000).toLocaleString()}`
}

export function HostProbeSummary({ label, probe }: { readonly label: string; readonly probe: HostProbe }) {
  const present = Object.entries(TOOL_NAMES).filter(([t]) => probe.tools[t])
  const missing = Object.entries(TOOL_NAMES).filter(([t]) => !probe.tools[t])
  return (
    <section className="probe" aria-label={`What the app found on ${label}`}>
      <dl className="definition-list">
        <dt>System</dt>
        <dd>
          {probe.os.name}
          {probe.os.kernel ? ` · ${probe.os.kernel}` : ''}
        </dd>
        <dt>OpenZFS</dt>
        <dd>{probe.zfs ? `${probe.zfs.userland}${probe.zfs.kernel && probe.zfs.kernel !== probe.zfs.userland ? ` (kernel module ${probe.zfs.kernel})` : ''}` : 'Not found'}</dd>
        <dt>Signed in as</dt>
        <dd>{loginInWords(probe.login)}</dd>
        <dt>Tools present</dt>
        <dd>{present.length ? present.map(([, n]) => n).join(', ') : 'none'}</dd>
        <dt>Tools missing</dt>
        <dd>{missing.length ? missing.map(([, n]) => n).join(', ') : 'none'}</dd>
      </dl>
      {probe.problems.length > 0 ? (
        <div className="notice notice-error" role="alert">
          <p className="notice-title">Part of the check did not work.</p>
          <ul>
            {probe.problems.map((p) => (
              <li key={p.section}>{p.message}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <h3>Pools</h3>
      {probe.pools.length === 0 ? (
        <p>No pools.</p>
      ) : (
        <table className="data-table probe-table" aria-label={`Pools on ${label}`}>
          <thead>
            <tr>
              <th scope="col">Pool</th>
              <th scope="col">Health</th>
              <th scope="col">Size</th>
              <th scope="col">Free</th>
              <th scope="col">Features in use</th>
            </tr>
          </thead>
          <tbody>
            {probe.pools.map((p) => (
              <tr key={p.name}>
                <td className="mono">{p.name}</td>
                <td>
                  <StatusBadge tone={p.health === 'ONLINE' ? 'ok' : 'error'}>{p.health}</StatusBadge>
                </td>
                <td>{p.sizeBytes === null ? '—' : formatBytes(p.sizeBytes)}</td>
                <td>{p.freeBytes === null ? '—' : formatBytes(p.freeBytes)}</td>
                <td>{Object.values(p.features).filter((s) => s === 'active').length} active</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>Datasets</h3>
      {probe.datasets.length === 0 ? (
        <p>No datasets.</p>
      ) : (
        <table className="data-table probe-table" aria-label={`Datasets on ${label}`}>
          <thead>
            <tr>
              <th scope="col">Dataset</th>
              <th scope="col">Encryption</th>
              <th scope="col">Snapshots</th>
              <th scope="col">Newest snapshot</th>
              <th scope="col">Used</th>
            </tr>
          </thead>
          <tbody>
            {probe.datasets.map((d) => (
              <tr key={d.name}>
                <td className="mono" style={{ paddingLeft: `${depth(d.name) * 1.2}em` }}>
                  {d.name}
                  {d.resumable ? ' (partial transfer, resumable)' : ''}
                </td>
                <td>{encryptionInWords(d)}</td>
                <td>{d.snapshotCount}</td>
                <td>{newestInWords(d)}</td>
                <td>{formatBytes(d.usedBytes)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}
