// One Azure credential for the whole run, chosen from `azure-credential`. @azure/identity is loaded
// only here, and only when a command needs Azure.
import * as core from '@actions/core'
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth'
import { existsSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { resolveAuthority, type Authority } from './authority.ts'
import type { AzureOptions, CredentialKind } from './options.ts'
import { ActionError, InputError, errorMessage } from '../util/errors.ts'
import { httpRequest, serverMessage, type HttpOptions } from '../util/http.ts'
import { networkCause, probeReach } from '../util/network-error.ts'
import { SDK_CLIENT_OPTIONS, isTransientError } from '../util/retry.ts'

export const OIDC_AUDIENCE = 'api://AzureADTokenExchange'
export const ACR_SCOPE = 'https://containerregistry.azure.net/.default'
export type ResolvedCredentialKind = Exclude<CredentialKind, 'auto'>

export interface AzureIdentity {
  kind: ResolvedCredentialKind
  credential: TokenCredential
  tenantId?: string
  clientId?: string
  /** For `oidc` and `environment`: the validated Entra authority (an https origin) signed in at. */
  authorityHost?: string
  /** For `environment`: which secret signed in; the plugin gets that one and no other. */
  clientSecretFrom?: 'AZURE_CLIENT_SECRET' | 'AZURE_CLIENT_CERTIFICATE_PATH'
  /** For `oidc`: a fresh GitHub OIDC token (the plugin's workload identity reads it from a file). */
  federatedToken?: () => Promise<string>
}

type Env = Record<string, string | undefined>

/** The `auto` order, documented in the README: oidc → environment → cli → managed identity. */
export function chooseCredential(
  azure: AzureOptions,
  env: Env = process.env
): ResolvedCredentialKind {
  if (azure.credential !== 'auto') return azure.credential
  const clientId = azure.clientId ?? env['AZURE_CLIENT_ID']
  const tenantId = azure.tenantId ?? env['AZURE_TENANT_ID']
  if (clientId && tenantId && env['ACTIONS_ID_TOKEN_REQUEST_URL']) return 'oidc'
  if (clientId && tenantId && (env['AZURE_CLIENT_SECRET'] || env['AZURE_CLIENT_CERTIFICATE_PATH']))
    return 'environment'
  if (
    existsSync(
      path.join(env['AZURE_CONFIG_DIR'] ?? path.join(os.homedir(), '.azure'), 'azureProfile.json')
    )
  )
    return 'cli'
  if (env['IDENTITY_ENDPOINT'] || env['MSI_ENDPOINT']) return 'managed-identity'
  if (clientId && tenantId) {
    throw new ActionError(
      'azure-credential auto found azure-client-id and azure-tenant-id but no GitHub OIDC token: ' +
        'add `permissions: id-token: write` to the job (ACTIONS_ID_TOKEN_REQUEST_URL is not set).'
    )
  }
  throw new InputError(
    'azure-credential',
    'auto found no Azure identity: give azure-client-id and azure-tenant-id (OIDC, with `permissions: id-token: write`), ' +
      'or set AZURE_CLIENT_SECRET for environment, run azure/login first for cli, or choose managed-identity.'
  )
}

/** Credential options for the validated authority: instance discovery only knows Azure's clouds. */
function authorityOptions(authority: Authority): {
  authorityHost: string
  disableInstanceDiscovery?: boolean
} {
  return {
    authorityHost: authority.host,
    ...(authority.known ? {} : { disableInstanceDiscovery: true })
  }
}

/** `1`/`true` as Azure.Identity reads AZURE_CLIENT_SEND_CERTIFICATE_CHAIN. */
function truthy(value: string | undefined): boolean {
  return value === '1' || value?.toLowerCase() === 'true'
}

/** Entra requests: the action's retry policy (the SDK's own, with its base delay). */
const CREDENTIAL_OPTIONS = SDK_CLIENT_OPTIONS

/**
 * A GitHub OIDC token for `audience`, as core.getIDToken asks for it, but with the action's timeout
 * and retries: @actions/http-client retries only 502-504, not 500, 429, resets or bodies cut short.
 */
export async function requestGithubIdToken(
  audience: string,
  env: Env = process.env,
  options: HttpOptions = {}
): Promise<string> {
  const requestUrl = env['ACTIONS_ID_TOKEN_REQUEST_URL']
  const requestToken = env['ACTIONS_ID_TOKEN_REQUEST_TOKEN']
  if (!requestUrl || !requestToken) {
    throw new ActionError(
      'No GitHub OIDC token: add `permissions: id-token: write` to the job ' +
        '(ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set).'
    )
  }
  const url = new URL(requestUrl)
  url.searchParams.set('audience', audience)
  const response = await httpRequest(
    'GitHub OIDC token',
    url.toString(),
    { headers: { authorization: `Bearer ${requestToken}`, accept: 'application/json' } },
    { ...options, json: true }
  )
  if (response.status !== 200) {
    const message = serverMessage(response)
    throw new ActionError(
      `GitHub's OIDC token endpoint answered HTTP ${response.status}${message ? `: ${message}` : ''}.`
    )
  }
  const token = (JSON.parse(response.body.toString('utf8')) as { value?: unknown }).value
  if (typeof token !== 'string' || token === '')
    throw new ActionError("GitHub's OIDC token endpoint answered without a token.")
  core.setSecret(token)
  return token
}

/** The claims worth logging when Entra refuses a GitHub token; never the token itself. */
export function oidcClaims(token: string): { iss?: string; sub?: string; aud?: string | string[] } {
  try {
    const payload = JSON.parse(
      Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')
    ) as Record<string, unknown>
    return {
      ...(typeof payload['iss'] === 'string' ? { iss: payload['iss'] } : {}),
      ...(typeof payload['sub'] === 'string' ? { sub: payload['sub'] } : {}),
      ...(typeof payload['aud'] === 'string' || Array.isArray(payload['aud'])
        ? { aud: payload['aud'] as string }
        : {})
    }
  } catch {
    return {}
  }
}

/** Wraps a credential so a refusal names the credential kind and, for OIDC, the token's claims. */
class ExplainingCredential implements TokenCredential {
  private readonly inner: TokenCredential
  private readonly kind: ResolvedCredentialKind
  private readonly lastToken: () => string | undefined
  /** The Entra authority signed in at (oidc, environment), probed when sign-in cannot reach it. */
  private readonly authorityHost: string | undefined

  constructor(
    inner: TokenCredential,
    kind: ResolvedCredentialKind,
    lastToken: () => string | undefined,
    authorityHost?: string
  ) {
    this.inner = inner
    this.kind = kind
    this.lastToken = lastToken
    this.authorityHost = authorityHost
  }

  async getToken(
    scopes: string | string[],
    options?: GetTokenOptions
  ): Promise<AccessToken | null> {
    try {
      return await this.inner.getToken(scopes, options)
    } catch (error) {
      const message = errorMessage(error)
      const token = this.lastToken()
      // A refusal, not trouble on the way (a body cut short, a reset), is about the token's claims.
      const networkTrouble =
        isTransientError(error) ||
        networkCause(error) !== undefined ||
        /\b(network_error|endpoints_resolution_error|openid_config_error)\b/.test(message)
      // MSAL hides why it could not reach the authority: ask the network, and name host and cause.
      const unreachable =
        networkTrouble && this.authorityHost ? await probeReach(this.authorityHost) : undefined
      if (unreachable) {
        throw new ActionError(
          `Azure sign-in (${this.kind}) could not reach the Entra authority ${unreachable}`,
          { cause: error }
        )
      }
      const refused = !networkTrouble
      if (this.kind === 'oidc' && token && refused) {
        const claims = oidcClaims(token)
        core.error(
          `Entra ID refused the GitHub OIDC token (iss: ${claims.iss ?? '?'}, sub: ${claims.sub ?? '?'}, aud: ${String(claims.aud ?? '?')}). ` +
            "The application's federated credential must match this issuer, subject and audience."
        )
      }
      throw new ActionError(
        `Azure sign-in (${this.kind}) failed for ${[scopes].flat().join(' ')}: ${message}`,
        { cause: error }
      )
    }
  }
}

export async function createAzureIdentity(
  azure: AzureOptions,
  env: Env = process.env
): Promise<AzureIdentity> {
  const kind = chooseCredential(azure, env)
  const identity = await import('@azure/identity')
  const clientId = azure.clientId ?? env['AZURE_CLIENT_ID']
  const tenantId = azure.tenantId ?? env['AZURE_TENANT_ID']
  // Checked again here (getInputs did it up front): no token request before the authority is known good.
  const authority = resolveAuthority(azure.authorityHost, env['AZURE_AUTHORITY_HOST'])
  const signsInAtAuthority = kind === 'oidc' || kind === 'environment'
  let clientSecretFrom: AzureIdentity['clientSecretFrom']
  let lastOidcToken: string | undefined
  let credential: TokenCredential
  let federatedToken: (() => Promise<string>) | undefined

  switch (kind) {
    case 'oidc': {
      if (!clientId)
        throw new InputError('azure-client-id', 'is required for azure-credential oidc.')
      if (!tenantId)
        throw new InputError('azure-tenant-id', 'is required for azure-credential oidc.')
      if (!env['ACTIONS_ID_TOKEN_REQUEST_URL'] || !env['ACTIONS_ID_TOKEN_REQUEST_TOKEN']) {
        throw new ActionError(
          'azure-credential oidc needs a GitHub OIDC token: add `permissions: id-token: write` to the job ' +
            '(ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set).'
        )
      }
      // GitHub tokens live about five minutes: fetch one for each Entra request, never keep it.
      federatedToken = async () => {
        const token = await requestGithubIdToken(OIDC_AUDIENCE, env)
        lastOidcToken = token
        return token
      }
      credential = new identity.ClientAssertionCredential(tenantId, clientId, federatedToken, {
        ...authorityOptions(authority),
        ...CREDENTIAL_OPTIONS
      })
      break
    }
    case 'environment': {
      // Built from the resolved IDs (the inputs win over AZURE_CLIENT_ID / AZURE_TENANT_ID, as for
      // oidc) rather than by EnvironmentCredential, which reads only the environment: the action and
      // the plugin then sign in as one identity, the one these IDs name.
      if (!clientId)
        throw new InputError(
          'azure-client-id',
          'is required for azure-credential environment (or set AZURE_CLIENT_ID).'
        )
      if (!tenantId)
        throw new InputError(
          'azure-tenant-id',
          'is required for azure-credential environment (or set AZURE_TENANT_ID).'
        )
      const options = { ...authorityOptions(authority), ...CREDENTIAL_OPTIONS }
      const secret = env['AZURE_CLIENT_SECRET']
      const certificatePath = env['AZURE_CLIENT_CERTIFICATE_PATH']
      if (secret) {
        clientSecretFrom = 'AZURE_CLIENT_SECRET'
        credential = new identity.ClientSecretCredential(tenantId, clientId, secret, options)
      } else if (certificatePath) {
        clientSecretFrom = 'AZURE_CLIENT_CERTIFICATE_PATH'
        const password = env['AZURE_CLIENT_CERTIFICATE_PASSWORD']
        credential = new identity.ClientCertificateCredential(
          tenantId,
          clientId,
          { certificatePath, ...(password ? { certificatePassword: password } : {}) },
          { ...options, sendCertificateChain: truthy(env['AZURE_CLIENT_SEND_CERTIFICATE_CHAIN']) }
        )
      } else {
        throw new ActionError(
          'azure-credential environment needs AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH in the environment.'
        )
      }
      const envClientId = env['AZURE_CLIENT_ID']
      if (envClientId && envClientId !== clientId) {
        core.info(
          `AZURE_CLIENT_ID in the environment (${envClientId}) is not azure-client-id; signing in as ${clientId}, here and in the plugin.`
        )
      }
      break
    }
    case 'cli':
      credential = new identity.AzureCliCredential(tenantId ? { tenantId } : {})
      break
    case 'managed-identity':
      credential = new identity.ManagedIdentityCredential(clientId ? { clientId } : {})
      break
  }
  core.info(`Azure identity: ${kind}${clientId ? ` (client ${clientId})` : ''}`)
  if (signsInAtAuthority) {
    const from = authority.from === 'default' ? 'the public cloud' : authority.from
    core.info(`Azure authority: ${authority.host} (${from})`)
  }
  return {
    kind,
    credential: new ExplainingCredential(
      credential,
      kind,
      () => lastOidcToken,
      signsInAtAuthority ? authority.host : undefined
    ),
    ...(tenantId ? { tenantId } : {}),
    ...(clientId ? { clientId } : {}),
    ...(signsInAtAuthority ? { authorityHost: authority.host } : {}),
    ...(clientSecretFrom ? { clientSecretFrom } : {}),
    ...(federatedToken ? { federatedToken } : {})
  }
}

/** An Entra access token for ACR's token exchange. */
export async function acrAccessToken(identity: AzureIdentity): Promise<string> {
  const token = await identity.credential.getToken(ACR_SCOPE)
  if (!token) throw new ActionError('Azure returned no token for Azure Container Registry.')
  core.setSecret(token.token)
  return token.token
}
