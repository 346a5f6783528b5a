// Reads, parses and validates every input once. Everything after this works with typed values;
// every user mistake surfaces here as an InputError naming the input and what it allows.
import * as core from '@actions/core'
import { parseAuthorityInput, resolveAuthority } from '../azure/authority.ts'
import { InputError } from '../util/errors.ts'
import { checkVaultHost, parseKeyId } from '../azure/keyvault.ts'
import { parseReference, parseRegistryHost, sameRegistry } from '../registry/reference.ts'
import {
  DEFAULT_NOTATION_VERSION,
  DEFAULT_PLUGIN_VERSION,
  isPinned,
  pinnedVersions,
  type Tool
} from '../install/releases.ts'
import { withoutCredentials } from '../util/untrusted.ts'
import { CREDENTIALS, type AzureOptions } from '../azure/options.ts'
import type { KeyVaultOptions } from '../azure/keyvault.ts'
import type { RegistryOptions } from '../registry/access.ts'
import type { ToolSource } from '../install/install.ts'
import {
  DEFAULT_STATEMENT_NAME,
  LEVELS,
  TRUST_STORE_TYPES,
  generateTrustPolicy,
  validateTrustPolicy,
  type TrustStoreType
} from '../trust/trust-policy.ts'
import { checkNotaryDN } from '../trust/distinguished-name.ts'
import type { KeyValue } from '../util/types.ts'
import type { BuildSettings } from '../build/build.ts'
import type { SignOptions } from '../notation/sign.ts'
import type { VerifyOptions } from '../notation/verify.ts'

export const COMMANDS = ['setup', 'build', 'sign', 'verify'] as const
export type Command = (typeof COMMANDS)[number]

export interface Inputs {
  commands: Command[]
  images: string[]
  notation: ToolSource
  plugin: ToolSource
  azure: AzureOptions
  keyVault: KeyVaultOptions
  registry: RegistryOptions
  sign: SignOptions
  maxConcurrency: number
  verify: VerifyOptions
  build: BuildSettings
  timeoutMinutes?: number
  cleanup: boolean
}

/**
 * Defaults as action.yml declares them; applied here too so a run without action.yml behaves alike.
 * The runner passes a declared default as INPUT_* when the input is not given, so the code cannot
 * tell the two apart: a default must never trigger a refusal (see `InputReader.given`).
 */
export const DEFAULTS: Readonly<Record<string, string>> = {
  command: 'sign verify',
  'notation-version': DEFAULT_NOTATION_VERSION,
  'plugin-version': DEFAULT_PLUGIN_VERSION,
  'azure-credential': 'auto',
  'create-certificate': 'false',
  'certificate-validity-months': '12',
  'key-type': 'RSA',
  'key-size': '2048',
  'key-curve': 'P-256',
  signer: 'notation',
  'signature-format': 'cose',
  'force-referrers-tag': 'true',
  'skip-if-signed': 'false',
  'max-concurrency': '4',
  'trust-policy-name': DEFAULT_STATEMENT_NAME,
  'verification-level': 'strict',
  dockerfile: 'Dockerfile',
  platform: 'linux/amd64',
  // build.ts's DEFAULT_RUN_TIMEOUT_SECONDS (a test keeps them equal; build.ts is not imported here).
  'build-timeout': '3600',
  cleanup: 'true'
}

/** Keeps any single input within reason before parsing (a 1 MiB policy is already absurd). */
const MAX_INPUT_LENGTH = 1024 * 1024

/** Inputs that take several lines (lists, PEM, inline JSON); every other input is one line. */
const MULTILINE = new Set([
  'images',
  'acr-registries',
  'user-metadata',
  'plugin-config',
  'ca-certs',
  'timestamp-root-cert',
  'trust-policy',
  'registry-scopes',
  'trusted-identities',
  'trust-store-certificates',
  'verify-user-metadata',
  'build-args',
  'build-secret-args'
])

// C0 and C1 controls, DEL and the bidirectional overrides (terminal escapes, Trojan Source); tabs
// and line breaks are allowed in multi-line inputs only.
/* eslint-disable no-control-regex -- refusing control characters is the point */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/
const CONTROL_MULTILINE =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/
/* eslint-enable no-control-regex */

function controlCharacterProblem(name: string, value: string): string | undefined {
  const multiline = MULTILINE.has(name)
  const match = (multiline ? CONTROL_MULTILINE : CONTROL).exec(value)
  if (!match) return undefined
  const code = `U+${(match[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`
  const line = value.slice(0, match.index).split('\n').length
  return multiline
    ? `holds a control character (${code}) on line ${line}; only printable text, tabs and line breaks are allowed.`
    : `holds a control character (${code}) at character ${match.index + 1}; it takes one line of printable text.`
}

type Reader = (name: string) => string

function envReader(name: string): string {
  return core.getInput(name)
}

class InputReader {
  private readonly read: Reader

  constructor(read: Reader) {
    this.read = read
  }

  /** The trimmed value, or the default when empty. */
  string(name: string): string {
    const raw = this.read(name)
    if (raw.length > MAX_INPUT_LENGTH) {
      throw new InputError(
        name,
        `is ${raw.length} characters long; at most ${MAX_INPUT_LENGTH} are allowed.`
      )
    }
    const value = raw.trim()
    const problem = controlCharacterProblem(name, value)
    if (problem !== undefined) throw new InputError(name, problem)
    const fallback = DEFAULTS[name] ?? ''
    return value === '' ? fallback : value
  }

  optional(name: string): string | undefined {
    const value = this.string(name)
    return value === '' ? undefined : value
  }

  /**
   * The value when it differs from the declared default, else undefined: for inputs whose mere
   * presence changes what the step does (or is refused with another input). Given explicitly, the
   * default counts as not given, as the runner passes it for an input left out.
   */
  given(name: string): string | undefined {
    const value = this.optional(name)
    return value === DEFAULTS[name] ? undefined : value
  }

  /** Non-empty lines, trimmed; lines starting with # are comments. */
  lines(name: string): string[] {
    return this.string(name)
      .split(/\r?\n/)
      .map(line => line.trim())
      .filter(line => line !== '' && !line.startsWith('#'))
  }

  boolean(name: string): boolean {
    const value = this.string(name)
    if (/^(true|True|TRUE)$/.test(value)) return true
    if (/^(false|False|FALSE)$/.test(value)) return false
    throw new InputError(name, `'${value}' is not a boolean; use true or false.`)
  }

  oneOf<T extends string>(name: string, allowed: readonly T[]): T {
    const value = this.string(name)
    const match = allowed.find(a => a.toLowerCase() === value.toLowerCase())
    if (match === undefined) {
      throw new InputError(name, `'${value}' is not allowed; use one of: ${allowed.join(', ')}.`)
    }
    return match
  }

  integer(name: string, min: number, max: number): number | undefined {
    const value = this.optional(name)
    if (value === undefined) return undefined
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      throw new InputError(name, `'${value}' is not a whole number from ${min} to ${max}.`)
    }
    return Number(value)
  }

  /** A positive number of minutes (decimals allowed, like a job's timeout-minutes), at most `max`. */
  minutes(name: string, max: number): number | undefined {
    const value = this.optional(name)
    if (value === undefined) return undefined
    if (!/^\d+(\.\d+)?$/.test(value) || Number(value) <= 0 || Number(value) > max) {
      throw new InputError(
        name,
        `'${value}' is not a number of minutes above 0 and at most ${max} (e.g. 10 or 2.5).`
      )
    }
    return Number(value)
  }

  /**
   * One `key=value` pair per line. `allowEmpty` is for inputs whose consumer accepts `key=`
   * (build arguments); notation's flag parser refuses an empty value, so its inputs are checked now
   * rather than after the download and the sign-in.
   */
  keyValues(
    name: string,
    validateKey: (key: string) => string | undefined = () => undefined,
    { allowEmpty = false }: { allowEmpty?: boolean } = {}
  ): KeyValue[] {
    const pairs: KeyValue[] = []
    const seen = new Set<string>()
    for (const line of this.lines(name)) {
      const eq = line.indexOf('=')
      if (eq <= 0) {
        throw new InputError(name, `'${line}' is not key=value (one pair per line).`)
      }
      const key = line.slice(0, eq).trim()
      const value = line.slice(eq + 1).trim()
      if (!/^[A-Za-z0-9][A-Za-z0-9_.\-/]*$/.test(key)) {
        throw new InputError(
          name,
          `key '${key}' must start with a letter or digit and hold only letters, digits and _ . - /.`
        )
      }
      const problem = validateKey(key)
      if (problem !== undefined) throw new InputError(name, problem)
      if (seen.has(key)) throw new InputError(name, `key '${key}' is given twice.`)
      if (value === '' && !allowEmpty) {
        throw new InputError(
          name,
          `the value of '${key}' is empty; notation refuses 'key=' (give a value, or leave the line out).`
        )
      }
      // eslint-disable-next-line no-control-regex -- refusing control characters is the point
      if (/[\u0000-\u001f\u007f]/.test(value)) {
        throw new InputError(name, `the value of '${key}' holds control characters.`)
      }
      seen.add(key)
      pairs.push({ key, value })
    }
    return pairs
  }
}

export function parseCommands(value: string): Command[] {
  const words = value
    .split(/[\s,]+/)
    .map(w => w.trim().toLowerCase())
    .filter(w => w !== '')
  if (words.length === 0) {
    throw new InputError('command', `is empty; use any of: ${COMMANDS.join(', ')}.`)
  }
  const chosen = new Set<Command>()
  for (const word of words) {
    if (!(COMMANDS as readonly string[]).includes(word)) {
      throw new InputError(
        'command',
        `'${word}' is not a command; use any of: ${COMMANDS.join(', ')}.`
      )
    }
    if (chosen.has(word as Command)) {
      throw new InputError('command', `'${word}' is given twice.`)
    }
    chosen.add(word as Command)
  }
  // Phases always run in their natural order, whatever order they were written in.
  return COMMANDS.filter(c => chosen.has(c))
}

const SHA256 = /^[0-9a-f]{64}$/

function toolSource(
  reader: InputReader,
  tool: Tool,
  names: { version: string; url: string; checksum: string },
  fallback: string
): ToolSource {
  const version = (reader.optional(names.version) ?? fallback).replace(/^v/, '')
  const url = reader.optional(names.url)
  const checksum = reader.optional(names.checksum)?.toLowerCase()
  if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version)) {
    throw new InputError(names.version, `'${version}' is not a version like ${fallback}.`)
  }
  if (url === undefined) {
    if (checksum !== undefined) {
      throw new InputError(
        names.checksum,
        `is only used with ${names.url}; pinned releases are checked against the action's own table.`
      )
    }
    if (!isPinned(tool, version)) {
      throw new InputError(
        names.version,
        `${version} is not in the action's pinned checksum table (${pinnedVersions(tool).join(', ')}); ` +
          `choose one of those, or give ${names.url} with ${names.checksum}.`
      )
    }
    return { version }
  }
  const quoted = withoutCredentials(url)
  if (/\s/.test(url)) throw new InputError(names.url, `'${quoted}' must not contain white space.`)
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new InputError(names.url, `'${quoted}' is not a URL.`)
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new InputError(names.url, `'${quoted}' must be an http(s) URL.`)
  }
  if (parsed.username !== '' || parsed.password !== '') {
    throw new InputError(names.url, 'must not carry credentials; use a URL that needs none.')
  }
  if (checksum === undefined) {
    throw new InputError(
      names.checksum,
      `is required with ${names.url}: the archive's SHA-256 (64 hex characters), so nothing unverified is installed.`
    )
  }
  if (!SHA256.test(checksum)) {
    throw new InputError(names.checksum, 'must be a SHA-256: 64 hex characters.')
  }
  return { version, custom: { url: parsed.toString(), sha256: checksum } }
}

function vaultUrl(value: string | undefined): string | undefined {
  if (value === undefined) return undefined
  if (/^[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/.test(value) && !value.includes('--')) {
    return `https://${value.toLowerCase()}.vault.azure.net`
  }
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new InputError(
      'key-vault',
      `'${value}' is neither a vault name (3-24 letters, digits and hyphens) nor an https URL.`
    )
  }
  if (
    url.protocol !== 'https:' ||
    url.pathname !== '/' ||
    url.search !== '' ||
    url.username !== ''
  ) {
    throw new InputError(
      'key-vault',
      `'${value}' must be a plain https URL such as https://myvault.vault.azure.net.`
    )
  }
  checkVaultHost(url, 'key-vault')
  return url.origin
}

function checkTimestampUrl(value: string): void {
  let url: URL | undefined
  try {
    url = /^https?:\/\/[^\s]+$/.test(value) ? new URL(value) : undefined
  } catch {
    url = undefined
  }
  if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw new InputError('timestamp-url', `'${withoutCredentials(value)}' is not an http(s) URL.`)
  }
  if (url.username !== '' || url.password !== '') {
    // The URL is passed to notation on its command line and shown in the job summary.
    throw new InputError('timestamp-url', 'must not carry credentials; use a URL that needs none.')
  }
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const DOMAIN = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i

/** azure-client-id and azure-tenant-id, and what azure-credential oidc needs, before any request. */
function checkAzureIds(azure: Inputs['azure']): void {
  if (azure.clientId !== undefined && !GUID.test(azure.clientId)) {
    throw new InputError(
      'azure-client-id',
      `'${azure.clientId}' is not a GUID (the application or managed identity's client ID).`
    )
  }
  if (azure.tenantId !== undefined && !GUID.test(azure.tenantId) && !DOMAIN.test(azure.tenantId)) {
    throw new InputError(
      'azure-tenant-id',
      `'${azure.tenantId}' is not a tenant ID: a GUID or a domain such as contoso.onmicrosoft.com.`
    )
  }
  const kind = azure.credential
  if (kind === 'oidc' || kind === 'environment') {
    if (!(azure.clientId ?? process.env['AZURE_CLIENT_ID'])) {
      throw new InputError(
        'azure-client-id',
        `is required for azure-credential ${kind} (or set AZURE_CLIENT_ID).`
      )
    }
    if (!(azure.tenantId ?? process.env['AZURE_TENANT_ID'])) {
      throw new InputError(
        'azure-tenant-id',
        `is required for azure-credential ${kind} (or set AZURE_TENANT_ID).`
      )
    }
  }
  if (
    kind === 'environment' &&
    !process.env['AZURE_CLIENT_SECRET'] &&
    !process.env['AZURE_CLIENT_CERTIFICATE_PATH']
  ) {
    throw new InputError(
      'azure-credential',
      "environment needs the application's secret in AZURE_CLIENT_SECRET or its certificate in AZURE_CLIENT_CERTIFICATE_PATH."
    )
  }
}

/**
 * registry-scopes and trusted-identities by the rules of the trust policy they end up in, so a bad
 * line is refused here rather than after installing and signing.
 */
function checkGeneratedPolicyInputs(verify: VerifyOptions): void {
  if (verify.trustPolicy !== undefined) return
  const probe = (
    input: 'registry-scopes' | 'trusted-identities',
    scopes: string[],
    identities: string[]
  ): void => {
    const problems = validateTrustPolicy(
      generateTrustPolicy({
        name: 'probe',
        scopes,
        identities,
        level: 'strict',
        trustStore: { type: 'ca', name: 'probe' }
      })
    ).map(problem => problem.replace(/^statement "probe": /, ''))
    if (problems.length > 0) throw new InputError(input, problems.join(' '))
  }
  if (verify.registryScopes.length > 0) probe('registry-scopes', verify.registryScopes, ['*'])
  if (verify.trustedIdentities.length > 0) {
    probe('trusted-identities', ['*'], verify.trustedIdentities)
  }
}

function trustStore(value: string | undefined): VerifyOptions['trustStore'] {
  if (value === undefined) return undefined
  const m = /^([A-Za-z]+):([a-zA-Z0-9_.-]+)$/.exec(value)
  const type = TRUST_STORE_TYPES.find(t => t === m?.[1])
  if (!m || type === undefined || m[2] === undefined) {
    throw new InputError(
      'trust-store',
      `'${value}' must be type:name with type one of ${TRUST_STORE_TYPES.join(', ')} and a name of letters, digits and _ . -.`
    )
  }
  // A tsa store only anchors timestamps: as the signer's only store nothing could verify.
  if (type === 'tsa') {
    throw new InputError(
      'trust-store',
      `'${value}' is a tsa store; trust-store holds the signer's roots (ca or signingAuthority). Give the timestamping root as timestamp-root-cert: the action writes it to tsa:${m[2]}.`
    )
  }
  return { type, name: m[2] }
}

const RESERVED_PLUGIN_CONFIG = ['self_signed', 'ca_certs', 'credential_type']

/**
 * Reads and validates every input: one reader per concern, each returning its part, then the
 * checks that span concerns. `read` is injectable for tests.
 */
export function getInputs(read: Reader = envReader): Inputs {
  const reader = new InputReader(read)
  const commands = parseCommands(reader.string('command'))
  const images = readImages(reader)
  const tools = readTools(reader)
  const registry = readRegistry(reader, images)
  const sign = readSign(reader, commands)
  const azure = readAzure(reader)
  const keyVault = readKeyVault(reader)
  const inputs: Inputs = {
    commands,
    images,
    ...tools,
    azure,
    keyVault,
    registry,
    sign,
    maxConcurrency: reader.integer('max-concurrency', 1, 32) ?? 4,
    verify: readVerify(reader),
    build: readBuild(reader),
    ...optionalField('timeoutMinutes', reader.minutes('timeout-minutes', 360)),
    cleanup: reader.boolean('cleanup')
  }
  // AZURE_AUTHORITY_HOST set by an earlier step must not redirect a sign-in: for a step set up for
  // Azure it is refused here, before anything is downloaded or requested; any other step checks it
  // before its first sign-in, if one happens (createAzureIdentity).
  if (setUpForAzure(inputs)) {
    resolveAuthority(inputs.azure.authorityHost, process.env['AZURE_AUTHORITY_HOST'])
  }
  checkCommandRequirements(inputs)
  checkKeyIdVault(inputs.keyVault)
  checkGeneratedPolicyInputs(inputs.verify)
  return inputs
}

function readImages(reader: InputReader): string[] {
  const images = reader.lines('images')
  if (images.length > 256)
    throw new InputError('images', `lists ${images.length} references; at most 256 are allowed.`)
  for (const image of images) parseReference(image)
  return images
}

function readTools(reader: InputReader): { notation: ToolSource; plugin: ToolSource } {
  return {
    notation: toolSource(
      reader,
      'notation',
      { version: 'notation-version', url: 'notation-url', checksum: 'notation-checksum' },
      DEFAULT_NOTATION_VERSION
    ),
    plugin: toolSource(
      reader,
      'azure-kv',
      { version: 'plugin-version', url: 'plugin-url', checksum: 'plugin-checksum' },
      DEFAULT_PLUGIN_VERSION
    )
  }
}

function readRegistry(reader: InputReader, images: string[]): RegistryOptions {
  const username = reader.optional('registry-username')
  const password = reader.optional('registry-password')
  if (password !== undefined) core.setSecret(password)
  if ((username === undefined) !== (password === undefined)) {
    throw new InputError(
      username === undefined ? 'registry-username' : 'registry-password',
      'registry-username and registry-password go together.'
    )
  }
  const acrRegistries = reader
    .lines('acr-registries')
    .map(line => parseRegistryHost(line, 'acr-registries'))
  const server = bindRegistryCredentials(
    images,
    username !== undefined,
    reader.optional('registry-server')
  )
  return {
    ...optionalField('username', username),
    ...optionalField('password', password),
    ...optionalField('server', server),
    acrRegistries
  }
}

function readSign(reader: InputReader, commands: Command[]): SignOptions {
  const timestampUrl = reader.optional('timestamp-url')
  const timestampRootCert = reader.optional('timestamp-root-cert')
  // To sign, the root checks the TSA's answer; to verify, it fills the tsa trust store. Alone it is
  // only the verify side's, so a sign step that would ignore it is refused.
  const verifyOnly = commands.includes('verify') && !commands.includes('sign')
  if (timestampUrl !== undefined && timestampRootCert === undefined) {
    throw new InputError(
      'timestamp-root-cert',
      'timestamp-url and timestamp-root-cert go together.'
    )
  }
  if (timestampRootCert !== undefined && timestampUrl === undefined && !verifyOnly) {
    throw new InputError(
      'timestamp-url',
      'timestamp-url and timestamp-root-cert go together to sign (timestamp-root-cert alone is the TSA root of a verify-only step).'
    )
  }
  if (timestampUrl !== undefined) checkTimestampUrl(timestampUrl)
  const expiry = reader.optional('expiry')
  if (expiry !== undefined && !/^(?=\d)(\d+h)?(\d+m)?$/.test(expiry)) {
    throw new InputError(
      'expiry',
      `'${expiry}' is not a duration in hours and minutes, such as 24h, 30m or 3h20m.`
    )
  }
  return {
    signer: reader.oneOf('signer', ['notation', 'native'] as const),
    signatureFormat: reader.oneOf('signature-format', ['cose', 'jws'] as const),
    userMetadata: reader.keyValues('user-metadata', key =>
      key.startsWith('io.cncf.notary')
        ? `key '${key}' is reserved by notation (io.cncf.notary.*).`
        : undefined
    ),
    ...optionalField('expiry', expiry),
    ...optionalField('timestampUrl', timestampUrl),
    ...optionalField('timestampRootCert', timestampRootCert),
    forceReferrersTag: reader.boolean('force-referrers-tag'),
    pluginConfig: reader.keyValues('plugin-config', key =>
      RESERVED_PLUGIN_CONFIG.includes(key)
        ? `key '${key}' is set by the action (from the certificate and azure-credential); remove it.`
        : undefined
    ),
    skipIfSigned: reader.boolean('skip-if-signed')
  }
}

function readAzure(reader: InputReader): AzureOptions {
  const authorityInput = reader.optional('azure-authority-host')
  const authorityHost =
    authorityInput === undefined ? undefined : parseAuthorityInput(authorityInput)
  const azure: AzureOptions = {
    credential: reader.oneOf('azure-credential', CREDENTIALS),
    ...optionalField('clientId', reader.optional('azure-client-id')),
    ...optionalField('tenantId', reader.optional('azure-tenant-id')),
    ...optionalField('authorityHost', authorityHost),
    ...optionalField('subscriptionId', reader.optional('azure-subscription-id')),
    ...optionalField('resourceGroup', reader.optional('resource-group'))
  }
  checkAzureIds(azure)
  return azure
}

function readKeyVault(reader: InputReader): KeyVaultOptions {
  const keyVault: KeyVaultOptions = {
    ...optionalField('vaultUrl', vaultUrl(reader.optional('key-vault'))),
    ...optionalField('certificate', reader.optional('certificate')),
    ...optionalField('certificateVersion', reader.optional('certificate-version')),
    ...optionalField('keyId', reader.optional('key-id')),
    createCertificate: reader.boolean('create-certificate'),
    policy: {
      ...optionalField('subject', reader.optional('certificate-subject')),
      validityMonths: reader.integer('certificate-validity-months', 1, 120) ?? 12,
      keyType: reader.oneOf('key-type', ['RSA', 'EC'] as const),
      keySize: Number(reader.oneOf('key-size', ['2048', '3072', '4096'] as const)) as
        2048 | 3072 | 4096,
      keyCurve: reader.oneOf('key-curve', ['P-256', 'P-384', 'P-521'] as const)
    },
    ...optionalField('caCerts', reader.optional('ca-certs'))
  }
  if (keyVault.keyId !== undefined) {
    checkVaultHost(new URL(parseKeyId(keyVault.keyId).vaultUrl), 'key-id')
  }
  if (keyVault.certificate !== undefined && !/^[0-9a-zA-Z-]{1,127}$/.test(keyVault.certificate)) {
    throw new InputError(
      'certificate',
      `'${keyVault.certificate}' is not a Key Vault certificate name (letters, digits, hyphens).`
    )
  }
  if (
    keyVault.certificateVersion !== undefined &&
    !/^[0-9a-f]{32}$/i.test(keyVault.certificateVersion)
  ) {
    throw new InputError('certificate-version', 'must be a Key Vault version: 32 hex characters.')
  }
  const subject = keyVault.policy.subject
  const subjectProblems = subject === undefined ? [] : checkNotaryDN(subject).problems
  if (subjectProblems.length > 0) {
    throw new InputError(
      'certificate-subject',
      `${subjectProblems.join(' ')} notation's trusted identities need it (e.g. CN=example.com,O=Example,L=Seattle,ST=WA,C=US).`
    )
  }
  return keyVault
}

/** key-id and key-vault, when both are given, name one vault. */
function checkKeyIdVault(keyVault: KeyVaultOptions): void {
  if (keyVault.keyId === undefined || keyVault.vaultUrl === undefined) return
  const keyId = parseKeyId(keyVault.keyId)
  if (keyId.vaultUrl !== keyVault.vaultUrl) {
    throw new InputError(
      'key-id',
      `belongs to ${keyId.vaultUrl}, not to key-vault ${keyVault.vaultUrl}; give one of them, or both of one vault.`
    )
  }
}

function readVerify(reader: InputReader): VerifyOptions {
  return {
    ...optionalField('trustPolicy', reader.optional('trust-policy')),
    // Only a name other than the default shapes the policy (and clashes with trust-policy).
    ...optionalField('trustPolicyName', reader.given('trust-policy-name')),
    registryScopes: reader.lines('registry-scopes'),
    trustedIdentities: reader.lines('trusted-identities'),
    level: reader.oneOf('verification-level', LEVELS),
    ...optionalField(
      'verifyTimestamp',
      reader.optional('verify-timestamp') === undefined
        ? undefined
        : reader.oneOf('verify-timestamp', ['always', 'afterCertExpiry'] as const)
    ),
    ...optionalField('trustStore', trustStore(reader.optional('trust-store'))),
    trustStoreCertificates: reader.lines('trust-store-certificates'),
    userMetadata: reader.keyValues('verify-user-metadata')
  }
}

function readBuild(reader: InputReader): BuildSettings {
  const build: BuildSettings = {
    ...optionalField('context', reader.optional('build-context')),
    ...optionalField('dockerfile', reader.optional('dockerfile')),
    args: reader.keyValues('build-args', undefined, { allowEmpty: true }),
    secretArgs: reader.keyValues('build-secret-args', undefined, { allowEmpty: true }),
    ...optionalField('platform', reader.optional('platform')),
    ...optionalField('timeoutSeconds', reader.integer('build-timeout', 300, 28800))
  }
  for (const { value } of build.secretArgs) if (value !== '') core.setSecret(value)
  return build
}

/**
 * The one registry registry-username/password go to: registry-server, or else the one registry the
 * images name. Credentials that could reach a registry they were not meant for are refused here.
 */
function bindRegistryCredentials(
  images: string[],
  hasCredentials: boolean,
  server: string | undefined
): string | undefined {
  if (server !== undefined) parseRegistryHost(server, 'registry-server')
  // Without credentials (a fork's run without secrets, say) registry-server has nothing to bind.
  if (!hasCredentials) return undefined
  const registries: string[] = []
  for (const image of images) {
    const { registry } = parseReference(image)
    if (!registries.some(known => sameRegistry(known, registry))) registries.push(registry)
  }
  if (server !== undefined) {
    if (images.length > 0 && !registries.some(registry => sameRegistry(registry, server))) {
      throw new InputError(
        'registry-server',
        `'${server}' is not the registry of any image (images name ${registries.join(', ')}); registry-username and registry-password go only to registry-server.`
      )
    }
    return registries.find(registry => sameRegistry(registry, server)) ?? server
  }
  if (registries.length > 1) {
    throw new InputError(
      'registry-server',
      `is required with registry-username and registry-password when images name several registries (${registries.join(', ')}): name the one they are for; the others get no password.`
    )
  }
  return registries[0]
}

/** Builds, signs, or names an Azure identity or a vault: the step will sign in to Azure. */
function setUpForAzure(inputs: Inputs): boolean {
  const { azure, keyVault } = inputs
  return (
    inputs.commands.includes('build') ||
    inputs.commands.includes('sign') ||
    azure.credential !== 'auto' ||
    azure.clientId !== undefined ||
    azure.tenantId !== undefined ||
    azure.authorityHost !== undefined ||
    keyVault.vaultUrl !== undefined ||
    keyVault.keyId !== undefined
  )
}

/**
 * What the native signer does not do (yet), refused up front: it signs without notation and the
 * plugin, so it has no RFC 3161 client and no plugin to configure.
 */
function checkNativeSigner(inputs: Inputs): void {
  const { sign } = inputs
  if (sign.signer !== 'native' || !inputs.commands.includes('sign')) return
  if (sign.timestampUrl !== undefined) {
    throw new InputError(
      'timestamp-url',
      'is not supported with signer: native yet (it has no RFC 3161 timestamping); use signer: notation to timestamp signatures.'
    )
  }
  if (sign.pluginConfig.length > 0) {
    throw new InputError(
      'plugin-config',
      'goes to the azure-kv plugin, which signer: native does not run; remove it or use signer: notation.'
    )
  }
}

/** What each command needs, checked before anything is installed, signed or written. */
function checkCommandRequirements(inputs: Inputs): void {
  checkNativeSigner(inputs)
  const has = (c: Command): boolean => inputs.commands.includes(c)
  const works = has('build') || has('sign') || has('verify')
  if (works && !has('build') && inputs.images.length === 0) {
    throw new InputError(
      'images',
      `is required for ${inputs.commands.join(' ')}: one image reference per line.`
    )
  }
  const { keyVault, verify } = inputs
  if (has('sign') && keyVault.vaultUrl === undefined && keyVault.keyId === undefined) {
    throw new InputError('key-vault', 'is required to sign (or give key-id).')
  }
  if (has('sign') && keyVault.certificate === undefined && keyVault.keyId === undefined) {
    throw new InputError('certificate', 'is required to sign (or give key-id).')
  }
  if (keyVault.keyId !== undefined && keyVault.certificate !== undefined) {
    throw new InputError('key-id', 'and certificate are alternatives; give one.')
  }
  if (keyVault.createCertificate && keyVault.certificate === undefined) {
    throw new InputError(
      'create-certificate',
      'needs certificate: the name of the certificate to create.'
    )
  }
  if (keyVault.createCertificate && keyVault.policy.subject === undefined) {
    throw new InputError('certificate-subject', 'is required with create-certificate: true.')
  }
  const fromVault = keyVault.certificate !== undefined || keyVault.keyId !== undefined
  if (has('verify') && !has('sign') && !fromVault && verify.trustStoreCertificates.length === 0) {
    throw new InputError(
      'trust-store-certificates',
      'is required to verify without a Key Vault certificate (key-vault with certificate or key-id).'
    )
  }
  // Without a Key Vault certificate nothing names the signer: the generated policy needs
  // trusted-identities (or a whole trust-policy). Said now, not as a failed Azure sign-in later.
  if (
    has('verify') &&
    !has('sign') &&
    !fromVault &&
    verify.trustPolicy === undefined &&
    verify.trustedIdentities.length === 0
  ) {
    throw new InputError(
      'trusted-identities',
      'is required to verify with trust-store-certificates and no Key Vault certificate: name the signers (e.g. x509.subject: CN=example.com,O=Example,L=Seattle,ST=WA,C=US), give a trust-policy, or give key-vault with certificate (or key-id) so its subject names the signer.'
    )
  }
  if (verify.trustPolicy !== undefined) {
    const generated = [
      'trust-policy-name',
      'registry-scopes',
      'trusted-identities',
      'verify-timestamp'
    ] as const
    const clash = generated.find(
      name =>
        (name === 'trust-policy-name' && verify.trustPolicyName !== undefined) ||
        (name === 'registry-scopes' && verify.registryScopes.length > 0) ||
        (name === 'trusted-identities' && verify.trustedIdentities.length > 0) ||
        (name === 'verify-timestamp' && verify.verifyTimestamp !== undefined)
    )
    if (clash)
      throw new InputError(
        clash,
        'shapes the generated trust policy; it cannot be combined with trust-policy.'
      )
  }
  // notation checks timestamps only against a tsa trust store; without one the option does nothing.
  if (
    has('verify') &&
    verify.verifyTimestamp !== undefined &&
    inputs.sign.timestampRootCert === undefined
  ) {
    throw new InputError(
      'verify-timestamp',
      'needs a tsa trust store: give timestamp-root-cert (the root certificate of the time-stamping authority). Without one notation checks no timestamp.'
    )
  }
}

/**
 * The store the action writes the signer's roots to: `trust-store`, else `ca:` named as the Key
 * Vault certificate the step reads (or the action's default name). Known from the inputs alone, so
 * a given trust policy naming another store is refused before anything runs.
 */
export function signerStore(inputs: Inputs): { type: TrustStoreType; name: string } {
  if (inputs.verify.trustStore) return inputs.verify.trustStore
  const { keyId, certificate } = inputs.keyVault
  const name = !resolvesCertificate(inputs)
    ? undefined
    : keyId !== undefined
      ? parseKeyId(keyId).name
      : certificate
  return { type: 'ca', name: name ?? DEFAULT_STATEMENT_NAME }
}

/**
 * Whether the step reads the Key Vault certificate: always to sign; to verify unless the inputs
 * give both the trust anchors and the signer identities.
 */
export function resolvesCertificate(inputs: Inputs): boolean {
  if (inputs.commands.includes('sign')) return true
  const { verify } = inputs
  const ownAnchors = verify.trustStoreCertificates.length > 0
  const ownIdentities = verify.trustPolicy !== undefined || verify.trustedIdentities.length > 0
  return !(ownAnchors && ownIdentities)
}

/** `{ [name]: value }` when value is defined, else `{}`: keeps exactOptionalPropertyTypes honest. */
function optionalField<K extends string, V>(name: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [name]: value } as { [P in K]?: V })
}
