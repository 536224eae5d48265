// The one shell-quoting function. Remote commands run through exactly one POSIX shell
// (the SSH server's login shell runs `sh -c <string>`), so every argument is quoted
// once, here, and nowhere else. Where a command string travels through a second shell
// (ssh from the NAS to the off-site box), the whole inner string is quoted again as a
// single argument: one call per shell layer, never hand-made quotes.

/** Characters that never need quoting in POSIX sh. */
const SAFE = /^[A-Za-z0-9_@%+:,./-]+$/

export class UnquotableArgumentError extends Error {
  constructor(readonly argument: string) {
    super('an argument contains a NUL byte, which no shell can pass')
    this.name = 'UnquotableArgumentError'
  }
}

/** Quotes one argument for one POSIX shell layer. */
export function quoteArg(arg: string): string {
  if (arg.includes('\0')) throw new UnquotableArgumentError(arg)
  if (arg !== '' && SAFE.test(arg)) return arg
  // Inside single quotes nothing is special except the closing quote itself.
  return `'${arg.replace(/'/g, `'\\''`)}'`
}

/** Quotes every argument and joins them into one command line for one shell layer. */
export function shellJoin(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error('empty command')
  return argv.map(quoteArg).join(' ')
}
