// Property test against the real /bin/sh: whatever the string, the shell receives
// exactly the original argument. Strings come from a seeded generator (reproducible)
// mixing valid ZFS names with hostile input.
import { describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { quoteArg, shellJoin, UnquotableArgumentError } from '../../../../src-main/core/shell/quote'

function prng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const HOSTILE = [
  "'", '"', '\\', '$', '`', '$(id)', '`id`', '${HOME}', ';', '&&', '||', '|', '&', '>', '<', '>>', '2>&1',
  '*', '?', '[a]', '~', '~root', '#', '!', '\n', '\t', '\r', ' ', '  ', '-', '--', '-rf', '=', 'A=1', '%', '{a,b}',
  "''", "'\\''", 'é', '名前', '😀', '\u00a0', '\u202e', '\x7f', '\x01', '$\'x\'',
]
const NAME_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.: '

function generate(random: () => number, n: number): string[] {
  const out: string[] = ['', ' ', 'tank/family photos@daily 2024-01-01', 'tank/a b/c@x:y.z', 'backup/nas/tank#book mark']
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!
  while (out.length < n) {
    const parts: string[] = []
    const len = 1 + Math.floor(random() * 6)
    for (let i = 0; i < len; i++) {
      const r = random()
      if (r < 0.4) parts.push(pick(HOSTILE))
      else if (r < 0.8) parts.push(Array.from({ length: 1 + Math.floor(random() * 8) }, () => pick([...NAME_CHARS])).join(''))
      else if (r < 0.9) parts.push(pick(['/', '@', '#']))
      else parts.push(String.fromCodePoint(1 + Math.floor(random() * 0x2fff)))
    }
    out.push(parts.join(''))
  }
  return out
}

/** What the real shell passes to a program for this command line, one entry per argument. */
function shellReceives(commandLine: string): string[] {
  const run = spawnSync('/bin/sh', ['-c', `printf '%s\\0' ${commandLine}`], { encoding: 'utf8' })
  if (run.status !== 0) throw new Error(`sh failed: ${run.stderr}`)
  const parts = run.stdout.split('\0')
  parts.pop()
  return parts
}

describe('quoteArg against the real /bin/sh', () => {
  it('delivers every generated name and hostile string unchanged', () => {
    const random = prng(20261128)
    for (let batch = 0; batch < 10; batch++) {
      const args = generate(random, 100)
      expect(shellReceives(args.map(quoteArg).join(' '))).toEqual(args)
    }
  })

  it('keeps an argument whole even when it looks like an option, assignment, glob or expansion', () => {
    const args = ['-rf', 'A=1', '*', '~', '$(touch /tmp/zfs-offsite-pwned)', '`id`', 'a\nb']
    expect(shellReceives(args.map(quoteArg).join(' '))).toEqual(args)
  })

  it('survives two shell layers when the inner command line is quoted again as one argument', () => {
    const args = ["tank/it's here@snap", '$(id)', 'a b']
    const inner = `printf '%s\\0' ${args.map(quoteArg).join(' ')}`
    const run = spawnSync('/bin/sh', ['-c', shellJoin(['sh', '-c', inner])], { encoding: 'utf8' })
    expect(run.stdout.split('\0').slice(0, -1)).toEqual(args)
  })

  it('leaves plain names readable and quotes the rest', () => {
    expect(quoteArg('tank/photos@daily-2024-01-01')).toBe('tank/photos@daily-2024-01-01')
    expect(quoteArg('tank/family photos')).toBe("'tank/family photos'")
    expect(quoteArg('')).toBe("''")
    expect(quoteArg("it's")).toBe("'it'\\''s'")
  })

  it('refuses a NUL byte, which no shell can carry', () => {
    expect(() => quoteArg('a\0b')).toThrow(UnquotableArgumentError)
  })
})
