// ESLint rule `layers/imports`: the layer table of docs (design.md §2) as code.
// Each file's layer comes from its path; each import must point to a layer that
// layer may use. Relative imports are resolved, so `../../adapters/x` is caught too.
import path from 'node:path'

const ROOT = path.resolve(import.meta.dirname, '../..')

/** The layer a repository-relative path belongs to, or null when unlayered. */
export function layerOf(rel) {
  const p = rel.split(path.sep).join('/')
  if (p.startsWith('src-main/shared/')) return 'shared'
  if (p.startsWith('src-main/core/')) return 'core'
  if (p.startsWith('src-main/adapters/')) return 'adapters'
  if (p.startsWith('src-main/services/')) return 'services'
  if (p.startsWith('src-main/bridge/')) return 'bridge'
  if (p.startsWith('src-main/ipc/')) return 'ipc'
  if (p.startsWith('src-main/platform/')) return 'platform'
  if (p === 'src-main/index.ts') return 'main-entry'
  if (p.startsWith('src-preload/')) return 'preload'
  if (p.startsWith('src-renderer/')) return 'renderer'
  return null
}

const OURS = ['shared', 'core', 'adapters', 'services', 'bridge', 'ipc', 'platform', 'main-entry', 'preload', 'renderer']

/**
 * For each layer: which of our layers it may import, and which packages.
 * packages: 'any' | 'node-and-packages-but-electron' | list of allowed package names.
 */
const RULES = {
  shared: { layers: ['shared'], packages: ['zod'] },
  core: { layers: ['shared', 'core'], packages: ['zod'] },
  adapters: { layers: ['shared', 'core', 'adapters'], packages: 'no-electron' },
  services: { layers: ['shared', 'core', 'adapters', 'services'], packages: 'no-electron' },
  bridge: { layers: ['shared', 'core', 'adapters', 'services', 'bridge'], packages: 'no-electron' },
  ipc: { layers: OURS.filter((l) => !['preload', 'renderer', 'bridge'].includes(l)), packages: 'any' },
  platform: { layers: OURS.filter((l) => !['preload', 'renderer', 'bridge'].includes(l)), packages: 'any' },
  'main-entry': { layers: OURS.filter((l) => !['preload', 'renderer', 'bridge'].includes(l)), packages: 'any' },
  preload: { layers: ['shared', 'preload'], packages: ['electron'] },
  renderer: { layers: ['shared', 'renderer'], packages: ['react', 'react-dom', 'react/jsx-runtime'] },
}

const WHY = {
  shared: 'the contract is imported by every layer, including the renderer, so it depends on nothing of ours but itself',
  core: 'core is pure domain logic: no Electron, no child processes, no SSH, no DOM, no I/O',
  adapters: 'adapters run under plain Node; Electron belongs in src-main/platform or src-main/ipc',
  services: 'services run under plain Node so they are tested without Electron',
  bridge: 'the web bridge runs the services under plain Node',
  preload: 'the preload exposes only the contract through contextBridge and ipcRenderer',
  renderer: 'the renderer talks to the app only through window.api, typed by src-main/shared',
  ipc: 'ipc may not reach into the renderer or preload',
  platform: 'platform may not reach into the renderer or preload',
  'main-entry': 'the main entry may not reach into the renderer or preload',
}

function packageName(spec) {
  if (spec.startsWith('node:')) return spec
  const parts = spec.split('/')
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]
}

function isNodeBuiltin(spec) {
  return spec.startsWith('node:') || ['fs', 'path', 'child_process', 'os', 'net', 'http', 'https', 'crypto', 'util', 'stream', 'events', 'url', 'tty', 'dgram', 'worker_threads', 'process'].includes(spec.split('/')[0])
}

function check(fromLayer, spec, fileAbs) {
  const rule = RULES[fromLayer]
  if (spec.startsWith('.') || spec.startsWith('/')) {
    const target = path.relative(ROOT, path.resolve(path.dirname(fileAbs), spec))
    const toLayer = layerOf(target)
    if (toLayer === null) return `imports ${spec}, which is outside the layered folders`
    if (!rule.layers.includes(toLayer)) return `may not import from ${toLayer} (${spec}): ${WHY[fromLayer]}`
    return null
  }
  const pkg = packageName(spec)
  if (rule.packages === 'any') return null
  if (rule.packages === 'no-electron') {
    if (pkg === 'electron' || pkg === 'electron-store') return `may not import ${pkg}: ${WHY[fromLayer]}`
    return null
  }
  if (fromLayer === 'preload' && isNodeBuiltin(spec)) return `may not import ${spec}: ${WHY[fromLayer]}`
  if (!rule.packages.includes(pkg) && !rule.packages.includes(spec)) return `may not import ${spec}: ${WHY[fromLayer]}`
  return null
}

const importsRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Imports point down the layer table only (design.md §2).' },
    schema: [],
    messages: { layer: 'Layer {{layer}} {{problem}}.' },
  },
  create(context) {
    const fileAbs = path.resolve(context.cwd ?? ROOT, context.filename)
    const layer = layerOf(path.relative(ROOT, fileAbs))
    if (layer === null) return {}
    const visit = (node, source) => {
      if (!source || typeof source.value !== 'string') return
      const problem = check(layer, source.value, fileAbs)
      if (problem) context.report({ node, messageId: 'layer', data: { layer, problem } })
    }
    return {
      ImportDeclaration: (node) => visit(node, node.source),
      ExportNamedDeclaration: (node) => visit(node, node.source),
      ExportAllDeclaration: (node) => visit(node, node.source),
      ImportExpression: (node) => visit(node, node.source),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments[0]?.type === 'Literal') {
          visit(node, node.arguments[0])
        }
      },
    }
  },
}

export default { meta: { name: 'layers' }, rules: { imports: importsRule } }
