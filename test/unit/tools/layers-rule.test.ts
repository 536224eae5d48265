import { describe, expect, it } from 'vitest'
import { ESLint } from 'eslint'
import { resolve } from 'node:path'

const root = resolve(import.meta.dirname, '../../..')
const eslint = new ESLint({ cwd: root })

async function layerProblems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(root, filePath) })
  return (result?.messages ?? []).filter((m) => m.ruleId === 'layers/imports').map((m) => m.message)
}

describe('the layer lint rule', () => {
  it('rejects a core file that imports electron', async () => {
    const problems = await layerProblems('src-main/core/zfs/example.ts', "import { app } from 'electron'\nexport const x = app\n")
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatch(/Layer core may not import electron/)
  })

  it('rejects core importing child_process, ssh2 or an adapter by relative path', async () => {
    const code = [
      "import { spawn } from 'node:child_process'",
      "import { Client } from 'ssh2'",
      "import { ConfigStore } from '../../adapters/config/config-store'",
      'export const all = [spawn, Client, ConfigStore]',
    ].join('\n')
    const problems = await layerProblems('src-main/core/zfs/example.ts', code)
    expect(problems).toHaveLength(3)
    expect(problems.join('\n')).toMatch(/node:child_process/)
    expect(problems.join('\n')).toMatch(/ssh2/)
    expect(problems.join('\n')).toMatch(/from adapters/)
  })

  it('rejects DOM globals in core', async () => {
    const [result] = await eslint.lintText('export const w = () => document.title\n', {
      filePath: resolve(root, 'src-main/core/example.ts'),
    })
    expect(result?.messages.map((m) => m.ruleId)).toContain('no-restricted-globals')
  })

  it('rejects a renderer file that imports services or Node', async () => {
    const problems = await layerProblems(
      'src-renderer/src/example.tsx',
      "import { dispatch } from '../../src-main/services/dispatch'\nimport { readFileSync } from 'node:fs'\nexport const x = [dispatch, readFileSync]\n",
    )
    expect(problems).toHaveLength(2)
  })

  it('rejects electron in services and adapters', async () => {
    expect(await layerProblems('src-main/services/example.ts', "import { app } from 'electron'\nexport const a = app\n")).toHaveLength(1)
    expect(await layerProblems('src-main/adapters/example.ts', "import Store from 'electron-store'\nexport const s = Store\n")).toHaveLength(1)
  })

  it('accepts imports that point down the table', async () => {
    expect(await layerProblems('src-main/core/example.ts', "import { z } from 'zod'\nimport { ok } from '../shared/result'\nexport const a = [z, ok]\n")).toEqual([])
    expect(await layerProblems('src-renderer/src/example.tsx', "import type { Api } from '../../src-main/shared/contract'\nexport type A = Api\n")).toEqual([])
    expect(await layerProblems('src-main/ipc/example.ts', "import { ipcMain } from 'electron'\nimport { dispatch } from '../services/dispatch'\nexport const a = [ipcMain, dispatch]\n")).toEqual([])
  })

  it('finds no layer violation in the project itself', async () => {
    const results = await eslint.lintFiles(['src-main', 'src-preload', 'src-renderer'])
    const violations = results.flatMap((r) => r.messages.filter((m) => m.ruleId === 'layers/imports').map((m) => `${r.filePath}: ${m.message}`))
    expect(violations).toEqual([])
  })
})
