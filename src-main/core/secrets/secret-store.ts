// The port for the OS keychain. Services depend on this interface; the keytar adapter
// implements it. Values never leave through any other path (config, logs, argv).

export interface SecretStore {
  set(account: string, secret: string): Promise<void>
  /** null when there is no secret under that account. */
  get(account: string): Promise<string | null>
  /** true when something was deleted. */
  delete(account: string): Promise<boolean>
  /** Account names only, never the secrets. */
  list(): Promise<string[]>
}
