// A Microsoft Entra ID stand-in: enough of login.microsoftonline.com for a real @azure/identity
// ClientAssertionCredential or ClientSecretCredential (authorityHost = this server,
// disableInstanceDiscovery) to get app-only access tokens, with federated credentials checked
// the way Entra checks them and errors shaped like Entra's.
import { randomBytes, randomUUID } from 'node:crypto'
import {
  SignJWT,
  decodeJwt,
  errors as joseErrors,
  exportJWK,
  generateKeyPair,
  jwtVerify,
  type JWK,
  type JWTPayload
} from 'jose'
import type { Route, StackRequest, StackResponse } from './http.ts'

export const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'
export const EXCHANGE_AUDIENCE = 'api://AzureADTokenExchange'

export interface FederatedCredential {
  issuer: string
  subject: string
  /** Default `api://AzureADTokenExchange`. */
  audience?: string
}

export interface Application {
  clientId: string
  /** The service principal's object id: the `oid` of its tokens. */
  objectId: string
  displayName: string
  /** A client secret; omitted means secrets are refused. */
  secret?: string
  federatedCredentials: FederatedCredential[]
}

export interface ApplicationOptions {
  clientId?: string
  objectId?: string
  displayName?: string
  secret?: string
  federatedCredentials?: FederatedCredential[]
}

/** Claims of an access token this stand-in issues (v1 app-only tokens, as Key Vault gets them). */
export interface AccessTokenClaims extends JWTPayload {
  aud: string
  iss: string
  tid: string
  oid: string
  appid: string
  sub: string
}

export interface VerifiedAccessToken {
  /** The principal's object id (`oid`): what role assignments and access policies name. */
  subject: string
  clientId: string
  tenantId: string
  claims: AccessTokenClaims
}

export interface EntraOptions {
  tenantId?: string
  /** Access token lifetime in seconds (default 3599). */
  tokenTtlSeconds?: number
}

export interface Entra {
  readonly routes: Route[]
  /** Call once the server listens; the origin is the authority host. */
  bindUrl(origin: string): void
  readonly authorityHost: string
  readonly tenantId: string
  /** `iss` of access tokens: `https://sts.windows.net/<tenant>/`. */
  readonly issuer: string
  addApplication(options?: ApplicationOptions): Application
  application(clientId: string): Application | undefined
  /** Trust an external OIDC issuer's tokens as client assertions (Entra fetches its JWKS). */
  trustIssuer(issuer: string, verify: (token: string) => Promise<JWTPayload>): void
  /** Mint an access token for an application directly. */
  issueAccessToken(options: {
    clientId: string
    resource: string
    ttlSeconds?: number
    claims?: Record<string, unknown>
  }): Promise<string>
  /**
   * Check an `Authorization: Bearer …` header: a token this stand-in signed, unexpired, for the
   * audience (with or without a trailing slash). undefined when it is not.
   */
  verifyAccessToken(
    authorization: string | undefined,
    audience: string
  ): Promise<VerifiedAccessToken | undefined>
  readonly jwks: { keys: JWK[] }
  /** Access tokens handed out by the token endpoint. */
  readonly issued: number
  /** Every access token minted (endpoint and issueAccessToken), oldest first: for leak scans. */
  readonly issuedTokens: readonly string[]
  /**
   * Lifetime of the access tokens minted from now on (undefined: back to the option's, default
   * 3599 s). A short one makes clients renew during a long operation (a build's log streaming).
   */
  setTokenTtlSeconds(seconds: number | undefined): void
}

interface EntraError {
  status: number
  error: string
  code: number
  description: string
}

function entraTimestamp(date: Date): string {
  return date
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z')
}

function errorResponse(e: EntraError): StackResponse {
  const now = new Date()
  const traceId = randomUUID()
  const correlationId = randomUUID()
  const timestamp = entraTimestamp(now)
  return {
    status: e.status,
    body: {
      error: e.error,
      error_description: `AADSTS${e.code}: ${e.description}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
      error_codes: [e.code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${e.code}`
    }
  }
}

function stripSlash(s: string): string {
  return s.endsWith('/') ? s.slice(0, -1) : s
}

export async function createEntra(options: EntraOptions = {}): Promise<Entra> {
  const tenantId = options.tenantId ?? randomUUID()
  let ttl = options.tokenTtlSeconds ?? 3599
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true })
  const kid = randomBytes(20).toString('base64url')
  const jwk = { ...(await exportJWK(publicKey)), kid, use: 'sig', kty: 'RSA' }
  const issuer = `https://sts.windows.net/${tenantId}/`
  const apps = new Map<string, Application>()
  const issuers = new Map<string, (token: string) => Promise<JWTPayload>>()
  let origin = ''
  let issued = 0
  const issuedTokens: string[] = []

  const entra: Entra = {
    routes: [],
    bindUrl(o: string) {
      origin = o
    },
    get authorityHost() {
      if (!origin) throw new Error('entra: bindUrl() has not been called')
      return origin
    },
    tenantId,
    issuer,
    jwks: { keys: [jwk] },
    get issued() {
      return issued
    },
    issuedTokens,
    setTokenTtlSeconds(seconds: number | undefined) {
      ttl = seconds ?? options.tokenTtlSeconds ?? 3599
    },
    addApplication(o: ApplicationOptions = {}) {
      const app: Application = {
        clientId: o.clientId ?? randomUUID(),
        objectId: o.objectId ?? randomUUID(),
        displayName: o.displayName ?? 'notation-akv-action test app',
        federatedCredentials: [...(o.federatedCredentials ?? [])]
      }
      if (o.secret !== undefined) app.secret = o.secret
      apps.set(app.clientId, app)
      return app
    },
    application(clientId: string) {
      return apps.get(clientId)
    },
    trustIssuer(iss: string, verify: (token: string) => Promise<JWTPayload>) {
      issuers.set(iss, verify)
    },
    async issueAccessToken(o) {
      const app = apps.get(o.clientId)
      if (!app) throw new Error(`entra: no application ${o.clientId}`)
      const now = Math.floor(Date.now() / 1000)
      const payload = {
        aud: o.resource,
        iss: issuer,
        iat: now,
        nbf: now,
        exp: now + (o.ttlSeconds ?? ttl),
        aio: randomBytes(12).toString('base64url'),
        appid: app.clientId,
        appidacr: app.secret !== undefined ? '1' : '2',
        idp: issuer,
        idtyp: 'app',
        oid: app.objectId,
        rh: randomBytes(8).toString('base64url'),
        sub: app.objectId,
        tid: tenantId,
        uti: randomBytes(16).toString('base64url'),
        ver: '1.0',
        ...o.claims
      }
      const token = await new SignJWT(payload)
        .setProtectedHeader({ typ: 'JWT', alg: 'RS256', x5t: kid, kid })
        .sign(privateKey)
      issuedTokens.push(token)
      return token
    },
    async verifyAccessToken(authorization, audience) {
      const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')
      if (!m?.[1]) return undefined
      try {
        const { payload } = await jwtVerify(m[1], publicKey, {
          issuer,
          audience: [stripSlash(audience), `${stripSlash(audience)}/`],
          algorithms: ['RS256']
        })
        const claims = payload as AccessTokenClaims
        if (typeof claims.oid !== 'string' || typeof claims.appid !== 'string') return undefined
        return { subject: claims.oid, clientId: claims.appid, tenantId: claims.tid, claims }
      } catch {
        return undefined
      }
    }
  }

  async function checkAssertion(
    app: Application,
    assertion: string
  ): Promise<EntraError | undefined> {
    let unverified: JWTPayload
    try {
      unverified = decodeJwt(assertion)
    } catch {
      return {
        status: 401,
        error: 'invalid_client',
        code: 50027,
        description: 'JWT token is invalid or malformed.'
      }
    }
    const iss = String(unverified.iss ?? '')
    const sub = String(unverified.sub ?? '')
    const audiences = Array.isArray(unverified.aud)
      ? unverified.aud
      : [String(unverified.aud ?? '')]
    const verify = issuers.get(iss)
    const noMatch: EntraError = {
      status: 400,
      error: 'invalid_request',
      code: 70021,
      description: `No matching federated identity record found for presented assertion. Assertion Issuer: '${iss}'. Assertion Subject: '${sub}'. Assertion Audience: '${audiences.join(',')}'. https://docs.microsoft.com/en-us/azure/active-directory/develop/workload-identity-federation`
    }
    const matches = app.federatedCredentials.some(
      f =>
        f.issuer === iss && f.subject === sub && audiences.includes(f.audience ?? EXCHANGE_AUDIENCE)
    )
    if (!matches) return noMatch
    if (!verify) {
      return {
        status: 400,
        error: 'invalid_request',
        code: 50166,
        description: `Request to External OIDC endpoint failed. Issuer '${iss}' is unknown to this stack.`
      }
    }
    try {
      await verify(assertion)
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) {
        const exp = new Date(Number(unverified.exp ?? 0) * 1000).toISOString()
        const nbf = new Date(Number(unverified.nbf ?? unverified.iat ?? 0) * 1000).toISOString()
        return {
          status: 401,
          error: 'invalid_client',
          code: 700024,
          description: `Client assertion is not within its valid time range. Current time: ${new Date().toISOString()}, assertion valid from ${nbf}, expiry time of assertion ${exp}. Review the documentation at https://docs.microsoft.com/azure/active-directory/develop/active-directory-certificate-credentials .`
        }
      }
      return {
        status: 401,
        error: 'invalid_client',
        code: 700212,
        description: `The presented assertion could not be validated: ${(error as Error).message}`
      }
    }
    return undefined
  }

  const token = async (req: StackRequest): Promise<StackResponse> => {
    const form = new URLSearchParams(req.body.toString())
    const tenant = req.params.tenant ?? ''
    if (tenant !== tenantId) {
      return errorResponse({
        status: 400,
        error: 'invalid_request',
        code: 90002,
        description: `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`
      })
    }
    const grantType = form.get('grant_type')
    if (grantType !== 'client_credentials') {
      return errorResponse({
        status: 400,
        error: 'unsupported_grant_type',
        code: 70003,
        description: `The app requested an unsupported grant type '${grantType ?? ''}'.`
      })
    }
    const clientId = form.get('client_id') ?? ''
    const app = apps.get(clientId)
    if (!app) {
      return errorResponse({
        status: 400,
        error: 'unauthorized_client',
        code: 700016,
        description: `Application with identifier '${clientId}' was not found in the directory '${tenantId}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`
      })
    }
    const scope = (form.get('scope') ?? '').split(' ').find(s => s.endsWith('/.default'))
    if (!scope) {
      return errorResponse({
        status: 400,
        error: 'invalid_scope',
        code: 1002012,
        description: `The provided value for scope ${form.get('scope') ?? ''} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`
      })
    }
    const assertion = form.get('client_assertion')
    const secret = form.get('client_secret')
    if (assertion !== null) {
      if (form.get('client_assertion_type') !== ASSERTION_TYPE) {
        return errorResponse({
          status: 400,
          error: 'invalid_request',
          code: 50027,
          description: `Invalid client_assertion_type '${form.get('client_assertion_type') ?? ''}'.`
        })
      }
      const failure = await checkAssertion(app, assertion)
      if (failure) return errorResponse(failure)
    } else if (secret !== null) {
      if (app.secret === undefined || secret !== app.secret) {
        return errorResponse({
          status: 401,
          error: 'invalid_client',
          code: 7000215,
          description: `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.clientId}'.`
        })
      }
    } else {
      return errorResponse({
        status: 401,
        error: 'invalid_client',
        code: 7000218,
        description:
          "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."
      })
    }
    const resource = scope.slice(0, -'/.default'.length)
    const accessToken = await entra.issueAccessToken({ clientId: app.clientId, resource })
    issued++
    return {
      status: 200,
      headers: { 'cache-control': 'no-store, no-cache' },
      body: {
        token_type: 'Bearer',
        expires_in: ttl,
        ext_expires_in: ttl,
        access_token: accessToken
      }
    }
  }

  const metadata = (req: StackRequest): StackResponse => {
    const tenant = req.params.tenant ?? ''
    const base = `${origin}/${tenant}`
    return {
      status: 200,
      body: {
        token_endpoint: `${base}/oauth2/v2.0/token`,
        token_endpoint_auth_methods_supported: [
          'client_secret_post',
          'private_key_jwt',
          'client_secret_basic'
        ],
        jwks_uri: `${base}/discovery/v2.0/keys`,
        response_modes_supported: ['query', 'fragment', 'form_post'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
        issuer: `${base}/v2.0`,
        request_uri_parameter_supported: false,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        tenant_region_scope: 'NA',
        cloud_instance_name: 'microsoftonline.com'
      }
    }
  }

  entra.routes.push(
    {
      name: 'entra.token',
      method: 'POST',
      path: /^\/(?<tenant>[^/]+)\/oauth2\/v2\.0\/token$/,
      handler: token
    },
    {
      name: 'entra.metadata',
      method: 'GET',
      path: /^\/(?<tenant>[^/]+)\/v2\.0\/\.well-known\/openid-configuration$/,
      handler: metadata
    },
    {
      name: 'entra.keys',
      method: 'GET',
      path: /^\/(?<tenant>[^/]+)\/discovery\/v2\.0\/keys$/,
      handler: () => ({ status: 200, body: entra.jwks })
    },
    {
      name: 'entra.instanceDiscovery',
      method: 'GET',
      path: /^\/common\/discovery\/instance$/,
      handler: req => {
        const host = new URL(origin).host
        return {
          status: 200,
          body: {
            tenant_discovery_endpoint: `${origin}/${tenantId}/v2.0/.well-known/openid-configuration`,
            'api-version': '1.1',
            metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
            authorization_endpoint: req.url.searchParams.get('authorization_endpoint') ?? ''
          }
        }
      }
    }
  )
  return entra
}
