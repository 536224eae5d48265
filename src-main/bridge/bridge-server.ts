// The web bridge: the real services under plain Node, served to a browser page over a
// WebSocket on 127.0.0.1. It serves the built renderer with the web transport script
// injected, and accepts a socket only with the per-run token and the bridge's own origin.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { readFile } from 'node:fs/promises'
import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { WebSocketServer, type WebSocket } from 'ws'
import { dispatch } from '../services/dispatch'
import type { AppContext } from '../services/app-context'
import { CONTENT_SECURITY_POLICY } from '../core/security/content-security-policy'
import { contentTypeOf, resolveStaticPath } from '../adapters/web/static-files'

export interface BridgeOptions {
  readonly context: AppContext
  /** The built renderer (out/renderer). */
  readonly rendererDir: string
  /** The built web transport script (out/bridge-client/bridge-client.js). */
  readonly bridgeClientFile: string
  readonly port?: number
  readonly token?: string
}

export interface Bridge {
  readonly port: number
  readonly token: string
  /** The address to open, with the token in the fragment. */
  readonly url: string
  close(): Promise<void>
}


const HOST = '127.0.0.1'
const BRIDGE_SCRIPT_PATH = '/bridge-client.js'

function tokenMatches(given: string | null, expected: string): boolean {
  if (given === null) return false
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  const { context } = options
  const token = options.token ?? randomBytes(24).toString('base64url')
  let origin = ''

  const serveStatic = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', `http://${HOST}`)
    const headers: Record<string, string> = {
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, headers).end()
      return
    }
    try {
      if (url.pathname === BRIDGE_SCRIPT_PATH) {
        const body = await readFile(options.bridgeClientFile)
        res.writeHead(200, { ...headers, 'content-type': contentTypeOf(options.bridgeClientFile) }).end(body)
        return
      }
      const file = resolveStaticPath(options.rendererDir, url.pathname)
      if (file === null) {
        res.writeHead(403, headers).end()
        return
      }
      let body: Buffer | string = await readFile(file)
      if (file.endsWith('index.html')) {
        // The web transport must define window.api before the app's module runs.
        body = body.toString('utf8').replace('<head>', `<head><script src="${BRIDGE_SCRIPT_PATH}"></script>`)
      }
      res.writeHead(200, { ...headers, 'content-type': contentTypeOf(file) }).end(body)
    } catch {
      res.writeHead(404, headers).end('not found')
    }
  }

  const server = createServer((req, res) => {
    void serveStatic(req, res)
  })
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 })

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', `http://${HOST}`)
    const allowed =
      url.pathname === '/api' &&
      tokenMatches(url.searchParams.get('token'), token) &&
      req.headers.host === `${HOST}:${(server.address() as AddressInfo).port}` &&
      // A page on any other origin could know the port but must not drive the app.
      (req.headers.origin === undefined || req.headers.origin === origin)
    if (!allowed) {
      context.logger.warn('web bridge refused a connection', { path: url.pathname, origin: req.headers.origin ?? null })
      socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n')
      socket.destroy()
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req))
  })

  wss.on('connection', (ws: WebSocket) => {
    const stop = context.events.subscribe((e) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ kind: 'event', event: e.name, payload: e.payload }))
    })
    ws.on('close', stop)
    ws.on('message', (data) => {
      void (async () => {
        let msg: { id?: unknown; method?: unknown; input?: unknown }
        try {
          msg = JSON.parse(String(data)) as typeof msg
        } catch {
          ws.close(1003, 'not JSON')
          return
        }
        if (typeof msg.id !== 'number') {
          ws.close(1003, 'missing id')
          return
        }
        const result = await dispatch(context.services, context.logger, msg.method, msg.input)
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ kind: 'result', id: msg.id, result }))
      })()
    })
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, HOST, () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  origin = `http://${HOST}:${port}`
  context.logger.info('web bridge listening', { address: origin })

  return {
    port,
    token,
    url: `${origin}/#token=${token}`,
    close: async () => {
      for (const client of wss.clients) client.terminate()
      wss.close()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
