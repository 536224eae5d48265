// Notifications as they arrive (a failed run, a copy falling behind): the desktop app
// also shows them as system notifications; here they are listed for the page.
import { useEffect, useState } from 'react'
import { api } from '../api'
import type { EventPayload } from '../../../src-main/shared/contract'

const KEPT = 20

export function NotificationLog() {
  const [items, setItems] = useState<readonly EventPayload<'notification'>[]>([])
  useEffect(() => api().on('notification', (n) => setItems((list) => [n, ...list].slice(0, KEPT))), [])
  return (
    <ol className="notification-log" role="log" aria-label="Notifications" hidden={items.length === 0}>
      {items.map((n, i) => (
        <li key={`${items.length - i}`} className={`notice ${n.kind === 'copy-old' ? 'notice-warn' : 'notice-error'}`}>
          <p className="notice-title">{n.title}</p>
          <p>{n.body}</p>
        </li>
      ))}
    </ol>
  )
}
