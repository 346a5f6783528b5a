// Hostile servers under real-looking names: an HTTPS server with a certificate for the name from the
// stack's CA, reached through the stack's CONNECT proxy (HTTPS_PROXY), which tunnels only the names
// it was given. And a vault that, like Key Vault, answers every unauthenticated request with a 401
// challenge, but names another API (ARM) as the resource, to collect a token for it.
import { decodeJwt } from 'jose'
import type { Route } from './http.ts'
import { issueCertificate, x509, type Issued } from './pki.ts'

export const ARM_RESOURCE = 'https://management.azure.com'

/** A TLS certificate for `hostname`, issued by the stack's CA (which the action trusts in tests). */
export async function certificateFor(ca: Issued, hostname: string): Promise<Issued> {
  return issueCertificate({
    subject: `CN=${hostname}`,
    issuer: ca,
    key: { kty: 'EC', crv: 'P-256' },
    ekus: [x509.ExtendedKeyUsage.serverAuth],
    dnsNames: [hostname]
  })
}

export interface ChallengingVault {
  routes: Route[]
  /** The `aud` of every bearer token presented to it (a token that does not decode: '?'). */
  readonly receivedAudiences: readonly string[]
}

/**
 * Every request gets 401 with Key Vault's challenge shape, whose resource is `resource` (default:
 * ARM). A token presented is recorded by audience and refused again.
 */
export function challengingVault(options: {
  authority: string
  tenantId: string
  resource?: string
}): ChallengingVault {
  const resource = options.resource ?? ARM_RESOURCE
  const challenge = `Bearer authorization="${options.authority.replace(/\/+$/, '')}/${options.tenantId}", resource="${resource}"`
  const receivedAudiences: string[] = []
  return {
    receivedAudiences,
    routes: [
      {
        name: 'lookalike.any',
        method: '*',
        path: /^\//,
        handler: req => {
          const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1]
          if (bearer !== undefined) {
            let audience = '?'
            try {
              audience = String(decodeJwt(bearer).aud ?? '?')
            } catch {
              // not a JWT
            }
            receivedAudiences.push(audience)
          }
          return {
            status: 401,
            headers: { 'www-authenticate': challenge },
            body: {
              error: {
                code: 'Unauthorized',
                message: 'AKV10000: Request is missing a Bearer or PoP token.'
              }
            }
          }
        }
      }
    ]
  }
}

/** What a relay posing as Entra received in token requests: which credential, and its value. */
export interface CapturedCredential {
  field: 'client_assertion' | 'client_secret'
  value: string
}

export interface EntraRelay {
  routes: Route[]
  readonly captured: readonly CapturedCredential[]
}

/**
 * Routes for a relay posing as an Entra authority: it serves the tenant's OpenID metadata (pointing
 * at itself) and instance discovery, so a client goes on to POST its credential, which is
 * recorded and refused.
 */
export function entraRelay(): EntraRelay {
  const captured: CapturedCredential[] = []
  return {
    captured,
    routes: [
      {
        name: 'relay.metadata',
        method: 'GET',
        path: /^\/(?<tenant>[^/]+)\/v2\.0\/\.well-known\/openid-configuration$/,
        handler: req => {
          const base = `${req.url.origin}/${req.params['tenant'] ?? ''}`
          return {
            status: 200,
            body: {
              token_endpoint: `${base}/oauth2/v2.0/token`,
              authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
              end_session_endpoint: `${base}/oauth2/v2.0/logout`,
              jwks_uri: `${base}/discovery/v2.0/keys`,
              issuer: `${base}/v2.0`,
              response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token']
            }
          }
        }
      },
      {
        name: 'relay.instanceDiscovery',
        method: 'GET',
        path: /^\/common\/discovery\/instance$/,
        handler: req => ({
          status: 200,
          body: {
            tenant_discovery_endpoint: `${req.url.origin}/common/v2.0/.well-known/openid-configuration`,
            'api-version': '1.1',
            metadata: [
              {
                preferred_network: req.url.host,
                preferred_cache: req.url.host,
                aliases: [req.url.host]
              }
            ]
          }
        })
      },
      {
        name: 'relay.token',
        method: 'POST',
        path: /^\/[^/]+\/oauth2\/v2\.0\/token$/,
        handler: req => {
          const form = new URLSearchParams(req.body.toString())
          for (const field of ['client_assertion', 'client_secret'] as const) {
            const value = form.get(field)
            if (value !== null) captured.push({ field, value })
          }
          return { status: 400, body: { error: 'invalid_client', error_description: 'relay' } }
        }
      }
    ]
  }
}
