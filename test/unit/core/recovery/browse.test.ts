// Browsing a look on output captured from OpenZFS 2.3's off-site VM: NUL-separated
// entries (a name with a tab survives), symbolic links shown and never followed out,
// paths that could leave the look refused before anything runs.
import { describe, expect, it } from 'vitest'
import { BROWSE_EXIT, browseCommand, checkLookPath, LookPathError, parseBrowseListing } from '../../../../src-main/core/recovery/browse'
import { shellJoin } from '../../../../src-main/core/shell/quote'
import { fixture } from '../../../support/fixtures'

const D = 'zfs-2.3/recovery'
const MP = '/var/lib/zfs-offsite/look/aaaaaaaa'

describe('browsing a look', () => {
  it('reads the root folder: folders first, a link with its target, a name with a tab', () => {
    const f = fixture(D, 'browse-root')
    expect(shellJoin(browseCommand(MP, '', 100).argv)).toBe(f.command)
    const listing = parseBrowseListing(f.stdout, 100)
    expect(listing.truncated).toBe(false)
    expect(listing.entries.map((e) => [e.name, e.kind])).toEqual([
      ['child', 'directory'],
      ['docs', 'directory'],
      ['etc-link', 'symlink'],
      ['tab\tname', 'file'],
    ])
    expect(listing.entries.find((e) => e.name === 'etc-link')?.linkTarget).toBe('/etc')
    expect(listing.entries.find((e) => e.name === 'tab\tname')).toMatchObject({ sizeBytes: 1, modifiedMs: 1795862217056 })
  })

  it('reads a folder inside the look', () => {
    const f = fixture(D, 'browse-folder')
    expect(shellJoin(browseCommand(MP, 'docs', 100).argv)).toBe(f.command)
    expect(parseBrowseListing(f.stdout, 100).entries).toEqual([{ name: 'a.txt', kind: 'file', sizeBytes: 6, modifiedMs: 1795862216884 }])
  })

  it('says when a folder has more entries than asked for', () => {
    const listing = parseBrowseListing(fixture(D, 'browse-limit').stdout, 2)
    expect(listing.truncated).toBe(true)
    expect(listing.entries).toHaveLength(2)
  })

  it.each([
    ['browse-symlink-out', BROWSE_EXIT.outside],
    ['browse-missing', BROWSE_EXIT.missing],
    ['browse-not-folder', BROWSE_EXIT.notFolder],
  ])('the off-site box refuses %s with exit %i', (name, code) => {
    expect(fixture(D, name).exitCode).toBe(code)
    expect(fixture(D, name).stdout).toBe('')
  })

  it.each(['../secret', 'docs/../../x', '/etc', './docs', 'docs//a', 'a\u0000b'])('refuses the path %j before running anything', (path) => {
    expect(() => checkLookPath(path)).toThrow(LookPathError)
    expect(() => browseCommand(MP, path, 10)).toThrow(LookPathError)
  })

  it('accepts a trailing slash and names with dots inside', () => {
    expect(checkLookPath('docs/')).toBe('docs')
    expect(checkLookPath('a..b/.hidden')).toBe('a..b/.hidden')
  })

  it('refuses output it cannot read whole', () => {
    expect(() => parseBrowseListing('f\u00001\u00001.0\u0000a', 10)).toThrow(/NUL/)
    expect(() => parseBrowseListing('f\u00001\u00001.0\u0000', 10)).toThrow(/whole number/)
    expect(parseBrowseListing('', 10)).toEqual({ entries: [], truncated: false })
  })
})
