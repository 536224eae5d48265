// The screens of the app, in navigation order. Routing is React state: the window never
// navigates (the desktop app blocks navigation of its document).

export const screens = [
  { id: 'overview', name: 'Overview' },
  { id: 'setup', name: 'Set up' },
  { id: 'hosts', name: 'Hosts' },
  { id: 'jobs', name: 'Jobs' },
  { id: 'transfers', name: 'Transfers' },
  { id: 'recovery', name: 'Recovery' },
  { id: 'settings', name: 'Settings' },
] as const

export type ScreenId = (typeof screens)[number]['id']

/** What a screen needs to send the person elsewhere ("add your NAS first"). */
export type Navigate = (screen: ScreenId) => void
