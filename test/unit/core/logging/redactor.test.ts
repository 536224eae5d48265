import { describe, expect, it } from 'vitest'
import { REDACTED, Redactor } from '../../../../src-main/core/logging/redactor'

describe('Redactor', () => {
  it('removes a registered secret wherever it appears in text', () => {
    const r = new Redactor()
    r.register('hunter2-long-secret')
    expect(r.redactText('key hunter2-long-secret loaded; again hunter2-long-secret')).toBe(`key ${REDACTED} loaded; again ${REDACTED}`)
  })

  it('removes registered secrets inside nested fields, arrays and errors', () => {
    const r = new Redactor()
    r.register('s3cret-value')
    const out = r.redact({ a: { b: ['x s3cret-value y'] }, err: new Error('bad s3cret-value') }) as Record<string, unknown>
    expect(JSON.stringify(out)).not.toContain('s3cret-value')
    expect(JSON.stringify(out)).toContain(REDACTED)
  })

  it('blanks fields whose name says they hold a secret, even when not registered', () => {
    const r = new Redactor()
    const out = r.redact({ passphrase: 'p', password: 'q', privateKey: 'k', token: 't', dataset: 'tank/a' })
    expect(out).toEqual({ passphrase: REDACTED, password: REDACTED, privateKey: REDACTED, token: REDACTED, dataset: 'tank/a' })
  })

  it('removes the longer of two overlapping secrets whole', () => {
    const r = new Redactor()
    r.register('abcd')
    r.register('abcdefgh')
    expect(r.redactText('xabcdefghx')).toBe(`x${REDACTED}x`)
  })

  it('ignores secrets too short to redact safely', () => {
    const r = new Redactor()
    r.register('a')
    expect(r.redactText('a cat')).toBe('a cat')
  })
})
