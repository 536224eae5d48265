// Settings: theme, notifications, the tray's checks and starting at login (saved in the
// settings file), facts about this installation, and the recent log as it grows.
import { useEffect, useId, useState } from 'react'
import { api } from '../api'
import { ErrorNotice } from '../components/error-notice'
import { LoadingNotice } from '../components/loading-notice'
import { ScreenHeading } from '../components/screen-heading'
import { StatusBadge, type Tone } from '../components/status-badge'
import { TextField } from '../components/text-field'
import { formatTime } from '../format/date-time'
import { useApiAction } from '../hooks/use-api-action'
import { useApiQuery } from '../hooks/use-api-query'
import type { AppInfo } from '../../../src-main/shared/contract'
import type { AppError } from '../../../src-main/shared/errors'
import type { LogEntry, Preferences } from '../../../src-main/shared/model'

const getSettings = () => api().getSettings()
const getAppInfo = () => api().getAppInfo()

const THEMES: ReadonlyArray<{ value: Preferences['theme']; label: string }> = [
  { value: 'system', label: 'Same as the system' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
]

export interface SettingsScreenProps {
  readonly focusHeading: boolean
  /** Called once the settings file holds the new theme. */
  onThemeSaved(theme: Preferences['theme']): void
}

export function SettingsScreen({ focusHeading, onThemeSaved }: SettingsScreenProps) {
  const settings = useApiQuery(getSettings)
  const info = useApiQuery(getAppInfo)
  return (
    <>
      <ScreenHeading focusOnMount={focusHeading}>Settings</ScreenHeading>
      {settings.state.status === 'loading' ? <LoadingNotice what="settings" /> : null}
      {settings.state.status === 'failed' ? <ErrorNotice error={settings.state.error} /> : null}
      {settings.state.status === 'ready' ? <PreferencesForm initial={settings.state.value} onThemeSaved={onThemeSaved} /> : null}

      <h2>About</h2>
      {info.state.status === 'loading' ? <LoadingNotice what="details" /> : null}
      {info.state.status === 'failed' ? <ErrorNotice error={info.state.error} /> : null}
      {info.state.status === 'ready' ? <About info={info.state.value} /> : null}

      <h2>Recent log</h2>
      <RecentLog />
    </>
  )
}

function PreferencesForm({ initial, onThemeSaved }: { readonly initial: Preferences; onThemeSaved(theme: Preferences['theme']): void }) {
  const [prefs, setPrefs] = useState(initial)
  const action = useApiAction()
  const notifyId = useId()
  const [hoursText, setHoursText] = useState(String(initial.notifyWhenOlderThanHours ?? 48))
  const [minutesText, setMinutesText] = useState(String(initial.checkEveryMinutes))

  /** Saves a number field when it is left, if it changed and is a number. */
  const saveNumber = (key: 'notifyWhenOlderThanHours' | 'checkEveryMinutes', text: string, saved: number | null) => {
    if (numberError(text) !== undefined || Number(text) === saved) return
    void save({ [key]: Number(text) })
  }

  const save = async (change: Partial<Preferences>) => {
    const previous = prefs
    setPrefs({ ...prefs, ...change })
    const next = await action.run(() => api().updateSettings(change))
    if (!next) {
      setPrefs(previous)
      return
    }
    setPrefs(next)
    if (change.theme) onThemeSaved(next.theme)
  }

  return (
    <div className="card form">
      <fieldset>
        <legend>Theme</legend>
        {THEMES.map((t) => (
          <div key={t.value} className="radio">
            <input
              type="radio"
              id={`${notifyId}-theme-${t.value}`}
              name="theme"
              value={t.value}
              checked={prefs.theme === t.value}
              onChange={() => void save({ theme: t.value })}
            />
            <label htmlFor={`${notifyId}-theme-${t.value}`}>{t.label}</label>
          </div>
        ))}
      </fieldset>
      <div className="checkbox">
        <input
          id={notifyId}
          type="checkbox"
          checked={prefs.notifyOnFailure}
          onChange={(e) => void save({ notifyOnFailure: e.target.checked })}
        />
        <label htmlFor={notifyId}>Tell me when a copy fails</label>
      </div>
      <div className="checkbox">
        <input
          id={`${notifyId}-old`}
          type="checkbox"
          checked={prefs.notifyWhenOlderThanHours !== null}
          onChange={(e) => void save({ notifyWhenOlderThanHours: e.target.checked ? Number(hoursText) || 48 : null })}
        />
        <label htmlFor={`${notifyId}-old`}>Tell me when the newest off-site copy is too old</label>
      </div>
      {prefs.notifyWhenOlderThanHours !== null ? (
        <TextField
          label="Too old after (hours)"
          value={hoursText}
          onChange={setHoursText}
          hint="For a nightly backup, 48 hours means two missed nights."
          error={numberError(hoursText)}
          inputProps={{ inputMode: 'numeric', onBlur: () => saveNumber('notifyWhenOlderThanHours', hoursText, prefs.notifyWhenOlderThanHours) }}
        />
      ) : null}
      <TextField
        label="Check every job every (minutes)"
        value={minutesText}
        onChange={setMinutesText}
        hint="How often the app (in the tray, too) reads both hosts to look for old copies and failed scheduled runs; 5 to 1440."
        error={numberError(minutesText)}
        inputProps={{ inputMode: 'numeric', onBlur: () => saveNumber('checkEveryMinutes', minutesText, prefs.checkEveryMinutes) }}
      />
      <div className="checkbox">
        <input id={`${notifyId}-login`} type="checkbox" checked={prefs.startAtLogin} onChange={(e) => void save({ startAtLogin: e.target.checked })} />
        <label htmlFor={`${notifyId}-login`}>Start with my session and keep checking from the tray</label>
      </div>
      {action.error ? <ErrorNotice error={action.error} /> : null}
    </div>
  )
}

/** A number field's entry that cannot be sent; the range is the services' to refuse. */
function numberError(text: string): string | undefined {
  return /^\s*\d+\s*$/.test(text) ? undefined : 'Enter a whole number.'
}

function About({ info }: { readonly info: AppInfo }) {
  const rows: ReadonlyArray<[string, string]> = [
    ['Version', info.version],
    ['Running as', info.transport === 'electron' ? 'Desktop app' : 'Browser page through the local bridge (development)'],
    ['Data folder', info.dataDir],
    ['Log file', info.logFile],
    ['Settings file', info.configFile],
  ]
  return (
    <div className="card">
      <dl className="definition-list">
        {rows.map(([term, value]) => (
          <div key={term} className="definition-row">
            <dt>{term}</dt>
            <dd className={term.endsWith('file') || term.endsWith('folder') ? 'mono' : undefined}>{value}</dd>
          </div>
        ))}
      </dl>
    </div>
  )
}

const LEVEL: Record<LogEntry['level'], { text: string; tone: Tone }> = {
  debug: { text: 'Debug', tone: 'neutral' },
  info: { text: 'Info', tone: 'neutral' },
  warn: { text: 'Warning', tone: 'warn' },
  error: { text: 'Error', tone: 'error' },
}

// Debug lines are many; fetch enough that the shown entries survive hiding them.
const KEPT = 500
const SHOWN = 100

function RecentLog() {
  const [entries, setEntries] = useState<readonly LogEntry[] | null>(null)
  const [error, setError] = useState<AppError | null>(null)
  const [showDebug, setShowDebug] = useState(false)
  const debugId = useId()

  useEffect(() => {
    let current = true
    const live: LogEntry[] = []
    // Listen first, so nothing logged while the history loads is missed.
    const stop = api().on('log', (entry) => {
      if (!current) return
      live.push(entry)
      setEntries((list) => (list === null ? list : [entry, ...list].slice(0, KEPT)))
    })
    void api()
      .recentLogs({ limit: KEPT })
      .then((r) => {
        if (!current) return
        if (!r.ok) {
          setError(r.error)
          setEntries([])
          return
        }
        const history = [...r.value].reverse()
        const newer = live.filter((e) => !r.value.some((h) => h.time === e.time && h.msg === e.msg)).reverse()
        setEntries([...newer, ...history].slice(0, KEPT))
      })
    return () => {
      current = false
      stop()
    }
  }, [])

  if (error) return <ErrorNotice error={error} />
  if (entries === null) return <LoadingNotice what="the log" />
  const shown = (showDebug ? entries : entries.filter((e) => e.level !== 'debug')).slice(0, SHOWN)
  return (
    <>
      <div className="checkbox log-options">
        <input id={debugId} type="checkbox" checked={showDebug} onChange={(e) => setShowDebug(e.target.checked)} />
        <label htmlFor={debugId}>Show technical entries (debug)</label>
      </div>
      {shown.length === 0 ? (
        <p className="hint">Nothing logged yet.</p>
      ) : (
        <ol className="log-list" aria-label="Recent log, newest first">
          {shown.map((e, i) => (
            <li key={`${e.time}-${i}`} className="log-entry">
              <span className="log-time">{formatTime(e.time)}</span>
              <StatusBadge tone={LEVEL[e.level].tone}>{LEVEL[e.level].text}</StatusBadge>
              <span>
                <span>{e.msg}</span>
                {e.fields ? <span className="log-fields mono"> {describeFields(e.fields)}</span> : null}
              </span>
            </li>
          ))}
        </ol>
      )}
    </>
  )
}

/** Log fields in one short line: `method=listHosts ms=2`. */
function describeFields(fields: Record<string, unknown>): string {
  return Object.entries(fields)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ')
}
