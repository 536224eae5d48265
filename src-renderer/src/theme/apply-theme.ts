// Puts the theme preference on <html data-theme>. The stylesheet follows the OS
// (color-scheme: light dark) unless this says light or dark. The last choice is kept
// in localStorage only so the first paint after a restart is already right; the
// settings file stays the source of truth.
import type { Preferences } from '../../../src-main/shared/model'

export type Theme = Preferences['theme']

const REMEMBERED = 'zfs-offsite-theme'

export function applyTheme(theme: Theme): void {
  document.documentElement.dataset['theme'] = theme
  try {
    localStorage.setItem(REMEMBERED, theme)
  } catch {
    // Storage can be unavailable (private windows); the theme still applies.
  }
}

export function rememberedTheme(): Theme {
  try {
    const value = localStorage.getItem(REMEMBERED)
    if (value === 'light' || value === 'dark' || value === 'system') return value
  } catch {
    // fall through to the default
  }
  return 'system'
}
