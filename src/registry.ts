// The action's own registry calls: the token handshake of the distribution spec (anonymous, Basic
// credentials, or an ACR refresh token), ACR's Entra → refresh token exchange, and tag → digest.
import * as core from '@actions/core'
import { createHash } from 'node:crypto'
import { ActionError, InputError } from './errors.ts'
import { httpRequest, serverMessage, type HttpOptions, type HttpResponse } from './http.ts'
import { formatReference, registryOrigin } from './reference.ts'
import type { ImageReference, RegistryCredential, ResolvedImage } from './types.ts'

/** The username notation and ACR expect alongside a refresh token. */
export const ACR_REFRESH_TOKEN_USERNAME = '00000000-0000-0000-0000-000000000000'

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
    let response: HttpResponse
    if (this.credential?.username === ACR_REFRESH_TOKEN_USERNAME) {
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
            : 'The registry needs credentials.')
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

  /** A registry request with the distribution token dance, retried once after a 401 challenge. */
  async request(
    method: string,
    path: string,
    scope: string,
    headers: Record<string, string> = {}
  ): Promise<HttpResponse> {
    const url = `${this.origin}${path}`
    const send = (authorization?: string): Promise<HttpResponse> =>
      httpRequest(
        `${method} ${url}`,
        url,
        { method, headers: { ...headers, ...(authorization ? { authorization } : {}) } },
        this.http
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

  /** Resolves a tag (or checks a digest) to the manifest digest the registry serves. */
  async resolve(input: string, ref: ImageReference): Promise<ResolvedImage> {
    const target = ref.digest ?? ref.tag ?? ''
    const path = `/v2/${ref.repository}/manifests/${target}`
    const scope = `repository:${ref.repository}:pull`
    const accept = { accept: MANIFEST_MEDIA_TYPES.join(', ') }
    let response = await this.request('HEAD', path, scope, accept)
    let digest = response.headers.get('docker-content-digest') ?? undefined
    if (response.status === 200 && !digest) {
      // Some registries leave the digest header off HEAD; the manifest bytes tell it anyway.
      response = await this.request('GET', path, scope, accept)
      if (response.status === 200)
        digest = `sha256:${createHash('sha256').update(response.body).digest('hex')}`
    }
    if (response.status === 404) {
      throw new InputError(
        'images',
        `'${input}' does not exist in ${this.registry} (manifest ${target} not found).`
      )
    }
    if ((response.status === 401 || response.status === 403) && response.body.length === 0) {
      // A HEAD answer has no body: ask once more by GET for the registry's own words.
      const explained = await this.request('GET', path, scope, accept)
      if (explained.status === response.status) response = explained
    }
    if (response.status === 401 || response.status === 403) {
      throw new ActionError(`${this.registry} refused to read '${input}' (${describe(response)}).`)
    }
    if (response.status !== 200 || !digest) {
      throw new ActionError(`Resolving '${input}' failed: ${describe(response)}.`)
    }
    if (ref.digest && digest !== ref.digest) {
      throw new InputError(
        'images',
        `'${input}': the registry serves digest ${digest}, not ${ref.digest}.`
      )
    }
    const mediaType = response.headers.get('content-type')?.split(';')[0]
    return {
      input,
      registry: ref.registry,
      repository: ref.repository,
      digest,
      reference: formatReference({ registry: ref.registry, repository: ref.repository, digest }),
      ...(mediaType ? { mediaType } : {})
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
        'give registry-username and registry-password for other registries.'
    )
  }
  const exchangeUrl = new URL('/oauth2/exchange', realm).toString()
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
