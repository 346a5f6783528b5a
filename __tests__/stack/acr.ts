// Azure Container Registry's token endpoints, in front of a real distribution registry configured
// for token auth: /oauth2/exchange trades an Entra access token for an ACR refresh token, and
// /oauth2/token trades that (or Basic credentials) for a registry JWT the registry verifies
// against its rootcertbundle (x5c header chaining to the stack's CA).
import { randomBytes, randomUUID, type KeyObject } from 'node:crypto'
import { SignJWT, jwtVerify, type JWTPayload } from 'jose'
import type { Route, StackRequest, StackResponse } from './http.ts'

/** The username ACR expects alongside a refresh token used as a password. */
export const ACR_TOKEN_USERNAME = '00000000-0000-0000-0000-000000000000'
export const ACR_AUDIENCE = 'https://containerregistry.azure.net'
export const REGISTRY_TOKEN_ISSUER = 'Azure Container Registry'

export interface AccessEntry {
  type: string
  name: string
  actions: string[]
}

export interface Principal {
  /** Object id (`oid`) of the identity, or a basic user's name. */
  subject: string
  /** Application (client) id, when the identity is an app. */
  clientId?: string
  tenantId?: string
}

export interface AcrOptions {
  /** The `service` the registry expects (its host, e.g. `127.0.0.1:PORT`). */
  service: string
  /** Verifies the Entra token presented to /oauth2/exchange for an audience. */
  verifyEntraToken: (authorization: string, audience: string) => Promise<Principal | undefined>
  /** Signs registry tokens: key plus the base64 DER chain for the `x5c` header (leaf first). */
  signer: { key: KeyObject; x5c: string[]; alg: 'ES256' | 'RS256' }
  /** Audiences accepted at the exchange (default: containerregistry and ARM). */
  exchangeAudiences?: string[]
  refreshTokenTtlSeconds?: number
  accessTokenTtlSeconds?: number
}

export interface Acr {
  readonly routes: Route[]
  readonly service: string
  /**
   * Limit what an identity (matched by object id, client id or basic user name) may do:
   * `{ 'repo/name': ['pull'] }`, or a list of repositories (pull and push). Identities never
   * restricted get every action on every repository.
   */
  restrict(identity: string, grants: string[] | Record<string, string[]>): void
  /** Lift a restriction. */
  unrestrict(identity: string): void
  /** A name/password pair that works as Basic credentials at /oauth2/token (like ACR's admin user). */
  addBasicUser(username: string, password: string): void
  /** Allow pulls without credentials (ACR's anonymous pull). */
  anonymousPull: boolean
  /** Mint an ACR refresh token for a principal directly. */
  issueRefreshToken(principal: Principal, ttlSeconds?: number): Promise<string>
  /**
   * Mint a registry access token for scopes (`repository:<name>:pull,push`), after the grant
   * table. `ttlSeconds` may be negative to produce an already-expired token.
   */
  issueAccessToken(principal: Principal, scopes: string[], ttlSeconds?: number): Promise<string>
  /** What the grant table allows a principal for the requested scopes. */
  grantedAccess(principal: Principal, scopes: string[]): AccessEntry[]
  /** Every refresh and access token minted, oldest first: for leak scans. */
  readonly issuedTokens: readonly { kind: 'refresh' | 'access'; value: string }[]
}

const ALL_ACTIONS = ['pull', 'push', 'delete', '*']

function acrError(status: number, code: string, message: string): StackResponse {
  return { status, body: { errors: [{ code, message }] } }
}

const UNAUTHORIZED_MESSAGE =
  'authentication required, visit https://aka.ms/acr/authorization for more information.'

/** Parse `type:name:actions` (name may hold `/` and, for odd scopes, `:`). */
export function parseScope(scope: string): AccessEntry | undefined {
  const first = scope.indexOf(':')
  const last = scope.lastIndexOf(':')
  if (first < 0 || last <= first) return undefined
  let type = scope.slice(0, first)
  const paren = type.indexOf('(')
  if (paren >= 0) type = type.slice(0, paren)
  const name = scope.slice(first + 1, last)
  const actions = scope
    .slice(last + 1)
    .split(',')
    .filter(a => a !== '')
  if (!type || !name) return undefined
  return { type, name, actions }
}

export function createAcr(options: AcrOptions): Acr {
  const refreshSecret = randomBytes(32)
  const refreshTtl = options.refreshTokenTtlSeconds ?? 3 * 3600
  const accessTtl = options.accessTokenTtlSeconds ?? 5 * 60
  const audiences = options.exchangeAudiences ?? [ACR_AUDIENCE, 'https://management.azure.com']
  const restrictions = new Map<string, Map<string, string[]>>()
  const basicUsers = new Map<string, string>()
  const issuedTokens: { kind: 'refresh' | 'access'; value: string }[] = []

  function restrictionFor(principal: Principal): Map<string, string[]> | undefined {
    for (const id of [principal.subject, principal.clientId]) {
      if (id !== undefined && restrictions.has(id)) return restrictions.get(id)
    }
    return undefined
  }

  const acr: Acr = {
    routes: [],
    service: options.service,
    anonymousPull: false,
    issuedTokens,
    restrict(identity, grants) {
      const table = new Map<string, string[]>()
      if (Array.isArray(grants)) for (const repo of grants) table.set(repo, ['pull', 'push'])
      else for (const [repo, actions] of Object.entries(grants)) table.set(repo, actions)
      restrictions.set(identity, table)
    },
    unrestrict(identity) {
      restrictions.delete(identity)
    },
    addBasicUser(username, password) {
      basicUsers.set(username, password)
    },
    grantedAccess(principal, scopes) {
      const table = restrictionFor(principal)
      const out: AccessEntry[] = []
      for (const scope of scopes.flatMap(s => s.split(' ')).filter(s => s !== '')) {
        const entry = parseScope(scope)
        if (!entry) continue
        let allowed: string[]
        if (entry.type === 'repository') {
          allowed = table ? (table.get(entry.name) ?? []) : ALL_ACTIONS
          if (allowed.includes('*')) allowed = ALL_ACTIONS
        } else if (entry.type === 'registry' && entry.name === 'catalog') {
          allowed = table ? [] : ['*']
        } else {
          allowed = []
        }
        const actions = entry.actions.filter(a => allowed.includes(a))
        const existing = out.find(e => e.type === entry.type && e.name === entry.name)
        if (existing) {
          for (const a of actions) if (!existing.actions.includes(a)) existing.actions.push(a)
        } else {
          out.push({ type: entry.type, name: entry.name, actions })
        }
      }
      return out
    },
    async issueRefreshToken(principal, ttlSeconds = refreshTtl) {
      const now = Math.floor(Date.now() / 1000)
      const claims: JWTPayload = {
        jti: randomUUID(),
        sub: principal.subject,
        nbf: now - 5,
        exp: now + ttlSeconds,
        iat: now,
        iss: REGISTRY_TOKEN_ISSUER,
        aud: options.service,
        version: '1.0',
        rid: randomBytes(16).toString('hex'),
        grant_type: 'refresh_token',
        appid: principal.clientId ?? principal.subject,
        tenant: principal.tenantId ?? '',
        permissions: { actions: ['read', 'write', 'delete'], notActions: [] },
        roles: []
      }
      const token = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .sign(refreshSecret)
      issuedTokens.push({ kind: 'refresh', value: token })
      return token
    },
    async issueAccessToken(principal, scopes, ttlSeconds = accessTtl) {
      const now = Math.floor(Date.now() / 1000)
      const access = acr.grantedAccess(principal, scopes)
      // distribution 2.8 reads `aud` as a single string, so it must not be an array.
      const claims: JWTPayload = {
        jti: randomUUID(),
        sub: principal.subject,
        nbf: ttlSeconds < 0 ? now + ttlSeconds - 600 : now - 5,
        exp: now + ttlSeconds,
        iat: ttlSeconds < 0 ? now + ttlSeconds - 600 : now,
        iss: REGISTRY_TOKEN_ISSUER,
        aud: options.service,
        version: '2.0',
        grant_type: 'refresh_token',
        tenant: principal.tenantId ?? '',
        access
      }
      const token = await new SignJWT(claims)
        .setProtectedHeader({ typ: 'JWT', alg: options.signer.alg, x5c: options.signer.x5c })
        .sign(options.signer.key)
      issuedTokens.push({ kind: 'access', value: token })
      return token
    }
  }

  async function principalFromRefreshToken(token: string): Promise<Principal | undefined> {
    try {
      const { payload } = await jwtVerify(token, refreshSecret, {
        issuer: REGISTRY_TOKEN_ISSUER,
        audience: options.service,
        algorithms: ['HS256']
      })
      if (payload.grant_type !== 'refresh_token' || typeof payload.sub !== 'string')
        return undefined
      const principal: Principal = { subject: payload.sub }
      if (typeof payload.appid === 'string') principal.clientId = payload.appid
      if (typeof payload.tenant === 'string' && payload.tenant) principal.tenantId = payload.tenant
      return principal
    } catch {
      return undefined
    }
  }

  /** Username/password as ACR takes them: the null GUID + a refresh token, or a basic user. */
  async function principalFromPassword(
    username: string,
    password: string
  ): Promise<Principal | undefined> {
    if (username === ACR_TOKEN_USERNAME) return principalFromRefreshToken(password)
    const expected = basicUsers.get(username)
    if (expected !== undefined && expected === password) return { subject: username }
    return undefined
  }

  function checkService(service: string | null): StackResponse | undefined {
    if (service !== options.service) {
      return acrError(
        400,
        'BAD_REQUEST',
        `service '${service ?? ''}' does not match this registry ('${options.service}')`
      )
    }
    return undefined
  }

  const exchange = async (req: StackRequest): Promise<StackResponse> => {
    const form = new URLSearchParams(req.body.toString())
    const grantType = form.get('grant_type')
    if (grantType !== 'access_token' && grantType !== 'access_token_refresh_token') {
      return acrError(400, 'BAD_REQUEST', `unsupported grant_type '${grantType ?? ''}'`)
    }
    const bad = checkService(form.get('service'))
    if (bad) return bad
    const accessToken = form.get('access_token')
    if (!accessToken) return acrError(400, 'BAD_REQUEST', 'access_token is required')
    let principal: Principal | undefined
    for (const audience of audiences) {
      principal = await options.verifyEntraToken(`Bearer ${accessToken}`, audience)
      if (principal) break
    }
    if (!principal) return acrError(401, 'UNAUTHORIZED', UNAUTHORIZED_MESSAGE)
    const tenant = form.get('tenant')
    if (tenant && principal.tenantId && tenant !== principal.tenantId) {
      return acrError(401, 'UNAUTHORIZED', `tenant '${tenant}' does not match the token's tenant`)
    }
    return { status: 200, body: { refresh_token: await acr.issueRefreshToken(principal) } }
  }

  function basicCredentials(header: string | undefined): [string, string] | undefined {
    const m = /^Basic\s+(\S+)$/i.exec(header ?? '')
    if (!m?.[1]) return undefined
    const decoded = Buffer.from(m[1], 'base64').toString()
    const colon = decoded.indexOf(':')
    if (colon < 0) return undefined
    return [decoded.slice(0, colon), decoded.slice(colon + 1)]
  }

  function onlyPull(scopes: string[]): string[] {
    return scopes
      .flatMap(s => s.split(' '))
      .map(parseScope)
      .filter((e): e is AccessEntry => e?.type === 'repository')
      .map(e => `repository:${e.name}:${e.actions.includes('pull') ? 'pull' : ''}`)
  }

  const tokenPost = async (req: StackRequest): Promise<StackResponse> => {
    const form = new URLSearchParams(req.body.toString())
    const bad = checkService(form.get('service'))
    if (bad) return bad
    const grantType = form.get('grant_type')
    let principal: Principal | undefined
    if (grantType === 'refresh_token') {
      principal = await principalFromRefreshToken(form.get('refresh_token') ?? '')
    } else if (grantType === 'password') {
      principal = await principalFromPassword(
        form.get('username') ?? '',
        form.get('password') ?? ''
      )
    } else {
      return acrError(400, 'BAD_REQUEST', `unsupported grant_type '${grantType ?? ''}'`)
    }
    if (!principal) return acrError(401, 'UNAUTHORIZED', UNAUTHORIZED_MESSAGE)
    // oras-go sends one space-separated `scope`; others repeat the parameter.
    const scopes = form.getAll('scope')
    return { status: 200, body: { access_token: await acr.issueAccessToken(principal, scopes) } }
  }

  const tokenGet = async (req: StackRequest): Promise<StackResponse> => {
    const bad = checkService(req.url.searchParams.get('service'))
    if (bad) return bad
    const scopes = req.url.searchParams.getAll('scope')
    const basic = basicCredentials(req.headers.authorization)
    let principal: Principal | undefined
    if (basic) principal = await principalFromPassword(basic[0], basic[1])
    if (!principal) {
      if (!basic && acr.anonymousPull) {
        const token = await acr.issueAccessToken({ subject: '' }, onlyPull(scopes))
        return { status: 200, body: { token, access_token: token } }
      }
      return acrError(401, 'UNAUTHORIZED', UNAUTHORIZED_MESSAGE)
    }
    const token = await acr.issueAccessToken(principal, scopes)
    return { status: 200, body: { token, access_token: token } }
  }

  acr.routes.push(
    { name: 'acr.exchange', method: 'POST', path: /^\/oauth2\/exchange$/, handler: exchange },
    { name: 'acr.token', method: 'POST', path: /^\/oauth2\/token$/, handler: tokenPost },
    { name: 'acr.token', method: 'GET', path: /^\/oauth2\/token$/, handler: tokenGet }
  )
  return acr
}
