// Amounts of space as the overview says them: "1.2 TB" (1 GB = 1000 MB, as on shop
// shelves and in the renderer). Spans of time are shared/span-words.ts.

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
