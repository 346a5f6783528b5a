// The small HTTP(S) server every piece of the local stack runs on: routes with named parameters,
// a record of every call, and fault injection per route and per call number.
import http from 'node:http'
import https from 'node:https'
import net from 'node:net'
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import type { Duplex } from 'node:stream'

export interface StackRequest {
  method: string
  url: URL
  headers: IncomingHttpHeaders
  body: Buffer
  /** Named groups of the route's path pattern. */
  params: Record<string, string>
  /** The raw Node request, for handlers that stream (the registry proxy). */
  raw: IncomingMessage
  /**
   * Set for raw routes when a 'truncate' fault hits this call: the handler should promise the
   * whole body, send about half of it, then drop the connection.
   */
  truncate?: boolean
}

export interface StackResponse {
  status: number
  headers?: Record<string, string | string[]>
  /** A string or Buffer is sent as is; anything else as JSON. */
  body?: unknown
}

export type Handler = (req: StackRequest) => StackResponse | Promise<StackResponse>

/** A handler that writes the Node response itself (streaming); return true when it did. */
export type RawHandler = (req: StackRequest, res: ServerResponse) => Promise<void>

export interface Route {
  /** Used in call records and to target faults. */
  name: string
  /** HTTP method, or '*' for any. */
  method: string
  path: RegExp
  handler?: Handler
  raw?: RawHandler
}

export type FaultKind = 'latency' | 'status' | 'reset' | 'truncate'

export interface Fault {
  /** A route name, or '*' for every route. */
  route: string
  kind: FaultKind
  /** 1-based call numbers of that route to hit; omitted: every call. */
  calls?: number[]
  latencyMs?: number
  /** For kind 'status' (default 500). */
  status?: number
  /** For kind 'status': a Retry-After header value. */
  retryAfter?: string
  /** For kind 'status': the body (default: a JSON error naming the fault). */
  body?: unknown
  /**
   * In-process faults only (not over the admin route): hit only the requests this accepts, e.g.
   * one image's referrers tag, or only once a given notation command has started.
   */
  when?: (req: { method: string; path: string; headers: IncomingHttpHeaders }) => boolean
  /** Hit at most this many matching calls (counted per fault), then let requests through. */
  times?: number
  /** Hold each hit call until this settles, then apply the fault (a server that hangs until let go). */
  until?: Promise<unknown>
}

export interface CallRecord {
  route: string
  /** This route's call number, from 1. */
  call: number
  method: string
  path: string
  query: string
  status: number
  fault?: FaultKind
  /** Whether the request carried an Authorization header (never its value). */
  authorized: boolean
}

/**
 * For a CONNECT proxy: where a `CONNECT host:port` is tunnelled (a local server), or undefined to
 * refuse it with 403. Each CONNECT is recorded as a call of route `connect`, its path the authority.
 */
export type ConnectHandler = (authority: string) => { host: string; port: number } | undefined

export interface StackServerOptions {
  name: string
  routes?: Route[]
  /** PEM key and certificate; omitted means plain HTTP. */
  tls?: { key: string; cert: string }
  /** Makes the server an HTTP CONNECT proxy as well. */
  connect?: ConnectHandler
}

const MAX_BODY = 64 * 1024 * 1024

export class StackServer {
  readonly name: string
  readonly calls: CallRecord[] = []
  private readonly routes: Route[] = []
  private faults: Fault[] = []
  private readonly hits = new WeakMap<Fault, number>()
  private readonly counters = new Map<string, number>()
  private readonly sockets = new Set<Socket>()
  private readonly server: http.Server
  private port = 0
  private readonly secure: boolean

  constructor(options: StackServerOptions) {
    this.name = options.name
    this.secure = options.tls !== undefined
    this.server = options.tls
      ? https.createServer({ key: options.tls.key, cert: options.tls.cert })
      : http.createServer()
    this.server.on('request', (req, res) => void this.dispatch(req, res))
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket)
      socket.on('close', () => this.sockets.delete(socket))
    })
    this.server.on('secureConnection', (socket: Socket) => {
      this.sockets.add(socket)
      socket.on('close', () => this.sockets.delete(socket))
    })
    const connect = options.connect
    if (connect) {
      this.server.on('connect', (req: IncomingMessage, client: Duplex, head: Buffer) =>
        this.tunnel(req, client, head, connect)
      )
    }
    this.addRoutes(adminRoutes(this))
    this.addRoutes(options.routes ?? [])
  }

  private tunnel(
    req: IncomingMessage,
    client: Duplex,
    head: Buffer,
    connect: ConnectHandler
  ): void {
    const authority = req.url ?? ''
    const call = (this.counters.get('connect') ?? 0) + 1
    this.counters.set('connect', call)
    const record: CallRecord = {
      route: 'connect',
      call,
      method: 'CONNECT',
      path: authority,
      query: '',
      status: 0,
      authorized: req.headers['proxy-authorization'] !== undefined
    }
    this.calls.push(record)
    client.on('error', () => client.destroy())
    const target = connect(authority)
    if (!target) {
      record.status = 403
      client.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n')
      return
    }
    const upstream = net.connect(target.port, target.host, () => {
      record.status = 200
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      if (head.length > 0) upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    this.sockets.add(upstream)
    upstream.on('close', () => {
      this.sockets.delete(upstream)
      client.destroy()
    })
    upstream.on('error', () => {
      if (record.status === 0) {
        record.status = 502
        client.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n')
      } else client.destroy()
    })
    client.on('close', () => upstream.destroy())
  }

  addRoutes(routes: Route[]): void {
    this.routes.push(...routes)
  }

  inject(fault: Fault): void {
    this.faults.push(fault)
  }

  clearFaults(): void {
    this.faults = []
  }

  /** Forgets faults, the call log and per-route call numbers: a clean slate for the next test. */
  reset(): void {
    this.faults = []
    this.calls.length = 0
    this.counters.clear()
  }

  /** How many times a route was called (faulted calls included). */
  callCount(route: string): number {
    return this.counters.get(route) ?? 0
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen(port, host, () => {
        this.server.off('error', reject)
        resolve()
      })
    })
    this.port = (this.server.address() as AddressInfo).port
  }

  get host(): string {
    return `127.0.0.1:${this.port}`
  }

  get origin(): string {
    return `${this.secure ? 'https' : 'http'}://${this.host}`
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy()
    await new Promise<void>(resolve => this.server.close(() => resolve()))
  }

  private match(
    method: string,
    pathname: string
  ): { route: Route; params: Record<string, string> } | undefined {
    for (const route of this.routes) {
      if (route.method !== '*' && route.method !== method) continue
      const m = route.path.exec(pathname)
      if (!m) continue
      const params: Record<string, string> = {}
      for (const [k, v] of Object.entries(m.groups ?? {})) {
        if (v !== undefined) params[k] = decodeURIComponent(v)
      }
      return { route, params }
    }
    return undefined
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.origin)
    const method = req.method ?? 'GET'
    const found = this.match(method, url.pathname)
    const routeName = found?.route.name ?? 'unmatched'
    const call = (this.counters.get(routeName) ?? 0) + 1
    this.counters.set(routeName, call)
    const record: CallRecord = {
      route: routeName,
      call,
      method,
      path: url.pathname,
      query: url.search,
      status: 0,
      authorized: req.headers.authorization !== undefined
    }
    this.calls.push(record)

    try {
      const seen = { method, path: url.pathname, headers: req.headers }
      const faults = this.faults.filter(
        f =>
          (f.route === '*' || f.route === routeName) &&
          (!f.calls || f.calls.includes(call)) &&
          (f.times === undefined || (this.hits.get(f) ?? 0) < f.times) &&
          (!f.when || f.when(seen))
      )
      const fault = faults.find(f => f.kind !== 'latency')
      const hit = faults.filter(f => f.kind === 'latency' || f === fault)
      for (const f of hit) this.hits.set(f, (this.hits.get(f) ?? 0) + 1)
      for (const f of hit) {
        if (f.kind === 'latency')
          await new Promise(resolve => setTimeout(resolve, f.latencyMs ?? 1000))
        if (f.until) await f.until.catch(() => undefined)
      }
      if (fault?.kind === 'reset') {
        record.fault = 'reset'
        req.socket.destroy()
        return
      }
      if (fault?.kind === 'status') {
        record.fault = 'status'
        const status = fault.status ?? 500
        const headers: Record<string, string> = {}
        if (fault.retryAfter !== undefined) headers['retry-after'] = fault.retryAfter
        const body = fault.body ?? {
          error: {
            code: `Injected${status}`,
            message: `injected fault: HTTP ${status} on ${routeName}`
          }
        }
        await drain(req)
        send(res, record, { status, headers, body })
        return
      }
      if (!found) {
        await drain(req)
        send(res, record, {
          status: 404,
          body: {
            error: {
              code: 'NotFound',
              message: `${this.name}: no route for ${method} ${url.pathname}`
            }
          }
        })
        return
      }
      const request: StackRequest = {
        method,
        url,
        headers: req.headers,
        body: found.route.raw ? Buffer.alloc(0) : await readBody(req),
        params: found.params,
        raw: req
      }
      if (found.route.raw) {
        if (fault?.kind === 'truncate') {
          record.fault = 'truncate'
          request.truncate = true
        }
        res.on('finish', () => (record.status = res.statusCode))
        await found.route.raw(request, res)
        return
      }
      const response = await found.route.handler!(request)
      if (fault?.kind === 'truncate') {
        record.fault = 'truncate'
        sendTruncated(res, record, response)
        return
      }
      send(res, record, response)
    } catch (error) {
      if (!res.headersSent) {
        send(res, record, {
          status: 500,
          body: { error: { code: 'StackError', message: (error as Error).message } }
        })
      } else {
        res.destroy()
      }
    }
  }
}

function encode(response: StackResponse): {
  headers: Record<string, string | string[]>
  body: Buffer
} {
  const headers: Record<string, string | string[]> = { ...(response.headers ?? {}) }
  let body: Buffer
  if (response.body === undefined) body = Buffer.alloc(0)
  else if (Buffer.isBuffer(response.body)) body = response.body
  else if (typeof response.body === 'string') body = Buffer.from(response.body)
  else {
    body = Buffer.from(JSON.stringify(response.body))
    if (!Object.keys(headers).some(h => h.toLowerCase() === 'content-type')) {
      headers['content-type'] = 'application/json; charset=utf-8'
    }
  }
  headers['content-length'] = String(body.length)
  return { headers, body }
}

function send(res: ServerResponse, record: CallRecord, response: StackResponse): void {
  const { headers, body } = encode(response)
  record.status = response.status
  res.writeHead(response.status, headers)
  res.end(body)
}

/** Headers promise the whole body; half of it arrives, then the connection drops. */
function sendTruncated(res: ServerResponse, record: CallRecord, response: StackResponse): void {
  const { headers, body } = encode(response)
  record.status = response.status
  res.writeHead(response.status, headers)
  res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.destroy())
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY) throw new Error('request body too large')
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks)
}

async function drain(req: IncomingMessage): Promise<void> {
  if (req.readableEnded) return
  req.resume()
  await new Promise<void>(resolve => {
    req.once('end', resolve)
    req.once('close', resolve)
  })
}

/** Lets another process (a local run, `npm run stack`) steer faults and read the call log. */
function adminRoutes(server: StackServer): Route[] {
  return [
    {
      name: 'admin.faults.add',
      method: 'POST',
      path: /^\/_stack\/faults$/,
      handler: req => {
        server.inject(JSON.parse(req.body.toString()) as Fault)
        return { status: 204 }
      }
    },
    {
      name: 'admin.faults.clear',
      method: 'DELETE',
      path: /^\/_stack\/faults$/,
      handler: () => {
        server.clearFaults()
        return { status: 204 }
      }
    },
    {
      name: 'admin.calls',
      method: 'GET',
      path: /^\/_stack\/calls$/,
      handler: () => ({ status: 200, body: server.calls })
    }
  ]
}

/** An OAuth-style JSON error body, as Azure services send. */
export function azureError(status: number, code: string, message: string): StackResponse {
  return { status, body: { error: { code, message } } }
}
