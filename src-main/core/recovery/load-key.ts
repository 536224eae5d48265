// Encryption keys for recovery: `zfs load-key -n` checks a passphrase without loading it,
// `zfs load-key` loads it, `zfs unload-key` forgets it. The passphrase goes on stdin, never
// into argv (argv is visible to every user of the host in `ps`).
import type { CommandSpec } from '../zfs/command'
import type { DatasetName } from '../zfs/names'

// With keylocation=prompt and no terminal, zfs reads one line from stdin.
const asStdin = (passphrase: string): string => {
  if (passphrase.includes('\n') || passphrase.includes('\r')) throw new Error('a passphrase is one line')
  return `${passphrase}\n`
}

/** Dry run: exit 0 when the passphrase unlocks `root`, 255 with "Incorrect key provided" when not. Loads nothing. */
export function checkKeyCommand(root: DatasetName, passphrase: string): CommandSpec {
  return { argv: ['zfs', 'load-key', '-n', root], successCodes: [0], stdin: asStdin(passphrase) }
}

export function loadKeyCommand(root: DatasetName, passphrase: string): CommandSpec {
  return { argv: ['zfs', 'load-key', root], successCodes: [0], stdin: asStdin(passphrase) }
}

export function unloadKeyCommand(root: DatasetName): CommandSpec {
  return { argv: ['zfs', 'unload-key', root], successCodes: [0] }
}

/** `zfs load-key -n` prints "1 / 1 key(s) successfully verified" (0 / 1 when the passphrase is wrong). */
export function parseKeyCheck(stdout: string): { readonly verified: number; readonly total: number } {
  const m = /(\d+) \/ (\d+) key\(s\) successfully verified/.exec(stdout)
  if (!m) throw new Error(`zfs load-key -n: unexpected output ${JSON.stringify(stdout.trim())}`)
  return { verified: Number(m[1]), total: Number(m[2]) }
}
