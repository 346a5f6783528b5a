// The local stack, composed: one test PKI (CA file on disk), GitHub's OIDC endpoint, Entra, a Key
// Vault per vault name, and a real registry with ACR's token endpoints, each on its own HTTPS
// port on 127.0.0.1. `stop()` ends the registry process, closes every server, removes temp dirs.
import { randomBytes, randomUUID } from 'node:crypto'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { StackServer, type Route } from './http.ts'
import { createTestPki, type Issued } from './pki.ts'
import { createGithubOidc, type GithubOidc } from './oidc.ts'
import { createEntra, EXCHANGE_AUDIENCE, type Application, type Entra } from './entra.ts'
import { startRegistry, type Registry } from './registry.ts'
import { createKeyVault, type KeyVault } from './keyvault.ts'
import { createArm, stackRegistry, type Arm } from './arm.ts'
import { certificateFor } from './lookalike.ts'
import { createTsa, hasOpenssl, type Tsa } from './tsa.ts'

export const VAULT_AUDIENCE = 'https://vault.azure.net'

export interface StackOptions {
  /** Start the real registry (needs docker-registry). Default true. */
  registry?: boolean
  tenantId?: string
  clientId?: string
  /** The app's client secret (for `environment` credentials). Default: random. */
  clientSecret?: string
  /** `sub` of GitHub tokens and of the app's federated credential. */
  subject?: string
  /** Name of the default vault. Default `notation-test`. */
  vaultName?: string
  /** Registry access token lifetime (seconds). */
  registryTokenTtlSeconds?: number
  /** Start the RFC 3161 time-stamping authority (needs openssl). Default: when openssl is here. */
  tsa?: boolean
}

export interface StackVault {
  name: string
  /** `https://127.0.0.1:PORT`: the vault URL clients use. */
  url: string
  vault: KeyVault
  server: StackServer
}

/** A secret the stack handed out, by kind (see Stack.issuedSecrets). */
export interface IssuedSecret {
  kind:
    | 'client-secret'
    | 'github-oidc-request-token'
    | 'github-oidc-token'
    | 'entra-access-token'
    | 'acr-refresh-token'
    | 'acr-access-token'
    | 'sas-signature'
  value: string
}

export interface StackEnvOptions {
  /** Add AZURE_CLIENT_SECRET (makes EnvironmentCredential pick the secret). */
  clientSecret?: boolean
}

export interface Stack {
  /** Temp directory of this stack (removed by stop). */
  readonly dir: string
  readonly ca: Issued
  /** PEM file of the test CA (NODE_EXTRA_CA_CERTS / SSL_CERT_FILE for child processes). */
  readonly caFile: string
  readonly tenantId: string
  readonly clientId: string
  readonly clientSecret: string
  /** The app's service principal object id: the `oid` (and Key Vault subject) of its tokens. */
  readonly principalId: string
  readonly application: Application
  /** Entra's origin: `authorityHost` for @azure/identity credentials. */
  readonly authorityHost: string
  readonly oidc: GithubOidc & { server: StackServer }
  readonly entra: Entra & { server: StackServer }
  /** Throws when the stack was started with `registry: false`. */
  readonly registry: Registry
  readonly hasRegistry: boolean
  /**
   * The RFC 3161 time-stamping authority (`url` for notation's --timestamp-url; `tsa.root.pem` is
   * its root). Throws when the stack has none (no openssl, or started with `tsa: false`).
   */
  readonly tsa: Tsa & { url: string; server: StackServer }
  readonly hasTsa: boolean
  /** The default vault. */
  readonly keyVault: StackVault
  readonly vaults: Map<string, StackVault>
  /** Azure Resource Manager for ACR Tasks runs (with the blob and log routes); the stack's
   * registry is registry `stackacr` in `arm.resourceGroup` when started with one. */
  readonly arm: Arm & { server: StackServer }
  addVault(name: string): Promise<StackVault>
  /**
   * A CONNECT proxy (plain HTTP on 127.0.0.1) that tunnels the names given to addNamedServer and
   * refuses every other (403); each CONNECT is a call of route `connect`. See proxyEnv.
   */
  readonly proxy: StackServer
  /**
   * An HTTPS server known by `hostname` (its certificate, for that name, from the stack's CA),
   * reachable as `https://<hostname>` only through `proxy`: a hostile server under a real-looking name.
   */
  addNamedServer(hostname: string, routes: Route[]): Promise<StackServer>
  /** HTTPS_PROXY at `proxy`, NO_PROXY for loopback: only named servers are reached through it. */
  proxyEnv(): Record<string, string>
  /**
   * A relay: a server on 127.0.0.1 (HTTPS with the stack's certificate, or plain HTTP) that records
   * every request and serves only `routes` (404 otherwise), where a redirected credential would land.
   */
  addRelay(options?: { plainHttp?: boolean; routes?: Route[] }): Promise<StackServer>
  /** Every server of the stack. */
  readonly servers: StackServer[]
  /**
   * Another HTTPS server on 127.0.0.1 with the stack's certificate (a hostile registry or token
   * endpoint, say); it is one of `servers` and stops with the stack.
   */
  serve(name: string, routes: Route[]): Promise<StackServer>
  /** A fresh GitHub OIDC token (audience api://AzureADTokenExchange) written to a file. */
  federatedTokenFile(claims?: Record<string, unknown>): Promise<string>
  /** Environment for a child process (or a local run) talking to this stack. */
  env(options?: StackEnvOptions): Record<string, string>
  /**
   * Every secret the stack has issued so far: the client secret, the OIDC request token, GitHub
   * OIDC tokens, Entra access tokens, ACR refresh and access tokens, SAS signatures (upload and
   * log links). Distinct values, oldest first within a kind; for leak scans.
   */
  issuedSecrets(): IssuedSecret[]
  stop(): Promise<void>
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'notation-akv-stack-'))
  const servers: StackServer[] = []
  let registry: Registry | undefined
  let stopped = false

  const stopAll = async (): Promise<void> => {
    if (stopped) return
    stopped = true
    const errors: unknown[] = []
    if (registry) await registry.stop().catch((e: unknown) => errors.push(e))
    await Promise.all(servers.map(s => s.close().catch((e: unknown) => errors.push(e))))
    await rm(dir, { recursive: true, force: true }).catch((e: unknown) => errors.push(e))
    if (errors.length > 0) throw new AggregateError(errors, 'stack: errors while stopping')
  }

  try {
    const pki = await createTestPki()
    const tls = { key: pki.server.keyPem, cert: pki.server.pem }
    const caFile = path.join(dir, 'ca.pem')
    await writeFile(caFile, pki.ca.pem)

    const listen = async (name: string, routes: Route[]): Promise<StackServer> => {
      const server = new StackServer({ name, tls, routes })
      servers.push(server)
      await server.listen()
      return server
    }

    // GitHub OIDC
    const oidc = await createGithubOidc(
      options.subject === undefined ? {} : { subject: options.subject }
    )
    const oidcServer = await listen('oidc', oidc.routes)
    oidc.bindUrl(oidcServer.origin)

    // Entra, with the app and its federated credential for the OIDC subject
    const entra = await createEntra(
      options.tenantId === undefined ? {} : { tenantId: options.tenantId }
    )
    const entraServer = await listen('entra', entra.routes)
    entra.bindUrl(entraServer.origin)
    entra.trustIssuer(oidc.issuer, token => oidc.verify(token))
    const clientSecret = options.clientSecret ?? randomBytes(24).toString('base64url')
    const application = entra.addApplication({
      clientId: options.clientId ?? randomUUID(),
      secret: clientSecret,
      federatedCredentials: [
        { issuer: oidc.issuer, subject: oidc.subject, audience: EXCHANGE_AUDIENCE }
      ]
    })

    // Key Vault(s)
    const vaults = new Map<string, StackVault>()
    const addVault = async (name: string): Promise<StackVault> => {
      if (vaults.has(name)) throw new Error(`stack: vault ${name} exists`)
      const vault = createKeyVault({
        name,
        tenantId: entra.tenantId,
        authority: entra.authorityHost,
        authenticate: header => entra.verifyAccessToken(header, VAULT_AUDIENCE)
      })
      const server = await listen(`keyvault:${name}`, vault.routes)
      vault.bindUrl(server.origin)
      const entry: StackVault = { name, url: server.origin, vault, server }
      vaults.set(name, entry)
      return entry
    }
    const keyVault = await addVault(options.vaultName ?? 'notation-test')

    // Registry + ACR
    if (options.registry !== false) {
      const registryDir = path.join(dir, 'registry')
      await mkdir(registryDir)
      const ttl = options.registryTokenTtlSeconds
      registry = await startRegistry({
        ca: pki.ca,
        tls,
        dir: registryDir,
        verifyEntraToken: async (header, audience) => {
          const verified = await entra.verifyAccessToken(header, audience)
          if (!verified) return undefined
          return {
            subject: verified.subject,
            clientId: verified.clientId,
            tenantId: verified.tenantId
          }
        },
        ...(ttl === undefined ? {} : { accessTokenTtlSeconds: ttl })
      })
      servers.push(registry.server)
    }

    // The time-stamping authority (answered by openssl ts -reply)
    let tsa: (Tsa & { url: string; server: StackServer }) | undefined
    if (options.tsa ?? hasOpenssl()) {
      const created = await createTsa({ dir: path.join(dir, 'tsa') })
      const server = await listen('tsa', created.routes)
      tsa = Object.assign(created, { url: `${server.origin}/timestamp`, server })
    }

    // ARM (registries, ACR Tasks runs, source and log blobs)
    const arm = createArm({
      verifyToken: (header, audience) => entra.verifyAccessToken(header, audience)
    })
    const armServer = await listen('arm', arm.routes)
    arm.bindUrl(armServer.origin)
    if (registry) arm.addRegistry(stackRegistry('stackacr', registry))

    // The CONNECT proxy for servers under real-looking names
    const named = new Map<string, StackServer>()
    const proxy = new StackServer({
      name: 'proxy',
      connect: authority => {
        const m = /^(?<host>[^:]+):443$/.exec(authority)
        const target = named.get(m?.groups?.['host']?.toLowerCase() ?? '')
        return target ? { host: '127.0.0.1', port: Number(new URL(target.origin).port) } : undefined
      }
    })
    servers.push(proxy)
    await proxy.listen()
    const addNamedServer = async (hostname: string, routes: Route[]): Promise<StackServer> => {
      if (named.has(hostname)) throw new Error(`stack: ${hostname} exists`)
      const cert = await certificateFor(pki.ca, hostname)
      const server = new StackServer({
        name: `named:${hostname}`,
        tls: { key: cert.keyPem, cert: cert.pem },
        routes
      })
      servers.push(server)
      await server.listen()
      named.set(hostname, server)
      return server
    }

    let tokenFiles = 0
    const stack: Stack = {
      dir,
      ca: pki.ca,
      caFile,
      tenantId: entra.tenantId,
      clientId: application.clientId,
      clientSecret,
      principalId: application.objectId,
      application,
      authorityHost: entra.authorityHost,
      oidc: Object.assign(oidc, { server: oidcServer }),
      entra: Object.assign(entra, { server: entraServer }),
      get registry(): Registry {
        if (!registry) throw new Error('stack: started with registry: false')
        return registry
      },
      hasRegistry: registry !== undefined,
      get tsa() {
        if (!tsa)
          throw new Error('stack: no time-stamping authority (openssl missing or tsa: false)')
        return tsa
      },
      hasTsa: tsa !== undefined,
      keyVault,
      vaults,
      arm: Object.assign(arm, { server: armServer }),
      addVault,
      proxy,
      addNamedServer,
      async addRelay(relayOptions = {}) {
        const relay = new StackServer({
          name: `relay-${servers.length}`,
          routes: relayOptions.routes ?? [],
          ...(relayOptions.plainHttp ? {} : { tls })
        })
        servers.push(relay)
        await relay.listen()
        return relay
      },
      proxyEnv: () => ({
        HTTPS_PROXY: proxy.origin,
        NO_PROXY: '127.0.0.1,localhost,::1'
      }),
      servers,
      serve: listen,
      async federatedTokenFile(claims = {}) {
        const file = path.join(dir, `federated-token-${++tokenFiles}`)
        await writeFile(file, await oidc.issueToken({ aud: EXCHANGE_AUDIENCE, ...claims }), {
          mode: 0o600
        })
        return file
      },
      env(envOptions = {}) {
        const env: Record<string, string> = {
          NODE_EXTRA_CA_CERTS: caFile,
          SSL_CERT_FILE: caFile,
          ACTIONS_ID_TOKEN_REQUEST_URL: oidc.requestUrl,
          ACTIONS_ID_TOKEN_REQUEST_TOKEN: oidc.requestToken,
          AZURE_TENANT_ID: entra.tenantId,
          AZURE_CLIENT_ID: application.clientId,
          AZURE_AUTHORITY_HOST: entra.authorityHost,
          STACK_CA_FILE: caFile,
          STACK_KEY_VAULT_NAME: keyVault.name,
          STACK_KEY_VAULT_URL: keyVault.url,
          AZURE_RESOURCE_MANAGER_ENDPOINT: armServer.origin,
          STACK_SUBSCRIPTION_ID: arm.subscriptionId,
          STACK_RESOURCE_GROUP: arm.resourceGroup
        }
        if (envOptions.clientSecret) env.AZURE_CLIENT_SECRET = clientSecret
        if (tsa) env.STACK_TSA_URL = tsa.url
        if (registry) {
          env.STACK_REGISTRY = registry.host
          env.STACK_REGISTRY_ORIGIN = registry.origin
        }
        return env
      },
      issuedSecrets() {
        const all: IssuedSecret[] = [
          { kind: 'client-secret', value: clientSecret },
          { kind: 'github-oidc-request-token', value: oidc.requestToken },
          ...oidc.issuedTokens.map(value => ({ kind: 'github-oidc-token' as const, value })),
          ...entra.issuedTokens.map(value => ({ kind: 'entra-access-token' as const, value })),
          ...(registry?.acr.issuedTokens ?? []).map(t => ({
            kind:
              t.kind === 'refresh' ? ('acr-refresh-token' as const) : ('acr-access-token' as const),
            value: t.value
          })),
          ...arm.issuedSasSignatures.map(value => ({ kind: 'sas-signature' as const, value }))
        ]
        const seen = new Set<string>()
        return all.filter(s => s.value !== '' && !seen.has(s.value) && seen.add(s.value))
      },
      stop: stopAll
    }
    return stack
  } catch (error) {
    await stopAll().catch(() => undefined)
    throw error
  }
}
