// Serving the built renderer from a folder, for the app:// protocol and the web bridge:
// content types, and a path resolver that never leaves the folder.
import { extname, join, normalize, sep } from 'node:path'

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
}

export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[extname(file)] ?? 'application/octet-stream'
}

/** The file a URL path names inside `root`, or null when it would leave `root`. */
export function resolveStaticPath(root: string, urlPath: string): string | null {
  const base = normalize(root + sep)
  let relative: string
  try {
    relative = decodeURIComponent(urlPath === '/' ? '/index.html' : urlPath)
  } catch {
    return null
  }
  if (relative.includes('\0')) return null
  const file = normalize(join(base, relative))
  return file.startsWith(base) ? file : null
}
