// A real OCI registry (distribution 2.8, Debian's `docker-registry`) with token auth, behind a TLS
// StackServer that proxies /v2/ (streaming, with named routes for fault injection) and serves
// ACR's /oauth2/exchange and /oauth2/token on the same origin, as ACR does.
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { accessSync, closeSync, constants, openSync, readFileSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import http from 'node:http'
import net from 'node:net'
import path from 'node:path'
import type { ServerResponse } from 'node:http'
import { StackServer, type Route, type StackRequest } from './http.ts'
import { issueCertificate, x509, type Issued } from './pki.ts'
import {
  createAcr,
  ACR_TOKEN_USERNAME,
  REGISTRY_TOKEN_ISSUER,
  type Acr,
  type Principal
} from './acr.ts'
import {
  pushImage,
  pushIndex,
  type PushImageOptions,
  type PushIndexOptions,
  type PushedImage,
  type PushedIndex,
  type RegistryTarget
} from './images.ts'

const CANDIDATES = [
  '/usr/bin/docker-registry',
  '/usr/local/bin/docker-registry',
  '/usr/bin/registry'
]

/**
 * The distribution binary: $DOCKER_REGISTRY_BIN when set (and then only that), else a known path
 * or `docker-registry` on PATH.
 */
export function findRegistryBinary(): string | undefined {
  const fromEnv = process.env.DOCKER_REGISTRY_BIN
  const pathDirs = (process.env.PATH ?? '').split(path.delimiter).filter(d => d !== '')
  const candidates = fromEnv
    ? [fromEnv]
    : [...CANDIDATES, ...pathDirs.map(d => path.join(d, 'docker-registry'))]
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {
      // next
    }
  }
  return undefined
}

export interface RegistryOptions {
  /** The stack's CA: issues the token-signing certificate and goes into rootcertbundle. */
  ca: Issued
  /** TLS key and certificate for the front server (127.0.0.1). */
  tls: { key: string; cert: string }
  /** A writable directory of this registry's own (storage, config, log). */
  dir: string
  /** Verifies Entra tokens at /oauth2/exchange. */
  verifyEntraToken: (authorization: string, audience: string) => Promise<Principal | undefined>
  binary?: string
  accessTokenTtlSeconds?: number
}

export interface Registry {
  /** The TLS front server (proxy + ACR endpoints). */
  readonly server: StackServer
  readonly acr: Acr
  /** `127.0.0.1:PORT`: what clients put in references; also the token `service`. */
  readonly host: string
  /** `https://127.0.0.1:PORT` */
  readonly origin: string
  /** The docker-registry process id (undefined once stopped). */
  readonly pid: number | undefined
  /** The registry's own plain-HTTP port on 127.0.0.1 (behind the proxy). */
  readonly upstreamPort: number
  /** Where the registry process writes its log (never the test output). */
  readonly logFile: string
  readonly configFile: string
  /** A registry JWT for scopes, minted for the stack's admin principal (or another). */
  token(scopes: string[], principal?: Principal, ttlSeconds?: number): Promise<string>
  /** Target for images.ts helpers, authorised for pull,push on a repository. */
  target(repository: string): Promise<RegistryTarget>
  pushImage(repository: string, options?: PushImageOptions): Promise<PushedImage>
  pushIndex(repository: string, options?: PushIndexOptions): Promise<PushedIndex>
  /** See Acr.restrict. */
  restrict(identity: string, grants: string[] | Record<string, string[]>): void
  /** `NOTATION_USERNAME`/`NOTATION_PASSWORD`-style credentials (ACR null GUID + refresh token). */
  credentials(principal: Principal): Promise<{ username: string; password: string }>
  stop(): Promise<void>
}

const ADMIN: Principal = { subject: 'stack-admin' }

async function freePort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const port = (server.address() as net.AddressInfo).port
  await new Promise<void>(resolve => server.close(() => resolve()))
  return port
}

function probe(port: number): Promise<number | undefined> {
  return new Promise(resolve => {
    const req = http.get({ host: '127.0.0.1', port, path: '/v2/', agent: false }, res => {
      res.resume()
      resolve(res.statusCode)
    })
    req.on('error', () => resolve(undefined))
    req.setTimeout(1000, () => req.destroy())
  })
}

function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms))
}

function registryConfig(o: {
  port: number
  origin: string
  host: string
  dir: string
  rootCertBundle: string
  issuer: string
}): string {
  // YAML, but every value is JSON-quoted so paths and URLs need no escaping.
  const q = (s: string) => JSON.stringify(s)
  return [
    'version: 0.1',
    'log:',
    '  level: info',
    '  formatter: text',
    '  accesslog:',
    '    disabled: false',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${q(path.join(o.dir, 'data'))}`,
    '  delete:',
    '    enabled: true',
    '  cache:',
    '    blobdescriptor: inmemory',
    'http:',
    `  addr: ${q(`127.0.0.1:${o.port}`)}`,
    `  host: ${q(o.origin)}`,
    `  secret: ${q(randomBytes(16).toString('hex'))}`,
    '  headers:',
    '    X-Content-Type-Options: [nosniff]',
    'auth:',
    '  token:',
    `    realm: ${q(`${o.origin}/oauth2/token`)}`,
    `    service: ${q(o.host)}`,
    `    issuer: ${q(o.issuer)}`,
    `    rootcertbundle: ${q(o.rootCertBundle)}`,
    ''
  ].join('\n')
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'upgrade'
])

function proxyTo(getPort: () => number) {
  return (req: StackRequest, res: ServerResponse): Promise<void> =>
    new Promise<void>(resolve => {
      const headers: http.OutgoingHttpHeaders = {}
      for (const [k, v] of Object.entries(req.raw.headers)) {
        if (!HOP_BY_HOP.has(k) && v !== undefined) headers[k] = v
      }
      headers['x-forwarded-proto'] = 'https'
      headers['x-forwarded-for'] = req.raw.socket.remoteAddress ?? '127.0.0.1'
      const upstream = http.request(
        {
          host: '127.0.0.1',
          port: getPort(),
          method: req.method,
          path: req.raw.url ?? '/',
          headers,
          agent: false
        },
        up => {
          const out: http.OutgoingHttpHeaders = {}
          for (const [k, v] of Object.entries(up.headers)) {
            if (!HOP_BY_HOP.has(k) && v !== undefined) out[k] = v
          }
          res.writeHead(up.statusCode ?? 502, out)
          if (req.truncate) {
            // Promise the whole body, forward about half, then drop the connection.
            const total = Number(up.headers['content-length'] ?? 0)
            const half = Math.floor(total / 2)
            let sent = 0
            up.on('data', (chunk: Buffer) => {
              if (sent >= half) return
              const part = chunk.subarray(0, Math.max(0, half - sent))
              sent += part.length
              res.write(part)
              if (sent >= half) {
                up.destroy()
                res.destroy()
              }
            })
            up.on('end', () => res.destroy())
            res.on('close', () => resolve())
            if (half === 0) {
              up.destroy()
              res.destroy()
            }
            return
          }
          up.pipe(res)
          res.on('close', () => resolve())
          up.on('error', () => {
            res.destroy()
            resolve()
          })
        }
      )
      upstream.on('error', error => {
        if (!res.headersSent) {
          res.writeHead(502, { 'content-type': 'application/json' })
          res.end(
            JSON.stringify({
              errors: [{ code: 'UNAVAILABLE', message: `registry upstream: ${error.message}` }]
            })
          )
        } else {
          res.destroy()
        }
        resolve()
      })
      req.raw.pipe(upstream)
    })
}

/** Routes of the /v2/ API, most specific first, all proxied to the registry. */
function registryRoutes(getPort: () => number): Route[] {
  const raw = proxyTo(getPort)
  const name = '(?<name>(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*)'
  return [
    { name: 'registry.base', method: '*', path: /^\/v2\/?$/, raw },
    { name: 'registry.catalog', method: '*', path: /^\/v2\/_catalog$/, raw },
    { name: 'registry.tags', method: '*', path: new RegExp(`^/v2/${name}/tags/list$`), raw },
    {
      name: 'registry.manifests',
      method: '*',
      path: new RegExp(`^/v2/${name}/manifests/(?<reference>[^/]+)$`),
      raw
    },
    {
      name: 'registry.uploads',
      method: '*',
      path: new RegExp(`^/v2/${name}/blobs/uploads/(?<uuid>[^/]*)$`),
      raw
    },
    {
      name: 'registry.blobs',
      method: '*',
      path: new RegExp(`^/v2/${name}/blobs/(?<digest>[a-z0-9]+:[a-zA-Z0-9=_-]+)$`),
      raw
    },
    {
      name: 'registry.referrers',
      method: '*',
      path: new RegExp(`^/v2/${name}/referrers/(?<digest>[^/]+)$`),
      raw
    },
    { name: 'registry.other', method: '*', path: /^\/v2\/.*$/, raw }
  ]
}

export async function startRegistry(options: RegistryOptions): Promise<Registry> {
  const binary = options.binary ?? findRegistryBinary()
  if (!binary) {
    throw new Error(
      'docker-registry (distribution) is not installed: apt-get install -y docker-registry, or set DOCKER_REGISTRY_BIN'
    )
  }
  let upstreamPort = 0
  const server = new StackServer({ name: 'registry', tls: options.tls })
  await server.listen()
  const host = server.host
  const origin = server.origin

  // The token signer: a leaf from the stack CA; the registry trusts the CA (rootcertbundle) and
  // finds the leaf in the JWT's x5c header.
  const signer = await issueCertificate({
    subject: 'CN=registry token signer,O=Notation Test,ST=WA,C=US',
    issuer: options.ca,
    key: { kty: 'EC', crv: 'P-256' },
    keyUsage: x509.KeyUsageFlags.digitalSignature
  })
  const rootCertBundle = path.join(options.dir, 'token-ca.pem')
  await writeFile(rootCertBundle, options.ca.pem)

  const accessTtl = options.accessTokenTtlSeconds
  const acr = createAcr({
    service: host,
    verifyEntraToken: options.verifyEntraToken,
    signer: { key: signer.privateKey, x5c: [signer.der.toString('base64')], alg: 'ES256' },
    ...(accessTtl === undefined ? {} : { accessTokenTtlSeconds: accessTtl })
  })
  server.addRoutes(acr.routes)
  server.addRoutes(registryRoutes(() => upstreamPort))

  const configFile = path.join(options.dir, 'config.yml')
  const logFile = path.join(options.dir, 'registry.log')
  let child: ChildProcess | undefined
  let exited: Promise<void> = Promise.resolve()

  const launch = async (): Promise<boolean> => {
    upstreamPort = await freePort()
    await writeFile(
      configFile,
      registryConfig({
        port: upstreamPort,
        origin,
        host,
        dir: options.dir,
        rootCertBundle,
        issuer: REGISTRY_TOKEN_ISSUER
      })
    )
    const fd = openSync(logFile, 'a')
    const proc = spawn(binary, ['serve', configFile], {
      stdio: ['ignore', fd, fd],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: options.dir }
    })
    closeSync(fd)
    child = proc
    let gone = false
    exited = new Promise<void>(resolve => {
      proc.once('exit', () => {
        gone = true
        resolve()
      })
      proc.once('error', () => {
        gone = true
        resolve()
      })
    })
    const deadline = Date.now() + 15_000
    while (Date.now() < deadline) {
      if (gone) return false
      const status = await probe(upstreamPort)
      if (status === 401) return true
      await sleep(50)
    }
    proc.kill('SIGKILL')
    await exited
    return false
  }

  let started = false
  for (let attempt = 0; attempt < 3 && !started; attempt++) started = await launch()
  if (!started) {
    await server.close()
    let log = ''
    try {
      log = readFileSync(logFile, 'utf8').split('\n').slice(-20).join('\n')
    } catch {
      // no log
    }
    throw new Error(`docker-registry did not start (log ${logFile}):\n${log}`)
  }

  const registry: Registry = {
    server,
    acr,
    host,
    origin,
    get pid() {
      return child?.exitCode === null && child.signalCode === null ? child.pid : undefined
    },
    get upstreamPort() {
      return upstreamPort
    },
    logFile,
    configFile,
    token(scopes, principal = ADMIN, ttlSeconds) {
      return acr.issueAccessToken(principal, scopes, ttlSeconds)
    },
    async target(repository) {
      const token = await acr.issueAccessToken(ADMIN, [`repository:${repository}:pull,push`])
      return { origin, ca: options.ca.pem, authorization: `Bearer ${token}` }
    },
    async pushImage(repository, o) {
      return pushImage(await registry.target(repository), repository, o)
    },
    async pushIndex(repository, o) {
      return pushIndex(await registry.target(repository), repository, o)
    },
    restrict(identity, grants) {
      acr.restrict(identity, grants)
    },
    async credentials(principal) {
      return { username: ACR_TOKEN_USERNAME, password: await acr.issueRefreshToken(principal) }
    },
    async stop() {
      const proc = child
      if (proc && proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM')
        const timer = setTimeout(() => proc.kill('SIGKILL'), 3000)
        await exited
        clearTimeout(timer)
      }
      await server.close()
    }
  }
  return registry
}
