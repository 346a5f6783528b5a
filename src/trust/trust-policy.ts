// notation's trust policy (trustpolicy.json, spec 1.0 as notation-go 1.3.2 validates it): generate
// one from the action's inputs, or read the user's, then check every rule before notation runs so a
// broken policy is reported in full, with the statement and rule, rather than one error at a time.
import { lstat, mkdir } from 'node:fs/promises'
import path from 'node:path'
import { InputError } from '../util/errors.ts'
import {
  JsonLimitError,
  checkGoKeys,
  goFoldName,
  jsonValue,
  parseJsonTree,
  type GoShape,
  type JsonNode
} from '../util/go-json.ts'
import type { ResolvedImage } from '../util/types.ts'
import { jsonErrorOffset } from '../util/json-error.ts'
import { readWorkspaceFile, writeAtomically } from '../util/workspace-files.ts'
import { checkNotaryDN, isSubsetDN } from './distinguished-name.ts'

// A `skip` level verifies nothing, so a step asking for it could only fail: not an input value. A
// given trust-policy may still hold a skip statement (for images the step does not verify).
export const LEVELS = ['strict', 'permissive', 'audit'] as const
/** A level of a trust policy statement (`signatureVerification.level`), given or generated. */
export type VerificationLevel = (typeof LEVELS)[number] | 'skip'

/** The trust store types notation reads (`<type>:<name>` in a trust policy's `trustStores`). */
export const TRUST_STORE_TYPES = ['ca', 'signingAuthority', 'tsa'] as const
export type TrustStoreType = (typeof TRUST_STORE_TYPES)[number]

export type ValidationType =
  'integrity' | 'authenticity' | 'authenticTimestamp' | 'expiry' | 'revocation'
export type ValidationAction = 'enforce' | 'log' | 'skip'
export type TimestampOption = 'always' | 'afterCertExpiry'

export interface SignatureVerification {
  level: VerificationLevel
  override?: Partial<Record<ValidationType, ValidationAction>>
  verifyTimestamp?: TimestampOption
}

export interface TrustPolicyStatement {
  name: string
  registryScopes: string[]
  signatureVerification: SignatureVerification
  trustStores?: string[]
  trustedIdentities?: string[]
}

export interface TrustPolicyDocument {
  version: '1.0'
  trustPolicies: TrustPolicyStatement[]
}

/** notation 1.x reads only this name (2.x writes trustpolicy.oci.json). */
export const TRUST_POLICY_FILE = 'trustpolicy.json'
export const DEFAULT_STATEMENT_NAME = 'notation-akv-action'

const LEVEL_NAMES: readonly string[] = ['strict', 'permissive', 'audit', 'skip']
const VALIDATION_TYPES: readonly string[] = [
  'integrity',
  'authenticity',
  'authenticTimestamp',
  'expiry',
  'revocation'
]
const STORE_TYPES: readonly string[] = ['ca', 'signingAuthority', 'tsa']
const STORE_NAME = /^[a-zA-Z0-9_.-]+$/
const WILDCARD = '*'
const X509_SUBJECT = 'x509.subject'

// notation-go 1.3.2's trustpolicy.Document as Go's encoding/json decodes it: the json tags of its
// struct fields (verifier/trustpolicy oci.go and trustpolicy.go), nested as they are decoded.
const VALUE: GoShape = { kind: 'value' }
const VERIFICATION_FIELDS = {
  level: VALUE,
  override: { kind: 'map' },
  verifyTimestamp: VALUE
} as const satisfies Record<string, GoShape>
const STATEMENT_FIELDS = {
  name: VALUE,
  registryScopes: VALUE,
  signatureVerification: {
    kind: 'struct',
    name: "a statement's signatureVerification",
    fields: VERIFICATION_FIELDS
  },
  trustStores: VALUE,
  trustedIdentities: VALUE
} as const satisfies Record<string, GoShape>
const DOCUMENT_FIELDS = {
  version: VALUE,
  trustPolicies: {
    kind: 'slice',
    of: { kind: 'struct', name: 'a statement (in trustPolicies)', fields: STATEMENT_FIELDS }
  }
} as const satisfies Record<string, GoShape>
const DOCUMENT_SHAPE: GoShape = { kind: 'struct', name: 'the top level', fields: DOCUMENT_FIELDS }
const DOCUMENT_KEYS = new Set(Object.keys(DOCUMENT_FIELDS))
const STATEMENT_KEYS = new Set(Object.keys(STATEMENT_FIELDS))
const VERIFICATION_KEYS = new Set(Object.keys(VERIFICATION_FIELDS))
/** Largest policy file read from the workspace (the inline input has its own limit). */
const MAX_POLICY_BYTES = 1024 * 1024

// ---------------------------------------------------------------------------------------------
// Generating

export interface GenerateOptions {
  name?: string
  scopes: string[]
  identities: string[]
  level: VerificationLevel
  verifyTimestamp?: TimestampOption
  trustStore: { type: TrustStoreType; name: string }
  /** Name of the tsa store holding the time-stamping authority's root, when one is given. */
  tsaStore?: string
}

/**
 * One statement from the inputs. Level `skip` gets neither trust stores nor identities (notation
 * refuses them there). Not validated here: pass the result to assertValidTrustPolicy.
 */
export function generateTrustPolicy(options: GenerateOptions): TrustPolicyDocument {
  const statement: TrustPolicyStatement = {
    name: options.name ?? DEFAULT_STATEMENT_NAME,
    registryScopes: [...options.scopes],
    signatureVerification: { level: options.level }
  }
  if (options.level !== 'skip') {
    if (options.verifyTimestamp !== undefined) {
      statement.signatureVerification.verifyTimestamp = options.verifyTimestamp
    }
    statement.trustStores = [`${options.trustStore.type}:${options.trustStore.name}`]
    if (options.tsaStore !== undefined) statement.trustStores.push(`tsa:${options.tsaStore}`)
    statement.trustedIdentities = [...options.identities]
  }
  return { version: '1.0', trustPolicies: [statement] }
}

/** Names of the tsa stores the statements name, unique, in order of appearance. */
export function tsaStoreNames(doc: TrustPolicyDocument): string[] {
  const names = doc.trustPolicies.flatMap(s =>
    (s.trustStores ?? []).filter(ref => ref.startsWith('tsa:')).map(ref => ref.slice('tsa:'.length))
  )
  return [...new Set(names)]
}

/** `registry/repository` of every image, unique and sorted: the default registry scopes. */
export function defaultScopes(images: readonly ResolvedImage[]): string[] {
  return [...new Set(images.map(i => `${i.registry}/${i.repository}`))].sort()
}

/** The trusted identity pinning a certificate subject (an RFC 4514 string). */
export function subjectIdentity(subject: string): string {
  return `${X509_SUBJECT}:${subject}`
}

// ---------------------------------------------------------------------------------------------
// Reading

export interface ParsedTrustPolicy {
  /** Parsed JSON; check it with validateTrustPolicy / assertValidTrustPolicy. */
  document: unknown
  /** 'inline' or the path as given. */
  source: string
  /** Properties notation ignores (they are not written to the trustpolicy.json the action writes). */
  warnings: string[]
}

/**
 * The `trust-policy` input: inline JSON (starting with `{`) or a file in the workspace.
 * `workspace` defaults to GITHUB_WORKSPACE (or the current directory outside Actions).
 * Refused (InputError) unless notation would read every key as it is written: no two keys that
 * Go's JSON decoding takes for one (exact duplicates, `trustPolicies` and `TrustPolicies`,
 * `ſignatureVerification`…), no key that names a property only by Go's case folding.
 */
export async function parseTrustPolicy(
  input: string,
  options: { workspace?: string } = {}
): Promise<ParsedTrustPolicy> {
  const value = input.trim()
  if (value.startsWith('{')) return readPolicyText(value, 'inline JSON', 'inline')
  const workspace = options.workspace ?? process.env.GITHUB_WORKSPACE ?? process.cwd()
  const bytes = await readWorkspaceFile('trust-policy', value, workspace, MAX_POLICY_BYTES)
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    // Go and JavaScript replace invalid bytes with U+FFFD differently: refuse rather than guess.
    throw new InputError('trust-policy', `'${value}' is not UTF-8 text.`)
  }
  return readPolicyText(text, `'${value}'`, value)
}

function readPolicyText(text: string, what: string, source: string): ParsedTrustPolicy {
  const tree = parseJson(text, what)
  const { problems, ignored } = checkGoKeys(tree, DOCUMENT_SHAPE)
  if (problems.length > 0) {
    throw new InputError(
      'trust-policy',
      problems.length === 1
        ? `${what} has keys notation reads differently: ${problems[0]}`
        : `${what} has keys notation reads differently (${problems.length} problems):\n- ${problems.join('\n- ')}`
    )
  }
  const warnings =
    ignored.length === 0
      ? []
      : [
          `trust policy: notation ignores ${ignored.join(', ')}: not ${ignored.length === 1 ? 'a trust policy property' : 'trust policy properties'}; the trustpolicy.json the action writes leaves ${ignored.length === 1 ? 'it' : 'them'} out.`
        ]
  return { document: jsonValue(tree), source, warnings }
}

/** The document's tree, every key kept; refused unless it is valid JSON holding an object. */
function parseJson(text: string, what: string): JsonNode {
  const body = text.replace(/^\uFEFF/, '')
  try {
    JSON.parse(body)
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error))
      .replace(/\s+/g, ' ')
      .replace(/ in JSON at position \d+.*$/, '')
      .replace(/, (?:\.\.\.)?".*" is not valid JSON$/, '')
    const offset = jsonErrorOffset(body)
    const before = body.slice(0, offset).split('\n')
    const where = `line ${before.length} column ${(before.at(-1)?.length ?? 0) + 1}, position ${offset}`
    throw new InputError('trust-policy', `${what} is not valid JSON (${where}): ${reason}.`)
  }
  let tree: JsonNode
  try {
    tree = parseJsonTree(body)
  } catch (error) {
    if (error instanceof JsonLimitError) {
      throw new InputError('trust-policy', `${what} ${error.message}.`)
    }
    throw error
  }
  if (tree.kind !== 'object') {
    throw new InputError('trust-policy', `${what} must be a JSON object ({"version": "1.0", ...}).`)
  }
  return tree
}

// ---------------------------------------------------------------------------------------------
// Validating

/**
 * Every rule of the policy that notation-go 1.3.2 (or the spec) would refuse, one message each;
 * empty when the policy is valid. Messages about a statement start with `statement "<name>": `.
 */
export function validateTrustPolicy(doc: unknown): string[] {
  const problems: string[] = []
  if (!isObject(doc)) return ['the trust policy must be a JSON object.']
  if (doc.version === undefined || doc.version === '') {
    problems.push('version is missing; it must be "1.0".')
  } else if (typeof doc.version !== 'string') {
    problems.push('version must be the string "1.0".')
  } else if (doc.version !== '1.0') {
    problems.push(`version ${JSON.stringify(doc.version)} is not supported; it must be "1.0".`)
  }
  for (const key of Object.keys(doc)) {
    if (!DOCUMENT_KEYS.has(key) && DOCUMENT_KEYS.has(caseMatch(key, DOCUMENT_KEYS))) {
      problems.push(
        `property "${key}": write it as "${caseMatch(key, DOCUMENT_KEYS)}" (names are case-sensitive here).`
      )
    }
  }
  const statements = doc.trustPolicies
  if (statements !== undefined && statements !== null && !Array.isArray(statements)) {
    problems.push('trustPolicies must be an array of statements.')
    return problems
  }
  if (!Array.isArray(statements) || statements.length === 0) {
    problems.push('trustPolicies has no statements; at least one is required.')
    return problems
  }

  const names = new Map<string, number>()
  const scopeOwners = new Map<string, string[]>()
  statements.forEach((raw: unknown, index) => {
    if (!isObject(raw)) {
      problems.push(`trustPolicies[${index}] is not an object.`)
      return
    }
    const name = typeof raw.name === 'string' ? raw.name : ''
    const label = name === '' ? `#${index + 1}` : JSON.stringify(name)
    const at = (message: string): void => {
      problems.push(`statement ${label}: ${message}`)
    }
    if (raw.name !== undefined && typeof raw.name !== 'string') at('name must be a string.')
    else if (name === '') at('name is missing or empty; every statement needs a unique name.')
    else names.set(name, (names.get(name) ?? 0) + 1)

    const level = checkSignatureVerification(raw.signatureVerification, at)
    const stores = stringList(raw.trustStores, 'trustStores', at)
    const identities = stringList(raw.trustedIdentities, 'trustedIdentities', at)
    if (level === 'skip') {
      if (stores.length > 0 || identities.length > 0) {
        at(
          'level "skip" must not have trustStores or trustedIdentities; remove them to skip verification.'
        )
      }
    } else {
      if (stores.length === 0 || identities.length === 0) {
        const missing = [
          stores.length === 0 ? 'trustStores' : '',
          identities.length === 0 ? 'trustedIdentities' : ''
        ].filter(m => m !== '')
        at(`${missing.join(' and ')} missing: a level other than "skip" needs both.`)
      }
      stores.forEach(store => checkTrustStoreRef(store, at))
      checkIdentities(identities, at)
    }

    const scopes = stringList(raw.registryScopes, 'registryScopes', at)
    if (scopes.length === 0) {
      at('registryScopes is empty; give at least one registry/repository, or "*".')
    }
    if (scopes.length > 1 && scopes.includes(WILDCARD)) {
      at('registry scope "*" cannot be combined with other scopes in the same statement.')
    }
    for (const scope of new Set(scopes)) {
      if (scope !== WILDCARD) {
        const problem = registryScopeProblem(scope)
        if (problem !== undefined) at(problem)
      }
      scopeOwners.set(scope, [...(scopeOwners.get(scope) ?? []), label])
    }
    if (scopes.length !== new Set(scopes).size) at('registryScopes lists a scope twice.')

    for (const key of Object.keys(raw)) {
      if (!STATEMENT_KEYS.has(key) && STATEMENT_KEYS.has(caseMatch(key, STATEMENT_KEYS))) {
        at(
          `property "${key}": write it as "${caseMatch(key, STATEMENT_KEYS)}" (names are case-sensitive here).`
        )
      }
    }
  })

  for (const [name, count] of names) {
    if (count > 1) {
      problems.push(
        `statement ${JSON.stringify(name)}: the name is used by ${count} statements; names must be unique.`
      )
    }
  }
  for (const [scope, owners] of scopeOwners) {
    if (owners.length < 2) continue
    problems.push(
      scope === WILDCARD
        ? `statements ${owners.join(', ')} all use the wildcard scope "*"; only one statement may.`
        : `registry scope "${scope}" is in statements ${owners.join(', ')}; a scope may belong to only one statement.`
    )
  }
  return problems
}

/** Throws InputError('trust-policy', …) listing every problem, unless the policy is valid. */
export function assertValidTrustPolicy(doc: unknown): asserts doc is TrustPolicyDocument {
  const problems = validateTrustPolicy(doc)
  if (problems.length === 0) return
  throw new InputError(
    'trust-policy',
    problems.length === 1
      ? `is not a valid notation trust policy: ${problems[0]}`
      : `is not a valid notation trust policy (${problems.length} problems):\n- ${problems.join('\n- ')}`
  )
}

/** The verification level, or undefined when unusable (problems are reported through `at`). */
function checkSignatureVerification(
  value: unknown,
  at: (message: string) => void
): string | undefined {
  if (!isObject(value)) {
    at(
      value === undefined
        ? 'signatureVerification is missing; set {"level": "strict"} or another level.'
        : 'signatureVerification must be an object such as {"level": "strict"}.'
    )
    return undefined
  }
  let level: string | undefined
  if (value.level === undefined || value.level === '') {
    at('signatureVerification.level is missing; use strict, permissive, audit or skip.')
  } else if (typeof value.level !== 'string' || !LEVEL_NAMES.includes(value.level)) {
    at(
      `signatureVerification.level ${JSON.stringify(value.level)} is unknown; use strict, permissive, audit or skip.`
    )
  } else {
    level = value.level
  }

  const override = value.override
  if (override !== undefined && override !== null) {
    if (!isObject(override)) {
      at('signatureVerification.override must be an object of type: action.')
    } else if (Object.keys(override).length > 0) {
      if (level === 'skip') {
        at('signatureVerification.override cannot be used with level "skip".')
      } else {
        for (const [key, action] of Object.entries(override)) {
          checkOverride(key, action, at)
        }
      }
    }
  }

  const timestamp = value.verifyTimestamp
  if (timestamp !== undefined && timestamp !== '' && timestamp !== null) {
    if (timestamp !== 'always' && timestamp !== 'afterCertExpiry') {
      at(
        `signatureVerification.verifyTimestamp ${JSON.stringify(timestamp)} is invalid; use "always" or "afterCertExpiry".`
      )
    }
  }
  for (const key of Object.keys(value)) {
    if (!VERIFICATION_KEYS.has(key) && VERIFICATION_KEYS.has(caseMatch(key, VERIFICATION_KEYS))) {
      at(
        `property "signatureVerification.${key}": write it as "${caseMatch(key, VERIFICATION_KEYS)}" (names are case-sensitive here).`
      )
    }
  }
  return level
}

function checkOverride(key: string, action: unknown, at: (message: string) => void): void {
  const where = `signatureVerification.override "${key}"`
  if (key === 'integrity') {
    at(`${where}: integrity verification can't be overridden; it is always enforced.`)
    return
  }
  if (!VALIDATION_TYPES.includes(key)) {
    at(
      `${where} is not a verification type; use authenticity, authenticTimestamp, expiry or revocation.`
    )
    return
  }
  if (action === 'skip' && key !== 'revocation') {
    at(`${where}: only revocation can be skipped; use "enforce" or "log".`)
  } else if (action !== 'enforce' && action !== 'log' && action !== 'skip') {
    at(
      `${where}: ${JSON.stringify(action)} is not an action; use "enforce" or "log"${key === 'revocation' ? ' (or "skip")' : ''}.`
    )
  }
}

function checkTrustStoreRef(store: string, at: (message: string) => void): void {
  const colon = store.indexOf(':')
  if (colon < 0) {
    at(`trust store "${store}" must be written type:name (for example ca:my-store).`)
    return
  }
  const type = store.slice(0, colon)
  const name = store.slice(colon + 1)
  if (!STORE_TYPES.includes(type)) {
    at(`trust store "${store}" has type "${type}"; use ca, signingAuthority or tsa.`)
  }
  if (!STORE_NAME.test(name)) {
    at(`trust store "${store}" has name "${name}"; names use only letters, digits and _ . -.`)
  }
}

function checkIdentities(identities: string[], at: (message: string) => void): void {
  if (identities.length > 1 && identities.includes(WILDCARD)) {
    at('trusted identity "*" cannot be combined with other identities in the same statement.')
  }
  const parsed: { identity: string; attributes: Map<string, string> }[] = []
  for (const identity of identities) {
    if (identity === '') {
      at('a trusted identity is empty.')
      continue
    }
    if (identity === WILDCARD) continue
    const colon = identity.indexOf(':')
    if (colon < 0) {
      at(`trusted identity "${identity}" has no ':'; write x509.subject:<DN>.`)
      continue
    }
    if (identity.slice(0, colon) !== X509_SUBJECT) continue
    const dn = identity.slice(colon + 1)
    if (dn === '') {
      at(`trusted identity "${identity}" has no DN after x509.subject:.`)
      continue
    }
    const { attributes, problems } = checkNotaryDN(dn)
    for (const problem of problems) at(`trusted identity "${identity}": ${problem}`)
    if (problems.length === 0) parsed.push({ identity, attributes })
  }
  // Overlap: one DN's attributes all appear in another, so the more specific one adds nothing.
  for (let i = 0; i < parsed.length; i++) {
    for (let j = i + 1; j < parsed.length; j++) {
      const a = parsed[i]!
      const b = parsed[j]!
      const aInB = isSubsetDN(a.attributes, b.attributes)
      const bInA = isSubsetDN(b.attributes, a.attributes)
      if (aInB && bInA) {
        at(`trusted identities "${a.identity}" and "${b.identity}" are the same DN; list it once.`)
      } else if (aInB || bInA) {
        const [general, specific] = aInB ? [a, b] : [b, a]
        at(
          `trusted identities overlap: "${general.identity}" already matches every subject "${specific.identity}" matches; remove one.`
        )
      }
    }
  }
}

/**
 * Why a registry scope is not `host[:port]/repository` as notation parses it (the distribution
 * reference grammar without tag or digest), or undefined when it is valid. `*` alone is not
 * checked here.
 */
export function registryScopeProblem(scope: string): string | undefined {
  const bad = (hint: string): string =>
    `registry scope "${scope}" is not host[:port]/repository: ${hint}.`
  if (scope.includes(WILDCARD)) {
    return `registry scope "${scope}" has a wildcard; "*" is only allowed alone, as the whole scope.`
  }
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(scope)) return bad('remove the scheme')
  if (scope.includes('@')) return bad('remove the digest (@sha256:…); a scope names a repository')
  const slash = scope.indexOf('/')
  if (slash < 0) return bad('add the repository (for example myregistry.azurecr.io/app)')
  const host = scope.slice(0, slash)
  const repository = scope.slice(slash + 1)
  if (host === '') return bad('the registry host is missing')
  if (repository === '') return bad('the repository is missing')
  if (!HOST.test(host)) {
    return bad(`"${host}" is not a registry host (name or IPv4 address, optional :port)`)
  }
  if (REPOSITORY.test(repository)) return undefined
  const last = repository.split('/').at(-1) ?? ''
  if (last.includes(':')) return bad('remove the tag; a scope names a repository')
  if (repository !== repository.toLowerCase() && REPOSITORY.test(repository.toLowerCase())) {
    return bad('repository names are lowercase')
  }
  if (repository.endsWith('/') || repository.includes('//')) return bad('a path component is empty')
  return bad(
    'repository path components use lowercase letters and digits, separated by ".", "_", "__" or dashes'
  )
}

// The distribution reference grammar as notation applies it to scopes: a host of DNS labels with
// an optional port, then path components of lowercase alphanumerics joined by separators.
const LABEL = '[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?'
const HOST = new RegExp(`^${LABEL}(?:\\.${LABEL})*(?::[0-9]+)?$`)
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*'
const REPOSITORY = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`)

/**
 * Things to tell the user about a valid policy: levels weaker than strict, wildcards, and choices
 * notation accepts but that probably do not do what was meant.
 */
export function policyWarnings(doc: TrustPolicyDocument): string[] {
  const warnings: string[] = []
  for (const statement of doc.trustPolicies) {
    const at = (message: string): void => {
      warnings.push(`statement "${statement.name}": ${message}`)
    }
    const level = statement.signatureVerification.level
    const scopes = statement.registryScopes
    if (level === 'permissive') {
      at('level "permissive" only logs timestamp, expiry and revocation failures.')
    } else if (level === 'audit') {
      at('level "audit" only logs authenticity failures: any signature that is intact passes.')
    } else if (level === 'skip') {
      at(`level "skip" does not verify signatures for ${scopes.join(', ')}.`)
      if (scopes.includes(WILDCARD)) {
        at(
          'the specification forbids level "skip" with the global scope "*" (notation 1.x accepts it).'
        )
      }
    }
    const weakened = Object.entries(statement.signatureVerification.override ?? {}).filter(
      ([, action]) => action !== 'enforce'
    )
    if (weakened.length > 0 && level !== 'skip') {
      at(`override relaxes ${weakened.map(([type, action]) => `${type} to ${action}`).join(', ')}.`)
    }
    if (scopes.includes(WILDCARD)) at('registry scope "*" applies to every repository.')
    const identities = statement.trustedIdentities ?? []
    if (identities.includes(WILDCARD)) {
      at('trusted identity "*" accepts any certificate issued by the trust stores\' CAs.')
    }
    const others = identities.filter(i => i !== WILDCARD && !i.startsWith(`${X509_SUBJECT}:`))
    if (others.length > 0) {
      at(
        `identities ${others.map(i => `"${i}"`).join(', ')} are not x509.subject; notation ignores them.`
      )
    }
    const stores = statement.trustStores ?? []
    if (level !== 'skip' && stores.length > 0 && !stores.some(s => s.startsWith('ca:'))) {
      at(
        'no "ca" trust store: signatures made by notation (notary.x509 scheme) verify only against ca stores.'
      )
    }
  }
  return warnings
}

// ---------------------------------------------------------------------------------------------
// Matching

/**
 * The statement notation applies to `registry/repository` (a trailing `@digest` or `:tag` is
 * ignored): an exact scope wins over `*`; undefined when none applies, which fails verification.
 */
export function scopeMatches(
  doc: TrustPolicyDocument,
  reference: string
): TrustPolicyStatement | undefined {
  const repository = repositoryOf(reference)
  let wildcard: TrustPolicyStatement | undefined
  let exact: TrustPolicyStatement | undefined
  for (const statement of doc.trustPolicies) {
    if (statement.registryScopes.includes(WILDCARD)) wildcard = statement
    else if (statement.registryScopes.includes(repository)) exact = statement
  }
  return exact ?? wildcard
}

/** Images no statement covers: report them before notation runs. */
export function uncoveredImages(
  doc: TrustPolicyDocument,
  images: readonly ResolvedImage[]
): ResolvedImage[] {
  return images.filter(i => scopeMatches(doc, `${i.registry}/${i.repository}`) === undefined)
}

function repositoryOf(reference: string): string {
  const at = reference.indexOf('@')
  const withoutDigest = at < 0 ? reference : reference.slice(0, at)
  const slash = withoutDigest.indexOf('/')
  const colon = withoutDigest.lastIndexOf(':')
  return colon > slash && slash >= 0 ? withoutDigest.slice(0, colon) : withoutDigest
}

// ---------------------------------------------------------------------------------------------
// Writing

/**
 * The policy as notation reads it, rebuilt from its validated fields only (unknown properties, null
 * and empty optional ones dropped), in one key order: what the action writes, whatever the text it
 * was read from looked like. Pass only a document assertValidTrustPolicy accepted.
 */
export function canonicalTrustPolicy(doc: TrustPolicyDocument): TrustPolicyDocument {
  return {
    version: doc.version,
    trustPolicies: doc.trustPolicies.map(statement => {
      const given = statement.signatureVerification
      const signatureVerification: SignatureVerification = { level: given.level }
      const override: NonNullable<SignatureVerification['override']> = {}
      for (const type of VALIDATION_TYPES as readonly ValidationType[]) {
        const action = given.override?.[type]
        if (given.override && Object.hasOwn(given.override, type) && action !== undefined) {
          override[type] = action
        }
      }
      if (Object.keys(override).length > 0) signatureVerification.override = override
      // "" means the default ("always") to notation, as an absent value does.
      if (given.verifyTimestamp) signatureVerification.verifyTimestamp = given.verifyTimestamp
      const canonical: TrustPolicyStatement = {
        name: statement.name,
        registryScopes: [...statement.registryScopes],
        signatureVerification
      }
      if (statement.trustStores?.length) canonical.trustStores = [...statement.trustStores]
      if (statement.trustedIdentities?.length) {
        canonical.trustedIdentities = [...statement.trustedIdentities]
      }
      return canonical
    })
  }
}

/**
 * Writes `<configDir>/trustpolicy.json` (canonicalTrustPolicy of `doc`, never the user's text) as
 * a regular 0600 file, atomically (a temporary file renamed
 * over it, which replaces a symlink rather than writing through it). Returns the path.
 */
export async function writeTrustPolicy(
  configDir: string,
  doc: TrustPolicyDocument
): Promise<string> {
  await mkdir(configDir, { recursive: true, mode: 0o700 })
  const target = path.join(configDir, TRUST_POLICY_FILE)
  const existing = await lstat(target).catch(() => undefined)
  if (existing?.isDirectory()) {
    throw new InputError('trust-policy', `${target} is a directory; notation needs a file there.`)
  }
  await writeAtomically(target, `${JSON.stringify(canonicalTrustPolicy(doc), null, 2)}\n`)
  return target
}

// ---------------------------------------------------------------------------------------------

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Go decodes a missing or null list as empty; anything but an array of strings is refused. */
function stringList(value: unknown, name: string, at: (message: string) => void): string[] {
  if (value === undefined || value === null) return []
  if (!Array.isArray(value) || value.some(v => typeof v !== 'string')) {
    at(`${name} must be an array of strings.`)
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []
  }
  return value as string[]
}

/** Go's encoding/json matches keys by Unicode case folding; name the intended key for a near miss. */
function caseMatch(key: string, known: ReadonlySet<string>): string {
  return [...known].find(k => goFoldName(k) === goFoldName(key)) ?? key
}
