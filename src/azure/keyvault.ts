// The signing certificate in Key Vault: find (or create) it, check it can sign today, and learn
// what notation and the plugin need: the key ID, the subject, and the chain.
import * as core from '@actions/core'
import type { TokenCredential } from '@azure/core-auth'
import type {
  CertificateClient,
  CertificatePolicy,
  KeyVaultCertificate
} from '@azure/keyvault-certificates'
import { X509Certificate } from 'node:crypto'
import { ActionError, InputError, errorMessage } from '../util/errors.ts'
import { describeRequestError, networkCause } from '../util/network-error.ts'
import { isLoopbackHost } from '../registry/reference.ts'
import { SDK_CLIENT_OPTIONS } from '../util/retry.ts'
import type { SigningCertificate } from '../util/types.ts'
import { checkNotaryDN } from '../trust/distinguished-name.ts'
import { certificateSubject } from '../trust/truststore.ts'
import { derToPem, isSelfSigned, pemBlocks, thumbprint } from '../trust/x509.ts'

/** The certificate to create when create-certificate asks for one. */
export interface CertificatePolicyOptions {
  subject?: string
  validityMonths: number
  keyType: 'RSA' | 'EC'
  keySize: 2048 | 3072 | 4096
  keyCurve: 'P-256' | 'P-384' | 'P-521'
}

/** Which Key Vault certificate signs (or is trusted), or how to create it. */
export interface KeyVaultOptions {
  vaultUrl?: string
  certificate?: string
  certificateVersion?: string
  keyId?: string
  createCertificate: boolean
  policy: CertificatePolicyOptions
  caCerts?: string
}

const CODE_SIGNING_EKU = '1.3.6.1.5.5.7.3.3'
/**
 * Key Vault and Managed HSM hosts of Azure's clouds (public, China, US Government); private
 * endpoints keep these names. Microsoft Cloud Germany (.vault.microsoftazure.de) closed in 2021.
 */
const KNOWN_VAULT_SUFFIXES: readonly string[] = [
  '.vault.azure.net',
  '.vault.azure.cn',
  '.vault.usgovcloudapi.net',
  '.managedhsm.azure.net',
  '.managedhsm.azure.cn',
  '.managedhsm.usgovcloudapi.net'
]

/** The permission each Key Vault call needs, for messages that tell users what to grant. */
const PERMISSION: Record<string, string> = {
  get: "'certificates get' (role Key Vault Certificate User)",
  list: "'certificates list' (role Key Vault Certificate User)",
  create: "'certificates create' (role Key Vault Certificates Officer)",
  secret: "'secrets get' (role Key Vault Secrets User), or give ca-certs"
}

export interface KeyIdParts {
  vaultUrl: string
  name: string
  version?: string
}

/** `https://<vault>/keys/<name>[/<version>]` → its parts. */
export function parseKeyId(keyId: string): KeyIdParts {
  let url: URL
  try {
    url = new URL(keyId)
  } catch {
    throw new InputError(
      'key-id',
      `'${keyId}' is not a URL like https://myvault.vault.azure.net/keys/name/version.`
    )
  }
  const m = /^\/keys\/([0-9a-zA-Z-]{1,127})(?:\/([0-9a-fA-F]{32}))?\/?$/.exec(url.pathname)
  if (url.protocol !== 'https:' || !m?.[1] || url.search !== '') {
    throw new InputError(
      'key-id',
      `'${keyId}' must look like https://myvault.vault.azure.net/keys/<name>[/<version>].`
    )
  }
  return { vaultUrl: url.origin, name: m[1], ...(m[2] ? { version: m[2] } : {}) }
}

/** `<name><suffix>` with a name of one DNS label, e.g. `myvault.vault.azure.net`. */
function isKnownVaultHost(hostname: string): boolean {
  return KNOWN_VAULT_SUFFIXES.some(
    suffix =>
      hostname.endsWith(suffix) &&
      /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/.test(hostname.slice(0, -suffix.length))
  )
}

/**
 * A vault must be Key Vault or Managed HSM of a known cloud, or on loopback. Anywhere else the
 * Key Vault SDK could not check the 401 challenge's resource against the host, and a lookalike
 * (`myvault.vault.azure.net.attacker.example`) could name another API (ARM) and receive a token
 * for it.
 */
export function checkVaultHost(url: URL, input: 'key-vault' | 'key-id'): void {
  if (isKnownVaultHost(url.hostname) || isLoopbackHost(url.hostname)) return
  throw new InputError(
    input,
    `'${url.host}' is not a Key Vault or Managed HSM host of a known cloud ` +
      `(<name>${KNOWN_VAULT_SUFFIXES.join(', <name>')}); the Azure token is sent only there.`
  )
}

/**
 * The SDK checks that a 401 challenge names a resource whose domain the vault's host is under
 * (vault.azure.net for myvault.vault.azure.net), so a vault cannot ask for a token for another
 * API. Only a loopback vault (the local stack, named by IP) cannot pass that check.
 */
export function challengeOptions(vaultUrl: string): {
  disableChallengeResourceVerification: boolean
} {
  const url = new URL(vaultUrl)
  checkVaultHost(url, 'key-vault')
  return { disableChallengeResourceVerification: isLoopbackHost(url.hostname) }
}

/**
 * The certificate's key ID as Key Vault answered it, accepted only as a key of the vault in use,
 * named as the certificate, of its version: `https://<this vault>/keys/<name>/<version>`. It becomes
 * notation's --id (the key the plugin signs with), an output and a summary cell; a key of another
 * vault, or any other text, is refused and not echoed.
 */
export function vaultKeyId(kid: string, vaultUrl: string, name: string, version?: string): string {
  let url: URL | undefined
  try {
    url = new URL(kid)
  } catch {
    url = undefined
  }
  const vault = new URL(vaultUrl).origin
  const m = url && /^\/keys\/([0-9a-zA-Z-]{1,127})\/([0-9a-fA-F]{32})$/.exec(url.pathname)
  const sameVault = url?.origin === vault && url.username === '' && url.password === ''
  if (
    !url ||
    !sameVault ||
    !m ||
    m[1]?.toLowerCase() !== name.toLowerCase() ||
    (version !== undefined && m[2]?.toLowerCase() !== version.toLowerCase()) ||
    url.search ||
    url.hash
  ) {
    const where =
      url && url.origin !== vault && url.origin !== 'null' ? ` (a key of ${url.origin})` : ''
    throw new ActionError(
      `Key Vault ${vaultUrl} answered certificate '${name}' with a key ID that is not ${vault}/keys/${name}/${version ?? '<version>'}${where}; not signing with it.`
    )
  }
  return `${vault}/keys/${m[1]}/${m[2]}`
}

interface RestLikeError {
  statusCode?: number
  code?: string
  message: string
}

function keyVaultError(error: unknown, vaultUrl: string, what: string, permission: string): Error {
  const e = error as RestLikeError
  // The SDK's own words suggest turning the check off; the news is that the vault asked for a
  // token for another API and got none.
  const mismatch = /The challenge resource '([^']*)' does not match the requested domain/.exec(
    errorMessage(error)
  )
  if (mismatch) {
    return new ActionError(
      `Key Vault ${vaultUrl} asked for a token for '${mismatch[1]}', which is not Key Vault's: refused, no token was sent. ` +
        'Check that key-vault / key-id name your vault.',
      { cause: error }
    )
  }
  if (e.statusCode === 401 || e.statusCode === 403) {
    return new ActionError(
      `Key Vault ${vaultUrl} refused to ${what}: ${e.message} The identity needs ${permission}.`,
      { cause: error }
    )
  }
  if (e.statusCode === 404) {
    return new ActionError(
      `Key Vault ${vaultUrl} has no ${what.replace(/^(read|get) /, '')}: ${e.message}`,
      { cause: error }
    )
  }
  // A network failure of the vault's own request (not a sign-in failure, which names its host):
  // the vault's host and the cause, in words.
  if (!(error instanceof ActionError) && networkCause(error)) {
    return new ActionError(
      `Key Vault ${vaultUrl}: could not ${what}: ${describeRequestError(error, vaultUrl)}`,
      { cause: error }
    )
  }
  return new ActionError(`Key Vault ${vaultUrl}: could not ${what}: ${errorMessage(error)}`, {
    cause: error
  })
}

export function certificatePolicy(
  policy: CertificatePolicyOptions,
  subject: string
): CertificatePolicy {
  return {
    issuerName: 'Self',
    subject,
    keyType: policy.keyType,
    ...(policy.keyType === 'RSA' ? { keySize: policy.keySize } : { keyCurveName: policy.keyCurve }),
    exportable: false,
    reuseKey: true,
    enhancedKeyUsage: [CODE_SIGNING_EKU],
    keyUsage: ['digitalSignature'],
    validityInMonths: policy.validityMonths,
    contentType: 'application/x-pem-file'
  }
}

/** Differences between an existing certificate's policy and the one the inputs ask for. */
export function policyDifferences(
  existing: CertificatePolicy | undefined,
  wanted: CertificatePolicy
): string[] {
  if (!existing) return []
  const diffs: string[] = []
  const same = (a: Map<string, string>, b: Map<string, string>): boolean =>
    a.size === b.size && [...a].every(([k, v]) => b.get(k) === v)
  if (
    existing.subject &&
    wanted.subject &&
    !same(checkNotaryDN(existing.subject).attributes, checkNotaryDN(wanted.subject).attributes)
  ) {
    diffs.push(`subject is '${existing.subject}', inputs ask for '${wanted.subject}'`)
  }
  if (existing.keyType && !existing.keyType.startsWith(wanted.keyType ?? ''))
    diffs.push(`key type is ${existing.keyType}, inputs ask for ${wanted.keyType}`)
  if (wanted.keySize && existing.keySize && existing.keySize !== wanted.keySize)
    diffs.push(`key size is ${existing.keySize}, inputs ask for ${wanted.keySize}`)
  if (
    wanted.keyCurveName &&
    existing.keyCurveName &&
    existing.keyCurveName !== wanted.keyCurveName
  ) {
    diffs.push(`key curve is ${existing.keyCurveName}, inputs ask for ${wanted.keyCurveName}`)
  }
  if (existing.validityInMonths && existing.validityInMonths !== wanted.validityInMonths) {
    diffs.push(
      `validity is ${existing.validityInMonths} months, inputs ask for ${wanted.validityInMonths}`
    )
  }
  if (!(existing.enhancedKeyUsage ?? []).includes(CODE_SIGNING_EKU))
    diffs.push('it lacks the code-signing EKU')
  // The fields no input sets: what the action would have created, compared all the same.
  const fixed = (field: string, has: unknown, creates: unknown): void => {
    if (has !== undefined && creates !== undefined && String(has) !== String(creates))
      diffs.push(`${field} is ${String(has)}, the action creates ${String(creates)}`)
  }
  fixed('issuer', existing.issuerName, wanted.issuerName)
  fixed('exportable', existing.exportable, wanted.exportable)
  fixed('reuseKey', existing.reuseKey, wanted.reuseKey)
  fixed(
    'key usage',
    existing.keyUsage && [...existing.keyUsage].sort().join(', '),
    wanted.keyUsage && [...wanted.keyUsage].sort().join(', ')
  )
  fixed('content type', existing.contentType, wanted.contentType)
  return diffs
}

export interface ResolveOptions {
  credential: TokenCredential
  /** ca-certs as read by preflight (PEM blocks); omitted, a CA-issued chain comes from Key Vault. */
  caChain?: string[]
  now?: Date
}

export class KeyVaultCertificates {
  private readonly client: CertificateClient
  private readonly vaultUrl: string
  private readonly credential: TokenCredential

  private constructor(client: CertificateClient, vaultUrl: string, credential: TokenCredential) {
    this.client = client
    this.vaultUrl = vaultUrl
    this.credential = credential
  }

  static async connect(
    vaultUrl: string,
    credential: TokenCredential
  ): Promise<KeyVaultCertificates> {
    const { CertificateClient } = await import('@azure/keyvault-certificates')
    const client = new CertificateClient(vaultUrl, credential, {
      ...challengeOptions(vaultUrl),
      ...SDK_CLIENT_OPTIONS,
      userAgentOptions: { userAgentPrefix: 'notation-akv-action' }
    })
    return new KeyVaultCertificates(client, vaultUrl, credential)
  }

  private async latestEnabledVersion(name: string): Promise<string> {
    const versions: { version: string; created: number }[] = []
    try {
      for await (const p of this.client.listPropertiesOfCertificateVersions(name)) {
        if (p.enabled !== false && p.version)
          versions.push({ version: p.version, created: p.createdOn?.getTime() ?? 0 })
      }
    } catch (error) {
      throw keyVaultError(
        error,
        this.vaultUrl,
        `list versions of certificate '${name}'`,
        PERMISSION['list'] ?? ''
      )
    }
    const newest = versions.sort((a, b) => b.created - a.created)[0]
    if (!newest)
      throw new ActionError(
        `Every version of certificate '${name}' in ${this.vaultUrl} is disabled.`
      )
    return newest.version
  }

  /** The latest certificate, creating it first when asked to and it does not exist. */
  private async getOrCreate(name: string, inputs: KeyVaultOptions): Promise<KeyVaultCertificate> {
    let wanted: CertificatePolicy | undefined
    if (inputs.createCertificate) {
      const subject = inputs.policy.subject
      if (!subject)
        throw new InputError('certificate-subject', 'is required with create-certificate: true.')
      wanted = certificatePolicy(inputs.policy, subject)
    }
    try {
      const existing = await this.client.getCertificate(name)
      if (wanted) {
        const diffs = policyDifferences(existing.policy, wanted)
        if (diffs.length > 0) {
          core.warning(
            `Certificate '${name}' exists with another policy (${diffs.join('; ')}). It is used as it is; no new version was created.`
          )
        } else {
          core.info(`Certificate '${name}' exists; reusing it.`)
        }
      }
      return existing
    } catch (error) {
      if ((error as RestLikeError).statusCode !== 404 || !wanted) {
        throw keyVaultError(
          error,
          this.vaultUrl,
          `read certificate '${name}'`,
          PERMISSION['get'] ?? ''
        )
      }
    }
    core.info(`Creating self-signed certificate '${name}' (${wanted.subject}) in ${this.vaultUrl}`)
    try {
      const poller = await this.client.beginCreateCertificate(name, wanted, { intervalInMs: 1000 })
      return await poller.pollUntilDone()
    } catch (error) {
      throw keyVaultError(
        error,
        this.vaultUrl,
        `create certificate '${name}'`,
        PERMISSION['create'] ?? ''
      )
    }
  }

  private async getVersion(name: string, version: string): Promise<KeyVaultCertificate> {
    try {
      return await this.client.getCertificateVersion(name, version)
    } catch (error) {
      throw keyVaultError(
        error,
        this.vaultUrl,
        `read certificate '${name}' version ${version}`,
        PERMISSION['get'] ?? ''
      )
    }
  }

  private async chainFromSecret(name: string, version: string | undefined): Promise<string[]> {
    const { SecretClient } = await import('@azure/keyvault-secrets')
    const secrets = new SecretClient(this.vaultUrl, this.credential, {
      ...challengeOptions(this.vaultUrl),
      ...SDK_CLIENT_OPTIONS
    })
    let value: string | undefined
    let contentType: string | undefined
    try {
      const secret = await secrets.getSecret(name, version ? { version } : {})
      value = secret.value
      contentType = secret.properties.contentType
    } catch (error) {
      throw keyVaultError(
        error,
        this.vaultUrl,
        `read the chain of certificate '${name}'`,
        PERMISSION['secret'] ?? ''
      )
    }
    const blocks = contentType === 'application/x-pem-file' && value ? pemBlocks(value) : []
    if (blocks.length === 0) {
      throw new ActionError(
        `Certificate '${name}' is CA-issued and its chain in Key Vault is not PEM (${contentType ?? 'unknown'}); give ca-certs with the chain.`
      )
    }
    return blocks
  }

  /** Resolves the certificate to sign with and checks it can sign now. */
  async resolve(
    inputs: KeyVaultOptions,
    options: Omit<ResolveOptions, 'credential'>
  ): Promise<SigningCertificate> {
    let name: string
    let version: string | undefined
    if (inputs.keyId) {
      const parts = parseKeyId(inputs.keyId)
      name = parts.name
      version = parts.version
    } else if (inputs.certificate) {
      name = inputs.certificate
      version = inputs.certificateVersion
    } else {
      throw new InputError('certificate', 'or key-id is required to sign or verify with Key Vault.')
    }

    let certificate = version
      ? await this.getVersion(name, version)
      : await this.getOrCreate(name, inputs)
    if (certificate.properties.enabled === false) {
      if (version)
        throw new ActionError(
          `Certificate '${name}' version ${version} is disabled in ${this.vaultUrl}.`
        )
      const enabled = await this.latestEnabledVersion(name)
      core.warning(
        `The latest version of certificate '${name}' is disabled; using version ${enabled}.`
      )
      certificate = await this.getVersion(name, enabled)
    }
    if (!certificate.cer || !certificate.keyId) {
      throw new ActionError(
        `Certificate '${name}' in ${this.vaultUrl} has no issued certificate yet (pending or failed).`
      )
    }
    const leaf = new X509Certificate(certificate.cer)
    const now = options.now ?? new Date()
    const notBefore = new Date(leaf.validFrom)
    const notAfter = new Date(leaf.validTo)
    if (now < notBefore)
      throw new ActionError(`Certificate '${name}' is not valid before ${notBefore.toISOString()}.`)
    if (now > notAfter)
      throw new ActionError(
        `Certificate '${name}' expired on ${notAfter.toISOString()}; renew it in Key Vault.`
      )

    const selfSigned = isSelfSigned(leaf)
    const leafPem = derToPem(certificate.cer)
    let chain = [leafPem]
    if (!selfSigned) {
      const rest =
        options.caChain ??
        (await this.chainFromSecret(name, certificate.properties.version)).slice(1)
      chain = [leafPem, ...rest]
    }
    const keyId =
      inputs.keyId ??
      vaultKeyId(certificate.keyId, this.vaultUrl, name, certificate.properties.version)
    return {
      vaultUrl: this.vaultUrl,
      name,
      ...(certificate.properties.version ? { version: certificate.properties.version } : {}),
      keyId,
      subject: certificateSubject(leaf),
      notBefore,
      notAfter,
      chain,
      selfSigned,
      thumbprint: thumbprint(leaf)
    }
  }
}

export async function resolveSigningCertificate(
  inputs: KeyVaultOptions,
  options: ResolveOptions
): Promise<SigningCertificate> {
  const vaultUrl = inputs.keyId ? parseKeyId(inputs.keyId).vaultUrl : inputs.vaultUrl
  if (!vaultUrl) throw new InputError('key-vault', 'is required to sign or verify with Key Vault.')
  if (inputs.keyId && inputs.vaultUrl && parseKeyId(inputs.keyId).vaultUrl !== inputs.vaultUrl) {
    throw new InputError(
      'key-id',
      `belongs to ${parseKeyId(inputs.keyId).vaultUrl}, not to key-vault ${inputs.vaultUrl}.`
    )
  }
  if (inputs.keyId && inputs.certificate) {
    throw new InputError('key-id', 'and certificate are alternatives; give one.')
  }
  const vault = await KeyVaultCertificates.connect(vaultUrl, options.credential)
  return vault.resolve(inputs, options)
}
