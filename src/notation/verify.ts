// Verify: write the trust store and trust policy notation reads (from inputs, or from the Key Vault
// certificate), check that every image is covered, then `notation verify` each digest. Anything
// short of notation's own success line is a failure: verification fails closed.
import * as core from '@actions/core'
import { InputError } from '../util/errors.ts'
import type { KeyValue } from '../util/types.ts'
import type { TrustStoreType, VerificationLevel } from '../trust/trust-policy.ts'
import {
  READ_ATTEMPTS,
  errorLine,
  notationEnv,
  parseInspect,
  runNotation,
  runNotationRead,
  type InspectedSignature,
  type NotationResult
} from './notation.ts'
import { distinct, mapLimitLogged } from '../util/pool.ts'
import {
  DEFAULT_STATEMENT_NAME,
  assertValidTrustPolicy,
  defaultScopes,
  generateTrustPolicy,
  policyWarnings,
  subjectIdentity,
  tsaStoreNames,
  uncoveredImages,
  writeTrustPolicy,
  type TrustPolicyDocument
} from '../trust/trust-policy.ts'
import {
  checkTrustStoreCertificates,
  parseCertificates,
  writeTrustStore,
  type LoadedCertificate
} from '../trust/truststore.ts'
import type {
  ImageResult,
  RegistryCredential,
  ResolvedImage,
  SigningCertificate
} from '../util/types.ts'
import { oneLine, splitLines } from '../util/untrusted.ts'
import { isSelfSigned } from '../trust/x509.ts'

/** How to verify: the verify inputs (the trust policy and store certificates still as given). */
export interface VerifyOptions {
  trustPolicy?: string
  trustPolicyName?: string
  registryScopes: string[]
  trustedIdentities: string[]
  level: Exclude<VerificationLevel, 'skip'>
  verifyTimestamp?: 'always' | 'afterCertExpiry'
  trustStore?: { type: TrustStoreType; name: string }
  trustStoreCertificates: string[]
  userMetadata: KeyValue[]
}

/** The verify inputs that name files or text, read and checked before anything ran (preflight). */
export interface CheckedTrust {
  /** The given trust policy, validated and rebuilt from its validated fields (never the text). */
  trustPolicy?: TrustPolicyDocument
  /** Properties of the given trust policy that notation ignores. */
  trustPolicyWarnings: string[]
  trustStoreCertificates?: LoadedCertificate[]
  /** Validity warnings about the trust store certificates. */
  trustStoreWarnings: string[]
  /** timestamp-root-cert as PEM: the certificate written to each tsa trust store. */
  timestampRootPem?: string
}

export interface VerifyContext {
  notationPath: string
  configDir: string
  libexecDir: string
  verify: VerifyOptions
  /** Images verified at once (max-concurrency). */
  maxConcurrency: number
  /** The store the signer's roots go to (trust-store, or named after the certificate). */
  store: { type: TrustStoreType; name: string }
  /** The Key Vault certificate, when one was resolved: the default trust anchor and identity. */
  certificate?: SigningCertificate
  /** Trust policy and trust store certificates given as inputs, already read and checked. */
  preflight: CheckedTrust
  credentials: Map<string, RegistryCredential | undefined>
  workspace: string
  signal?: AbortSignal
  env?: Readonly<Record<string, string | undefined>>
  callTimeoutMs?: number
  now?: Date
}

export interface TrustSetup {
  policy: TrustPolicyDocument
  store: { type: TrustStoreType; name: string }
  files: string[]
  warnings: string[]
}

const CALL_TIMEOUT_MS = 10 * 60_000

/** The certificates the default trust store holds: the self-signed leaf, or the chain's root. */
export function anchorsFromKeyVault(
  certificate: SigningCertificate,
  type: TrustStoreType
): LoadedCertificate[] {
  if (type === 'tsa') {
    throw new InputError(
      'trust-store-certificates',
      'is required for a tsa trust store: give the timestamping root.'
    )
  }
  const chain = certificate.chain.flatMap((pem, i) =>
    parseCertificates(pem, `Key Vault certificate chain [${i}]`)
  )
  const root = chain.at(-1)
  if (!root || !isSelfSigned(root)) {
    throw new InputError(
      'trust-store-certificates',
      `the chain of '${certificate.name ?? certificate.keyId}' does not end at a self-signed root; give the root certificate.`
    )
  }
  return [
    {
      certificate: root,
      source: `Key Vault certificate '${certificate.name ?? certificate.keyId}'`
    }
  ]
}

async function policyFor(
  images: ResolvedImage[],
  ctx: VerifyContext,
  store: { type: TrustStoreType; name: string }
): Promise<TrustPolicyDocument> {
  const { verify } = ctx
  if (ctx.preflight.trustPolicy) return ctx.preflight.trustPolicy
  const identities =
    verify.trustedIdentities.length > 0
      ? verify.trustedIdentities
      : ctx.certificate
        ? [subjectIdentity(ctx.certificate.subject)]
        : undefined
  if (identities === undefined) {
    throw new InputError(
      'trusted-identities',
      'is required when no Key Vault certificate names the signer.'
    )
  }
  const document = generateTrustPolicy({
    name: verify.trustPolicyName ?? DEFAULT_STATEMENT_NAME,
    scopes: verify.registryScopes.length > 0 ? verify.registryScopes : defaultScopes(images),
    identities: identities ?? [],
    level: verify.level,
    ...(verify.verifyTimestamp ? { verifyTimestamp: verify.verifyTimestamp } : {}),
    trustStore: store,
    // The TSA root (timestamp-root-cert) in a tsa store of the signer store's name: notation then
    // checks each signature's timestamp against it.
    ...(ctx.preflight.timestampRootPem !== undefined ? { tsaStore: store.name } : {})
  })
  assertValidTrustPolicy(document)
  return document
}

/**
 * Stores a policy statement names that the action did not write would make notation fail late
 * (preflight refuses them for a given policy; this guards the generated one).
 */
function missingStores(policy: TrustPolicyDocument, written: readonly string[]): string[] {
  return policy.trustPolicies.flatMap(s =>
    (s.trustStores ?? [])
      .filter(ref => !written.includes(ref))
      .map(ref => `statement "${s.name}" uses trust store ${ref}`)
  )
}

/** Builds, checks and writes the trust store and trust policy. Nothing is written if a check fails. */
export async function prepareTrust(
  images: ResolvedImage[],
  ctx: VerifyContext
): Promise<TrustSetup> {
  const { verify } = ctx
  const { store } = ctx
  let certificates: LoadedCertificate[]
  let warnings: string[]
  if (ctx.preflight.trustStoreCertificates) {
    certificates = ctx.preflight.trustStoreCertificates
    warnings = [...ctx.preflight.trustStoreWarnings]
  } else if (ctx.certificate) {
    certificates = anchorsFromKeyVault(ctx.certificate, store.type)
    warnings = checkTrustStoreCertificates(store.type, certificates, ctx.now)
  } else {
    throw new InputError(
      'trust-store-certificates',
      'is required when no Key Vault certificate is given.'
    )
  }
  const policy = await policyFor(images, ctx, store)
  const tsaRoot =
    ctx.preflight.timestampRootPem === undefined
      ? undefined
      : parseCertificates(ctx.preflight.timestampRootPem, 'timestamp-root-cert')
  const tsaStores = tsaRoot === undefined ? [] : tsaStoreNames(policy)
  const written = [`${store.type}:${store.name}`, ...tsaStores.map(name => `tsa:${name}`)]
  const unknown = missingStores(policy, written)
  if (unknown.length > 0) {
    throw new InputError(
      'trust-store',
      `${unknown.join('; ')}, but the action writes only ${written.join(', ')}; set trust-store to it.`
    )
  }
  const uncovered = uncoveredImages(policy, images)
  if (uncovered.length > 0) {
    throw new InputError(
      verify.trustPolicy !== undefined ? 'trust-policy' : 'registry-scopes',
      `no trust policy statement covers ${uncovered.map(i => `${i.registry}/${i.repository}`).join(', ')}.`
    )
  }
  warnings.push(...ctx.preflight.trustPolicyWarnings, ...policyWarnings(policy))
  const files = await writeTrustStore(
    ctx.configDir,
    store,
    certificates.map(c => c.certificate)
  )
  for (const name of tsaStores) {
    files.push(...(await writeTrustStore(ctx.configDir, { type: 'tsa', name }, tsaRoot ?? [])))
  }
  files.push(await writeTrustPolicy(ctx.configDir, policy))
  for (const warning of warnings) core.warning(warning)
  return { policy, store, files, warnings }
}

export function verifyArgs(reference: string, userMetadata: readonly KeyValue[]): string[] {
  return [
    'verify',
    // Without it notation 1.3 says only that every signature failed, never why (see
    // signatureFailures); it also logs what a permissive level lets through.
    '--verbose',
    ...userMetadata.map(m => `--user-metadata=${m.key}=${m.value}`),
    reference
  ]
}

export type VerifyOutcome = Pick<ImageResult, 'verified' | 'verification' | 'error' | 'verifyMs'>

/**
 * Why each signature failed, from `notation verify --verbose`: its `Error:` line says only
 * "signature verification failed for all the signatures associated with <ref>", and the reasons
 * (expired, untrusted signer, missing metadata…) are in lines such as
 * `level=warning msg=Signature sha256:… failed verification with error: <reason>`.
 */
export function signatureFailures(stderr: string): string[] {
  const failures: string[] = []
  for (const line of splitLines(stderr)) {
    // logrus quotes a message that needs it: msg="…" (the quotes are not part of the reason).
    const found =
      /\bmsg="Signature (sha(?:256|512):[0-9a-f]+) failed verification with error: (.*)"$/.exec(
        line.trim()
      ) ??
      /\bmsg=Signature (sha(?:256|512):[0-9a-f]+) failed verification with error: (.*)$/.exec(
        line.trim()
      )
    if (found) failures.push(`${found[1]}: ${found[2]}`)
  }
  return failures
}

/** notation's log lines worth a reader's time: all but the informational ones of --verbose. */
export function shownLines(output: string): string[] {
  return splitLines(output).filter(line => line.trim() !== '' && !/^level=info\b/.test(line))
}

/** What a notation verify run means; success needs exit 0 and notation's own success line. */
export function interpretVerify(reference: string, result: NotationResult): VerifyOutcome {
  const success = result.stdout.includes(`Successfully verified signature for ${reference}`)
  const skipped = result.stdout.includes(
    `Trust policy is configured to skip signature verification for ${reference}`
  )
  if (result.code === 0 && success) return { verified: true, verification: 'verified' }
  if (result.code === 0 && skipped) {
    return {
      verified: false,
      verification: 'skipped',
      error: 'the trust policy skips verification for this image, so nothing was verified'
    }
  }
  const failures = signatureFailures(result.stderr)
  const why =
    (errorLine(result.stderr) ??
      (result.code === 0
        ? 'notation exited 0 without reporting a verified signature'
        : `notation exited with code ${result.code}`)) +
    (failures.length > 0 ? `: ${failures.join('; ')}` : '')
  return {
    verified: false,
    verification: 'failed',
    error: success ? `notation printed success but exited with code ${result.code}: ${why}` : why
  }
}

/** A value read from a signature (registry text): one line, quoted, at most 100 characters. */
function quoted(value: string): string {
  const line = oneLine(value)
  return `'${line.length > 100 ? `${line.slice(0, 99)}…` : line}'`
}

/**
 * Which verify-user-metadata pairs no signature of the image carries, in words, from what
 * `notation inspect` shows (notation's own error names none); undefined when each pair is carried
 * by some signature (the failure is then another one, and notation's line says which).
 */
export function userMetadataMismatch(
  wanted: KeyValue[],
  signatures: InspectedSignature[]
): string | undefined {
  if (signatures.length === 0) return undefined
  const problems = wanted.flatMap(({ key, value }) => {
    const values = signatures.map(s => s.userDefinedAttributes[key])
    if (values.includes(value)) return []
    const seen = [...new Set(values.filter((v): v is string => v !== undefined))]
    const where = signatures.length === 1 ? 'the signature' : `the ${signatures.length} signatures`
    return seen.length === 0
      ? [`${key} is not in ${where}`]
      : [`${key} is ${seen.map(quoted).join(' or ')} in ${where}, not ${quoted(value)}`]
  })
  return problems.length === 0 ? undefined : `verify-user-metadata: ${problems.join('; ')}`
}

/**
 * `notation verify` for every image, concurrently, in input order in the log; once per digest
 * reference (two tags of one image share the outcome). One outcome per image.
 */
export async function verifyImages(
  images: ResolvedImage[],
  ctx: VerifyContext
): Promise<VerifyOutcome[]> {
  const { unique, expand } = distinct(images, image => image.reference)
  const settled = await mapLimitLogged(
    unique,
    ctx.maxConcurrency,
    image => `Verify ${image.reference}`,
    async (image, _index, log) => {
      const started = performance.now()
      const env = notationEnv({
        configDir: ctx.configDir,
        libexecDir: ctx.libexecDir,
        source: ctx.env ?? process.env,
        credential: ctx.credentials.get(image.registry)
      })
      // Tried again while it fails transiently: notation itself retries no registry request.
      const result = await runNotationRead(
        ctx.notationPath,
        verifyArgs(image.reference, ctx.verify.userMetadata),
        {
          env,
          timeoutMs: ctx.callTimeoutMs ?? CALL_TIMEOUT_MS,
          ...(ctx.signal ? { signal: ctx.signal } : {}),
          failure: run => interpretVerify(image.reference, run).error,
          onRetry: (why, delay, next) =>
            log.info(
              `notation verify failed transiently (${why}); verifying again in ${delay} ms (attempt ${next} of ${READ_ATTEMPTS}).`
            )
        }
      )
      const outcome = interpretVerify(image.reference, result)
      // Split where the runner splits; the pool prints info lines inert (see untrusted.ts).
      for (const line of shownLines(`${result.stdout}\n${result.stderr}`)) log.info(line)
      const wanted = ctx.verify.userMetadata
      if (outcome.verification === 'failed' && wanted.length > 0) {
        // notation says only that the metadata was not found: name which, from what inspect shows.
        const inspected = await runNotation(
          ctx.notationPath,
          ['inspect', '--output=json', image.reference],
          {
            env,
            timeoutMs: ctx.callTimeoutMs ?? CALL_TIMEOUT_MS,
            ...(ctx.signal ? { signal: ctx.signal } : {})
          }
        )
        let mismatch: string | undefined
        try {
          if (inspected.code === 0)
            mismatch = userMetadataMismatch(wanted, parseInspect(inspected.stdout))
        } catch {
          // Unreadable inspect output: notation's own line is the reason.
        }
        if (mismatch !== undefined) outcome.error = `${outcome.error ?? ''} (${mismatch})`
      }
      if (outcome.error) log.error(`${image.reference}: ${outcome.error}`)
      return { ...outcome, verifyMs: Math.round(performance.now() - started) }
    }
  )
  return expand(
    settled.map(s =>
      s.status === 'fulfilled'
        ? s.value
        : { verified: false, verification: 'failed' as const, error: (s.reason as Error).message }
    )
  )
}
