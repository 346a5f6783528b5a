// Signing, in-process: signImages against the stack (registry, Entra, GitHub OIDC, Key Vault) with
// the real notation CLI and the azure-kv stand-in. Notation is installed behind the logging wrapper
// (argv, variable names); a probe wrapper around it records, per call, start/end times, the OIDC
// token file's mode and the files notation is pointed at. Faults come from the stack (registry and
// Key Vault answers); only a notation lying about its result is a script (real notation does not).
import assert from 'node:assert/strict'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import tls from 'node:tls'
import { after, before, describe, test } from 'node:test'
import * as tar from 'tar'
import { acrAccessToken, createAzureIdentity, type AzureIdentity } from '../../src/azure/azure.ts'
import { InputError } from '../../src/util/errors.ts'
import type { Inputs } from '../../src/inputs/inputs.ts'
import { parseNotationVersion } from '../../src/install/install.ts'
import { resolveSigningCertificate } from '../../src/azure/keyvault.ts'
import {
  compareVersions,
  errorLine,
  notationEnv,
  parseInspect,
  refuseUnsupportedFlags,
  runNotation
} from '../../src/notation/notation.ts'
import { ACR_REFRESH_TOKEN_USERNAME, exchangeAcrRefreshToken } from '../../src/registry/registry.ts'
import {
  SIGN_ATTEMPTS,
  isTransientSignFailure,
  pickSignature,
  pluginEnv,
  signFailure,
  signFailureMessage,
  signImages,
  startFederatedTokenFile,
  type SignContext
} from '../../src/notation/sign.ts'
import { imagesOutput, writeSummary } from '../../src/report/summary.ts'
import type {
  ImageResult,
  RegistryCredential,
  ResolvedImage,
  SigningCertificate
} from '../../src/util/types.ts'
import { fetchManifest } from '../stack/images.ts'
import { startStack, type Stack } from '../stack/stack.ts'
import { installAzureKvStandin, readAzureKvLog } from '../support/azure-kv.ts'
import { captureOutput } from '../support/capture.ts'
import {
  packRealNotationArchive,
  readRealCalls,
  requireRealNotation,
  skipWithoutRealNotation,
  type RealCall
} from '../support/notation-bin.ts'
import { registrySkip } from '../support/stack-env.ts'
import { defaultInputs } from '../support/inputs.ts'

const SUBJECT = 'CN=wabbit-networks.io,O=Notation,L=Seattle,ST=WA,C=US'
const HEX = /^sha256:[0-9a-f]{64}$/

function baseInputs(sign: Partial<Inputs['sign']> = {}, more: Partial<Inputs> = {}): Inputs {
  const base = defaultInputs()
  return { ...base, azure: { credential: 'oidc' }, sign: { ...base.sign, ...sign }, ...more }
}

// ---------------------------------------------------------------------------------------------
// Pure parts: no stack needed

describe('notation helpers', () => {
  test('errorLine: the Error: line, else the last line', () => {
    assert.equal(
      errorLine('Warning: x\nError: failed to sign: boom\nUsage: ...\n'),
      'failed to sign: boom'
    )
    assert.equal(errorLine('something odd\nlast words\n'), 'last words')
    assert.equal(errorLine(''), undefined)
  })

  test('parseInspect reads 1.x `Signatures` and 2.x `signatures`', () => {
    const sig = {
      digest: 'sha256:' + 'a'.repeat(64),
      signatureAlgorithm: 'RSASSA-PSS-SHA-256',
      signedAttributes: { signingTime: '2025-01-01T00:00:00Z', signingScheme: 'notary.x509' },
      userDefinedAttributes: { build: '42' },
      certificates: [{ SHA256Fingerprint: 'AB'.repeat(32), issuedTo: 'CN=x', expiry: 'soon' }],
      signedArtifact: {
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: 'sha256:' + 'c'.repeat(64),
        size: 42
      }
    }
    const want = [
      {
        digest: sig.digest,
        signatureAlgorithm: 'RSASSA-PSS-SHA-256',
        signingTime: '2025-01-01T00:00:00Z',
        certificates: [{ sha256Fingerprint: 'ab'.repeat(32), issuedTo: 'CN=x', expiry: 'soon' }],
        userDefinedAttributes: { build: '42' },
        signedDigest: 'sha256:' + 'c'.repeat(64)
      }
    ]
    assert.deepEqual(parseInspect(JSON.stringify({ Signatures: [sig] })), want)
    assert.deepEqual(parseInspect(JSON.stringify({ signatures: [sig] })), want)
    assert.deepEqual(parseInspect('{"mediaType":"x","Signatures":null}'), [])
    assert.throws(() => parseInspect('not json'), /no JSON/)
  })

  test('parseInspect drops a signature whose digest is not sha256/sha512 hex (registry text)', () => {
    const good = { digest: 'sha256:' + 'a'.repeat(64), certificates: [] }
    const hostile = [
      'sha256:$(curl x|sh) --insecure-registry',
      'sha256:' + 'A'.repeat(64),
      'sha256:' + 'a'.repeat(63),
      '::set-output name=x::y',
      ''
    ].map(digest => ({ digest, certificates: [] }))
    const parsed = parseInspect(JSON.stringify({ Signatures: [...hostile, good] }))
    assert.deepEqual(
      parsed.map(s => s.digest),
      [good.digest]
    )
  })

  test('version gates: refused below 1.2.0 naming the input; pre-releases count as releases', () => {
    assert.equal(compareVersions('1.1.2', '1.2.0'), -1)
    assert.equal(compareVersions('2.0.0-alpha.1', '1.2.0'), 1)
    assert.equal(compareVersions('v1.2.0', '1.2.0'), 0)
    const timestamped = baseInputs({ timestampUrl: 'http://t', timestampRootCert: 'r.pem' })
    assert.throws(
      () => refuseUnsupportedFlags(timestamped.sign, '1.1.0'),
      (e: unknown) =>
        e instanceof InputError &&
        e.message === "Input 'timestamp-url': needs notation 1.2.0 or later; 1.1.0 is installed."
    )
    assert.throws(
      () => refuseUnsupportedFlags(baseInputs({ forceReferrersTag: false }).sign, '1.1.2'),
      /Input 'force-referrers-tag': needs notation 1\.2\.0 or later; 1\.1\.2 is installed/
    )
    assert.doesNotThrow(() => refuseUnsupportedFlags(timestamped.sign, '1.2.0'))
    assert.doesNotThrow(() => refuseUnsupportedFlags(baseInputs().sign, '1.0.0'))
  })

  test('success needs exit 0 and the exact "Successfully signed <ref>" line', () => {
    const ref = '127.0.0.1:1/a@sha256:' + 'b'.repeat(64)
    const ok = `Successfully signed ${ref}\n`
    assert.equal(signFailure({ code: 0, stdout: ok, stderr: '' }, ref), undefined)
    assert.match(
      signFailure({ code: 1, stdout: ok, stderr: '' }, ref)!,
      /exited with code 1 after reporting success/
    )
    assert.match(
      signFailure({ code: 0, stdout: '', stderr: '' }, ref)!,
      /exited 0 without printing "Successfully signed/
    )
    assert.equal(signFailure({ code: 1, stdout: '', stderr: 'Error: nope\n' }, ref), 'nope')
    assert.notEqual(
      signFailure({ code: 0, stdout: `Successfully signed ${ref}x\n`, stderr: '' }, ref),
      undefined,
      'another reference does not count'
    )
  })

  test('pickSignature: this certificate, this digest, not seen before, newest', () => {
    const image = `sha256:${'9'.repeat(64)}`
    const sig = (d: string, fp: string, t: string, signedDigest = image) => ({
      digest: `sha256:${d.repeat(64)}`,
      signatureAlgorithm: 'x',
      signingTime: t,
      certificates: [{ sha256Fingerprint: fp, issuedTo: '', expiry: '' }],
      userDefinedAttributes: {},
      signedDigest
    })
    const a = sig('a', 'f1', '2025-01-01T00:00:00Z')
    const b = sig('b', 'f1', '2025-01-02T00:00:00Z')
    const c = sig('c', 'f2', '2025-01-03T00:00:00Z')
    assert.equal(pickSignature([a, b, c], 'F1', image)?.digest, b.digest)
    assert.equal(
      pickSignature([a, b, c], 'f1', image, { before: new Set([b.digest]) })?.digest,
      a.digest
    )
    assert.equal(pickSignature([a, b, c], 'f3', image), undefined)
    const notBefore = Date.parse('2025-01-02T00:00:00Z')
    assert.equal(pickSignature([a, b], 'f1', image, { notBefore })?.digest, b.digest)
    assert.equal(pickSignature([a], 'f1', image, { notBefore }), undefined, 'older than this run')
    const b2 = { ...sig('d', 'f1', '2025-01-02T00:00:00Z') }
    assert.equal(
      pickSignature([b, b2], 'f1', image)?.digest,
      b2.digest,
      'a tie goes to the later entry'
    )
    // A signature copied over from another image names that image: never this image's.
    const copied = sig('e', 'f1', '2025-01-04T00:00:00Z', `sha256:${'8'.repeat(64)}`)
    assert.equal(pickSignature([b, copied], 'f1', image)?.digest, b.digest)
    assert.equal(pickSignature([copied], 'f1', image), undefined)
    const unnamed: Parameters<typeof pickSignature>[0][number] = { ...b }
    delete unnamed.signedDigest
    assert.equal(pickSignature([unnamed], 'f1', image), undefined, 'no signed artifact read')
  })

  test('a transient sign failure: 408, 429, 5xx, resets, EOF, timeouts, TLS handshakes; not refusals', () => {
    const push = 'failed to push signature to registry with error: '
    const url = '"https://r.example/v2/app/manifests/sha256:' + 'c'.repeat(64) + '"'
    const transient = [
      `${push}PUT ${url}: response status code 500: Internal Server Error`,
      `${push}PUT ${url}: response status code 503: Service Unavailable`,
      `${push}POST ${url}: response status code 429: toomanyrequests: slow down`,
      `${push}PUT ${url}: response status code 408: Request Timeout`,
      `${push}Put ${url}: EOF`,
      `${push}Post ${url}: read: connection reset by peer`,
      'failed to get manifest descriptor: unexpected EOF',
      `failed to get manifest descriptor: Get ${url}: dial tcp 10.0.0.1:443: i/o timeout`,
      `${push}Head ${url}: net/http: TLS handshake timeout`,
      `${push}Put ${url}: write: broken pipe`
    ]
    const permanent = [
      `${push}PUT ${url}: response status code 403: denied: injected: push denied`,
      `${push}PUT ${url}: response status code 401: unauthorized: authentication required`,
      `failed to get manifest descriptor: GET ${url}: response status code 404: manifest unknown`,
      'failed to sign with the plugin azure-kv: injected: caller lacks keys sign',
      `failed to get manifest descriptor: Get ${url}: tls: failed to verify certificate: x509: certificate signed by unknown authority`,
      `${push}Get ${url}: remote error: tls: handshake failure`,
      'signing key k not found',
      'notation exited with code 1 after reporting success'
    ]
    for (const line of transient) assert.equal(isTransientSignFailure(line), true, line)
    for (const line of permanent) assert.equal(isTransientSignFailure(line), false, line)
    assert.equal(SIGN_ATTEMPTS, 3)
  })

  test('child env: built from scratch, credentials only as NOTATION_USERNAME/PASSWORD', () => {
    const source = {
      PATH: '/bin',
      HOME: '/home/r',
      NODE_EXTRA_CA_CERTS: '/ca.pem',
      GITHUB_TOKEN: 'ghs_secret',
      ACTIONS_RUNTIME_TOKEN: 'rt',
      NOTATION_PASSWORD: 'stale',
      AZURE_CLIENT_SECRET: 'shh',
      AZURE_FEDERATED_TOKEN_FILE: '/elsewhere',
      AZURE_AUTHORITY_HOST: 'https://login.example',
      IDENTITY_ENDPOINT: 'http://169.254.169.254'
    }
    const oidc: AzureIdentity = {
      kind: 'oidc',
      credential: { getToken: async () => null },
      tenantId: 't',
      clientId: 'c',
      authorityHost: 'https://login.microsoftonline.us',
      federatedToken: async () => 'x'
    }
    const azure = pluginEnv(oidc, source, '/home/runner/work/_temp/token')
    assert.deepEqual(azure, {
      // The authority the action validated, never AZURE_AUTHORITY_HOST as found.
      AZURE_AUTHORITY_HOST: 'https://login.microsoftonline.us',
      AZURE_TENANT_ID: 't',
      AZURE_CLIENT_ID: 'c',
      AZURE_FEDERATED_TOKEN_FILE: '/home/runner/work/_temp/token'
    })
    const env = notationEnv({
      configDir: '/c',
      libexecDir: '/l',
      source,
      extra: azure,
      credential: { username: 'u', password: 'p' }
    })
    assert.deepEqual(env, {
      PATH: '/bin',
      HOME: '/home/r',
      NODE_EXTRA_CA_CERTS: '/ca.pem',
      ...azure,
      NOTATION_CONFIG: '/c',
      NOTATION_LIBEXEC: '/l',
      NOTATION_CACHE: '/c/cache',
      NOTATION_USERNAME: 'u',
      NOTATION_PASSWORD: 'p'
    })
    const anonymous = notationEnv({ configDir: '/c', libexecDir: '/l', source })
    assert.equal(anonymous['NOTATION_PASSWORD'], undefined, 'no stale password inherited')
    const withCertificate = { ...source, AZURE_CLIENT_CERTIFICATE_PATH: '/cert.pem' }
    const env2 = pluginEnv(
      { ...oidc, kind: 'environment', clientSecretFrom: 'AZURE_CLIENT_SECRET' },
      withCertificate
    )
    assert.equal(env2['AZURE_CLIENT_SECRET'], 'shh')
    assert.equal(env2['AZURE_CLIENT_CERTIFICATE_PATH'], undefined, 'only the secret signed in with')
    assert.equal(env2['IDENTITY_ENDPOINT'], undefined)
    assert.equal(env2['AZURE_FEDERATED_TOKEN_FILE'], undefined)
    const env3 = pluginEnv(
      { ...oidc, kind: 'environment', clientSecretFrom: 'AZURE_CLIENT_CERTIFICATE_PATH' },
      withCertificate
    )
    assert.equal(env3['AZURE_CLIENT_CERTIFICATE_PATH'], '/cert.pem')
    assert.equal(env3['AZURE_CLIENT_SECRET'], undefined)
    const mi = pluginEnv(
      { kind: 'managed-identity', credential: oidc.credential, clientId: 'c' },
      source
    )
    assert.equal(mi['IDENTITY_ENDPOINT'], 'http://169.254.169.254')
    assert.equal(mi['AZURE_CLIENT_SECRET'], undefined)
    assert.equal(mi['AZURE_AUTHORITY_HOST'], undefined, 'never the environment value')
    assert.deepEqual(pluginEnv(undefined, source), {}, 'no identity, no credential')
  })

  test('runNotation: an abort ends the child; the call rejects', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'run-notation-'))
    try {
      const script = path.join(dir, 'slow')
      const pidFile = path.join(dir, 'pid')
      await writeFile(script, `#!/bin/sh\necho $$ > '${pidFile}'\nexec sleep 30\n`, {
        mode: 0o755
      })
      const controller = new AbortController()
      const run = runNotation(script, ['sign'], { env: {}, signal: controller.signal })
      while (!existsSync(pidFile) || (await readFile(pidFile, 'utf8')).trim() === '') {
        await new Promise(resolve => setImmediate(resolve))
      }
      const pid = Number((await readFile(pidFile, 'utf8')).trim())
      controller.abort()
      await assert.rejects(run, /notation sign was cancelled/)
      assert.throws(() => process.kill(pid, 0), /ESRCH/, 'the child is gone')
      await assert.rejects(
        runNotation(script, ['sign'], { env: {}, signal: controller.signal }),
        /cancelled before it started/
      )
      await assert.rejects(runNotation(path.join(dir, 'missing'), [], { env: {} }), /Could not run/)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  test('the federated token file is private, refreshed, and removed on stop', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'token-file-'))
    try {
      let n = 0
      const file = await startFederatedTokenFile(dir, async () => `token-${++n}`, 5)
      assert.equal((await readFile(file.file, 'utf8')).trim(), 'token-1')
      assert.equal(statSync(file.file).mode & 0o777, 0o600)
      while ((await readFile(file.file, 'utf8')) === 'token-1') {
        await new Promise(resolve => setImmediate(resolve))
      }
      assert.match(await readFile(file.file, 'utf8'), /^token-\d+$/)
      await file.stop()
      assert.equal(existsSync(file.file), false)
      assert.deepEqual(await readdir(dir), [], 'no temp files left')
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  test('signFailureMessage names every failed image with its error', () => {
    const results: ImageResult[] = [
      { input: 'a', reference: 'r/a@sha256:1', signed: true },
      { input: 'b', reference: 'r/b@sha256:2', signed: false, error: 'boom' },
      { input: 'c', signed: false, error: 'resolve failed' }
    ]
    assert.equal(
      signFailureMessage(results),
      'Signing failed for 2 of 3 images:\n  r/b@sha256:2: boom\n  c: resolve failed'
    )
    assert.equal(signFailureMessage([results[0]!]), undefined)
  })
})

// ---------------------------------------------------------------------------------------------
// Against the stack

interface Probe {
  path: string
  dir: string
  /** Sign calls as intervals (nanoseconds), with the reference signed. */
  intervals(command?: string): Promise<{ ref: string; start: bigint; end: bigint }[]>
  tokenModes(): Promise<string[]>
}

let probes = 0

const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`

/** A wrapper around the installed notation: timing and file probes. */
async function probe(notation: InstalledNotation): Promise<Probe> {
  const dir = path.join(root, `probe-${++probes}`)
  await mkdir(dir, { recursive: true })
  const script = [
    '#!/bin/sh',
    `P=${q(dir)}`,
    'if [ -n "$AZURE_FEDERATED_TOKEN_FILE" ]; then',
    '  if [ -f "$AZURE_FEDERATED_TOKEN_FILE" ]; then stat -c %a "$AZURE_FEDERATED_TOKEN_FILE"; else echo missing; fi >> "$P/token-modes"',
    'fi',
    'last=""',
    'for a in "$@"; do',
    '  last="$a"',
    '  case "$a" in',
    '    --plugin-config=ca_certs=*) f="${a#--plugin-config=ca_certs=}"; cp "$f" "$P/ca_certs.pem"; stat -c %a "$f" > "$P/ca_certs.mode";;',
    '    --timestamp-root-cert=*) cp "${a#--timestamp-root-cert=}" "$P/tsa-root.pem";;',
    '  esac',
    'done',
    'echo "start $1 $last $(date +%s%N)" >> "$P/events"',
    `${q(notation.path)} "$@"`,
    'code=$?',
    'echo "end $1 $last $(date +%s%N)" >> "$P/events"',
    'exit $code',
    ''
  ].join('\n')
  const file = path.join(dir, 'notation')
  await writeFile(file, script)
  await chmod(file, 0o755)
  const lines = async (name: string): Promise<string[]> =>
    existsSync(path.join(dir, name))
      ? (await readFile(path.join(dir, name), 'utf8')).split('\n').filter(l => l !== '')
      : []
  return {
    path: file,
    dir,
    async intervals(command = 'sign') {
      const events = (await lines('events')).map(l => l.split(' '))
      const starts = events.filter(e => e[0] === 'start' && e[1] === command)
      return starts.map(([, , ref, t]) => {
        const end = events.find(e => e[0] === 'end' && e[1] === command && e[2] === ref)
        assert.ok(end, `an end for ${ref}`)
        return { ref: ref!, start: BigInt(t!), end: BigInt(end[3]!) }
      })
    },
    tokenModes: () => lines('token-modes')
  }
}

interface InstalledNotation {
  /** The logging wrapper, named `notation`, beside the real binary (`notation.bin`). */
  path: string
  logDir: string
  readLog(): RealCall[]
}

/**
 * The real notation, installed as the action installs a release: the release-like archive of the
 * e2e tests (the logging wrapper as `notation`, the real binary beside it) unpacked in a bin folder.
 */
async function installRealNotation(dir: string): Promise<InstalledNotation> {
  const binDir = path.join(dir, 'bin')
  const logDir = path.join(dir, 'notation-calls')
  await mkdir(binDir, { recursive: true })
  const archive = await packRealNotationArchive(dir, await requireRealNotation(), logDir)
  await tar.x({ file: archive.file, cwd: binDir })
  await rm(archive.file)
  return { path: path.join(binDir, 'notation'), logDir, readLog: () => readRealCalls(logDir) }
}

/**
 * A notation that answers `version` as another release would (the version gates are the action's
 * own) and is the real notation for everything else.
 */
async function reportingVersion(version: string): Promise<string> {
  const file = path.join(root, `notation-reporting-${version}`)
  const banner = `Notation - a tool to sign and verify artifacts.\n\nVersion:     ${version}\nGo version:  go1.23.5\nGit commit:  0000000\n`
  await writeFile(
    file,
    [
      '#!/bin/sh',
      `if [ "$1" = version ]; then printf '%s' ${q(banner)}; exit 0; fi`,
      `exec ${q(notation.path)} "$@"`,
      ''
    ].join('\n'),
    { mode: 0o755 }
  )
  return file
}

/** The most intervals open at one instant. */
function maxOverlap(intervals: { start: bigint; end: bigint }[]): number {
  const points = intervals.flatMap(i => [
    { t: i.start, d: 1 },
    { t: i.end, d: -1 }
  ])
  points.sort((a, b) => (a.t === b.t ? a.d - b.d : a.t < b.t ? -1 : 1))
  let open = 0
  let max = 0
  for (const p of points) max = Math.max(max, (open += p.d))
  return max
}

let stack: Stack
let root: string
let workspace: string
let notation: InstalledNotation
let configDir: string
let libexecDir: string
let kvLog: string
let identity: AzureIdentity
let selfSigned: SigningCertificate
let caIssued: SigningCertificate
let credential: RegistryCredential
let host: string
let childEnv: Record<string, string>
const savedEnv = { ...process.env }

async function pushImages(repository: string, n: number): Promise<ResolvedImage[]> {
  const images: ResolvedImage[] = []
  for (let i = 0; i < n; i++) {
    const pushed = await stack.registry.pushImage(repository)
    images.push({
      input: pushed.reference,
      registry: host,
      repository,
      digest: pushed.digest,
      reference: pushed.reference,
      mediaType: pushed.mediaType
    })
  }
  return images
}

function context(
  notationPath: string,
  inputs: Inputs,
  overrides: Partial<SignContext> = {}
): SignContext {
  return {
    notationPath,
    notationVersion: '1.3.2',
    configDir,
    libexecDir,
    workDir: path.join(root, 'work'),
    sign: inputs.sign,
    maxConcurrency: inputs.maxConcurrency,
    certificate: selfSigned,
    identity,
    credentials: new Map([[host, credential]]),
    workspace,
    env: childEnv,
    ...overrides
  }
}

/** Signatures attached to an image, as notation inspect lists them. */
async function inspect(reference: string): Promise<ReturnType<typeof parseInspect>> {
  const run = await runNotation(notation.path, ['inspect', '--output=json', reference], {
    env: notationEnv({ configDir, libexecDir, source: childEnv, credential })
  })
  assert.equal(run.code, 0, run.stderr)
  return parseInspect(run.stdout)
}

/** Digests in the image's referrers tag index: what the registry itself holds. */
async function referrerDigests(image: ResolvedImage): Promise<string[]> {
  const target = await stack.registry.target(image.repository)
  const got = await fetchManifest(target, image.repository, image.digest.replace(':', '-'))
  assert.equal(got.status, 200)
  const index = JSON.parse(got.body.toString('utf8')) as { manifests: { digest: string }[] }
  return index.manifests.map(m => m.digest)
}

function signCalls(since = 0): RealCall[] {
  return notation
    .readLog()
    .slice(since)
    .filter(c => c.argv[0] === 'sign')
}

async function sign(
  images: ResolvedImage[],
  ctx: SignContext
): Promise<{ results: ImageResult[]; output: string }> {
  const { result, error, output } = await captureOutput(() => signImages(images, ctx))
  if (error) throw error
  return { results: result!, output }
}

const skipStack = registrySkip().skip ?? (await skipWithoutRealNotation())

describe('signImages against the stack, with the real notation', { skip: skipStack }, () => {
  before(async () => {
    stack = await startStack()
    host = stack.registry.host
    tls.setDefaultCACertificates([...tls.getCACertificates('default'), stack.ca.pem])
    const env = stack.env()
    for (const name of [
      'ACTIONS_ID_TOKEN_REQUEST_URL',
      'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
      'AZURE_AUTHORITY_HOST'
    ]) {
      process.env[name] = env[name]
    }
    root = await mkdtemp(path.join(os.tmpdir(), 'sign-test-'))
    workspace = path.join(root, 'workspace')
    configDir = path.join(root, 'config')
    libexecDir = path.join(root, 'libexec')
    kvLog = path.join(root, 'azure-kv.jsonl')
    await Promise.all([workspace, configDir].map(d => mkdir(d, { recursive: true })))
    notation = await installRealNotation(root)
    await installAzureKvStandin(libexecDir, { env: { AZURE_KV_STANDIN_LOG: kvLog } })
    childEnv = {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: root,
      // The stack's CA: Go (notation) reads SSL_CERT_FILE, the Node plugin stand-in NODE_EXTRA_CA_CERTS.
      SSL_CERT_FILE: stack.caFile,
      NODE_EXTRA_CA_CERTS: stack.caFile,
      AZURE_AUTHORITY_HOST: stack.authorityHost
    }
    await stack.keyVault.vault.seedSelfSigned('signer', { subject: SUBJECT })
    await stack.keyVault.vault.seedCaIssued('ca-signer', { subject: SUBJECT, chainDepth: 2 })
    identity = await createAzureIdentity({
      credential: 'oidc',
      clientId: stack.clientId,
      tenantId: stack.tenantId,
      authorityHost: stack.authorityHost
    })
    const keyVault = (certificate: string): Inputs['keyVault'] => ({
      ...baseInputs().keyVault,
      vaultUrl: stack.keyVault.url,
      certificate
    })
    const options = { credential: identity.credential, workspace }
    ;[selfSigned, caIssued] = await captureOutput(() =>
      Promise.all([
        resolveSigningCertificate(keyVault('signer'), options),
        resolveSigningCertificate(keyVault('ca-signer'), options)
      ])
    ).then(r => r.result!)
    const refreshToken = await captureOutput(async () =>
      exchangeAcrRefreshToken(host, await acrAccessToken(identity), identity.tenantId)
    ).then(r => r.result!)
    credential = { username: ACR_REFRESH_TOKEN_USERNAME, password: refreshToken }
  })

  after(async () => {
    process.env = savedEnv
    await stack?.stop()
    if (root) await rm(root, { recursive: true, force: true })
  })

  test('self-signed, COSE, OIDC: exact argv, env-only credentials, token file, registry digest', async () => {
    const p = await probe(notation)
    const [image] = await pushImages('self-signed', 1)
    const from = notation.readLog().length
    const kvFrom = readAzureKvLog(kvLog).length
    const { results } = await sign([image!], context(p.path, baseInputs()))
    const [result] = results
    assert.equal(result?.error, undefined)
    assert.equal(result?.signed, true)
    assert.equal(result?.alreadySigned, false)
    assert.ok(typeof result?.signMs === 'number')

    const calls = signCalls(from)
    assert.equal(calls.length, 1)
    assert.deepEqual(calls[0]!.argv, [
      'sign',
      '--signature-format=cose',
      `--id=${selfSigned.keyId}`,
      '--plugin=azure-kv',
      '--plugin-config=self_signed=true',
      '--plugin-config=credential_type=workloadid',
      image!.reference
    ])

    // Credentials: env only, never argv, never logged.
    for (const call of notation.readLog().slice(from)) {
      assert.equal(call.username, ACR_REFRESH_TOKEN_USERNAME)
      assert.equal(call.passwordSet, true)
      assert.ok(!call.argv.some(a => a.includes(credential.password)))
      assert.ok(call.env['NOTATION_CONFIG'] && call.env['NOTATION_LIBEXEC'])
    }
    for (const file of readdirSync(notation.logDir)) {
      assert.ok(
        !readFileSync(path.join(notation.logDir, file), 'utf8').includes(credential.password)
      )
    }

    // The plugin used workload identity from the token file the action wrote.
    const kvCalls = readAzureKvLog(kvLog).slice(kvFrom)
    const generate = kvCalls.find(c => c.command === 'generate-signature')
    assert.equal(generate?.outcome, 'ok')
    assert.equal(generate?.credentialType, 'workloadid')
    assert.ok(generate?.env.includes('AZURE_FEDERATED_TOKEN_FILE'))
    assert.deepEqual(await p.tokenModes(), ['600', '600'], 'sign, then inspect')
    assert.deepEqual(await readdir(path.join(root, 'work')), [], 'token file and folder removed')

    // The reported signature digest is the one the registry holds.
    assert.match(result!.signatureDigest!, HEX)
    assert.deepEqual(await referrerDigests(image!), [result!.signatureDigest])
    const listed = await inspect(image!.reference)
    assert.equal(listed.length, 1)
    assert.equal(listed[0]!.certificates[0]!.sha256Fingerprint, selfSigned.thumbprint)
  })

  test('CA-issued: ca_certs names a 0600 file holding the chain above the leaf', async () => {
    const p = await probe(notation)
    const [image] = await pushImages('ca-issued', 1)
    const from = notation.readLog().length
    const { results } = await sign(
      [image!],
      context(p.path, baseInputs(), { certificate: caIssued })
    )
    assert.equal(results[0]?.error, undefined)
    assert.equal(results[0]?.signed, true)
    const argv = signCalls(from)[0]!.argv
    const caArg = argv.find(a => a.startsWith('--plugin-config=ca_certs='))
    assert.ok(caArg, argv.join(' '))
    assert.ok(!argv.includes('--plugin-config=self_signed=true'))
    assert.deepEqual(argv.slice(4, 6), [caArg, '--plugin-config=credential_type=workloadid'])
    assert.equal(caIssued.chain.length, 3)
    assert.equal(
      await readFile(path.join(p.dir, 'ca_certs.pem'), 'utf8'),
      caIssued.chain.slice(1).join('')
    )
    assert.equal((await readFile(path.join(p.dir, 'ca_certs.mode'), 'utf8')).trim(), '600')
    assert.equal(
      existsSync(caArg.slice('--plugin-config=ca_certs='.length)),
      false,
      'removed after'
    )
    const listed = await inspect(image!.reference)
    assert.equal(listed[0]!.certificates.length, 3, 'the signature carries the whole chain')
    assert.equal(listed[0]!.digest, results[0]!.signatureDigest)
  })

  test('JWS with metadata, expiry, extra plugin config and --force-referrers-tag=false', async () => {
    const p = await probe(notation)
    const [image] = await pushImages('jws', 1)
    const from = notation.readLog().length
    const inputs = baseInputs({
      signatureFormat: 'jws',
      userMetadata: [
        { key: 'build', value: '42' },
        { key: 'org.example/commit', value: 'a=b c' }
      ],
      expiry: '24h',
      pluginConfig: [{ key: 'extra', value: 'x=y' }],
      forceReferrersTag: false
    })
    const { results } = await sign([image!], context(p.path, inputs))
    assert.equal(results[0]?.error, undefined)
    assert.deepEqual(signCalls(from)[0]!.argv, [
      'sign',
      '--signature-format=jws',
      `--id=${selfSigned.keyId}`,
      '--plugin=azure-kv',
      '--plugin-config=self_signed=true',
      '--plugin-config=credential_type=workloadid',
      '--plugin-config=extra=x=y',
      '--user-metadata=build=42',
      '--user-metadata=org.example/commit=a=b c',
      '--expiry=24h',
      '--force-referrers-tag=false',
      image!.reference
    ])
    const [sig] = await inspect(image!.reference)
    assert.deepEqual(sig!.userDefinedAttributes, { build: '42', 'org.example/commit': 'a=b c' })
    assert.equal(sig!.digest, results[0]!.signatureDigest)
    const raw = await runNotation(notation.path, ['inspect', '--output=json', image!.reference], {
      env: notationEnv({ configDir, libexecDir, source: childEnv, credential })
    })
    const doc = JSON.parse(raw.stdout) as {
      Signatures: { mediaType: string; signedAttributes: Record<string, string> }[]
    }
    assert.equal(doc.Signatures[0]!.mediaType, 'application/jose+json')
    const { signingTime, expiry } = doc.Signatures[0]!.signedAttributes
    assert.equal(Date.parse(expiry!) - Date.parse(signingTime!), 24 * 3600_000)
  })

  test('timestamping: URL and root certificate flags (inline PEM to a file, or a workspace path)', async () => {
    const p = await probe(notation)
    const [a, b] = await pushImages('timestamped', 2)
    const from = notation.readLog().length
    // A stack server without a time-stamping route (404): the flags are what this test is about.
    const url = `${stack.authorityHost}/tsa`
    const inline = baseInputs({ timestampUrl: url, timestampRootCert: stack.ca.pem })
    const { results } = await sign([a!], context(p.path, inline))
    const argv = signCalls(from)[0]!.argv
    const rootArg = argv.find(x => x.startsWith('--timestamp-root-cert='))!
    assert.deepEqual(argv.slice(-4), [
      '--plugin-config=credential_type=workloadid',
      `--timestamp-url=${url}`,
      rootArg,
      a!.reference
    ])
    assert.equal(await readFile(path.join(p.dir, 'tsa-root.pem'), 'utf8'), stack.ca.pem)
    // notation accepted the root (a self-signed CA) and failed at the timestamp request: its error.
    assert.equal(results[0]?.signed, false)
    assert.match(
      results[0]?.error ?? '',
      /timestamp: POST "https:\/\/127\.0\.0\.1:\d+\/tsa": .*404/
    )
    assert.doesNotMatch(results[0]?.error ?? '', /root certificate|tsa-root|--timestamp-root-cert/)

    await writeFile(path.join(workspace, 'tsa.pem'), stack.ca.pem)
    const byPath = baseInputs({ timestampUrl: url, timestampRootCert: 'tsa.pem' })
    const from2 = notation.readLog().length
    await sign([b!], context(p.path, byPath))
    const byPathRoot = signCalls(from2)[0]!.argv.find(x => x.startsWith('--timestamp-root-cert='))
    assert.ok(byPathRoot && !byPathRoot.includes(workspace), 'notation reads a private copy')
    assert.equal(await readFile(path.join(p.dir, 'tsa-root.pem'), 'utf8'), stack.ca.pem)
    const outside = baseInputs({ timestampUrl: url, timestampRootCert: '../outside.pem' })
    await assert.rejects(
      signImages([b!], context(p.path, outside)),
      /Input 'timestamp-root-cert': '\.\.\/outside\.pem' is outside the workspace/
    )
  })

  test('concurrency overlaps up to max-concurrency, and the log stays in input order', async () => {
    const images = await pushImages('parallel', 6)
    // Key Vault answers each signing request after 700 ms: every sign run stays open that long.
    const vault = stack.keyVault.server
    vault.reset()
    vault.inject({ route: 'keyvault.keys.sign', kind: 'latency', latencyMs: 700 })
    const p = await probe(notation)
    const { results, output } = await sign(
      images,
      context(p.path, baseInputs({}, { maxConcurrency: 3 }))
    ).finally(() => vault.reset())
    assert.deepEqual(
      results.map(r => [r.reference, r.signed, r.error]),
      images.map(i => [i.reference, true, undefined])
    )
    const intervals = await p.intervals('sign')
    assert.equal(intervals.length, 6)
    const overlap = maxOverlap(intervals)
    assert.ok(overlap >= 2, `sign calls overlapped (max in flight ${overlap})`)
    assert.ok(overlap <= 3, `never more than max-concurrency (max in flight ${overlap})`)
    const allCalls = [...(await p.intervals('inspect')), ...intervals]
    assert.ok(maxOverlap(allCalls) <= 3, 'inspect + sign together stay within the limit')
    const groups = [...output.matchAll(/^::group::Sign (\S+)$/gm)].map(m => m[1])
    assert.deepEqual(
      groups,
      images.map(i => i.reference)
    )
    for (const image of images) {
      const group = output.split(`::group::Sign ${image.reference}\n`)[1]!.split('::endgroup::')[0]!
      assert.match(
        group,
        new RegExp(
          `^notation sign .* ${image.reference.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`,
          'm'
        )
      )
      assert.ok(group.includes(`Successfully signed ${image.reference}`), 'its own output only')
      assert.equal(group.split('Successfully signed').length, 2)
    }
  })

  test('one failure of three: all three reported, the message names the failed one', async () => {
    const images = await pushImages('partial', 3)
    // Key Vault refuses the second signing request (one at a time, so it is the second image's).
    const vault = stack.keyVault.server
    vault.reset()
    vault.inject({
      route: 'keyvault.keys.sign',
      kind: 'status',
      status: 403,
      calls: [2],
      body: { error: { code: 'Forbidden', message: 'simulated refusal' } }
    })
    const { results, output } = await sign(
      images,
      context(notation.path, baseInputs({}, { maxConcurrency: 1 }))
    ).finally(() => vault.reset())
    const failure = results[1]!.error ?? ''
    assert.match(failure, /^failed to sign with the plugin azure-kv: .*simulated refusal/)
    assert.deepEqual(
      results.map(r => [r.signed, r.error]),
      [
        [true, undefined],
        [false, failure],
        [true, undefined]
      ]
    )
    assert.match(results[0]!.signatureDigest!, HEX)
    assert.equal(results[1]!.signatureDigest, undefined)
    assert.equal(
      signFailureMessage(results),
      `Signing failed for 1 of 3 images:\n  ${images[1]!.reference}: ${failure}`
    )
    assert.match(output, /::error::Signing .* failed: failed to sign with the plugin azure-kv/)
    assert.equal(signCalls().filter(c => c.argv.at(-1) === images[1]!.reference).length, 1)
    assert.deepEqual(await referrerDigests(images[2]!), [results[2]!.signatureDigest])
  })

  test('a lying notation (success text but exit 1; exit 0 without the message) is a failure', async () => {
    const images = await pushImages('lies', 2)
    // Real notation never lies about its result: a script around it does. It signs for real, then
    // for the first image exits 1 after the success line, for the second drops the line and exits 0.
    const liar = path.join(root, 'lying-notation')
    await writeFile(
      liar,
      [
        '#!/bin/sh',
        'for a in "$@"; do last="$a"; done',
        'if [ "$1" = sign ]; then',
        `  if [ "$last" = ${q(images[0]!.reference)} ]; then ${q(notation.path)} "$@"; exit 1; fi`,
        `  if [ "$last" = ${q(images[1]!.reference)} ]; then ${q(notation.path)} "$@" > /dev/null; exit 0; fi`,
        'fi',
        `exec ${q(notation.path)} "$@"`,
        ''
      ].join('\n'),
      { mode: 0o755 }
    )
    const { results } = await sign(images, context(liar, baseInputs()))
    assert.deepEqual(
      results.map(r => r.signed),
      [false, false]
    )
    assert.equal(results[0]!.error, 'notation exited with code 1 after reporting success')
    assert.equal(
      results[1]!.error,
      `notation exited 0 without printing "Successfully signed ${images[1]!.reference}"`
    )
    assert.ok(signFailureMessage(results)?.startsWith('Signing failed for 2 of 2 images:'))
  })

  test('a transient push failure: the registry is inspected before signing again, and the image is signed once', async () => {
    const server = stack.registry.server
    const [calm, lost, blind, landed, refused] = await pushImages('transient', 5)
    const signOnce = async (image: ResolvedImage) => {
      const from = notation.readLog().length
      const { results, output } = await sign([image], context(notation.path, baseInputs()))
      return { result: results[0]!, output, runs: signCalls(from) }
    }
    // Which registry.manifests calls a clean sign of a fresh image makes: the signature manifest's
    // PUT, then the referrers index's (tag schema). Every image below is as fresh.
    server.reset()
    assert.equal((await signOnce(calm!)).result.signed, true)
    const puts = server.calls.filter(c => c.route === 'registry.manifests' && c.method === 'PUT')
    const signaturePut = puts.find(c => /\/manifests\/sha256:/.test(c.path))?.call
    const indexPut = puts.find(c => /\/manifests\/sha256-/.test(c.path))?.call
    assert.ok(signaturePut !== undefined && indexPut !== undefined, JSON.stringify(puts))

    // 1. The signature manifest's PUT answers 500: notation 1.3.2 does not retry it and fails;
    // nothing was pushed, so the action signs again, once.
    server.reset()
    server.inject({
      route: 'registry.manifests',
      kind: 'status',
      status: 500,
      calls: [signaturePut]
    })
    const first = await signOnce(lost!)
    assert.equal(first.result.error, undefined, first.output)
    assert.equal(first.result.signed, true)
    assert.equal(first.runs.length, 2, 'signed again once')
    assert.match(first.output, /response status code 500/)
    assert.equal(server.calls.filter(c => c.fault === 'status').length, 1)
    assert.deepEqual(await referrerDigests(lost!), [first.result.signatureDigest])
    assert.equal((await inspect(lost!.reference)).length, 1)

    // 1b. The PUT answers 500 and so does the inspect after it (its HEAD, the next manifest call):
    // notation retries neither; the action inspects again, finds nothing, and signs again.
    server.reset()
    server.inject({
      route: 'registry.manifests',
      kind: 'status',
      status: 500,
      calls: [signaturePut, signaturePut + 1]
    })
    const again = await signOnce(blind!)
    assert.equal(again.result.error, undefined, again.output)
    assert.equal(again.result.signed, true)
    assert.equal(again.runs.length, 2, 'signed again once')
    assert.match(again.output, /notation inspect failed transiently \(.*response status code 500/)
    assert.equal(server.calls.filter(c => c.fault === 'status').length, 2)
    assert.deepEqual(await referrerDigests(blind!), [again.result.signatureDigest])

    // 2. The referrers index PUT lands, but its answer is cut (the connection drops): notation
    // fails; the signature is there, so it is reported, and notation does not sign again.
    server.reset()
    server.inject({ route: 'registry.manifests', kind: 'truncate', calls: [indexPut] })
    const second = await signOnce(landed!)
    assert.equal(second.result.error, undefined, second.output)
    assert.equal(second.result.signed, true)
    assert.equal(second.runs.length, 1, 'not signed again')
    assert.match(
      second.output,
      /failed to push signature to registry with error: .*failed to push referrers index .*: Put ".*": EOF/
    )
    assert.match(second.output, /the push landed/)
    const listed = await inspect(landed!.reference)
    assert.deepEqual(
      listed.map(s => s.digest),
      [second.result.signatureDigest]
    )
    assert.deepEqual(await referrerDigests(landed!), [second.result.signatureDigest])

    // 3. A refusal is not retried, by notation or the action.
    server.reset()
    server.inject({
      route: 'registry.manifests',
      kind: 'status',
      status: 403,
      calls: [signaturePut],
      body: { errors: [{ code: 'DENIED', message: 'injected: push denied' }] }
    })
    const third = await signOnce(refused!)
    assert.equal(third.result.signed, false)
    assert.match(
      third.result.error ?? '',
      /response status code 403: denied: injected: push denied/
    )
    assert.equal(third.runs.length, 1)
    assert.equal(server.calls.filter(c => c.fault === 'status').length, 1)
    server.reset()
  })

  test('a transient failure that persists: three sign runs, then its error; an unreadable registry: one', async () => {
    const [image] = await pushImages('still-failing', 1)
    const server = stack.registry.server
    const runs = async (ctx: SignContext) => {
      const from = notation.readLog().length
      const { results } = await sign([image!], ctx)
      return { result: results[0]!, runs: signCalls(from).length }
    }
    // Blob uploads answer 503 on every try: each sign run fails before its push, inspect works.
    server.reset()
    server.inject({ route: 'registry.uploads', kind: 'status', status: 503 })
    const persistent = await runs(context(notation.path, baseInputs())).finally(() =>
      server.reset()
    )
    assert.equal(persistent.result.signed, false)
    assert.match(
      persistent.result.error ?? '',
      /response status code 503: Service Unavailable \(3 sign runs\)$/
    )
    assert.equal(persistent.runs, 3)

    // Every manifest request answers 503: sign fails and inspect cannot tell what landed.
    server.inject({ route: 'registry.manifests', kind: 'status', status: 503 })
    const blind = await runs(context(notation.path, baseInputs())).finally(() => server.reset())
    assert.equal(blind.result.signed, false)
    assert.match(blind.result.error ?? '', /whether the signature was pushed is unknown/)
    assert.equal(blind.runs, 1, 'not signed again blindly')
  })

  test('"Successfully signed" with no new signature in the registry is a failure', async () => {
    const [image] = await pushImages('phantom', 1)
    const phantom = path.join(root, 'phantom-notation')
    await writeFile(
      phantom,
      [
        '#!/bin/sh',
        'if [ "$1" = sign ]; then for a in "$@"; do last="$a"; done; echo "Successfully signed $last"; exit 0; fi',
        `exec ${q(notation.path)} "$@"`,
        ''
      ].join('\n'),
      { mode: 0o755 }
    )
    const { results } = await sign([image!], context(phantom, baseInputs()))
    assert.equal(results[0]!.signed, false)
    assert.equal(
      results[0]!.error,
      `notation reported success, but no new signature by certificate ${selfSigned.thumbprint} is attached to ${image!.reference}`
    )
  })

  test('skip-if-signed: a re-run adds no signature and reports the existing one', async () => {
    const p = await probe(notation)
    const [image] = await pushImages('rerun', 1)
    const first = await sign([image!], context(p.path, baseInputs()))
    const signatureDigest = first.results[0]!.signatureDigest
    assert.match(signatureDigest!, HEX)
    const from = notation.readLog().length
    const again = await sign([image!], context(p.path, baseInputs({ skipIfSigned: true })))
    assert.deepEqual(again.results[0], {
      input: image!.input,
      reference: image!.reference,
      digest: image!.digest,
      signed: false,
      alreadySigned: true,
      signatureDigest,
      signMs: again.results[0]!.signMs
    })
    assert.equal(signCalls(from).length, 0, 'notation sign did not run')
    assert.equal((await inspect(image!.reference)).length, 1)

    // Without skip-if-signed a second signature is added, and the new one is reported.
    const third = await sign([image!], context(p.path, baseInputs()))
    const listed = await inspect(image!.reference)
    assert.equal(listed.length, 2)
    assert.notEqual(third.results[0]!.signatureDigest, signatureDigest)
    assert.ok(listed.some(s => s.digest === third.results[0]!.signatureDigest))
    // A signature by another certificate does not count as "already signed".
    const other = await sign(
      [image!],
      context(p.path, baseInputs({ skipIfSigned: true }), { certificate: caIssued })
    )
    assert.equal(other.results[0]!.signed, true)
    assert.equal((await inspect(image!.reference)).length, 3)
  })

  test('version-gated flags are refused up front for a notation reporting 1.1.0', async () => {
    const old = await reportingVersion('1.1.0')
    const env = notationEnv({ configDir, libexecDir, source: childEnv })
    const version = parseNotationVersion((await runNotation(old, ['version'], { env })).stdout)
    assert.equal(version, '1.1.0')
    const [image] = await pushImages('old-notation', 1)
    const from = notation.readLog().length
    for (const [sign, input] of [
      [{ timestampUrl: 'http://t.example', timestampRootCert: stack.ca.pem }, 'timestamp-url'],
      [{ forceReferrersTag: false }, 'force-referrers-tag']
    ] as const) {
      await assert.rejects(
        signImages([image!], context(old, baseInputs(sign), { notationVersion: version! })),
        (e: unknown) =>
          e instanceof InputError &&
          e.input === input &&
          /needs notation 1\.2\.0 or later; 1\.1\.0 is installed/.test(e.message)
      )
    }
    assert.equal(notation.readLog().length, from, 'notation did not run')
    // Without gated inputs, 1.1.0 signs.
    const { results } = await sign(
      [image!],
      context(old, baseInputs(), { notationVersion: version! })
    )
    assert.equal(results[0]!.signed, true)
  })

  test('a tag reference is refused as a bug, before notation runs', async () => {
    const [image] = await pushImages('tagged', 1)
    const from = notation.readLog().length
    const tagged = { ...image!, reference: `${host}/tagged:v1` }
    await assert.rejects(
      signImages([tagged], context(notation.path, baseInputs())),
      /not a digest reference/
    )
    assert.equal(notation.readLog().length, from)
  })

  test('signatures made verify with notation verify against a trust store holding the certificate', async () => {
    const p = await probe(notation)
    const [cose, jws] = await pushImages('verified', 2)
    await sign([cose!], context(p.path, baseInputs()))
    await sign([jws!], context(p.path, baseInputs({ signatureFormat: 'jws' })))
    const store = path.join(configDir, 'truststore', 'x509', 'ca', 'signer')
    await mkdir(store, { recursive: true })
    await writeFile(path.join(store, 'signer.pem'), selfSigned.chain[0]!)
    const policy = {
      version: '1.0',
      trustPolicies: [
        {
          name: 'signed-by-signer',
          registryScopes: [`${host}/verified`],
          signatureVerification: { level: 'strict' },
          trustStores: ['ca:signer'],
          trustedIdentities: [`x509.subject: ${SUBJECT}`]
        }
      ]
    }
    await writeFile(path.join(configDir, 'trustpolicy.json'), JSON.stringify(policy))
    const env = notationEnv({ configDir, libexecDir, source: childEnv, credential })
    for (const image of [cose!, jws!]) {
      const run = await runNotation(notation.path, ['verify', image.reference], { env })
      assert.equal(run.code, 0, run.stderr)
      assert.equal(run.stdout, `Successfully verified signature for ${image.reference}\n`)
    }
    // And a trust store with another certificate refuses them: verification really checks.
    await writeFile(path.join(store, 'signer.pem'), caIssued.chain.at(-1)!)
    const refused = await runNotation(notation.path, ['verify', cose!.reference], { env })
    assert.equal(refused.code, 1)
    await rm(path.join(configDir, 'trustpolicy.json'))
    await rm(path.join(configDir, 'truststore'), { recursive: true })
  })

  test('summary and images output: every image, signature digests, no secrets', async () => {
    const images = await pushImages('summary', 2)
    // Key Vault refuses the second signing request with a message that is HTML.
    const vault = stack.keyVault.server
    vault.reset()
    vault.inject({
      route: 'keyvault.keys.sign',
      kind: 'status',
      status: 403,
      calls: [2],
      body: { error: { code: 'Forbidden', message: 'refused <script>' } }
    })
    const { results } = await sign(
      images,
      context(notation.path, baseInputs({}, { maxConcurrency: 1 }))
    ).finally(() => vault.reset())
    const failure = results[1]!.error ?? ''
    assert.match(failure, /refused <script>$/)
    const summaryFile = path.join(root, 'summary.md')
    await writeFile(summaryFile, '')
    process.env['GITHUB_STEP_SUMMARY'] = summaryFile
    try {
      await writeSummary(results, {
        certificate: selfSigned,
        signatureFormat: 'cose',
        commands: ['notation sign --id=<kid> <registry>/<repository>@<digest>'],
        warnings: ['a <b>warning</b>']
      })
    } finally {
      delete process.env['GITHUB_STEP_SUMMARY']
    }
    // The layout itself is pinned in summary.test.ts; here: real sign results reach it.
    const html = await readFile(summaryFile, 'utf8')
    assert.match(html, /<h2>Notation signing with Azure Key Vault<\/h2>/)
    assert.match(html, /❌ <b>1 of 2 images failed<\/b>/)
    assert.ok(html.includes(`image      ${images[0]!.digest}`), 'full digest in details')
    assert.ok(html.includes(`signature  ${results[0]!.signatureDigest}`), 'and signature digest')
    assert.ok(html.includes(`<code>${selfSigned.keyId}</code>`))
    assert.ok(html.includes(SUBJECT))
    assert.ok(html.includes('refused &lt;script&gt;'), 'errors are escaped')
    assert.ok(!html.includes('<script>'))
    assert.ok(html.includes('&lt;registry&gt;/&lt;repository&gt;@&lt;digest&gt;'))
    assert.ok(html.includes('<li>a &lt;b&gt;warning&lt;/b&gt;</li>'))
    assert.ok(!html.includes('Verification'), 'no verify column before verification ran')
    assert.ok(!html.includes(credential.password))

    const withVerify = results.map(r => ({
      ...r,
      verified: true,
      verification: 'verified' as const
    }))
    await writeFile(summaryFile, '')
    process.env['GITHUB_STEP_SUMMARY'] = summaryFile
    try {
      await writeSummary(withVerify, { commands: [] })
    } finally {
      delete process.env['GITHUB_STEP_SUMMARY']
    }
    assert.match(await readFile(summaryFile, 'utf8'), /<th>Verification<\/th>.*✅&nbsp;verified/s)

    assert.deepEqual(JSON.parse(imagesOutput(results)), [
      {
        input: images[0]!.input,
        reference: images[0]!.reference,
        digest: images[0]!.digest,
        signed: true,
        alreadySigned: false,
        signatureDigest: results[0]!.signatureDigest,
        verified: null,
        verification: null,
        error: null
      },
      {
        input: images[1]!.input,
        reference: images[1]!.reference,
        digest: images[1]!.digest,
        signed: false,
        alreadySigned: false,
        signatureDigest: null,
        verified: null,
        verification: null,
        error: failure
      }
    ])
    assert.deepEqual(await referrerDigests(images[0]!), [results[0]!.signatureDigest])
  })
})
