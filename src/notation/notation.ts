// Running notation: no shell, an explicit environment (registry credentials only through
// NOTATION_USERNAME / NOTATION_PASSWORD, never in argv), bounded by a timeout or an abort signal;
// plus what the action reads back from it (the `Error:` line, `inspect -o json`) and which flags
// need which notation version.
import { spawn } from 'node:child_process'
import { ActionError, InputError } from '../util/errors.ts'
import { notationCacheDir } from './dirs.ts'
import { DIGEST } from '../registry/reference.ts'
import { DEFAULT_RETRY, backoffDelay } from '../util/retry.ts'
import { setTimeout as sleep } from 'node:timers/promises'
import type { RegistryCredential } from '../util/types.ts'
import { splitLines } from '../util/untrusted.ts'

export interface NotationResult {
  code: number
  stdout: string
  stderr: string
}

export interface RunOptions {
  /** The child's whole environment (see notationEnv); nothing is inherited. */
  env: Record<string, string>
  timeoutMs?: number
  signal?: AbortSignal
}

/** Time between SIGTERM and SIGKILL when a run is ended early. */
export const KILL_GRACE_MS = 5_000
/** Cap on captured output per stream; notation's own output is a few lines. */
const MAX_OUTPUT = 1024 * 1024

/**
 * Runs notation with `args` (no shell) and exactly `options.env`. Resolves with the exit code and
 * output whatever the code; rejects when notation cannot start, times out or is aborted (the child
 * gets SIGTERM, then SIGKILL after KILL_GRACE_MS).
 */
export function runNotation(
  notationPath: string,
  args: string[],
  options: RunOptions
): Promise<NotationResult> {
  const command = `notation ${args[0] ?? ''}`.trim()
  if (options.signal?.aborted) {
    return Promise.reject(new ActionError(`${command} was cancelled before it started.`))
  }
  return new Promise((resolve, reject) => {
    // On POSIX notation leads a process group of its own, so ending it ends the plugin it started
    // too: SIGTERM to notation alone left the plugin running after the step (issue 12, item 11).
    const group = process.platform !== 'win32'
    const child = spawn(notationPath, args, {
      env: options.env,
      shell: false,
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
      detached: group
    })
    const signal = (name: NodeJS.Signals): void => {
      try {
        if (group && child.pid !== undefined) process.kill(-child.pid, name)
        else child.kill(name)
      } catch {
        // already gone
      }
    }
    const stdout = collect(child.stdout)
    const stderr = collect(child.stderr)
    let ended: string | undefined
    let killTimer: NodeJS.Timeout | undefined
    const end = (why: string): void => {
      if (ended !== undefined) return
      ended = why
      signal('SIGTERM')
      killTimer = setTimeout(() => signal('SIGKILL'), KILL_GRACE_MS)
      killTimer.unref()
    }
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(
            () => end(`timed out after ${Math.round(options.timeoutMs! / 1000)} s`),
            options.timeoutMs
          )
    const onAbort = (): void => end('was cancelled')
    options.signal?.addEventListener('abort', onAbort, { once: true })
    const cleanup = (): void => {
      clearTimeout(timer)
      clearTimeout(killTimer)
      options.signal?.removeEventListener('abort', onAbort)
    }
    child.once('error', error => {
      cleanup()
      reject(new ActionError(`Could not run ${notationPath}: ${error.message}`, { cause: error }))
    })
    child.once('close', (code, exitSignal) => {
      cleanup()
      // What is left of notation's group (a plugin it started) goes with it, however it ended.
      if (group) signal('SIGKILL')
      if (ended !== undefined) {
        reject(new ActionError(`${command} ${ended}.`))
        return
      }
      resolve({
        code: code ?? (exitSignal ? 128 : 1),
        stdout: stdout(),
        stderr: stderr()
      })
    })
  })
}

const TRANSIENT_FAILURE = [
  /\bstatus code (?:408|429|5\d\d)\b/,
  /connection reset|broken pipe|connection refused/i,
  /\bEOF\b/,
  /\btime(?:out|d out)\b/i,
  /TLS handshake/i
]

/**
 * Whether notation's error reads like a transient registry or network failure (a 408, 429 or 5xx
 * answer, a connection reset or closed early, a timeout, a TLS handshake gone wrong) rather than a
 * refusal.
 */
export function isTransientNotationFailure(error: string): boolean {
  return TRANSIENT_FAILURE.some(pattern => pattern.test(error))
}

/** Runs of a read-only notation command (inspect, verify) at most, when each fails transiently. */
export const READ_ATTEMPTS = 3

/**
 * A read-only notation run (inspect, verify) made again while it fails transiently. notation 1.3.2
 * retries no registry request itself (one 503, 429 or reset fails the command), and reading twice
 * changes nothing, so the action retries these runs itself. `failure` says why a run does not count
 * (undefined: it does); the last run is returned as it is, for the caller to report.
 */
export async function runNotationRead(
  notationPath: string,
  args: string[],
  options: RunOptions & {
    failure: (run: NotationResult) => string | undefined
    /** Told before each wait: the failure and the delay. */
    onRetry?: (failure: string, delayMs: number, nextAttempt: number) => void
  }
): Promise<NotationResult> {
  const { failure, onRetry, ...runOptions } = options
  for (let attempt = 1; ; attempt++) {
    const run = await runNotation(notationPath, args, runOptions)
    const why = failure(run)
    if (why === undefined || attempt >= READ_ATTEMPTS || !isTransientNotationFailure(why)) {
      return run
    }
    const delay = backoffDelay(attempt, DEFAULT_RETRY)
    onRetry?.(why, delay, attempt + 1)
    await sleep(delay, undefined, runOptions.signal ? { signal: runOptions.signal } : {})
  }
}

function collect(stream: NodeJS.ReadableStream): () => string {
  const chunks: Buffer[] = []
  let size = 0
  stream.on('data', (chunk: Buffer) => {
    if (size >= MAX_OUTPUT) return
    chunks.push(chunk)
    size += chunk.length
  })
  return () => Buffer.concat(chunks).toString('utf8').slice(0, MAX_OUTPUT)
}

/**
 * What notation and the plugin (which inherits notation's environment) get from the runner, besides
 * the credentials notationEnv adds; passed on when present. Nothing else: no GITHUB_* or ACTIONS_*
 * token, no AZURE_* as found (the plugin's come from pluginEnv, validated).
 */
const PASSTHROUGH = [
  // What a Go or .NET program expects to find.
  'PATH',
  'HOME',
  'RUNNER_TEMP',
  'TMPDIR',
  // The runner's own proxy and CA settings, kept only because they serve them: a self-hosted runner
  // behind a proxy or a TLS-inspecting gateway reaches the registry, the TSA, Entra and Key Vault only
  // through them. They choose the route and the CAs notation and the plugin trust, never the
  // destination: the Entra authority and the vault are validated hosts, reached over TLS. The
  // action's own Azure requests follow the same HTTPS_PROXY / NO_PROXY. SSL_CERT_* are what Go and
  // .NET read on Linux; NODE_EXTRA_CA_CERTS only a Node plugin (the test stand-ins) reads.
  'NODE_EXTRA_CA_CERTS',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'HTTPS_PROXY',
  'https_proxy',
  // Plain-http requests only: an http timestamp-url, CRL and OCSP fetches.
  'HTTP_PROXY',
  'http_proxy',
  'NO_PROXY',
  'no_proxy',
  // Windows: what Go and .NET programs expect to find.
  'SystemRoot',
  'SYSTEMROOT',
  'TEMP',
  'TMP',
  'USERPROFILE',
  'APPDATA',
  'LOCALAPPDATA',
  'PATHEXT',
  'ComSpec'
]

export interface NotationEnvOptions {
  configDir: string
  libexecDir: string
  /** Where PASSTHROUGH variables are read from (normally process.env). */
  source: Readonly<Record<string, string | undefined>>
  /** Variables for the plugin (AZURE_*), set as given. */
  extra?: Readonly<Record<string, string>>
  credential?: RegistryCredential | undefined
}

/** The child environment, built from scratch: nothing else from the runner leaks into notation. */
export function notationEnv(options: NotationEnvOptions): Record<string, string> {
  const env: Record<string, string> = {}
  for (const name of PASSTHROUGH) {
    const value = options.source[name]
    if (value !== undefined && value !== '') env[name] = value
  }
  Object.assign(env, options.extra ?? {})
  env['NOTATION_CONFIG'] = options.configDir
  env['NOTATION_LIBEXEC'] = options.libexecDir
  env['NOTATION_CACHE'] = notationCacheDir(options.configDir)
  if (options.credential) {
    env['NOTATION_USERNAME'] = options.credential.username
    env['NOTATION_PASSWORD'] = options.credential.password
  }
  return env
}

/**
 * notation's error, without the `Error: ` prefix: the first `Error:` line of stderr, else its last
 * non-empty line; undefined when stderr is empty. Lines end where the runner ends them (a lone CR
 * too), so the error never spans lines in the log or the job summary.
 */
export function errorLine(stderr: string): string | undefined {
  const lines = splitLines(stderr)
    .map(line => line.trim())
    .filter(line => line !== '')
  const error = lines.find(line => line.startsWith('Error: '))
  if (error !== undefined) return error.slice('Error: '.length).trim()
  return lines.at(-1)
}

export interface InspectedCertificate {
  /** Lowercase hex SHA-256 of the DER. */
  sha256Fingerprint: string
  issuedTo: string
  expiry: string
}

export interface InspectedSignature {
  /** The signature manifest digest. */
  digest: string
  signatureAlgorithm: string
  signingTime?: string
  /** Leaf first. */
  certificates: InspectedCertificate[]
  userDefinedAttributes: Record<string, string>
  /**
   * The digest the signature's payload names (`signedArtifact`), as inspect reads it: unverified,
   * so it tells a signature copied from another image apart, but proves nothing by itself.
   */
  signedDigest?: string
}

type Json = Record<string, unknown>

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const text = (value: unknown): string => (typeof value === 'string' ? value : '')

/**
 * `notation inspect -o json` output → its signatures. notation 1.x names the list `Signatures`,
 * 2.x `signatures`; a reference without signatures may carry `null` or no list at all.
 */
export function parseInspect(json: string): InspectedSignature[] {
  let doc: unknown
  try {
    doc = JSON.parse(json)
  } catch {
    throw new ActionError(`notation inspect printed no JSON: ${json.trim().slice(0, 200)}`)
  }
  if (!isObject(doc)) throw new ActionError('notation inspect printed JSON that is not an object.')
  const list = doc['Signatures'] ?? doc['signatures'] ?? []
  if (!Array.isArray(list))
    throw new ActionError('notation inspect: the signature list is not a list.')
  // A signature digest becomes an output and a summary cell: the registry's index names it, so only
  // a digest of the expected form is taken; any other entry cannot be this run's signature.
  return list
    .filter(isObject)
    .map(parseSignature)
    .filter(sig => DIGEST.test(sig.digest))
}

function parseSignature(sig: Json): InspectedSignature {
  const signed = isObject(sig['signedAttributes']) ? sig['signedAttributes'] : {}
  const user = isObject(sig['userDefinedAttributes']) ? sig['userDefinedAttributes'] : {}
  const certificates = Array.isArray(sig['certificates']) ? sig['certificates'] : []
  const signingTime = text(signed['signingTime'])
  const artifact = isObject(sig['signedArtifact']) ? sig['signedArtifact'] : {}
  const signedDigest = text(artifact['digest'])
  return {
    digest: text(sig['digest']),
    signatureAlgorithm: text(sig['signatureAlgorithm']),
    ...(signingTime ? { signingTime } : {}),
    ...(signedDigest ? { signedDigest } : {}),
    certificates: certificates.filter(isObject).map(c => ({
      sha256Fingerprint: text(c['SHA256Fingerprint'] ?? c['sha256Fingerprint']).toLowerCase(),
      issuedTo: text(c['issuedTo']),
      expiry: text(c['expiry'])
    })),
    userDefinedAttributes: Object.fromEntries(Object.entries(user).map(([k, v]) => [k, String(v)]))
  }
}

/** The first notation version that has each flag. */
export const FLAG_MIN_VERSION: Readonly<Record<string, string>> = {
  '--timestamp-url': '1.2.0',
  '--timestamp-root-cert': '1.2.0',
  '--force-referrers-tag': '1.2.0'
}

/** -1, 0 or 1 comparing the numeric x.y.z; a pre-release counts as its release (2.0.0-alpha.1 ≥ 1.2.0). */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string): number[] =>
    v
      .replace(/^v/, '')
      .split(/[-+]/)[0]!
      .split('.')
      .map(n => Number(n) || 0)
  const [x, y] = [parts(a), parts(b)]
  for (let i = 0; i < 3; i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0)
    if (d !== 0) return Math.sign(d)
  }
  return 0
}

/** The sign inputs that turn into flags only some notation versions have. */
export interface VersionGatedOptions {
  timestampUrl?: string
  timestampRootCert?: string
  forceReferrersTag: boolean
}

/** Which sign inputs turn into which version-gated flag. */
function gatedFlags(sign: VersionGatedOptions): { input: string; flag: string }[] {
  const used: { input: string; flag: string }[] = []
  if (sign.timestampUrl !== undefined)
    used.push({ input: 'timestamp-url', flag: '--timestamp-url' })
  if (sign.timestampRootCert !== undefined)
    used.push({ input: 'timestamp-root-cert', flag: '--timestamp-root-cert' })
  if (!sign.forceReferrersTag)
    used.push({ input: 'force-referrers-tag', flag: '--force-referrers-tag' })
  return used
}

/**
 * force-referrers-tag: true (its default) cannot be applied before notation 1.2.0, which lacks the
 * flag: such a notation uses the referrers API when the registry has it. A warning, not a refusal
 * (the default is all most steps give); undefined when the flag exists or is not wanted.
 */
export function referrersTagWarning(
  sign: Pick<VersionGatedOptions, 'forceReferrersTag'>,
  notationVersion: string
): string | undefined {
  const min = FLAG_MIN_VERSION['--force-referrers-tag'] ?? '1.2.0'
  if (!sign.forceReferrersTag || compareVersions(notationVersion, min) >= 0) return undefined
  return (
    `force-referrers-tag: true is not applied: notation ${notationVersion} has no --force-referrers-tag (added in ${min}), ` +
    'so it stores signatures through the referrers API when the registry supports it, and with the referrers tag schema only when it does not. ' +
    `Use notation-version ${min} or later for the tag schema everywhere.`
  )
}

/** Throws an InputError up front when an input needs a flag the installed notation lacks. */
export function refuseUnsupportedFlags(sign: VersionGatedOptions, notationVersion: string): void {
  for (const { input, flag } of gatedFlags(sign)) {
    const min = FLAG_MIN_VERSION[flag]
    if (min !== undefined && compareVersions(notationVersion, min) < 0) {
      throw new InputError(
        input,
        `needs notation ${min} or later; ${notationVersion} is installed.`
      )
    }
  }
}
