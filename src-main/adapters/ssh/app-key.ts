// The app's own SSH key: ed25519, made by the app (ssh2), the private half kept only in
// the OS keychain; the public half is derived from it whenever it is needed.
import ssh2 from 'ssh2'
import type { SecretStore } from '../../core/secrets/secret-store'
import { APP_SSH_KEY_ACCOUNT } from '../../core/secrets/accounts'

export const APP_KEY_COMMENT = 'zfs-offsite'

export interface AppKey {
  readonly privateKey: string
  /** `ssh-ed25519 AAAA... zfs-offsite` */
  readonly publicKeyLine: string
}

export function publicKeyLineOf(privateKey: string): string {
  const parsed = ssh2.utils.parseKey(privateKey)
  if (parsed instanceof Error) throw parsed
  const key = Array.isArray(parsed) ? parsed[0]! : parsed
  return `${key.type} ${key.getPublicSSH().toString('base64')} ${APP_KEY_COMMENT}`
}

/** The app key from the keychain, or null when the app has not made one yet. */
export async function readAppKey(secrets: SecretStore): Promise<AppKey | null> {
  const privateKey = await secrets.get(APP_SSH_KEY_ACCOUNT)
  return privateKey === null ? null : { privateKey, publicKeyLine: publicKeyLineOf(privateKey) }
}

/** The app key, made and stored in the keychain on first use. */
export async function ensureAppKey(secrets: SecretStore): Promise<AppKey> {
  const existing = await readAppKey(secrets)
  if (existing) return existing
  const pair = ssh2.utils.generateKeyPairSync('ed25519', { comment: APP_KEY_COMMENT })
  await secrets.set(APP_SSH_KEY_ACCOUNT, pair.private)
  return { privateKey: pair.private, publicKeyLine: publicKeyLineOf(pair.private) }
}
