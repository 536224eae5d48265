// A remote command as data: the argv (quoted later, once, by the transport) and the
// exit codes that mean success. Parsing the output is a separate pure function.

export interface CommandSpec {
  readonly argv: readonly string[]
  readonly successCodes: readonly number[]
  /** Written to the command's stdin (passphrases go here, never into argv). */
  readonly stdin?: string
}
