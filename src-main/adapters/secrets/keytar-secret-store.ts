// The OS keychain through keytar (libsecret on Linux, Keychain on macOS, Credential
// Vault on Windows). Every secret read or written is registered with the redactor.
import { createRequire } from 'node:module'
import type { SecretStore } from '../../core/secrets/secret-store'
import type { Redactor } from '../../core/logging/redactor'
import { AppFailure, appError } from '../../shared/errors'

type Keytar = typeof import('keytar')

export const DEFAULT_KEYCHAIN_SERVICE = 'zfs-offsite'

function loadKeytar(): Keytar {
  // keytar is a native CommonJS addon; load it the CommonJS way from ESM.
  return createRequire(import.meta.url)('keytar') as Keytar
}

function unavailable(err: unknown): AppFailure {
  const message = err instanceof Error ? err.message : String(err)
  if (/D-Bus|dbus|DISPLAY|org\.freedesktop\.secrets|collection|not provided by any \.service/i.test(message)) {
    return new AppFailure(
      appError(
        'SECRET_STORE_UNAVAILABLE',
        'The system keychain is not reachable, so secrets cannot be stored or read.',
        'Unlock or start your keychain (on Linux: GNOME Keyring or KWallet in your desktop session), then try again.',
        message,
      ),
    )
  }
  return new AppFailure(
    appError('SECRET_STORE_FAILED', 'The system keychain refused the request.', 'Unlock your keychain and try again.', message),
  )
}

export class KeytarSecretStore implements SecretStore {
  readonly #keytar: Keytar

  constructor(
    private readonly redactor: Redactor,
    private readonly service: string = DEFAULT_KEYCHAIN_SERVICE,
  ) {
    this.#keytar = loadKeytar()
  }

  async set(account: string, secret: string): Promise<void> {
    this.redactor.register(secret)
    try {
      await this.#keytar.setPassword(this.service, account, secret)
    } catch (err) {
      throw unavailable(err)
    }
  }

  async get(account: string): Promise<string | null> {
    try {
      const value = await this.#keytar.getPassword(this.service, account)
      if (value !== null) this.redactor.register(value)
      return value
    } catch (err) {
      throw unavailable(err)
    }
  }

  async delete(account: string): Promise<boolean> {
    try {
      return await this.#keytar.deletePassword(this.service, account)
    } catch (err) {
      throw unavailable(err)
    }
  }

  async list(): Promise<string[]> {
    try {
      const creds = await this.#keytar.findCredentials(this.service)
      for (const c of creds) this.redactor.register(c.password)
      return creds.map((c) => c.account).sort()
    } catch (err) {
      throw unavailable(err)
    }
  }
}
