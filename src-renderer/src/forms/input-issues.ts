// Reads the services' INVALID_INPUT details ("sources.0.dataset: …; targetParent: …")
// back into one message per field, so a form can mark exactly the fields named.

export interface InputIssue {
  /** The field's path as the schema names it: "sources.0.dataset", "receiver.address". */
  readonly path: string
  readonly message: string
}

// Split only before "path: ", so a message holding "; " stays whole.
const ISSUE_START = /;\s+(?=[A-Za-z0-9_.()]+: )/

export function parseInputIssues(details: string | undefined): InputIssue[] {
  if (!details) return []
  return details.split(ISSUE_START).flatMap((part) => {
    const m = /^([A-Za-z0-9_.()]+): ([\s\S]*)$/.exec(part.trim())
    return m?.[1] !== undefined && m[2] !== undefined ? [{ path: m[1], message: m[2] }] : []
  })
}
