// `npm test`: lint and typecheck, then every suite (unit, renderer, electron, lab), each
// writing vitest's JSON report under test-results/. Merges them into
// test-results/summary.json (name, file, status per test) and ends with one line:
// "N passed, N failed" (plus ", N skipped" when any). Exits non-zero on any failure.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { relative, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')
const results = resolve(root, 'test-results')
mkdirSync(results, { recursive: true })

const checks = [
  ['lint', ['run', 'lint', '--silent']],
  ['typecheck', ['run', 'typecheck', '--silent']],
]
const allSuites = ['unit', 'renderer', 'electron', 'lab']
const only = process.env.ZFS_OFFSITE_SUITES?.split(',').map((s) => s.trim()).filter(Boolean)
const suites = only ?? allSuites

let failedChecks = []
for (const [name, args] of checks) {
  const run = spawnSync('npm', args, { cwd: root, stdio: 'inherit' })
  if (run.status !== 0) failedChecks.push(name)
}

const tests = []
const broken = []
for (const suite of suites) {
  const report = resolve(results, `${suite}.json`)
  rmSync(report, { force: true })
  console.log(`\n=== ${suite} tests ===`)
  const run = spawnSync('npm', ['run', `test:${suite}`, '--silent'], { cwd: root, stdio: 'inherit' })
  if (!existsSync(report)) {
    broken.push(`${suite}: no report written (exit ${run.status ?? run.signal})`)
    continue
  }
  const json = JSON.parse(readFileSync(report, 'utf8'))
  let failedHere = 0
  for (const file of json.testResults ?? []) {
    const fileName = relative(root, file.name)
    for (const t of file.assertionResults ?? []) {
      const status = t.status === 'passed' ? 'passed' : t.status === 'failed' ? 'failed' : 'skipped'
      if (status === 'failed') failedHere++
      tests.push({ suite, name: t.fullName ?? t.title, file: fileName, status })
    }
    // A file that failed to load has no assertion results but a failure message.
    if ((file.assertionResults ?? []).length === 0 && file.status === 'failed') {
      failedHere++
      tests.push({ suite, name: `(file failed to run) ${file.message ?? ''}`.trim(), file: fileName, status: 'failed' })
    }
  }
  if (run.status !== 0 && failedHere === 0) broken.push(`${suite}: exited ${run.status ?? run.signal} without a failing test in its report`)
}

const count = (s) => tests.filter((t) => t.status === s).length
const passed = count('passed')
const failed = count('failed') + broken.length + failedChecks.length
const skipped = count('skipped')
writeFileSync(resolve(results, 'summary.json'), JSON.stringify({ passed, failed, skipped, checksFailed: failedChecks, suitesBroken: broken, tests }, null, 2))

console.log('')
for (const c of failedChecks) console.log(`FAILED check: ${c}`)
for (const b of broken) console.log(`FAILED suite: ${b}`)
for (const t of tests.filter((t) => t.status === 'failed')) console.log(`FAILED: [${t.suite}] ${t.file} › ${t.name}`)
console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`)
process.exit(failed > 0 ? 1 : 0)
