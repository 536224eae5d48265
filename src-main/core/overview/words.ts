// Spans of time and amounts of space as the overview says them: "4 days", "3 hours",
// "1.2 TB" (1 GB = 1000 MB, as on shop shelves and in the renderer).

function unit(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

/** A rounded span: "under a minute", "25 minutes", "3 hours", "4 days", "5 months", "2 years". */
export function spanWords(seconds: number): string {
  const s = Math.abs(seconds)
  if (s < 60) return 'under a minute'
  const minutes = Math.round(s / 60)
  if (minutes < 90) return unit(minutes, 'minute')
  const hours = Math.round(s / 3600)
  if (hours < 36) return unit(hours, 'hour')
  const days = Math.round(s / 86400)
  if (days < 45) return unit(days, 'day')
  const months = Math.round(s / (30.44 * 86400))
  if (months < 18) return unit(months, 'month')
  return unit(Math.round(s / (365.25 * 86400)), 'year')
}

const UNITS = ['bytes', 'kB', 'MB', 'GB', 'TB', 'PB'] as const

export function bytesWords(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return 'unknown'
  if (bytes < 1000) return `${Math.round(bytes)} ${bytes === 1 ? 'byte' : 'bytes'}`
  let value = bytes
  let u = 0
  while (value >= 1000 && u < UNITS.length - 1) {
    value /= 1000
    u += 1
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${UNITS[u]}`
}
