// Shows the services' `notification` events as desktop notifications; a click brings
// the window up. Where the system has no notification service, they only reach the page.
import { Notification } from 'electron'
import type { EventBus } from '../services/event-bus'

export function showNotifications(events: EventBus, openWindow: () => void): () => void {
  return events.subscribe((e) => {
    if (e.name !== 'notification' || !Notification.isSupported()) return
    const shown = new Notification({ title: e.payload.title, body: e.payload.body })
    shown.on('click', openWindow)
    shown.show()
  })
}
