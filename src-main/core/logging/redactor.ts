// Removes secrets from anything about to be logged: every value registered as secret
// (passphrases the app handled, keys it read), and any field whose name says secret.
// Registration happens where secrets are handled, so a log call cannot forget it.

export const REDACTED = '[redacted]'
const SECRET_FIELD = /pass(word|phrase)?|secret|token|private.?key|credential/i
/** Shorter strings would blank out ordinary words if they were ever registered. */
const MIN_SECRET_LENGTH = 4

export class Redactor {
  readonly #secrets = new Set<string>()

  register(secret: string): void {
    if (secret.length >= MIN_SECRET_LENGTH) this.#secrets.add(secret)
  }

  redactText(text: string): string {
    let out = text
    // Longest first, so a secret containing another is removed whole.
    for (const s of [...this.#secrets].sort((a, b) => b.length - a.length)) {
      if (out.includes(s)) out = out.split(s).join(REDACTED)
    }
    return out
  }

  redact(value: unknown, key = '', depth = 0): unknown {
    if (key !== '' && SECRET_FIELD.test(key) && value !== undefined && value !== null) return REDACTED
    if (typeof value === 'string') return this.redactText(value)
    if (depth > 8 || value === null || typeof value !== 'object') return value
    if (Array.isArray(value)) return value.map((v) => this.redact(v, '', depth + 1))
    if (value instanceof Error) {
      return { name: value.name, message: this.redactText(value.message) }
    }
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) out[k] = this.redact(v, k, depth + 1)
    return out
  }
}
