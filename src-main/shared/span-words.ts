// A span of time in the words the whole app uses ("25 minutes", "3 hours", "4 days"): the
// services write it into their sentences and the renderer beside the numbers they send,
// so both must say the same thing.

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
