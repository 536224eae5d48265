import { describe, expect, it } from 'vitest'
import { LookPathError } from '../../../../src-main/core/recovery/browse'
import { downloadFolderName, insideLook, keptWords, kindOfMode, localNameProblem, numberedName, pathsToWalk } from '../../../../src-main/core/recovery/download-plan'

describe('download plan', () => {
  it('walks each chosen path once, leaving out what a chosen folder already brings', () => {
    expect(pathsToWalk(['docs/minutes.txt', 'docs', 'photo.bin', 'docs/', 'docsx'])).toEqual(['docs', 'photo.bin', 'docsx'])
    expect(pathsToWalk(['docs', ''])).toEqual([''])
  })

  it('refuses paths that climb out or are absolute', () => {
    expect(() => pathsToWalk(['docs/../..'])).toThrow(LookPathError)
    expect(() => pathsToWalk(['/etc'])).toThrow(LookPathError)
  })

  it('counts only the mountpoint and what is below it as inside the look', () => {
    const m = '/var/lib/zfs-offsite/look/abcd1234'
    expect(insideLook(m, m)).toBe(true)
    expect(insideLook(m, `${m}/docs`)).toBe(true)
    expect(insideLook(m, `${m}x/docs`)).toBe(false)
    expect(insideLook(m, '/etc')).toBe(false)
  })

  it('names the new folder after the dataset and snapshot, numbered when taken', () => {
    expect(downloadFolderName('backup/nas/photos@daily-1', 'linux')).toBe('photos@daily-1')
    expect(downloadFolderName('backup/nas/photos@auto:2024', 'win32')).toBe('photos@auto-2024')
    expect(numberedName('photos@daily-1', 1)).toBe('photos@daily-1')
    expect(numberedName('photos@daily-1', 3)).toBe('photos@daily-1 (3)')
  })

  it('tells files, folders, links and special files apart by their mode', () => {
    expect(kindOfMode(0o100644)).toBe('file')
    expect(kindOfMode(0o040755)).toBe('directory')
    expect(kindOfMode(0o120777)).toBe('symlink')
    expect(kindOfMode(0o010644)).toBe('other')
    expect(kindOfMode(0o020644)).toBe('other')
  })

  it('skips names Windows cannot hold, only on Windows', () => {
    expect(localNameProblem('a:b', 'win32')).toMatch(/Windows/)
    expect(localNameProblem('CON.txt', 'win32')).toMatch(/reserved/)
    expect(localNameProblem('a:b', 'linux')).toBeNull()
  })

  it('says what is kept on this computer after a cancel', () => {
    expect(keptWords({ folder: '/d/x', files: 2, bytes: 2000 }, 'cancelled')).toBe('2 files (2.0 kB) copied whole are kept in /d/x; the file being copied was removed.')
    expect(keptWords({ folder: '/d/x', files: 0, bytes: 0 }, 'cancelled')).toMatch(/Nothing was kept/)
    expect(keptWords({ folder: '/d/x', files: 1, bytes: 10 }, 'done')).toBe('Copied 1 file (10 bytes) to /d/x.')
  })
})
