// Serves the built renderer from app://zfs-offsite/ instead of file://, so the page
// has a real origin, a CSP header, and cannot read the disk by relative paths.
import { protocol } from 'electron'
import { readFile } from 'node:fs/promises'
import { CONTENT_SECURITY_POLICY } from '../core/security/content-security-policy'
import { contentTypeOf, resolveStaticPath } from '../adapters/web/static-files'

export const APP_SCHEME = 'app'
export const APP_HOST = 'zfs-offsite'
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`


/** Must run before app 'ready'. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ])
}

export function serveAppProtocol(rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url)
    if (url.host !== APP_HOST) return new Response('not found', { status: 404 })
    const file = resolveStaticPath(rendererDir, url.pathname)
    if (file === null) return new Response('forbidden', { status: 403 })
    try {
      const body = await readFile(file)
      return new Response(body, {
        headers: {
          'content-type': contentTypeOf(file),
          'content-security-policy': CONTENT_SECURITY_POLICY,
          'x-content-type-options': 'nosniff',
        },
      })
    } catch {
      return new Response('not found', { status: 404 })
    }
  })
}
