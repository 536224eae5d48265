// Waits for a condition that no event announces (a process gone, a file on a host, a
// port listening): checks it again every `everyMs` until it holds or the deadline passes.

export async function until(what: string, check: () => boolean | Promise<boolean>, deadlineMs = 60_000, everyMs = 100): Promise<void> {
  const end = Date.now() + deadlineMs
  for (;;) {
    if (await check()) return
    if (Date.now() > end) throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, everyMs))
  }
}
