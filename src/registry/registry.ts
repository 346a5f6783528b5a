// The action's own registry calls: the token handshake of the distribution spec (anonymous, Basic
// credentials, or an ACR refresh token), ACR's Entra → refresh token exchange, and tag → digest.
import * as core from '@actions/core'
import { createHash } from 'node:crypto'
import { ActionError, InputError } from '../util/errors.ts'
import { httpRequest, serverMessage, type HttpOptions, type HttpResponse } from '../util/http.ts'
import {
  DIGEST,
  formatReference,
  isLoopbackHost,
  registryOrigin,
  sameRegistry
} from './reference.ts'
import type { ImageReference, RegistryCredential, ResolvedImage } from '../util/types.ts'

/** The username notation and ACR expect alongside a refresh token. */
export const ACR_REFRESH_TOKEN_USERNAME = '00000000-0000-0000-0000-000000000000'

/**
 * The ACR login-server suffixes of Azure's clouds (public, China, US Government): the
 * `acr_login_server_endpoint` values of azure-cli's cloud settings
 * (src/azure-cli-core/azure/cli/core/cloud.py), which name no other; Azure Germany had none.
 */
export const ACR_DOMAINS = ['.azurecr.io', '.azurecr.cn', '.azurecr.us'] as const

/**
 * Whether a registry is known to be Azure Container Registry: a login server under ACR's domains,
 * or one the user lists in acr-registries. Only these ever see the Azure identity's token.
 */
export function isAcrRegistry(registry: string, listed: readonly string[]): boolean {
  if (listed.some(entry => sameRegistry(entry, registry))) return true
  const hostname = new URL(`https://${registry}`).hostname
  return ACR_DOMAINS.some(domain => hostname.endsWith(domain) && hostname.length > domain.length)
}

/** Manifests are small (registries cap them at 4 MiB): a bigger answer is not read. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024

/** Server text quoted in a message: one line, bounded. */
function quoted(text: string): string {
  return JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text)
}

function effectivePort(url: URL): string {
  return url.port || (url.protocol === 'https:' ? '443' : '80')
}

/**
 * Where a credential may go from a 401 challenge. `own-host`: an ACR token (Entra or refresh) goes
 * only to the registry's own host, as ACR's realm is. `https`: Basic credentials go to any host
 * (Docker Hub's realm is auth.docker.io) but only over HTTPS. Plain HTTP only to loopback.
 */
export function checkRealm(
  registry: string,
  realm: string,
  rule: 'own-host' | 'https',
  what: string
): URL {
  let url: URL | undefined
  try {
    url = new URL(realm)
  } catch {
    url = undefined
  }
  const own = new URL(registryOrigin(registry))
  const secure =
    url !== undefined &&
    (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname)))
  const onOwnHost =
    url !== undefined && url.hostname === own.hostname && effectivePort(url) === effectivePort(own)
  if (!url || !secure || url.username !== '' || url.password !== '') {
    throw new ActionError(
      `${registry} names the token realm ${quoted(realm)}, which is not an HTTPS URL (plain HTTP only on loopback); refusing to send it ${what}.`
    )
  }
  if (rule === 'own-host' && !onOwnHost) {
    throw new ActionError(
      `${registry} names the token realm ${quoted(realm)}, which is not on the registry's own host (${own.host}); refusing to send it ${what}. An Azure Container Registry's token endpoints are on its login server.`
    )
  }
  return url
}

export const MANIFEST_MEDIA_TYPES = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json'
]

export interface Challenge {
  scheme: string
  params: Record<string, string>
}

/** Parses `WWW-Authenticate: Bearer realm="…",service="…",scope="…"`. */
export function parseChallenge(header: string | null): Challenge | undefined {
  if (!header) return undefined
  const m = /^\s*(\w+)\s*(.*)$/s.exec(header)
  if (!m?.[1]) return undefined
  const params: Record<string, string> = {}
  for (const p of (m[2] ?? '').matchAll(/(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g)) {
    if (p[1]) params[p[1].toLowerCase()] = (p[2] ?? p[3] ?? '').replace(/\\(.)/g, '$1')
  }
  return { scheme: m[1].toLowerCase(), params }
}

function describe(response: HttpResponse): string {
  return `HTTP ${response.status}${serverMessage(response) ? `: ${serverMessage(response)}` : ''}`
}

export interface RegistryClientOptions extends HttpOptions {
  credential?: RegistryCredential
}

/** One registry host; caches tokens per scope for the run. */
export class RegistryClient {
  readonly registry: string
  readonly origin: string
  private readonly credential: RegistryCredential | undefined
  private readonly http: HttpOptions
  private readonly tokens = new Map<string, string>()

  constructor(registry: string, options: RegistryClientOptions = {}) {
    this.registry = registry
    this.origin = registryOrigin(registry)
    this.credential = options.credential
    this.http = {
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.retry ? { retry: options.retry } : {})
    }
  }

  private basicHeader(): string | undefined {
    if (!this.credential) return undefined
    const { username, password } = this.credential
    return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`
  }

  private async fetchToken(challenge: Challenge, scope: string): Promise<string> {
    const realm = challenge.params['realm']
    if (!realm)
      throw new ActionError(`${this.registry} asked for a token without naming its realm.`)
    const service = challenge.params['service'] ?? this.registry
    const label = `Token for ${scope} from ${realm}`
    const acrToken = this.credential?.username === ACR_REFRESH_TOKEN_USERNAME
    if (this.credential) {
      checkRealm(
        this.registry,
        realm,
        acrToken ? 'own-host' : 'https',
        acrToken ? 'an ACR refresh token' : 'registry-password'
      )
    }
    let response: HttpResponse
    if (this.credential && acrToken) {
      // ACR and oras: an OAuth2 refresh-token grant.
      response = await httpRequest(
        label,
        realm,
        {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            grant_type: 'refresh_token',
            service,
            scope,
            refresh_token: this.credential.password
          }).toString()
        },
        { ...this.http, json: true }
      )
    } else {
      const url = new URL(realm)
      url.searchParams.set('service', service)
      url.searchParams.set('scope', scope)
      const auth = this.basicHeader()
      response = await httpRequest(
        label,
        url.toString(),
        auth ? { headers: { authorization: auth } } : {},
        { ...this.http, json: true }
      )
    }
    if (response.status !== 200) {
      throw new ActionError(
        `${this.registry} refused a token for ${scope} (${describe(response)}). ` +
          (this.credential
            ? 'Check that the identity may pull from this repository.'
            : 'The registry needs credentials: registry-username and registry-password (with ' +
              'registry-server), or list it in acr-registries if it is an Azure Container Registry.')
      )
    }
    const json = JSON.parse(response.body.toString('utf8')) as {
      token?: string
      access_token?: string
    }
    const token = json.access_token ?? json.token
    if (!token) throw new ActionError(`${realm} answered without a token.`)
    core.setSecret(token)
    return token
  }

  /**
   * A registry request with the distribution token dance, retried once after a 401 challenge. A
   * body (a blob or manifest push) is sent again with the retry.
   */
  async request(
    method: string,
    path: string,
    scope: string,
    headers: Record<string, string> = {},
    maxBytes?: number,
    body?: Uint8Array
  ): Promise<HttpResponse> {
    const url = `${this.origin}${path}`
    const send = (authorization?: string): Promise<HttpResponse> =>
      httpRequest(
        `${method} ${url}`,
        url,
        {
          method,
          headers: { ...headers, ...(authorization ? { authorization } : {}) },
          ...(body === undefined ? {} : { body })
        },
        { ...this.http, ...(maxBytes === undefined ? {} : { maxBytes }) }
      )
    const cached = this.tokens.get(scope)
    let response = await send(cached ? `Bearer ${cached}` : undefined)
    if (response.status !== 401) return response
    const challenge = parseChallenge(response.headers.get('www-authenticate'))
    if (challenge?.scheme === 'bearer') {
      const token = await this.fetchToken(challenge, scope)
      this.tokens.set(scope, token)
      response = await send(`Bearer ${token}`)
    } else if (challenge?.scheme === 'basic' && this.credential) {
      response = await send(this.basicHeader())
    }
    return response
  }

  /**
   * Resolves a tag (or checks a digest) to the digest of the manifest bytes the registry serves:
   * the bytes are hashed here (sha256, or sha512 when the header or reference says so), and a
   * Docker-Content-Digest header, when sent, must be well formed and agree. A server's claim never
   * becomes the digest by itself.
   */
  async resolve(input: string, ref: ImageReference): Promise<ResolvedImage> {
    const target = ref.digest ?? ref.tag ?? ''
    const path = `/v2/${ref.repository}/manifests/${target}`
    const scope = `repository:${ref.repository}:pull`
    const accept = { accept: MANIFEST_MEDIA_TYPES.join(', ') }
    const response = await this.request('GET', path, scope, accept, MAX_MANIFEST_BYTES)
    if (response.status === 404) {
      throw new InputError(
        'images',
        `'${input}' does not exist in ${this.registry} (manifest ${target} not found).`
      )
    }
    if (response.status === 401 || response.status === 403) {
      throw new ActionError(`${this.registry} refused to read '${input}' (${describe(response)}).`)
    }
    if (response.status !== 200) {
      throw new ActionError(`Resolving '${input}' failed: ${describe(response)}.`)
    }
    const header = response.headers.get('docker-content-digest')
    if (header !== null && !DIGEST.test(header)) {
      // Not echoed: it is the registry's text, and it must not reach a log line or an argument.
      throw new ActionError(
        `${this.registry} sent a malformed Docker-Content-Digest header (${header.length} characters, not sha256:<64 hex> or sha512:<128 hex>) for '${input}'; refusing it.`
      )
    }
    const hashed = (like: string): string => {
      const algorithm = like.startsWith('sha512:') ? 'sha512' : 'sha256'
      return `${algorithm}:${createHash(algorithm).update(response.body).digest('hex')}`
    }
    if (header !== null && header !== hashed(header)) {
      throw new ActionError(
        `${this.registry} sent Docker-Content-Digest ${header} for '${input}', but the manifest it served hashes to ${hashed(header)}; refusing a digest its bytes do not prove.`
      )
    }
    const digest = hashed(ref.digest ?? header ?? 'sha256:')
    if (ref.digest && digest !== ref.digest) {
      throw new ActionError(
        `${this.registry} answered '${input}' with a manifest whose digest is ${digest}, not ${ref.digest}.`
      )
    }
    const mediaType = manifestMediaType(response.headers.get('content-type'))
    return {
      input,
      registry: ref.registry,
      repository: ref.repository,
      digest,
      reference: formatReference({ registry: ref.registry, repository: ref.repository, digest }),
      ...(mediaType ? { mediaType } : {}),
      size: response.body.length
    }
  }
}

/**
 * ACR: trade an Entra access token (audience https://containerregistry.azure.net) for a registry
 * refresh token at the realm's /oauth2/exchange. The refresh token is masked at once.
 */
export async function exchangeAcrRefreshToken(
  registry: string,
  entraToken: string,
  tenantId: string | undefined,
  options: HttpOptions = {}
): Promise<string> {
  const origin = registryOrigin(registry)
  const probe = await httpRequest(`GET ${origin}/v2/`, `${origin}/v2/`, {}, options)
  const challenge = parseChallenge(probe.headers.get('www-authenticate'))
  const realm = challenge?.params['realm']
  if (probe.status !== 401 || challenge?.scheme !== 'bearer' || !realm) {
    throw new ActionError(
      `${registry} does not answer like Azure Container Registry (no Bearer challenge on /v2/); ` +
        'if it is not one, leave it out of acr-registries (and give registry-username and ' +
        'registry-password, with registry-server, if it needs credentials).'
    )
  }
  // Checked before anything is sent: the realm a 401 names is the registry's word, not proof.
  const realmUrl = checkRealm(registry, realm, 'own-host', "the Azure identity's token")
  const exchangeUrl = new URL('/oauth2/exchange', realmUrl).toString()
  const form = new URLSearchParams({
    grant_type: 'access_token',
    service: challenge.params['service'] ?? registry,
    access_token: entraToken,
    ...(tenantId ? { tenant: tenantId } : {})
  })
  const response = await httpRequest(
    `ACR token exchange at ${exchangeUrl}`,
    exchangeUrl,
    {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString()
    },
    { ...options, json: true }
  )
  if (response.status !== 200) {
    throw new ActionError(
      `${registry} refused the Azure identity (${describe(response)}). ` +
        'Grant it AcrPull (verify) and AcrPush (sign) on the registry.'
    )
  }
  const refreshToken = (JSON.parse(response.body.toString('utf8')) as { refresh_token?: string })
    .refresh_token
  if (!refreshToken) throw new ActionError(`${exchangeUrl} answered without a refresh token.`)
  core.setSecret(refreshToken)
  return refreshToken
}

/**
 * The media type of a Content-Type header as notation's registry client reads it (Go's
 * mime.ParseMediaType: parameters dropped, trimmed, lower-cased). What a signature's
 * targetArtifact names must match what notation derives, or notation refuses the signature.
 */
export function manifestMediaType(header: string | null | undefined): string | undefined {
  const type = header?.split(';')[0]?.trim().toLowerCase()
  return type === '' ? undefined : type
}
