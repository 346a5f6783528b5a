// Hostile registry-side servers for the trust tests, on the stack's PKI (HTTPS on 127.0.0.1): a
// registry that is not what it claims to be (a third party's, or one named as ACR), and token
// endpoints that keep everything they are sent. They record requests in full, Authorization and
// body included, as an attacker would: a test shows that a credential never got there.
//
// The token endpoints answer like ACR's would (an exchange gives a refresh token, a token request
// with credentials gives an access token), so a client that trusts them goes on; anonymous token
// requests are answered only when the registry is public. A redirect, when set, answers instead.
import { createHash, randomBytes } from 'node:crypto'
import type { Route, StackRequest, StackResponse, StackServer } from './http.ts'
import type { Stack } from './stack.ts'

export interface Received {
  method: string
  path: string
  query: string
  authorization?: string
  body: string
}

export interface TokenBehaviour {
  /** Give tokens to anonymous requests too (a public registry). Default false. */
  anonymous: boolean
  /** Answer the token endpoints (`/oauth2/exchange`, `/oauth2/token`) with a redirect. */
  redirect?: {
    status: 301 | 302 | 303 | 307 | 308
    /** An origin: the redirect keeps the request's path. */
    to: string
    only?: 'exchange' | 'token'
    /** Redirect this many requests, then answer. Default: every one. */
    times?: number
  }
}

export interface TokenServer {
  readonly server: StackServer
  readonly origin: string
  /** The realm to name in a challenge: `<origin>/oauth2/token`. */
  readonly realm: string
  readonly received: Received[]
  readonly behaviour: TokenBehaviour
}

export interface HostileManifest {
  body: Buffer
  mediaType: string
  /** The Docker-Content-Digest header to send: the bytes' sha256 by default, null for none. */
  digestHeader?: string | null
}

export interface HostileRegistry extends TokenServer {
  /** `127.0.0.1:PORT`, as images name it. */
  readonly host: string
  /** Serve a manifest under `repository:tag` (and by its sha256 digest). */
  serve(repository: string, tag: string, manifest: HostileManifest): void
  /** Forget everything received (keeps the manifests and the behaviour). */
  reset(): void
}

function record(received: Received[], req: StackRequest): void {
  received.push({
    method: req.method,
    path: req.url.pathname,
    query: req.url.search,
    ...(req.headers.authorization === undefined
      ? {}
      : { authorization: req.headers.authorization }),
    body: req.body.toString('utf8')
  })
}

const issued = (kind: string): string => `hostile-${kind}-${randomBytes(12).toString('hex')}`

/** `/oauth2/exchange` and `/oauth2/token` as ACR serves them, recording everything. */
function tokenRoutes(received: Received[], behaviour: TokenBehaviour): Route[] {
  const redirect = (
    req: StackRequest,
    endpoint: 'exchange' | 'token'
  ): StackResponse | undefined => {
    const r = behaviour.redirect
    if (!r || (r.only !== undefined && r.only !== endpoint)) return undefined
    if (r.times !== undefined && r.times-- <= 0) return undefined
    return { status: r.status, headers: { location: `${r.to}${req.url.pathname}` } }
  }
  return [
    {
      name: 'hostile.exchange',
      method: 'POST',
      path: /^\/oauth2\/exchange$/,
      handler: req => {
        record(received, req)
        return (
          redirect(req, 'exchange') ?? { status: 200, body: { refresh_token: issued('refresh') } }
        )
      }
    },
    {
      name: 'hostile.token',
      method: '*',
      path: /^\/oauth2\/token$/,
      handler: req => {
        record(received, req)
        const redirected = redirect(req, 'token')
        if (redirected) return redirected
        const form = new URLSearchParams(req.body.toString('utf8'))
        const credentialed =
          req.headers.authorization !== undefined ||
          form.has('refresh_token') ||
          form.has('password')
        if (!credentialed && !behaviour.anonymous) {
          return {
            status: 401,
            body: { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }
          }
        }
        const token = issued('access')
        return { status: 200, body: { token, access_token: token } }
      }
    },
    {
      name: 'hostile.other',
      method: '*',
      path: /^\/(?!v2\/).*$/,
      handler: req => {
        record(received, req)
        return { status: 404, body: { errors: [{ code: 'NOT_FOUND', message: 'no such route' }] } }
      }
    }
  ]
}

/** Token endpoints on their own origin: a realm "elsewhere", or the target of a redirect. */
export async function startTokenServer(
  stack: Stack,
  behaviour: Partial<TokenBehaviour> = {}
): Promise<TokenServer> {
  const received: Received[] = []
  const state: TokenBehaviour = { anonymous: false, ...behaviour }
  const server = await stack.serve('hostile-tokens', tokenRoutes(received, state))
  return {
    server,
    origin: server.origin,
    realm: `${server.origin}/oauth2/token`,
    received,
    behaviour: state
  }
}

/**
 * A registry that answers /v2/ and manifests (anything else is 404: it takes no pushes). Its 401
 * challenge names `realm`, or its own token endpoints when none is given.
 */
export async function startHostileRegistry(
  stack: Stack,
  options: { realm?: string } & Partial<TokenBehaviour> = {}
): Promise<HostileRegistry> {
  const received: Received[] = []
  const behaviour: TokenBehaviour = {
    anonymous: options.anonymous ?? false,
    ...(options.redirect ? { redirect: options.redirect } : {})
  }
  const manifests = new Map<string, HostileManifest>()
  let origin = ''
  let host = ''
  const realm = (): string => options.realm ?? `${origin}/oauth2/token`
  const challenge = (scope?: string): StackResponse => ({
    status: 401,
    headers: {
      'www-authenticate': `Bearer realm="${realm()}",service="${host}"${scope ? `,scope="${scope}"` : ''}`
    },
    body: { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }
  })
  const routes: Route[] = [
    {
      name: 'hostile.base',
      method: '*',
      path: /^\/v2\/?$/,
      handler: req => {
        record(received, req)
        return req.headers.authorization?.startsWith('Bearer ')
          ? { status: 200, body: {} }
          : challenge()
      }
    },
    {
      name: 'hostile.manifests',
      method: '*',
      path: /^\/v2\/(?<name>.+)\/manifests\/(?<reference>[^/]+)$/,
      handler: req => {
        record(received, req)
        const name = req.params['name'] ?? ''
        if (!req.headers.authorization?.startsWith('Bearer '))
          return challenge(`repository:${name}:pull`)
        const manifest = manifests.get(`${name}@${req.params['reference'] ?? ''}`)
        if (!manifest || (req.method !== 'GET' && req.method !== 'HEAD')) {
          return {
            status: 404,
            body: { errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }] }
          }
        }
        const digest = `sha256:${createHash('sha256').update(manifest.body).digest('hex')}`
        const header = manifest.digestHeader === undefined ? digest : manifest.digestHeader
        return {
          status: 200,
          headers: {
            'content-type': manifest.mediaType,
            ...(header === null ? {} : { 'docker-content-digest': header })
          },
          body: manifest.body
        }
      }
    },
    {
      name: 'hostile.v2.other',
      method: '*',
      path: /^\/v2\/.*$/,
      handler: req => {
        record(received, req)
        return { status: 404, body: { errors: [{ code: 'UNSUPPORTED', message: 'no pushes' }] } }
      }
    },
    ...tokenRoutes(received, behaviour)
  ]
  const server = await stack.serve('hostile-registry', routes)
  origin = server.origin
  host = server.host
  return {
    server,
    origin,
    host,
    get realm() {
      return realm()
    },
    received,
    behaviour,
    serve(repository, tag, manifest) {
      const digest = `sha256:${createHash('sha256').update(manifest.body).digest('hex')}`
      manifests.set(`${repository}@${tag}`, manifest)
      manifests.set(`${repository}@${digest}`, manifest)
    },
    reset() {
      received.length = 0
      server.reset()
    }
  }
}

/** A small OCI image manifest (its config and layer need not exist: nothing here pulls them). */
export function fakeManifest(seed: string): HostileManifest {
  const blob = (text: string) => ({
    digest: `sha256:${createHash('sha256').update(text).digest('hex')}`,
    size: text.length
  })
  return {
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    body: Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: {
          mediaType: 'application/vnd.oci.image.config.v1+json',
          ...blob(`config ${seed}`)
        },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...blob(`layer ${seed}`) }]
      })
    )
  }
}
