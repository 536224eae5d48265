// The shell: left navigation, the current screen, and the theme. Routing is React state.
import { useCallback, useEffect, useState } from 'react'
import { api } from './api'
import { MainNav } from './components/main-nav'
import { screens, type ScreenId } from './navigation/screens'
import { HostsScreen } from './screens/hosts-screen'
import { JobsScreen } from './screens/jobs-screen'
import { OverviewScreen } from './screens/overview-screen'
import { RecoveryScreen } from './screens/recovery-screen'
import { SettingsScreen } from './screens/settings-screen'
import { SetupScreen } from './screens/setup-screen'
import { TransfersScreen } from './screens/transfers-screen'
import { applyTheme, type Theme } from './theme/apply-theme'
import { useTransfers } from './transfers/use-transfers'

export function App() {
  const [screen, setScreen] = useState<ScreenId>('overview')
  // Focus moves to the new screen's heading only after the person switched screens,
  // never on first load (that would skip the navigation for keyboard users).
  const [focusHeading, setFocusHeading] = useState(false)
  const transfers = useTransfers()

  const navigate = useCallback((next: ScreenId) => {
    setFocusHeading(true)
    setScreen(next)
  }, [])

  const setTheme = useCallback((theme: Theme) => applyTheme(theme), [])

  useEffect(() => {
    void api()
      .getSettings()
      .then((r) => {
        if (r.ok) applyTheme(r.value.theme)
      })
  }, [])

  const current = screens.find((s) => s.id === screen)
  useEffect(() => {
    document.title = current ? `${current.name} — ZFS Offsite` : 'ZFS Offsite'
  }, [current])

  return (
    <div className="shell">
      <aside className="sidebar">
        <p className="app-name">ZFS Offsite</p>
        <MainNav current={screen} onSelect={navigate} />
      </aside>
      <main className="content">
        {screen === 'overview' ? <OverviewScreen navigate={navigate} focusHeading={focusHeading} /> : null}
        {screen === 'setup' ? <SetupScreen navigate={navigate} focusHeading={focusHeading} /> : null}
        {screen === 'hosts' ? <HostsScreen focusHeading={focusHeading} /> : null}
        {screen === 'jobs' ? <JobsScreen navigate={navigate} focusHeading={focusHeading} /> : null}
        {screen === 'transfers' ? <TransfersScreen transfers={transfers} focusHeading={focusHeading} /> : null}
        {screen === 'recovery' ? <RecoveryScreen navigate={navigate} focusHeading={focusHeading} /> : null}
        {screen === 'settings' ? <SettingsScreen focusHeading={focusHeading} onThemeSaved={setTheme} /> : null}
      </main>
    </div>
  )
}
