// Which web addresses the app may hand to the system browser. Everything else a page
// tries to open is dropped: a compromised renderer must not launch arbitrary URLs or
// local files (file:, smb:, custom schemes) through the OS.

export const ALLOWED_EXTERNAL_HOSTS: readonly string[] = [
  'openzfs.github.io',
  'openzfs.org',
  'www.wireguard.com',
  'github.com',
]

export function isAllowedExternalUrl(candidate: string): boolean {
  let url: URL
  try {
    url = new URL(candidate)
  } catch {
    return false
  }
  if (url.protocol !== 'https:') return false
  if (url.username !== '' || url.password !== '') return false
  if (url.port !== '') return false
  return ALLOWED_EXTERNAL_HOSTS.includes(url.hostname)
}
