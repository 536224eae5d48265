// The one way the app opens anything outside itself: allow-listed https addresses only.
import { shell } from 'electron'
import { isAllowedExternalUrl } from '../core/security/external-links'

export async function openExternalAllowed(url: string): Promise<boolean> {
  if (!isAllowedExternalUrl(url)) return false
  await shell.openExternal(url)
  return true
}
