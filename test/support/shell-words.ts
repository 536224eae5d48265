// The argv the real /bin/sh makes of a command line: used to compare the app's argv
// builders with the exact commands that produced the fixtures.
import { spawnSync } from 'node:child_process'

export function shellWords(commandLine: string): string[] {
  const run = spawnSync('/bin/sh', ['-c', `printf '%s\\0' ${commandLine}`], { encoding: 'utf8' })
  if (run.status !== 0) throw new Error(`sh could not split ${JSON.stringify(commandLine)}: ${run.stderr}`)
  return run.stdout.split('\0').slice(0, -1)
}
