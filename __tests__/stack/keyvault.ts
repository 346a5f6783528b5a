// A Key Vault for the local stack: the data-plane REST API for certificates, their managed keys and
// secrets, as the JS SDKs (and the azure-kv plugin's .NET SDK) call it. Real keys and real X.509:
// self-signed certificates come from the policy, signatures are made over the caller's digest.
// One vault per StackServer: the vault URL is that server's origin.
import { createHash, webcrypto } from 'node:crypto'
import type { Route, StackRequest, StackResponse } from './http.ts'
import { issueCertificate, x509, type Issued, type KeySpec } from './pki.ts'
import {
  SIGN_ALGORITHMS,
  buildPkcs12,
  isSignAlgorithm,
  newVersionId,
  publicJwk,
  signDigest,
  type SignAlgorithm
} from './keyvault-crypto.ts'

type CryptoKeyPair = webcrypto.CryptoKeyPair

export type KeyVaultAuthenticate = (
  authorization: string | undefined
) => Promise<{ subject: string } | undefined>

export type KeyVaultPermission =
  | 'certificates/get'
  | 'certificates/list'
  | 'certificates/create'
  | 'keys/get'
  | 'keys/sign'
  | 'secrets/get'

/** How a denied permission is reported: a vault on access policies or on Azure RBAC. */
export type PermissionModel = 'accessPolicy' | 'rbac'

export type SecretContentType = 'application/x-pkcs12' | 'application/x-pem-file'

/** The certificate policy in REST shape (what the service stores and returns). */
export interface RestCertificatePolicy {
  id: string
  key_props: {
    exportable: boolean
    kty: string
    key_size?: number
    crv?: string
    reuse_key: boolean
  }
  secret_props: { contentType: SecretContentType }
  x509_props: {
    subject: string
    ekus: string[]
    key_usage: string[]
    validity_months: number
    sans?: { dns_names?: string[] }
    basic_constraints: { ca: boolean }
  }
  lifetime_actions: Array<{
    trigger: { lifetime_percentage?: number; days_before_expiry?: number }
    action: { action_type: string }
  }>
  issuer: { name: string; cty?: string; cert_transparency?: boolean }
  attributes: { enabled: boolean; created: number; updated: number }
}

/** One version of a certificate (and of its managed key and secret, which share the version). */
export interface StoredVersion {
  version: string
  /** The certificate Key Vault returns as `cer`, with its key pair. */
  leaf: Issued
  /** Leaf first, then the issuing CAs up to the root (just the leaf when self-signed). */
  chain: Issued[]
  enabled: boolean
  created: number
  updated: number
  /** Policy values at the time this version was made. */
  exportable: boolean
  contentType: SecretContentType
  keyOps: string[]
  kty: string
}

export interface StoredCertificate {
  name: string
  policy: RestCertificatePolicy
  /** Oldest first; the last one is the latest. */
  versions: StoredVersion[]
}

export interface SeedOptions {
  subject: string
  key?: KeySpec
  notBefore?: Date
  notAfter?: Date
  enabled?: boolean
  /** Defaults to code signing. */
  ekus?: string[]
  /** Key Vault's key_usage names; defaults to ['digitalSignature']. */
  keyUsage?: string[]
  /** Defaults to false (the notation seed policy). */
  exportable?: boolean
  /** Defaults to PEM. */
  contentType?: SecretContentType
  /** Defaults to true. */
  reuseKey?: boolean
  validityMonths?: number
  dnsNames?: string[]
}

export interface CaSeedOptions extends SeedOptions {
  /** CA certificates above the leaf when `issuers` is not given: 1 (root only) or 2 (default). */
  chainDepth?: 1 | 2
  /** Issue from these CAs instead: the issuing CA first, the root last. */
  issuers?: Issued[]
}

export interface SeededCertificate {
  name: string
  version: string
  /** `<vault>/certificates/<name>/<version>` */
  id: string
  /** `<vault>/keys/<name>/<version>` */
  kid: string
  /** `<vault>/secrets/<name>/<version>` */
  sid: string
  leaf: Issued
  /** Leaf first. */
  chain: Issued[]
  intermediate?: Issued
  root: Issued
}

export interface SignRecord {
  kid: string
  alg: SignAlgorithm
  digest: string
  subject: string
}

export interface KeyVault {
  readonly name: string
  readonly routes: Route[]
  /** The vault URL once bound (the StackServer's origin). */
  readonly url: string
  bindUrl(origin: string): void
  seedSelfSigned(name: string, options: SeedOptions): Promise<SeededCertificate>
  seedCaIssued(name: string, options: CaSeedOptions): Promise<SeededCertificate>
  /** A new version with the certificate's policy (reusing the key when the policy says so). */
  addVersion(
    name: string,
    overrides?: Partial<Omit<CaSeedOptions, 'chainDepth'>>
  ): Promise<SeededCertificate>
  setEnabled(name: string, version: string, enabled: boolean): void
  /** Oldest first. */
  versions(name: string): StoredVersion[]
  certificate(name: string): StoredCertificate | undefined
  deny(permission: KeyVaultPermission): void
  allow(permission: KeyVaultPermission): void
  setPermissionModel(model: PermissionModel): void
  /** How many inProgress answers a create's pending operation gives before completing (default 1). */
  setPendingPolls(count: number): void
  /** Every successful sign, in order. */
  readonly signs: SignRecord[]
  /**
   * A hostile vault: certificate answers for `name` carry this `kid` (undefined: the real one, a key
   * of this vault named as the certificate, of its version).
   */
  misreportKeyId(name: string, kid: string | undefined): void
}

export const KEYVAULT_ROUTE_NAMES = [
  'keyvault.certificates.list',
  'keyvault.certificates.create',
  'keyvault.certificates.pending',
  'keyvault.certificates.policy',
  'keyvault.certificates.versions',
  'keyvault.certificates.get',
  'keyvault.keys.get',
  'keyvault.keys.sign',
  'keyvault.secrets.get'
] as const

const RESOURCE = 'https://vault.azure.net'
const RECOVERY = { recoveryLevel: 'Recoverable+Purgeable', recoverableDays: 90 }
const CODE_SIGNING = '1.3.6.1.5.5.7.3.3'
const HELP_NOT_FOUND = 'https://go.microsoft.com/fwlink/?linkid=2125182'
const HELP_FORBIDDEN = 'https://go.microsoft.com/fwlink/?linkid=2125287'
const LOCATION = 'eastus'

/** Access-policy verbs and RBAC data actions, as the service names them in a 403. */
const PERMISSIONS: Record<KeyVaultPermission, { verb: string; action: string }> = {
  'certificates/get': {
    verb: 'certificates get',
    action: 'Microsoft.KeyVault/vaults/certificates/read'
  },
  'certificates/list': {
    verb: 'certificates list',
    action: 'Microsoft.KeyVault/vaults/certificates/read'
  },
  'certificates/create': {
    verb: 'certificates create',
    action: 'Microsoft.KeyVault/vaults/certificates/create/action'
  },
  'keys/get': { verb: 'keys get', action: 'Microsoft.KeyVault/vaults/keys/read' },
  'keys/sign': { verb: 'keys sign', action: 'Microsoft.KeyVault/vaults/keys/sign/action' },
  'secrets/get': {
    verb: 'secrets get',
    action: 'Microsoft.KeyVault/vaults/secrets/getSecret/action'
  }
}

const KEY_USAGE_FLAGS: Record<string, number> = {
  digitalSignature: x509.KeyUsageFlags.digitalSignature,
  nonRepudiation: x509.KeyUsageFlags.nonRepudiation,
  keyEncipherment: x509.KeyUsageFlags.keyEncipherment,
  dataEncipherment: x509.KeyUsageFlags.dataEncipherment,
  keyAgreement: x509.KeyUsageFlags.keyAgreement,
  keyCertSign: x509.KeyUsageFlags.keyCertSign,
  cRLSign: x509.KeyUsageFlags.cRLSign,
  encipherOnly: x509.KeyUsageFlags.encipherOnly,
  decipherOnly: x509.KeyUsageFlags.decipherOnly
}

class HttpError extends Error {
  readonly response: StackResponse
  constructor(response: StackResponse) {
    super(JSON.stringify(response.body))
    this.response = response
  }
}

function kvError(
  status: number,
  code: string,
  message: string,
  inner?: string,
  headers?: Record<string, string>
): HttpError {
  const error: Record<string, unknown> = { code, message }
  if (inner) error.innererror = { code: inner }
  return new HttpError({ status, body: { error }, ...(headers ? { headers } : {}) })
}

const seconds = (date: Date): number => Math.floor(date.getTime() / 1000)
const now = (): number => Math.floor(Date.now() / 1000)

function validName(name: string): boolean {
  return /^[0-9a-zA-Z-]{1,127}$/.test(name)
}

/** Key pairs as Key Vault makes them: RSA certificates are signed with SHA-256 at every size. */
async function generateKeyPair(spec: KeySpec): Promise<CryptoKeyPair> {
  const algorithm =
    spec.kty === 'RSA'
      ? {
          name: 'RSASSA-PKCS1-v1_5',
          modulusLength: spec.size,
          publicExponent: new Uint8Array([1, 0, 1]),
          hash: 'SHA-256'
        }
      : { name: 'ECDSA', namedCurve: spec.crv }
  return (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as CryptoKeyPair
}

function keySpecOf(policy: RestCertificatePolicy): KeySpec {
  const kty = policy.key_props.kty.replace(/-HSM$/, '')
  if (kty === 'EC') {
    const crv = policy.key_props.crv ?? 'P-256'
    if (crv !== 'P-256' && crv !== 'P-384' && crv !== 'P-521') {
      throw kvError(400, 'BadParameter', `The curve name '${crv}' is not supported.`)
    }
    return { kty: 'EC', crv }
  }
  if (kty !== 'RSA') throw kvError(400, 'BadParameter', `Key type '${kty}' is not supported.`)
  const size = policy.key_props.key_size ?? 2048
  if (size !== 2048 && size !== 3072 && size !== 4096) {
    throw kvError(400, 'BadParameter', `Key size ${size} is not supported for RSA keys.`)
  }
  return { kty: 'RSA', size }
}

function specMatches(keys: CryptoKeyPair, spec: KeySpec): boolean {
  const alg = keys.publicKey.algorithm as webcrypto.RsaHashedKeyAlgorithm & webcrypto.EcKeyAlgorithm
  if (spec.kty === 'RSA') return alg.name !== 'ECDSA' && alg.modulusLength === spec.size
  return alg.name === 'ECDSA' && alg.namedCurve === spec.crv
}

/** A new key pair, or the previous version's when the policy reuses keys and the spec still fits. */
async function keyPairFor(
  policy: RestCertificatePolicy,
  previous: StoredVersion | undefined
): Promise<CryptoKeyPair> {
  const spec = keySpecOf(policy)
  if (policy.key_props.reuse_key && previous && specMatches(previous.leaf.keys, spec)) {
    return previous.leaf.keys
  }
  return generateKeyPair(spec)
}

/** key_ops of a certificate's managed key, derived from the certificate's key usage. */
function keyOpsFor(kty: string, keyUsage: string[]): string[] {
  const ops = new Set<string>()
  if (keyUsage.includes('digitalSignature') || keyUsage.includes('nonRepudiation')) {
    ops.add('sign').add('verify')
  }
  if (kty.startsWith('RSA')) {
    if (keyUsage.includes('keyEncipherment')) {
      ops.add('wrapKey').add('unwrapKey').add('encrypt').add('decrypt')
    }
    if (keyUsage.includes('dataEncipherment')) ops.add('encrypt').add('decrypt')
  }
  return [...ops]
}

function addMonths(date: Date, months: number): Date {
  const d = new Date(date)
  d.setUTCMonth(d.getUTCMonth() + months)
  return d
}

function keyUsageBits(names: string[]): number {
  let bits = 0
  for (const name of names) {
    const flag = KEY_USAGE_FLAGS[name]
    if (flag === undefined) throw kvError(400, 'BadParameter', `Invalid key usage '${name}'.`)
    bits |= flag
  }
  return bits
}

function x5t(der: Buffer): string {
  return createHash('sha1').update(der).digest('base64url')
}

/**
 * Reads a REST policy from a create request and fills in what the service defaults.
 * Returns undefined when the request has no policy.
 */
function normalizePolicy(
  input: unknown,
  id: string,
  previous?: RestCertificatePolicy
): RestCertificatePolicy | undefined {
  if (input === undefined || input === null) return previous
  if (typeof input !== 'object') throw kvError(400, 'BadParameter', 'The policy is not valid.')
  const p = input as Record<string, Record<string, unknown> | undefined>
  const keyProps = p.key_props ?? {}
  const x509Props = p.x509_props ?? {}
  const issuer = p.issuer ?? {}
  const kty = typeof keyProps.kty === 'string' ? keyProps.kty : 'RSA'
  const isEc = kty.startsWith('EC')
  const subject = x509Props.subject
  if (typeof subject !== 'string' || subject.trim() === '') {
    throw kvError(400, 'BadParameter', 'Property policy.x509_props.subject is required.')
  }
  const strings = (v: unknown): string[] | undefined =>
    Array.isArray(v) && v.every(s => typeof s === 'string') ? (v as string[]) : undefined
  const sans = x509Props.sans as { dns_names?: unknown } | undefined
  const dnsNames = strings(sans?.dns_names)
  const time = now()
  const issuerName = typeof issuer.name === 'string' ? issuer.name : 'Unknown'
  const policy: RestCertificatePolicy = {
    id,
    key_props: {
      exportable: typeof keyProps.exportable === 'boolean' ? keyProps.exportable : true,
      kty,
      ...(isEc
        ? { crv: typeof keyProps.crv === 'string' ? keyProps.crv : 'P-256' }
        : { key_size: typeof keyProps.key_size === 'number' ? keyProps.key_size : 2048 }),
      reuse_key: typeof keyProps.reuse_key === 'boolean' ? keyProps.reuse_key : false
    },
    secret_props: {
      contentType:
        p.secret_props?.contentType === 'application/x-pem-file'
          ? 'application/x-pem-file'
          : 'application/x-pkcs12'
    },
    x509_props: {
      subject,
      ekus: strings(x509Props.ekus) ?? ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2'],
      key_usage:
        strings(x509Props.key_usage) ??
        (isEc ? ['digitalSignature'] : ['digitalSignature', 'keyEncipherment']),
      validity_months:
        typeof x509Props.validity_months === 'number' ? x509Props.validity_months : 12,
      ...(dnsNames ? { sans: { dns_names: dnsNames } } : {}),
      basic_constraints: { ca: false }
    },
    lifetime_actions: Array.isArray(p.lifetime_actions)
      ? (p.lifetime_actions as RestCertificatePolicy['lifetime_actions'])
      : [
          {
            trigger: { lifetime_percentage: 80 },
            action: { action_type: issuerName === 'Self' ? 'AutoRenew' : 'EmailContacts' }
          }
        ],
    issuer: {
      name: issuerName,
      ...(typeof issuer.cty === 'string' ? { cty: issuer.cty } : {}),
      ...(typeof issuer.cert_transparency === 'boolean'
        ? { cert_transparency: issuer.cert_transparency }
        : {})
    },
    attributes: { enabled: true, created: previous?.attributes.created ?? time, updated: time }
  }
  if (policy.key_props.exportable && kty.endsWith('-HSM')) {
    throw kvError(400, 'BadParameter', 'Exportable keys are not supported for HSM key types.')
  }
  keySpecOf(policy)
  keyUsageBits(policy.x509_props.key_usage)
  return policy
}

interface PendingOperation {
  requestId: string
  csr: Buffer
  issuerName: string
  status: 'inProgress' | 'completed'
  polls: number
  /** The version the operation makes, added when it completes. */
  prepared?: StoredVersion
  /** Policy and attributes to apply when it completes. */
  policy: RestCertificatePolicy
  created: number
}

export function createKeyVault(options: {
  name: string
  authenticate: KeyVaultAuthenticate
  tenantId: string
  authority?: string
}): KeyVault {
  const authority = (options.authority ?? 'https://login.microsoftonline.com').replace(/\/+$/, '')
  const challenge = `Bearer authorization="${authority}/${options.tenantId}", resource="${RESOURCE}"`
  const certificates = new Map<string, StoredCertificate>()
  const pending = new Map<string, PendingOperation>()
  const denied = new Set<KeyVaultPermission>()
  const signs: SignRecord[] = []
  let permissionModel: PermissionModel = 'accessPolicy'
  let pendingPolls = 1
  let origin = ''
  const misreportedKeyIds = new Map<string, string>()

  const url = (kind: 'certificates' | 'keys' | 'secrets', name: string, version?: string) =>
    `${origin}/${kind}/${name}${version !== undefined ? `/${version}` : ''}`

  // ---- state helpers --------------------------------------------------------------------------

  function latest(cert: StoredCertificate): StoredVersion | undefined {
    return cert.versions[cert.versions.length - 1]
  }

  function describeSeed(name: string, v: StoredVersion): SeededCertificate {
    const root = v.chain[v.chain.length - 1] ?? v.leaf
    const seeded: SeededCertificate = {
      name,
      version: v.version,
      id: url('certificates', name, v.version),
      kid: url('keys', name, v.version),
      sid: url('secrets', name, v.version),
      leaf: v.leaf,
      chain: v.chain,
      root
    }
    if (v.chain.length > 2 && v.chain[1]) seeded.intermediate = v.chain[1]
    return seeded
  }

  async function makeVersion(
    policy: RestCertificatePolicy,
    previous: StoredVersion | undefined,
    extra: {
      notBefore?: Date
      notAfter?: Date
      enabled?: boolean
      issuers?: Issued[]
      /** The key pair to certify (a create's CSR key); otherwise per the policy's reuse_key. */
      keys?: CryptoKeyPair
    } = {}
  ): Promise<StoredVersion> {
    const keys = extra.keys ?? (await keyPairFor(policy, previous))
    const notBefore = extra.notBefore ?? new Date(Date.now() - 60_000)
    const notAfter = extra.notAfter ?? addMonths(notBefore, policy.x509_props.validity_months)
    const issuer = extra.issuers?.[0]
    const leaf = await issueCertificate({
      subject: policy.x509_props.subject,
      keys,
      keyUsage: keyUsageBits(policy.x509_props.key_usage),
      keyUsageCritical: true,
      ekus: policy.x509_props.ekus,
      ...(policy.x509_props.sans?.dns_names ? { dnsNames: policy.x509_props.sans.dns_names } : {}),
      notBefore,
      notAfter,
      ...(issuer ? { issuer } : {})
    })
    const time = now()
    return {
      version: newVersionId(),
      leaf,
      chain: [leaf, ...(extra.issuers ?? [])],
      enabled: extra.enabled ?? true,
      created: time,
      updated: time,
      exportable: policy.key_props.exportable,
      contentType: policy.secret_props.contentType,
      keyOps: keyOpsFor(policy.key_props.kty, policy.x509_props.key_usage),
      kty: policy.key_props.kty
    }
  }

  function seedPolicy(name: string, o: SeedOptions, issuerName: string): RestCertificatePolicy {
    const key = o.key ?? { kty: 'RSA', size: 2048 }
    const time = now()
    return {
      id: `${url('certificates', name)}/policy`,
      key_props: {
        exportable: o.exportable ?? false,
        kty: key.kty,
        ...(key.kty === 'RSA' ? { key_size: key.size } : { crv: key.crv }),
        reuse_key: o.reuseKey ?? true
      },
      secret_props: { contentType: o.contentType ?? 'application/x-pem-file' },
      x509_props: {
        subject: o.subject,
        ekus: o.ekus ?? [CODE_SIGNING],
        key_usage: o.keyUsage ?? ['digitalSignature'],
        validity_months: o.validityMonths ?? 12,
        ...(o.dnsNames ? { sans: { dns_names: o.dnsNames } } : {}),
        basic_constraints: { ca: false }
      },
      lifetime_actions: [
        {
          trigger: { lifetime_percentage: 80 },
          action: { action_type: issuerName === 'Self' ? 'AutoRenew' : 'EmailContacts' }
        }
      ],
      issuer: { name: issuerName },
      attributes: { enabled: true, created: time, updated: time }
    }
  }

  async function makeCaChain(depth: 1 | 2, spec: KeySpec): Promise<Issued[]> {
    const keySpec: KeySpec = spec.kty === 'EC' ? spec : { kty: 'RSA', size: 2048 }
    const root = await issueCertificate({
      subject: 'CN=Notation Test Root CA,O=Notation Test,ST=WA,C=US',
      isCa: true,
      keys: await generateKeyPair(keySpec)
    })
    if (depth === 1) return [root]
    const intermediate = await issueCertificate({
      subject: 'CN=Notation Test Intermediate CA,O=Notation Test,ST=WA,C=US',
      isCa: true,
      issuer: root,
      keys: await generateKeyPair(keySpec)
    })
    return [intermediate, root]
  }

  function store(name: string, policy: RestCertificatePolicy, version: StoredVersion): void {
    const existing = certificates.get(name)
    if (existing) {
      existing.policy = policy
      existing.versions.push(version)
    } else {
      certificates.set(name, { name, policy, versions: [version] })
    }
  }

  function findCertificate(name: string): StoredCertificate {
    completePending(name)
    const cert = certificates.get(name)
    if (!cert || cert.versions.length === 0) throw certificateNotFound(name)
    return cert
  }

  function certificateNotFound(id: string): HttpError {
    return kvError(
      404,
      'CertificateNotFound',
      `A certificate with (name/id) ${id} was not found in this key vault. If you recently deleted this certificate you may be able to recover it using the correct recovery command. For help resolving this issue, please see ${HELP_NOT_FOUND}`
    )
  }

  function findVersion(
    kind: 'certificate' | 'key' | 'secret',
    name: string,
    version: string | undefined
  ): { cert: StoredCertificate; v: StoredVersion } {
    completePending(name)
    const cert = certificates.get(name)
    const id = version ? `${name}/${version}` : name
    const v = cert
      ? version
        ? cert.versions.find(x => x.version === version)
        : latest(cert)
      : undefined
    if (!cert || !v) {
      if (kind === 'certificate') throw certificateNotFound(id)
      const code = kind === 'key' ? 'KeyNotFound' : 'SecretNotFound'
      throw kvError(
        404,
        code,
        `A ${kind} with (name/id) ${id} was not found in this key vault. If you recently deleted this ${kind} you may be able to recover it using the correct recovery command. For help resolving this issue, please see ${HELP_NOT_FOUND}`
      )
    }
    return { cert, v }
  }

  /** Self-issued creations finish in the service on their own; a read of the certificate sees that. */
  function completePending(name: string): void {
    const op = pending.get(name)
    if (!op || op.status !== 'inProgress' || !op.prepared) return
    op.status = 'completed'
    store(name, op.policy, op.prepared)
  }

  // ---- response bodies ------------------------------------------------------------------------

  function attributes(v: StoredVersion) {
    return {
      enabled: v.enabled,
      nbf: seconds(v.leaf.cert.notBefore),
      exp: seconds(v.leaf.cert.notAfter),
      created: v.created,
      updated: v.updated,
      ...RECOVERY
    }
  }

  function certificateBundle(cert: StoredCertificate, v: StoredVersion) {
    return {
      id: url('certificates', cert.name, v.version),
      kid: misreportedKeyIds.get(cert.name) ?? url('keys', cert.name, v.version),
      sid: url('secrets', cert.name, v.version),
      x5t: x5t(v.leaf.der),
      cer: v.leaf.der.toString('base64'),
      attributes: attributes(v),
      policy: cert.policy,
      tags: {}
    }
  }

  function certificateItem(cert: StoredCertificate, v: StoredVersion, versioned: boolean) {
    return {
      id: url('certificates', cert.name, versioned ? v.version : undefined),
      x5t: x5t(v.leaf.der),
      attributes: attributes(v),
      tags: {}
    }
  }

  function operationBody(name: string, op: PendingOperation) {
    return {
      id: `${url('certificates', name)}/pending`,
      issuer: { name: op.issuerName },
      csr: op.csr.toString('base64'),
      cancellation_requested: false,
      status: op.status,
      ...(op.status === 'completed'
        ? { target: url('certificates', name) }
        : {
            status_details:
              op.issuerName === 'Self'
                ? 'Pending certificate created. Certificate request is in progress. This may take some time based on the issuer provider. Please check again later.'
                : 'Pending certificate created. Please Perform Merge to complete the request.'
          }),
      request_id: op.requestId
    }
  }

  function secretValue(v: StoredVersion): string {
    const certs = v.chain.map(c => c.der)
    const pkcs8 = v.exportable
      ? Buffer.from(v.leaf.privateKey.export({ format: 'der', type: 'pkcs8' }))
      : undefined
    if (v.contentType === 'application/x-pkcs12') {
      return buildPkcs12(certs, pkcs8).toString('base64')
    }
    return (v.exportable ? v.leaf.keyPem : '') + v.chain.map(c => c.pem).join('')
  }

  // ---- routing --------------------------------------------------------------------------------

  function forbidden(permission: KeyVaultPermission, subject: string, resource: string) {
    const caller = `appid=${subject};oid=${subject};iss=https://sts.windows.net/${options.tenantId}/`
    const vault = `${options.name};location=${LOCATION}`
    const p = PERMISSIONS[permission]
    if (permissionModel === 'rbac') {
      return kvError(
        403,
        'Forbidden',
        [
          'Caller is not authorized to perform action on resource.',
          'If role assignments, deny assignments or role definitions were changed recently, please observe propagation time.',
          `Caller: ${caller}`,
          `Action: '${p.action}'`,
          `Resource: '/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/stack/providers/microsoft.keyvault/vaults/${options.name.toLowerCase()}${resource}'`,
          'Assignment: (not found)',
          'DenyAssignmentId: null',
          "DecisionReason: 'DeniedWithNoValidRBAC' ",
          `Vault: ${vault}`,
          ''
        ].join('\r\n'),
        'ForbiddenByRbac'
      )
    }
    return kvError(
      403,
      'Forbidden',
      `The user, group or application '${caller}' does not have ${p.verb} permission on key vault '${vault}'. For help resolving this issue, please see ${HELP_FORBIDDEN}`,
      'ForbiddenByPolicy'
    )
  }

  type Guarded = (req: StackRequest, subject: string) => StackResponse | Promise<StackResponse>

  function route(
    name: (typeof KEYVAULT_ROUTE_NAMES)[number],
    method: string,
    path: RegExp,
    permission: KeyVaultPermission | ((req: StackRequest) => KeyVaultPermission),
    handler: Guarded,
    resource: (req: StackRequest) => string
  ): Route {
    return {
      name,
      method,
      path,
      handler: async req => {
        const headers = {
          'x-ms-keyvault-region': LOCATION,
          'x-ms-request-id': webcrypto.randomUUID(),
          'cache-control': 'no-cache'
        }
        try {
          const authorization = req.headers.authorization
          if (!authorization || !/^Bearer\s+\S+/i.test(authorization)) {
            throw kvError(
              401,
              'Unauthorized',
              'AKV10000: Request is missing a Bearer or PoP token.',
              undefined,
              { 'www-authenticate': challenge }
            )
          }
          const who = await options.authenticate(authorization)
          if (!who) {
            throw kvError(
              401,
              'Unauthorized',
              'The bearer token was not accepted (stack: the authenticate hook rejected it).',
              undefined,
              { 'www-authenticate': challenge }
            )
          }
          if (!req.url.searchParams.get('api-version')) {
            throw kvError(400, 'BadParameter', "The 'api-version' query parameter is missing.")
          }
          const needed = typeof permission === 'function' ? permission(req) : permission
          if (denied.has(needed)) throw forbidden(needed, who.subject, resource(req))
          const response = await handler(req, who.subject)
          return { ...response, headers: { ...headers, ...(response.headers ?? {}) } }
        } catch (error) {
          if (error instanceof HttpError) {
            return {
              ...error.response,
              headers: { ...headers, ...(error.response.headers ?? {}) }
            }
          }
          throw error
        }
      }
    }
  }

  function jsonBody(req: StackRequest): Record<string, unknown> {
    if (req.body.length === 0) return {}
    try {
      const parsed: unknown = JSON.parse(req.body.toString('utf8'))
      if (parsed && typeof parsed === 'object') return parsed as Record<string, unknown>
    } catch {
      // fall through
    }
    throw kvError(400, 'BadParameter', 'The request body is not valid JSON.')
  }

  const name = '(?<name>[^/]+)'
  const version = '(?:/(?<version>[^/]*))?'
  const certResource = (req: StackRequest) => `/certificates/${req.params.name ?? ''}`
  const keyResource = (req: StackRequest) => `/keys/${req.params.name ?? ''}`

  const routes: Route[] = [
    route(
      'keyvault.certificates.list',
      'GET',
      /^\/certificates\/?$/,
      'certificates/list',
      () => {
        for (const n of pending.keys()) completePending(n)
        const value = [...certificates.values()].flatMap(cert => {
          const v = latest(cert)
          return v ? [certificateItem(cert, v, false)] : []
        })
        return { status: 200, body: { value, nextLink: null } }
      },
      () => ''
    ),
    route(
      'keyvault.certificates.create',
      'POST',
      new RegExp(`^/certificates/${name}/create$`),
      'certificates/create',
      async req => {
        const certName = req.params.name ?? ''
        if (!validName(certName)) {
          throw kvError(
            400,
            'BadParameter',
            `The request URI contains an invalid name: ${certName}. Follow this link for more information on vault object naming: https://aka.ms/vaultobjectnaming`
          )
        }
        completePending(certName)
        const body = jsonBody(req)
        const existing = certificates.get(certName)
        const policy = normalizePolicy(
          body.policy,
          `${url('certificates', certName)}/policy`,
          existing?.policy
        )
        if (!policy) throw kvError(400, 'BadParameter', 'Property policy is required.')
        const attrs = body.attributes as { enabled?: unknown } | undefined
        const previous = existing ? latest(existing) : undefined
        const spec = keySpecOf(policy)
        const keys = await keyPairFor(policy, previous)
        const csr = await x509.Pkcs10CertificateRequestGenerator.create({
          name: policy.x509_props.subject,
          keys,
          signingAlgorithm:
            spec.kty === 'RSA'
              ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }
              : { name: 'ECDSA', hash: 'SHA-256' }
        })
        const op: PendingOperation = {
          requestId: newVersionId(),
          csr: Buffer.from(csr.rawData),
          issuerName: policy.issuer.name,
          status: 'inProgress',
          polls: 0,
          policy,
          created: now()
        }
        if (policy.issuer.name === 'Self') {
          op.prepared = await makeVersion(policy, previous, {
            keys,
            ...(typeof attrs?.enabled === 'boolean' ? { enabled: attrs.enabled } : {})
          })
        }
        pending.set(certName, op)
        const apiVersion = req.url.searchParams.get('api-version') ?? ''
        return {
          status: 202,
          headers: {
            location: `${url('certificates', certName)}/pending?api-version=${apiVersion}&request_id=${op.requestId}`,
            'retry-after': '10'
          },
          body: operationBody(certName, op)
        }
      },
      certResource
    ),
    route(
      'keyvault.certificates.pending',
      'GET',
      new RegExp(`^/certificates/${name}/pending$`),
      'certificates/get',
      req => {
        const certName = req.params.name ?? ''
        const op = pending.get(certName)
        if (!op) {
          throw kvError(
            404,
            'PendingCertificateNotFound',
            `Pending certificate not found: ${certName}`
          )
        }
        if (op.status === 'inProgress' && op.prepared) {
          if (op.polls < pendingPolls) op.polls++
          else completePending(certName)
        }
        return { status: 200, body: operationBody(certName, op) }
      },
      certResource
    ),
    route(
      'keyvault.certificates.policy',
      'GET',
      new RegExp(`^/certificates/${name}/policy$`),
      'certificates/get',
      req => ({ status: 200, body: findCertificate(req.params.name ?? '').policy }),
      certResource
    ),
    route(
      'keyvault.certificates.versions',
      'GET',
      new RegExp(`^/certificates/${name}/versions$`),
      'certificates/list',
      req => {
        const cert = findCertificate(req.params.name ?? '')
        return {
          status: 200,
          body: { value: cert.versions.map(v => certificateItem(cert, v, true)), nextLink: null }
        }
      },
      certResource
    ),
    route(
      'keyvault.certificates.get',
      'GET',
      new RegExp(`^/certificates/${name}${version}$`),
      'certificates/get',
      req => {
        const { cert, v } = findVersion('certificate', req.params.name ?? '', req.params.version)
        return { status: 200, body: certificateBundle(cert, v) }
      },
      certResource
    ),
    route(
      'keyvault.keys.get',
      'GET',
      new RegExp(`^/keys/${name}${version}$`),
      'keys/get',
      req => {
        const { cert, v } = findVersion('key', req.params.name ?? '', req.params.version)
        if (!v.enabled) {
          throw kvError(
            403,
            'Forbidden',
            'Operation get is not allowed on a disabled key.',
            'KeyDisabled'
          )
        }
        return {
          status: 200,
          body: {
            key: {
              kid: url('keys', cert.name, v.version),
              ...publicJwk(v.leaf.privateKey),
              kty: v.kty,
              key_ops: v.keyOps
            },
            attributes: attributes(v),
            tags: {},
            managed: true
          }
        }
      },
      keyResource
    ),
    route(
      'keyvault.keys.sign',
      'POST',
      new RegExp(`^/keys/${name}/(?<version>[^/]*)/sign$`),
      'keys/sign',
      (req, subject) => {
        const { cert, v } = findVersion(
          'key',
          req.params.name ?? '',
          req.params.version || undefined
        )
        const body = jsonBody(req)
        const alg = body.alg
        if (!isSignAlgorithm(alg)) {
          throw kvError(400, 'BadParameter', `Invalid algorithm: '${String(alg)}'.`)
        }
        if (typeof body.value !== 'string') {
          throw kvError(400, 'BadParameter', "Property 'value' is required.")
        }
        const digest = Buffer.from(body.value, 'base64url')
        const spec = SIGN_ALGORITHMS[alg]
        if (digest.length !== spec.digestLength) {
          throw kvError(
            400,
            'BadParameter',
            `Invalid length of 'value': ${digest.length} bytes. ${alg} requires ${spec.digestLength} bytes, encoded with base64url.`
          )
        }
        const jwk = publicJwk(v.leaf.privateKey)
        if (jwk.kty !== spec.kty || (jwk.kty === 'EC' && jwk.crv !== spec.crv)) {
          throw kvError(
            400,
            'BadParameter',
            `Algorithm ${alg} is not supported for key type ${v.kty}${jwk.kty === 'EC' ? ` (curve ${jwk.crv})` : ''}.`
          )
        }
        if (!v.enabled) {
          throw kvError(
            403,
            'Forbidden',
            'Operation sign is not allowed on a disabled key.',
            'KeyDisabled'
          )
        }
        if (!v.keyOps.includes('sign')) {
          throw kvError(
            403,
            'Forbidden',
            'Operation sign is not allowed on this key.',
            'KeyOperationForbidden'
          )
        }
        const kid = url('keys', cert.name, v.version)
        const signature = signDigest(v.leaf.privateKey, alg, digest)
        signs.push({ kid, alg, digest: digest.toString('base64url'), subject })
        return { status: 200, body: { kid, value: signature.toString('base64url') } }
      },
      keyResource
    ),
    route(
      'keyvault.secrets.get',
      'GET',
      new RegExp(`^/secrets/${name}${version}$`),
      'secrets/get',
      req => {
        const { cert, v } = findVersion('secret', req.params.name ?? '', req.params.version)
        if (!v.enabled) {
          throw kvError(
            403,
            'Forbidden',
            'Operation get is not allowed on a disabled secret.',
            'SecretDisabled'
          )
        }
        return {
          status: 200,
          body: {
            value: secretValue(v),
            contentType: v.contentType,
            id: url('secrets', cert.name, v.version),
            attributes: attributes(v),
            tags: {},
            kid: url('keys', cert.name, v.version),
            managed: true
          }
        }
      },
      req => `/secrets/${req.params.name ?? ''}`
    )
  ]

  // ---- seeding --------------------------------------------------------------------------------

  async function seed(
    certName: string,
    o: SeedOptions,
    issuers: Issued[] | undefined
  ): Promise<SeededCertificate> {
    if (!validName(certName)) throw new Error(`invalid Key Vault object name: ${certName}`)
    completePending(certName)
    const policy = seedPolicy(certName, o, issuers ? 'Unknown' : 'Self')
    const existing = certificates.get(certName)
    const previous = existing ? latest(existing) : undefined
    const v = await makeVersion(policy, previous, {
      ...(o.notBefore ? { notBefore: o.notBefore } : {}),
      ...(o.notAfter ? { notAfter: o.notAfter } : {}),
      ...(o.enabled !== undefined ? { enabled: o.enabled } : {}),
      ...(issuers ? { issuers } : {})
    })
    store(certName, policy, v)
    return describeSeed(certName, v)
  }

  function policyToSeed(policy: RestCertificatePolicy): SeedOptions {
    const key: KeySpec = policy.key_props.kty.startsWith('EC')
      ? { kty: 'EC', crv: (policy.key_props.crv ?? 'P-256') as 'P-256' }
      : { kty: 'RSA', size: (policy.key_props.key_size ?? 2048) as 2048 }
    return {
      subject: policy.x509_props.subject,
      key,
      ekus: policy.x509_props.ekus,
      keyUsage: policy.x509_props.key_usage,
      exportable: policy.key_props.exportable,
      contentType: policy.secret_props.contentType,
      reuseKey: policy.key_props.reuse_key,
      validityMonths: policy.x509_props.validity_months,
      ...(policy.x509_props.sans?.dns_names ? { dnsNames: policy.x509_props.sans.dns_names } : {})
    }
  }

  function requireCertificate(certName: string): StoredCertificate {
    completePending(certName)
    const cert = certificates.get(certName)
    if (!cert) throw new Error(`no certificate ${certName} in vault ${options.name}`)
    return cert
  }

  return {
    name: options.name,
    routes,
    signs,
    get url() {
      return origin
    },
    bindUrl(o: string) {
      origin = o.replace(/\/+$/, '')
      for (const cert of certificates.values()) {
        cert.policy.id = `${url('certificates', cert.name)}/policy`
      }
    },
    misreportKeyId(certName, kid) {
      if (kid === undefined) misreportedKeyIds.delete(certName)
      else misreportedKeyIds.set(certName, kid)
    },
    seedSelfSigned(certName, o) {
      return seed(certName, o, undefined)
    },
    async seedCaIssued(certName, o) {
      const issuers =
        o.issuers ?? (await makeCaChain(o.chainDepth ?? 2, o.key ?? { kty: 'RSA', size: 2048 }))
      if (issuers.length === 0) throw new Error('seedCaIssued: issuers must not be empty')
      return seed(certName, o, issuers)
    },
    async addVersion(certName, overrides = {}) {
      const cert = requireCertificate(certName)
      const prev = latest(cert)
      const base = policyToSeed(cert.policy)
      const selfSigned = cert.policy.issuer.name === 'Self' && !overrides.issuers
      const issuers = overrides.issuers ?? (selfSigned ? undefined : prev?.chain.slice(1))
      return seed(
        certName,
        { ...base, ...overrides },
        issuers && issuers.length > 0 ? issuers : undefined
      )
    },
    setEnabled(certName, v, enabled) {
      const cert = requireCertificate(certName)
      const found = cert.versions.find(x => x.version === v)
      if (!found) throw new Error(`no version ${v} of certificate ${certName}`)
      found.enabled = enabled
      found.updated = now()
    },
    versions(certName) {
      completePending(certName)
      return [...(certificates.get(certName)?.versions ?? [])]
    },
    certificate(certName) {
      completePending(certName)
      return certificates.get(certName)
    },
    deny(permission) {
      denied.add(permission)
    },
    allow(permission) {
      denied.delete(permission)
    },
    setPermissionModel(model) {
      permissionModel = model
    },
    setPendingPolls(count) {
      pendingPolls = count
    }
  }
}
