import { describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { contentTypeOf, resolveStaticPath } from '../../../src-main/adapters/web/static-files'

const root = '/srv/app/renderer'

describe('resolveStaticPath', () => {
  it('serves index.html for / and files below the root', () => {
    expect(resolveStaticPath(root, '/')).toBe(join(root, 'index.html'))
    expect(resolveStaticPath(root, '/assets/index-abc.js')).toBe(join(root, 'assets/index-abc.js'))
    expect(resolveStaticPath(root, '/a%20b.css')).toBe(join(root, 'a b.css'))
  })

  it('never leaves the root, however the path is spelled', () => {
    for (const p of ['/../secret', '/..%2fsecret', '/%2e%2e/secret', '/assets/../../x', '/a%00b', '/%E0%A4%A']) {
      const file = resolveStaticPath(root, p)
      expect(file === null || file.startsWith(root + '/'), p).toBe(true)
    }
    expect(resolveStaticPath('/srv/app/renderer', '/../renderer-evil/x')).toBeNull()
  })

  it('names content types, with a safe default', () => {
    expect(contentTypeOf('/x/index.html')).toMatch(/^text\/html/)
    expect(contentTypeOf('/x/app.js')).toMatch(/^text\/javascript/)
    expect(contentTypeOf('/x/blob.bin')).toBe('application/octet-stream')
  })
})
