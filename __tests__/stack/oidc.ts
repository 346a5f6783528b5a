// GitHub Actions' OIDC token endpoint, as `core.getIDToken()` meets it: the runner hands the job
// ACTIONS_ID_TOKEN_REQUEST_URL (already carrying `?api-version=2.0`) and a bearer request token;
// the toolkit appends `&audience=<aud>` and reads `{"value": "<JWT>"}`.
import { randomBytes, randomUUID } from 'node:crypto'
import { SignJWT, exportJWK, generateKeyPair, jwtVerify, type JWK, type JWTPayload } from 'jose'
import type { Route, StackRequest, StackResponse } from './http.ts'

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com'
export const AZURE_AUDIENCE = 'api://AzureADTokenExchange'

export interface GithubOidcOptions {
  /** `iss` of the tokens (default the real GitHub issuer). */
  issuer?: string
  /** `sub` of the tokens (default `repo:octo-org/octo-repo:ref:refs/heads/main`). */
  subject?: string
  /** Token lifetime in seconds (default 300, like GitHub's). */
  ttlSeconds?: number
  /** Extra claims merged into every token. */
  claims?: Record<string, unknown>
}

export interface GithubOidc {
  readonly routes: Route[]
  /** Call once the server listens. */
  bindUrl(origin: string): void
  /** ACTIONS_ID_TOKEN_REQUEST_URL (valid after bindUrl). */
  readonly requestUrl: string
  /** ACTIONS_ID_TOKEN_REQUEST_TOKEN. */
  readonly requestToken: string
  readonly issuer: string
  /** The subject new tokens carry; change it to provoke a federated-credential mismatch. */
  subject: string
  /** Mint a token directly (e.g. for AZURE_FEDERATED_TOKEN_FILE); claims override the defaults. */
  issueToken(claims?: Record<string, unknown>): Promise<string>
  /** The public signing key, as the issuer's JWKS would publish it. */
  readonly jwks: { keys: JWK[] }
  /** Verify a token this issuer minted (signature, iss, exp); returns its claims. */
  verify(token: string): Promise<JWTPayload>
  /** How many tokens the endpoint handed out. */
  readonly issued: number
  /** Every token minted (endpoint and issueToken), oldest first: for leak scans. */
  readonly issuedTokens: readonly string[]
}

const REQUEST_PATH =
  /^\/_apis\/distributedtask\/hubs\/Actions\/plans\/(?<plan>[^/]+)\/jobs\/(?<job>[^/]+)\/idtoken$/

export async function createGithubOidc(options: GithubOidcOptions = {}): Promise<GithubOidc> {
  const issuer = options.issuer ?? GITHUB_ISSUER
  const ttl = options.ttlSeconds ?? 300
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true })
  const kid = randomBytes(16).toString('hex')
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' }
  const requestToken = randomBytes(24).toString('base64url')
  const plan = randomUUID()
  const job = randomUUID()
  let origin = ''
  let issued = 0
  const issuedTokens: string[] = []

  const oidc: GithubOidc = {
    routes: [],
    bindUrl(o: string) {
      origin = o
    },
    get requestUrl() {
      if (!origin) throw new Error('oidc: bindUrl() has not been called')
      return `${origin}/_apis/distributedtask/hubs/Actions/plans/${plan}/jobs/${job}/idtoken?api-version=2.0`
    },
    requestToken,
    issuer,
    subject: options.subject ?? 'repo:octo-org/octo-repo:ref:refs/heads/main',
    jwks: { keys: [publicJwk] },
    get issued() {
      return issued
    },
    issuedTokens,
    async issueToken(claims: Record<string, unknown> = {}) {
      const now = Math.floor(Date.now() / 1000)
      const [repository = 'octo-org/octo-repo'] = /^repo:([^:]+)/.exec(oidc.subject)?.slice(1) ?? []
      const payload: Record<string, unknown> = {
        jti: randomUUID(),
        sub: oidc.subject,
        aud: `https://github.com/${repository.split('/')[0]}`,
        ref: 'refs/heads/main',
        sha: '0123456789abcdef0123456789abcdef01234567',
        repository,
        repository_owner: repository.split('/')[0],
        run_id: '1',
        run_number: '1',
        run_attempt: '1',
        actor: 'octocat',
        workflow: 'release',
        event_name: 'push',
        ref_type: 'branch',
        job_workflow_ref: `${repository}/.github/workflows/release.yml@refs/heads/main`,
        runner_environment: 'github-hosted',
        iss: issuer,
        nbf: now - 5,
        iat: now,
        exp: now + ttl,
        ...options.claims,
        ...claims
      }
      const token = await new SignJWT(payload as JWTPayload)
        .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid, x5t: kid })
        .sign(privateKey)
      issuedTokens.push(token)
      return token
    },
    async verify(token: string) {
      const { payload } = await jwtVerify(token, publicKey, { issuer })
      return payload
    }
  }

  const handler = async (req: StackRequest): Promise<StackResponse> => {
    const auth = req.headers.authorization
    if (auth !== `Bearer ${requestToken}`) {
      return { status: 401, body: { message: 'Unauthorized: bad or missing request token' } }
    }
    if (req.url.searchParams.get('api-version') === null) {
      return { status: 400, body: { message: 'api-version is required' } }
    }
    const audience = req.url.searchParams.get('audience')
    const claims: Record<string, unknown> = {}
    if (audience !== null) claims.aud = audience
    issued++
    return { status: 200, body: { value: await oidc.issueToken(claims) } }
  }
  oidc.routes.push({ name: 'oidc.token', method: 'GET', path: REQUEST_PATH, handler })
  oidc.routes.push({
    name: 'oidc.jwks',
    method: 'GET',
    path: /^\/\.well-known\/jwks$/,
    handler: () => ({ status: 200, body: oidc.jwks })
  })
  return oidc
}
