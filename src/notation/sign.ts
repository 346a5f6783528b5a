// Signs every image by digest with notation and the azure-kv plugin, a few at a time: one notation
// run per distinct digest reference, registry credentials only in its environment, the plugin's
// Azure credential chosen to match the action's identity, and the signature digest read back from
// the registry. A sign that fails transiently (a 5xx, a dropped connection) is signed again, at
// most twice, but only after the registry shows that its signature did not land. Whether a
// signature already attached is this run's (skip-if-signed, a lost push's answer) is decided by
// `notation verify` against a trust configuration of the action's own holding only this run's
// certificate: `inspect` shows what a signature claims, verification what it proves.
import * as core from '@actions/core'
import { randomBytes } from 'node:crypto'
import { chmod, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import type { AzureIdentity, ResolvedCredentialKind } from '../azure/azure.ts'
import { errorMessage } from '../util/errors.ts'
import type { KeyValue } from '../util/types.ts'
import {
  READ_ATTEMPTS,
  errorLine,
  isTransientNotationFailure,
  notationEnv,
  parseInspect,
  referrersTagWarning,
  refuseUnsupportedFlags,
  runNotation,
  runNotationRead,
  type InspectedSignature,
  type NotationResult
} from './notation.ts'
import { distinct, mapLimitLogged, type ItemLog } from '../util/pool.ts'
import { DIGEST } from '../registry/reference.ts'
import { DEFAULT_RETRY, backoffDelay } from '../util/retry.ts'
import {
  assertValidTrustPolicy,
  defaultScopes,
  generateTrustPolicy,
  subjectIdentity,
  writeTrustPolicy
} from '../trust/trust-policy.ts'
import { loadTimestampRoot, writeTrustStore } from '../trust/truststore.ts'
import { anchorsFromKeyVault, interpretVerify } from './verify.ts'
import { splitLines } from '../util/untrusted.ts'
import type {
  ImageResult,
  RegistryCredential,
  ResolvedImage,
  SigningCertificate
} from '../util/types.ts'

/** What to sign into each signature, and how: the sign inputs. */
export interface SignOptions {
  /** notation (the CLI and the azure-kv plugin) or native (envelopes built by the action). */
  signer: 'notation' | 'native'
  signatureFormat: 'cose' | 'jws'
  userMetadata: KeyValue[]
  expiry?: string
  timestampUrl?: string
  timestampRootCert?: string
  forceReferrersTag: boolean
  pluginConfig: KeyValue[]
  skipIfSigned: boolean
}

export interface SignContext {
  notationPath: string
  notationVersion: string
  configDir: string
  libexecDir: string
  workDir: string
  sign: SignOptions
  /** Images signed at once (max-concurrency). */
  maxConcurrency: number
  certificate: SigningCertificate
  identity?: AzureIdentity
  /** Registry host → its credential (undefined: anonymous). */
  credentials: Map<string, RegistryCredential | undefined>
  workspace: string
  signal?: AbortSignal
  /** Where passed-through variables (PATH, HOME, CA bundles, proxies, AZURE_*) come from; default process.env. */
  env?: Readonly<Record<string, string | undefined>>
  /** Bound on each notation run; default CALL_TIMEOUT_MS. */
  callTimeoutMs?: number
  /** How often the OIDC token file is rewritten; default TOKEN_REFRESH_MS. */
  tokenRefreshMs?: number
  /** timestamp-root-cert as preflight read it; read here when omitted. */
  timestampRootPem?: string
}

export const CALL_TIMEOUT_MS = 10 * 60_000
/** GitHub OIDC tokens live about five minutes; the plugin reads the file on each run. */
export const TOKEN_REFRESH_MS = 4 * 60_000
export const PLUGIN_NAME = 'azure-kv'

/** The plugin's `credential_type` for each kind of identity the action can hold. */
export const CREDENTIAL_TYPE: Readonly<Record<ResolvedCredentialKind, string>> = {
  oidc: 'workloadid',
  environment: 'environment',
  cli: 'azurecli',
  'managed-identity': 'managedid'
}

// ---------------------------------------------------------------------------------------------
// Arguments

export interface SignArgsOptions {
  signatureFormat: 'cose' | 'jws'
  keyId: string
  selfSigned: boolean
  /** PEM bundle of the chain above the leaf (CA-issued certificates). */
  caCertsFile?: string
  credentialType?: string
  pluginConfig: KeyValue[]
  userMetadata: KeyValue[]
  expiry?: string
  timestamp?: { url: string; rootCertFile: string }
  forceReferrersTag: boolean
}

/** A `registry/repository@sha256:…` reference, or a bug: nothing else is ever signed. */
export function assertDigestReference(image: ResolvedImage): string {
  const { registry, repository, digest, reference } = image
  if (!DIGEST.test(digest) || reference !== `${registry}/${repository}@${digest}`) {
    throw new Error(`Bug: refusing to sign '${reference}', which is not a digest reference.`)
  }
  if (reference.startsWith('-')) throw new Error(`Bug: reference '${reference}' starts with -.`)
  return reference
}

/** notation sign's argv for one reference; every value in `--flag=value` form. */
export function signArgs(reference: string, o: SignArgsOptions): string[] {
  const pluginConfig: string[] = []
  if (o.selfSigned) pluginConfig.push('self_signed=true')
  else if (o.caCertsFile !== undefined) pluginConfig.push(`ca_certs=${o.caCertsFile}`)
  if (o.credentialType !== undefined) pluginConfig.push(`credential_type=${o.credentialType}`)
  for (const { key, value } of o.pluginConfig) pluginConfig.push(`${key}=${value}`)
  return [
    'sign',
    `--signature-format=${o.signatureFormat}`,
    `--id=${o.keyId}`,
    `--plugin=${PLUGIN_NAME}`,
    ...pluginConfig.map(kv => `--plugin-config=${kv}`),
    ...o.userMetadata.map(({ key, value }) => `--user-metadata=${key}=${value}`),
    ...(o.expiry === undefined ? [] : [`--expiry=${o.expiry}`]),
    ...(o.timestamp === undefined
      ? []
      : [
          `--timestamp-url=${o.timestamp.url}`,
          `--timestamp-root-cert=${o.timestamp.rootCertFile}`
        ]),
    ...(o.forceReferrersTag ? [] : ['--force-referrers-tag=false']),
    reference
  ]
}

function argsOptions(
  ctx: Pick<SignContext, 'sign' | 'certificate' | 'identity'>,
  files: { caCertsFile?: string; timestampRootFile?: string }
): SignArgsOptions {
  const { sign } = ctx
  return {
    signatureFormat: sign.signatureFormat,
    keyId: ctx.certificate.keyId,
    selfSigned: ctx.certificate.selfSigned,
    ...(files.caCertsFile === undefined ? {} : { caCertsFile: files.caCertsFile }),
    ...(ctx.identity ? { credentialType: CREDENTIAL_TYPE[ctx.identity.kind] } : {}),
    pluginConfig: sign.pluginConfig,
    userMetadata: sign.userMetadata,
    ...(sign.expiry === undefined ? {} : { expiry: sign.expiry }),
    ...(sign.timestampUrl !== undefined && files.timestampRootFile !== undefined
      ? { timestamp: { url: sign.timestampUrl, rootCertFile: files.timestampRootFile } }
      : {}),
    forceReferrersTag: sign.forceReferrersTag
  }
}

/** The sign command as the job summary shows it (file paths as placeholders, no secrets). */
export function describeSignCommand(
  ctx: Pick<SignContext, 'sign' | 'certificate' | 'identity'>
): string {
  const files = {
    ...(needsCaCerts(ctx.certificate) ? { caCertsFile: '<ca-certs.pem>' } : {}),
    ...(ctx.sign.timestampRootCert === undefined
      ? {}
      : { timestampRootFile: '<timestamp-root.pem>' })
  }
  return `notation ${signArgs('<registry>/<repository>@<digest>', argsOptions(ctx, files)).join(' ')}`
}

function needsCaCerts(certificate: SigningCertificate): boolean {
  return !certificate.selfSigned && certificate.chain.length > 1
}

// ---------------------------------------------------------------------------------------------
// Files and environment for the plugin

/** Writes `content` to `file` (mode 0600) by rename, so a reader never sees half a file. */
async function writePrivate(file: string, content: string): Promise<void> {
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`
  await writeFile(temp, content, { mode: 0o600 })
  await chmod(temp, 0o600)
  await rename(temp, file)
}

export interface FederatedTokenFile {
  file: string
  stop(): Promise<void>
}

/**
 * Writes a fresh GitHub OIDC token to `<dir>/azure-federated-token` (0600) and rewrites it every
 * `refreshMs` until stopped; stop() removes the file. The plugin's `workloadid` credential reads it.
 */
export async function startFederatedTokenFile(
  dir: string,
  fetchToken: () => Promise<string>,
  refreshMs: number = TOKEN_REFRESH_MS
): Promise<FederatedTokenFile> {
  const file = path.join(dir, 'azure-federated-token')
  await writePrivate(file, await fetchToken())
  let stopped = false
  let pending: Promise<void> = Promise.resolve()
  const timer = setInterval(() => {
    pending = fetchToken()
      .then(token => (stopped ? undefined : writePrivate(file, token)))
      .catch((error: unknown) =>
        core.warning(
          `Refreshing the GitHub OIDC token for the plugin failed: ${errorMessage(error)}`
        )
      )
  }, refreshMs)
  timer.unref()
  return {
    file,
    async stop() {
      stopped = true
      clearInterval(timer)
      await pending
      await rm(file, { force: true })
    }
  }
}

/** Besides the IDs and the authority, what the plugin's credential of each kind reads. */
const CREDENTIAL_VARS: Readonly<Record<ResolvedCredentialKind, readonly string[]>> = {
  // The token file is the action's own (AZURE_FEDERATED_TOKEN_FILE is set below, never inherited).
  oidc: [],
  // Exactly the secret the action signed in with (see SECRET_VARS).
  environment: [],
  cli: ['AZURE_CONFIG_DIR'],
  'managed-identity': [
    'IDENTITY_ENDPOINT',
    'IDENTITY_HEADER',
    'IDENTITY_SERVER_THUMBPRINT',
    'MSI_ENDPOINT',
    'MSI_SECRET',
    'IMDS_ENDPOINT'
  ]
}

/** For `environment`: the variables of the one secret the action signed in with. */
const SECRET_VARS: Readonly<
  Record<NonNullable<AzureIdentity['clientSecretFrom']>, readonly string[]>
> = {
  AZURE_CLIENT_SECRET: ['AZURE_CLIENT_SECRET'],
  AZURE_CLIENT_CERTIFICATE_PATH: [
    'AZURE_CLIENT_CERTIFICATE_PATH',
    'AZURE_CLIENT_CERTIFICATE_PASSWORD',
    'AZURE_CLIENT_SEND_CERTIFICATE_CHAIN'
  ]
}

/**
 * The variables the plugin's credential reads, and no others: the identity the action signed in
 * as (its tenant and client IDs, not the environment's), the authority it validated (never
 * AZURE_AUTHORITY_HOST as found), and that credential's own secret or endpoint. Without an Azure
 * identity the plugin gets no credential at all.
 */
export function pluginEnv(
  identity: AzureIdentity | undefined,
  source: Readonly<Record<string, string | undefined>>,
  federatedTokenFile?: string
): Record<string, string> {
  const env: Record<string, string> = {}
  if (!identity) return env
  const copy = (name: string): void => {
    const value = source[name]
    if (value !== undefined && value !== '') env[name] = value
  }
  if (identity.authorityHost !== undefined) env['AZURE_AUTHORITY_HOST'] = identity.authorityHost
  if (identity.tenantId) env['AZURE_TENANT_ID'] = identity.tenantId
  if (identity.clientId) env['AZURE_CLIENT_ID'] = identity.clientId
  CREDENTIAL_VARS[identity.kind].forEach(copy)
  if (identity.kind === 'environment' && identity.clientSecretFrom !== undefined) {
    SECRET_VARS[identity.clientSecretFrom].forEach(copy)
  }
  if (federatedTokenFile !== undefined) env['AZURE_FEDERATED_TOKEN_FILE'] = federatedTokenFile
  return env
}

/** A notation configuration that trusts only this run's signer (see writeSignerTrust). */
interface SignerTrust {
  configDir: string
  libexecDir: string
}

interface Prepared {
  args: (reference: string) => string[]
  azureEnv: Record<string, string>
  /** Written on first use; rejects when this run's certificate cannot be made a trust anchor. */
  signerTrust: () => Promise<SignerTrust>
  dispose(): Promise<void>
}

/** Name of the statement and trust store in the signer trust configuration. */
export const SIGNER_TRUST_NAME = 'notation-akv-action-signer'

/**
 * Writes `<dir>/signer-trust`, a notation configuration of the action's own (never the user's
 * trust policy or store): a trust store holding this run's certificate (self-signed) or its chain's
 * root (CA-issued), the validated strict policy trusting only the certificate's subject for the
 * images' repositories, and an empty plugin folder (verifying needs no plugin). `notation verify`
 * under it passes only for a signature that verifies for that very digest (notation refuses a
 * signature whose payload names another digest) and chains to this certificate.
 */
async function writeSignerTrust(
  dir: string,
  certificate: SigningCertificate,
  images: readonly ResolvedImage[]
): Promise<SignerTrust> {
  const configDir = path.join(dir, 'signer-trust')
  const libexecDir = path.join(dir, 'signer-trust-plugins')
  await mkdir(libexecDir, { recursive: true, mode: 0o700 })
  const store = { type: 'ca' as const, name: SIGNER_TRUST_NAME }
  const anchors = anchorsFromKeyVault(certificate, store.type).map(a => a.certificate)
  await writeTrustStore(configDir, store, anchors)
  const policy = generateTrustPolicy({
    name: SIGNER_TRUST_NAME,
    scopes: defaultScopes(images),
    identities: [subjectIdentity(certificate.subject)],
    level: 'strict',
    trustStore: store
  })
  assertValidTrustPolicy(policy)
  await writeTrustPolicy(configDir, policy)
  return { configDir, libexecDir }
}

/** Files the runs share (CA chain, TSA root, OIDC token), made once before the first image. */
async function prepare(ctx: SignContext, images: readonly ResolvedImage[]): Promise<Prepared> {
  await mkdir(ctx.workDir, { recursive: true, mode: 0o700 })
  const dir = await mkdtemp(path.join(ctx.workDir, 'sign-'))
  await chmod(dir, 0o700)
  let token: FederatedTokenFile | undefined
  try {
    const files: { caCertsFile?: string; timestampRootFile?: string } = {}
    if (needsCaCerts(ctx.certificate)) {
      files.caCertsFile = path.join(dir, 'ca-certs.pem')
      await writePrivate(files.caCertsFile, ctx.certificate.chain.slice(1).join(''))
    }
    const tsaRoot = ctx.sign.timestampRootCert
    if (tsaRoot !== undefined) {
      // notation reads a private copy of the root preflight checked, never the user's file.
      files.timestampRootFile = path.join(dir, 'timestamp-root.pem')
      await writePrivate(
        files.timestampRootFile,
        ctx.timestampRootPem ?? (await loadTimestampRoot(tsaRoot, ctx.workspace))
      )
    }
    if (ctx.identity?.kind === 'oidc') {
      if (!ctx.identity.federatedToken) throw new Error('Bug: an OIDC identity without a token.')
      token = await startFederatedTokenFile(dir, ctx.identity.federatedToken, ctx.tokenRefreshMs)
    }
    const options = argsOptions(ctx, files)
    let signerTrust: Promise<SignerTrust> | undefined
    return {
      args: reference => signArgs(reference, options),
      azureEnv: pluginEnv(ctx.identity, ctx.env ?? process.env, token?.file),
      signerTrust: () => (signerTrust ??= writeSignerTrust(dir, ctx.certificate, images)),
      async dispose() {
        await token?.stop()
        await rm(dir, { recursive: true, force: true })
      }
    }
  } catch (error) {
    await token?.stop()
    await rm(dir, { recursive: true, force: true })
    throw error
  }
}

// ---------------------------------------------------------------------------------------------
// One image

/** The leaf fingerprint of a signature, lowercase hex. */
const leafOf = (sig: InspectedSignature): string | undefined =>
  sig.certificates[0]?.sha256Fingerprint

const signingTime = (s: InspectedSignature): number | undefined => {
  const t = Date.parse(s.signingTime ?? '')
  return Number.isNaN(t) ? undefined : t
}

function newest(signatures: InspectedSignature[]): InspectedSignature | undefined {
  // On equal times the later entry wins: the tag schema index lists the newest signature last.
  return signatures.reduce<InspectedSignature | undefined>(
    (best, s) =>
      best === undefined || (signingTime(s) ?? 0) >= (signingTime(best) ?? 0) ? s : best,
    undefined
  )
}

/**
 * Signing times are whole seconds on the runner's clock: a signature made by a sign call started at
 * T carries a time ≥ T rounded down; one more second of slack for rounding.
 */
export const SIGNING_TIME_SLACK_MS = 2_000

export interface PickOptions {
  /** Digests seen before signing: never the new one. */
  before?: ReadonlySet<string>
  /** Epoch ms: signatures with an earlier signing time are older than this run. */
  notBefore?: number
}

/**
 * The signature this run made or keeps: by this certificate (leaf thumbprint), naming `digest` as
 * its signed artifact (a signature copied over from another image names that image), not among
 * `before`, not older than `notBefore` (when the time is readable), the newest by signing time if
 * several. What inspect shows is unverified: a match is a candidate, confirmed by verification.
 */
export function pickSignature(
  after: InspectedSignature[],
  thumbprint: string,
  digest: string,
  options: PickOptions = {}
): InspectedSignature | undefined {
  const { before, notBefore } = options
  const fresh = after.filter(s => {
    const time = signingTime(s)
    return (
      leafOf(s) === thumbprint.toLowerCase() &&
      s.signedDigest === digest &&
      !before?.has(s.digest) &&
      (notBefore === undefined || time === undefined || time >= notBefore)
    )
  })
  return newest(fresh)
}

interface Runner {
  ctx: SignContext
  prepared: Prepared
}

function envFor(runner: Runner, image: ResolvedImage): Record<string, string> {
  const { ctx, prepared } = runner
  return notationEnv({
    configDir: ctx.configDir,
    libexecDir: ctx.libexecDir,
    source: ctx.env ?? process.env,
    extra: prepared.azureEnv,
    credential: ctx.credentials.get(image.registry)
  })
}

function runOptions(runner: Runner, image: ResolvedImage) {
  const { ctx } = runner
  return {
    env: envFor(runner, image),
    timeoutMs: ctx.callTimeoutMs ?? CALL_TIMEOUT_MS,
    ...(ctx.signal ? { signal: ctx.signal } : {})
  }
}

/**
 * notation's output into the image's log, split where the runner splits lines: `Warning:` lines as
 * warnings (escaped by the toolkit), the rest as info (printed inert by the pool, see untrusted.ts).
 */
function echo(log: ItemLog, output: string): void {
  for (const line of splitLines(output)) {
    if (line.trim() === '') continue
    if (line.startsWith('Warning: ')) log.warning(line.slice('Warning: '.length))
    else log.info(line)
  }
}

async function inspect(
  runner: Runner,
  image: ResolvedImage,
  reference: string,
  log: ItemLog
): Promise<InspectedSignature[]> {
  const failure = (run: NotationResult): string | undefined =>
    run.code === 0 ? undefined : (errorLine(run.stderr) ?? `exit code ${run.code}`)
  const run = await runNotationRead(
    runner.ctx.notationPath,
    ['inspect', '--output=json', reference],
    {
      ...runOptions(runner, image),
      failure,
      onRetry: (why, delay, next) =>
        log.info(
          `notation inspect failed transiently (${why}); inspecting again in ${delay} ms (attempt ${next} of ${READ_ATTEMPTS}).`
        )
    }
  )
  const why = failure(run)
  if (why !== undefined) throw new Error(`notation inspect failed: ${why}`)
  return parseInspect(run.stdout)
}

/** Why a sign run does not count as success, or undefined when it does. */
export function signFailure(
  run: { code: number; stdout: string; stderr: string },
  reference: string
): string | undefined {
  const claimed = run.stdout
    .split(/\r?\n/)
    .some(line => line.trim() === `Successfully signed ${reference}`)
  if (run.code === 0 && claimed) return undefined
  const error = errorLine(run.stderr)
  if (run.code !== 0) {
    return (
      error ?? `notation exited with code ${run.code}${claimed ? ' after reporting success' : ''}`
    )
  }
  return `notation exited 0 without printing "Successfully signed ${reference}"`
}

/** notation sign runs at most, per image, when each fails as a transient failure would. */
export const SIGN_ATTEMPTS = 3

/**
 * Whether notation's error reads like a transient registry or network failure rather than a
 * refusal (isTransientNotationFailure). Such a sign may still have pushed its signature (the answer
 * was lost, not the push).
 */
export function isTransientSignFailure(error: string): boolean {
  return isTransientNotationFailure(error)
}

/** What verifying an image against this run's signer (writeSignerTrust) found. */
export type SignerCheck =
  | { verified: true }
  | {
      verified: false
      /** notation's reason, or why no verification could run. */
      why: string
      /** A registry or network failure: nothing was learnt about the signatures. */
      transient: boolean
    }

/** `notation verify` of one digest under the signer trust configuration. */
async function verifySigner(
  runner: Runner,
  image: ResolvedImage,
  reference: string,
  log: ItemLog
): Promise<SignerCheck> {
  const { ctx } = runner
  let trust: SignerTrust
  try {
    trust = await runner.prepared.signerTrust()
  } catch (error) {
    // No anchor for this certificate (a CA chain without its root): nothing can be proven.
    log.warning(
      `Existing signatures cannot be verified against this certificate: ${errorMessage(error)}`
    )
    return {
      verified: false,
      why: `this certificate cannot be made a trust anchor: ${errorMessage(error)}`,
      transient: false
    }
  }
  const run = await runNotationRead(ctx.notationPath, ['verify', reference], {
    env: notationEnv({
      configDir: trust.configDir,
      libexecDir: trust.libexecDir,
      source: ctx.env ?? process.env,
      credential: ctx.credentials.get(image.registry)
    }),
    timeoutMs: ctx.callTimeoutMs ?? CALL_TIMEOUT_MS,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    failure: result => interpretVerify(reference, result).error,
    onRetry: (why, delay, next) =>
      log.info(
        `notation verify failed transiently (${why}); verifying again in ${delay} ms (attempt ${next} of ${READ_ATTEMPTS}).`
      )
  })
  const outcome = interpretVerify(reference, run)
  if (outcome.verified) return { verified: true }
  echo(log, run.stderr)
  const why = outcome.error ?? 'not verified'
  return { verified: false, why, transient: isTransientSignFailure(why) }
}

async function signOne(runner: Runner, image: ResolvedImage, log: ItemLog): Promise<ImageResult> {
  const { ctx } = runner
  const reference = assertDigestReference(image)
  const result: ImageResult = { input: image.input, reference, digest: image.digest }
  const thumbprint = ctx.certificate.thumbprint
  // Signatures that are not this run's: listed before signing, or shown to be someone else's.
  // Only skip-if-signed lists them first; otherwise the new one is told apart by its signing time,
  // saving a notation run per image.
  const notOurs = new Set<string>()
  if (ctx.sign.skipIfSigned) {
    const before = await inspect(runner, image, reference, log)
    before.forEach(s => notOurs.add(s.digest))
    // inspect verifies nothing: a candidate naming this certificate and digest counts only once
    // notation verifies this digest against this certificate and its subject.
    const candidate = pickSignature(before, thumbprint, image.digest)
    if (candidate) {
      const check = await verifySigner(runner, image, reference, log)
      if (check.verified) {
        log.info(
          `Already signed by this certificate: signature ${candidate.digest}, and this digest verifies against this certificate and subject; not signing again.`
        )
        return { ...result, signed: false, alreadySigned: true, signatureDigest: candidate.digest }
      }
      if (check.transient) {
        throw new Error(`whether ${reference} is already signed is unknown: ${check.why}`)
      }
      log.warning(
        `Signature ${candidate.digest} claims this certificate, but ${reference} does not verify against it (a copy from another image, a forgery, or nothing to check with): signing.`
      )
    }
  }
  const signStarted = Date.now()
  const pick = (after: InspectedSignature[]): InspectedSignature | undefined =>
    pickSignature(after, thumbprint, image.digest, {
      before: notOurs,
      notBefore: signStarted - SIGNING_TIME_SLACK_MS
    })
  const args = runner.prepared.args(reference)
  for (let attempt = 1; ; attempt++) {
    log.info(`notation ${args.join(' ')}`)
    const run = await runNotation(ctx.notationPath, args, runOptions(runner, image))
    echo(log, run.stdout)
    echo(log, run.stderr)
    const failure = signFailure(run, reference)
    if (failure === undefined) {
      return { ...result, signed: true, alreadySigned: false, ...(await signatureDigest()) }
    }
    if (!isTransientSignFailure(failure)) throw new Error(failure)
    // The push may have landed with only its answer lost: look before signing again. What inspect
    // lists may be a copy or a forgery placed there meanwhile, so the find must also verify.
    let landed: InspectedSignature | undefined
    try {
      landed = pick(await inspect(runner, image, reference, log))
      if (landed) {
        const check = await verifySigner(runner, image, reference, log)
        if (!check.verified && check.transient) throw new Error(check.why)
        if (!check.verified) {
          log.warning(
            `Signature ${landed.digest} claims this certificate, but ${reference} does not verify against it: not this run's push.`
          )
          notOurs.add(landed.digest)
          landed = undefined
        }
      }
    } catch (error) {
      throw new Error(
        `${failure} (whether the signature was pushed is unknown: ${errorMessage(error)})`,
        { cause: error }
      )
    }
    if (landed) {
      log.info(
        `The sign failed transiently, but signature ${landed.digest} by this certificate is attached and verifies: the push landed.`
      )
      return { ...result, signed: true, alreadySigned: false, signatureDigest: landed.digest }
    }
    if (attempt >= SIGN_ATTEMPTS) throw new Error(`${failure} (${attempt} sign runs)`)
    const delay = backoffDelay(attempt, DEFAULT_RETRY)
    log.info(
      `No new signature is attached after a transient failure; signing again in ${delay} ms (attempt ${attempt + 1} of ${SIGN_ATTEMPTS}).`
    )
    await sleep(delay, undefined, ctx.signal ? { signal: ctx.signal } : {})
  }

  async function signatureDigest(): Promise<{ signatureDigest?: string }> {
    let after: InspectedSignature[]
    try {
      after = await inspect(runner, image, reference, log)
    } catch (error) {
      log.warning(`Signed, but reading the signature back failed: ${errorMessage(error)}`)
      return {}
    }
    const made = pick(after)
    if (!made) {
      throw new Error(
        `notation reported success, but no new signature by certificate ${thumbprint} is attached to ${reference}`
      )
    }
    log.info(`Signature ${made.digest}`)
    return { signatureDigest: made.digest }
  }
}

// ---------------------------------------------------------------------------------------------
// All images

/**
 * Signs every image (at most inputs.maxConcurrency at a time); one failing does not stop the
 * others. Images that resolve to one digest reference (two tags of one image) are signed once and
 * share that result. One result per image, in input order. Throws only for problems that concern
 * every image (a flag the installed notation lacks, an unreadable timestamp root certificate).
 */
export async function signImages(
  images: ResolvedImage[],
  ctx: SignContext
): Promise<ImageResult[]> {
  refuseUnsupportedFlags(ctx.sign, ctx.notationVersion)
  const unapplied = referrersTagWarning(ctx.sign, ctx.notationVersion)
  if (unapplied !== undefined) core.warning(unapplied)
  images.forEach(assertDigestReference)
  const { unique, repeats, expand } = distinct(images, image => image.reference)
  for (const { item, first } of repeats) {
    core.info(
      `'${item.input}' is the same image as '${first.input}' (${item.reference}): signed once, reported on both.`
    )
  }
  const prepared = await prepare(ctx, unique)
  const runner: Runner = { ctx, prepared }
  try {
    const settled = await mapLimitLogged(
      unique,
      ctx.maxConcurrency,
      image => `Sign ${image.reference}`,
      async (image, _index, log) => {
        const started = performance.now()
        const elapsed = (): number => Math.round(performance.now() - started)
        try {
          const result = await signOne(runner, image, log)
          return { ...result, signMs: elapsed() }
        } catch (error) {
          log.error(`Signing ${image.reference} failed: ${errorMessage(error)}`)
          return failed(image, errorMessage(error), elapsed())
        }
      }
    )
    const results = settled.map((s, i) =>
      s.status === 'fulfilled' ? s.value : failed(unique[i]!, errorMessage(s.reason), 0)
    )
    return expand(results).map((result, i) => ({ ...result, input: images[i]!.input }))
  } finally {
    await prepared.dispose()
  }
}

function failed(image: ResolvedImage, error: string, signMs: number): ImageResult {
  return {
    input: image.input,
    reference: image.reference,
    digest: image.digest,
    signed: false,
    alreadySigned: false,
    error,
    signMs
  }
}

/** A message naming every image that failed and notation's error; undefined when none failed. */
export function signFailureMessage(results: ImageResult[]): string | undefined {
  const failures = results.filter(r => r.error !== undefined)
  if (failures.length === 0) return undefined
  const lines = failures.map(r => `  ${r.reference ?? r.input}: ${r.error}`)
  return [
    `Signing failed for ${failures.length} of ${results.length} image${results.length === 1 ? '' : 's'}:`,
    ...lines
  ].join('\n')
}

// ---------------------------------------------------------------------------------------------
// skip-if-signed for another signer

/** What skip-if-signed found for one image: its proven signature, or why nothing is known. */
export type AlreadySigned = { signatureDigest: string } | { error: string }

/**
 * skip-if-signed for a signer other than notation (the native one): the images that already carry
 * a signature by this certificate, proven as signOne proves it (inspect finds a candidate naming
 * this certificate and digest, `notation verify` under a trust configuration holding only this
 * certificate confirms it). Keyed by digest reference; an image missing from the map is unsigned.
 */
export async function findAlreadySigned(
  images: readonly ResolvedImage[],
  ctx: SignContext
): Promise<Map<string, AlreadySigned>> {
  const { unique } = distinct(images, image => image.reference)
  const prepared = await prepare(ctx, unique)
  const runner: Runner = { ctx, prepared }
  const found = new Map<string, AlreadySigned>()
  try {
    const settled = await mapLimitLogged(
      unique,
      ctx.maxConcurrency,
      image => `Signed already? ${image.reference}`,
      async (image, _index, log) => {
        const reference = assertDigestReference(image)
        const candidate = pickSignature(
          await inspect(runner, image, reference, log),
          ctx.certificate.thumbprint,
          image.digest
        )
        if (!candidate) return
        const check = await verifySigner(runner, image, reference, log)
        if (check.verified) {
          log.info(
            `Already signed by this certificate: signature ${candidate.digest}, and this digest verifies against this certificate and subject; not signing again.`
          )
          found.set(reference, { signatureDigest: candidate.digest })
        } else if (check.transient) {
          throw new Error(`whether ${reference} is already signed is unknown: ${check.why}`)
        } else {
          log.warning(
            `Signature ${candidate.digest} claims this certificate, but ${reference} does not verify against it (a copy from another image, a forgery, or nothing to check with): signing.`
          )
        }
      }
    )
    settled.forEach((s, i) => {
      if (s.status === 'rejected')
        found.set(unique[i]!.reference, { error: errorMessage(s.reason) })
    })
  } finally {
    await prepared.dispose()
  }
  return found
}
