// Reads which fields the services refused back out of an error, so a form can mark
// exactly those: schema checks list "sources.0.dataset: …; targetParent: …" in the
// details; the services' own checks put the field's path alone there, the cause saying why.
import type { AppError } from '../../../src-main/shared/errors'

export interface InputIssue {
  /** The field's path as the schema names it: "sources.0.dataset", "receiver.address". */
  readonly path: string
  readonly message: string
}

const PATH = /^[A-Za-z][A-Za-z0-9_.]*$/
// Split only before "path: ", so a message holding "; " stays whole.
const ISSUE_START = /;\s+(?=[A-Za-z0-9_.()]+: )/

export function parseInputIssues(details: string | undefined): InputIssue[] {
  if (!details) return []
  return details.split(ISSUE_START).flatMap((part) => {
    const m = /^([A-Za-z0-9_.()]+): ([\s\S]*)$/.exec(part.trim())
    return m?.[1] !== undefined && m[2] !== undefined ? [{ path: m[1], message: m[2] }] : []
  })
}

export function inputIssues(error: AppError | null): InputIssue[] {
  if (!error?.details) return []
  const listed = error.code === 'INVALID_INPUT' ? parseInputIssues(error.details) : []
  if (listed.length > 0) return listed
  const details = error.details.trim()
  // Some causes repeat the path ("…: sources.0.dataset: A pool name…"); a person reads the field's label instead.
  return PATH.test(details) ? [{ path: details, message: error.cause.replace(`${details}: `, '') }] : []
}
