// Reads /etc/sanoid/sanoid.conf as far as the app needs: sections, their keys and the
// lines they span, comments kept as they are. sanoid 2.1.0 reads the file with Perl's
// Config::IniFiles: `[section]` headers, `key = value` lines, whole-line comments
// beginning with # or ;. A value is taken verbatim (Config::IniFiles does not strip a
// trailing comment by default). The text is never rewritten from this model: merging
// works on the original lines (marked-block.ts).
import { splitLines } from '../schedule/marked-block'

export interface ConfLine {
  /** 1-based, as an editor shows it. */
  readonly number: number
  readonly text: string
  readonly kind: 'section' | 'entry' | 'comment' | 'blank' | 'other'
}

export interface ConfSection {
  /** What is between the brackets. */
  readonly name: string
  /** The header's line number. */
  readonly line: number
  /** The last line that belongs to the section (before the next header). */
  readonly lastLine: number
  /** Keys as written, lower-cased names; a repeated key keeps its last value. */
  readonly keys: ReadonlyMap<string, string>
}

export interface SanoidConf {
  readonly lines: readonly ConfLine[]
  readonly sections: readonly ConfSection[]
}

export function parseSanoidConf(text: string): SanoidConf {
  const lines: ConfLine[] = []
  const sections: { name: string; line: number; lastLine: number; keys: Map<string, string> }[] = []
  splitLines(text).forEach((raw, i) => {
    const number = i + 1
    const t = raw.replace(/\r?\n$/, '')
    const trimmed = t.trim()
    let kind: ConfLine['kind']
    const header = /^\s*\[([^\]]*)\]\s*$/.exec(t)
    if (trimmed === '') kind = 'blank'
    else if (trimmed.startsWith('#') || trimmed.startsWith(';')) kind = 'comment'
    else if (header) {
      kind = 'section'
      sections.push({ name: header[1]!.trim(), line: number, lastLine: number, keys: new Map() })
    } else if (trimmed.includes('=')) {
      kind = 'entry'
      const eq = trimmed.indexOf('=')
      const current = sections[sections.length - 1]
      if (current) current.keys.set(trimmed.slice(0, eq).trim().toLowerCase(), trimmed.slice(eq + 1).trim())
    } else kind = 'other'
    const current = sections[sections.length - 1]
    if (current && kind !== 'section') current.lastLine = number
    lines.push({ number, text: t, kind })
  })
  return { lines, sections }
}

const TRUE_WORDS = ['1', 'true', 'yes', 'on']

/** How a dataset section reaches below itself: `recursive = yes` (sanoid walks the children) or `zfs` (zfs snapshot -r). */
export function sectionRecursion(section: ConfSection): 'no' | 'yes' | 'zfs' {
  const v = (section.keys.get('recursive') ?? '').toLowerCase()
  if (/zfs/.test(v)) return 'zfs'
  // Read generously: a value with a trailing comment ("yes # all of it") still means the
  // person meant recursion, and a conflict is better found than missed.
  const first = v.split(/[\s#;]/)[0] ?? ''
  return TRUE_WORDS.includes(first) ? 'yes' : 'no'
}

/** The dataset a (non-template) section is about: its `path`, else its name. */
export function sectionDataset(section: ConfSection): string {
  return section.keys.get('path') || section.name
}

export function isTemplate(section: ConfSection): boolean {
  return section.name.startsWith('template_')
}
