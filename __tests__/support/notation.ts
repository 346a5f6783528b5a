// Test helpers around the notation stand-in (__tests__/fixtures/notation/notation.ts): install it as
// a `notation` executable, pack it as a release archive, and write a tiny signing plugin.
import { createHash } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as tar from 'tar'

export const STANDIN_ENTRY = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'fixtures',
  'notation',
  'notation.ts'
)

/** One line of NOTATION_STANDIN_LOG. */
export interface Call {
  argv: string[]
  cwd: string
  /** Names of the NOTATION_* and AZURE_* variables present (values never logged). */
  env: Record<string, true>
  username: string | null
  passwordSet: boolean
  /** Config and input files the call read. */
  files: string[]
  exitCode: number
  stdout: string
  stderr: string
}

export interface StandinOptions {
  /** Version the binary reports (default 1.3.2); NOTATION_STANDIN_VERSION in the env still wins. */
  version?: string
  /** Default NOTATION_STANDIN_LOG (default `<dir>/notation-calls.jsonl`); the env still wins. */
  logFile?: string
  /**
   * NOTATION_STANDIN_SCENARIO for every run (the action gives notation a fresh environment, so the
   * wrapper sets it); omitted: none.
   */
  scenarioFile?: string
}

export interface InstalledStandin {
  binDir: string
  /** The `notation` wrapper. */
  path: string
  logFile: string
  readLog(): Call[]
}

function wrapper(version: string, logFile: string, scenarioFile?: string): string {
  const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`
  return [
    '#!/bin/sh',
    '# notation stand-in for tests (see __tests__/fixtures/notation/notation.ts)',
    `: "\${NOTATION_STANDIN_VERSION:=${version}}"`,
    `: "\${NOTATION_STANDIN_LOG:=${logFile}}"`,
    'export NOTATION_STANDIN_VERSION NOTATION_STANDIN_LOG',
    ...(scenarioFile === undefined
      ? []
      : [`NOTATION_STANDIN_SCENARIO=${q(scenarioFile)}`, 'export NOTATION_STANDIN_SCENARIO']),
    `exec ${q(process.execPath)} ${q(STANDIN_ENTRY)} "$@"`,
    ''
  ].join('\n')
}

export function readCalls(logFile: string): Call[] {
  if (!existsSync(logFile)) return []
  return readFileSync(logFile, 'utf8')
    .split('\n')
    .filter(l => l.trim() !== '')
    .map(l => JSON.parse(l) as Call)
}

/** Write `<dir>/bin/notation` (a sh wrapper running the stand-in with this Node). */
export function installNotationStandin(
  dir: string,
  options: StandinOptions = {}
): InstalledStandin {
  const binDir = join(dir, 'bin')
  mkdirSync(binDir, { recursive: true })
  const logFile = options.logFile ?? join(dir, 'notation-calls.jsonl')
  const path = join(binDir, 'notation')
  writeFileSync(path, wrapper(options.version ?? '1.3.2', logFile))
  chmodSync(path, 0o755)
  return { binDir, path, logFile, readLog: () => readCalls(logFile) }
}

/**
 * A release-like `notation_<v>_<os>_<arch>.tar.gz` holding `notation` and `LICENSE`: the stand-in,
 * or with `binary` that executable instead (e.g. a real notation release, to run a scenario against
 * it; nothing is logged then).
 */
export async function packNotationArchive(
  dir: string,
  options: StandinOptions & { name?: string; binary?: string } = {}
): Promise<{ file: string; sha256: string }> {
  const stage = join(dir, 'stage-notation')
  mkdirSync(stage, { recursive: true })
  const logFile = options.logFile ?? join(dir, 'notation-calls.jsonl')
  writeFileSync(
    join(stage, 'notation'),
    options.binary === undefined
      ? wrapper(options.version ?? '1.3.2', logFile, options.scenarioFile)
      : readFileSync(options.binary),
    { mode: 0o755 }
  )
  writeFileSync(join(stage, 'LICENSE'), 'Apache License 2.0 (test stand-in archive)\n')
  const file = join(
    dir,
    options.name ?? `notation_${options.version ?? '1.3.2'}_linux_amd64.tar.gz`
  )
  await tar.c({ gzip: true, cwd: stage, file, portable: true }, ['notation', 'LICENSE'])
  return { file, sha256: createHash('sha256').update(readFileSync(file)).digest('hex') }
}

export interface TestPluginOptions {
  /** Plugin name (default `test-signer`): installed as plugins/<name>/notation-<name>. */
  name?: string
  keyId: string
  /** PKCS#8 PEM of the signing key. */
  keyPem: string
  /** Leaf first, PEM. */
  chainPem: string[]
  /** `RSA-2048`, `EC-256`, ... */
  keySpec: string
  /** Make a command fail: `{errorCode, errorMessage}` on stderr, exit 1. */
  fail?: { command: string; errorCode: string; errorMessage: string }
}

const PLUGIN_SCRIPT = `
import { readFileSync, appendFileSync } from 'node:fs'
import { sign, constants, X509Certificate } from 'node:crypto'
const cfg = JSON.parse(readFileSync(new URL('./plugin-config.json', import.meta.url), 'utf8'))
const command = process.argv[2]
const req = JSON.parse(readFileSync(0, 'utf8') || '{}')
appendFileSync(new URL('./requests.jsonl', import.meta.url), JSON.stringify({ command, req }) + '\\n')
const fail = (code, msg) => { process.stderr.write(JSON.stringify({ errorCode: code, errorMessage: msg })); process.exit(1) }
if (cfg.fail && cfg.fail.command === command) fail(cfg.fail.errorCode, cfg.fail.errorMessage)
const out = v => process.stdout.write(JSON.stringify(v))
if (command === 'get-plugin-metadata') {
  out({ name: cfg.name, description: 'Test signing plugin', version: '0.0.1', url: 'https://example.invalid/test-signer',
    supportedContractVersions: ['1.0'], capabilities: ['SIGNATURE_GENERATOR.RAW'] })
} else if (command === 'describe-key') {
  if (req.keyId !== cfg.keyId) fail('VALIDATION_ERROR', 'key not found: ' + req.keyId)
  out({ keyId: cfg.keyId, keySpec: cfg.keySpec })
} else if (command === 'generate-signature') {
  if (req.keyId !== cfg.keyId) fail('VALIDATION_ERROR', 'key not found: ' + req.keyId)
  const hash = req.hashAlgorithm.replace('-', '').toLowerCase()
  const payload = Buffer.from(req.payload, 'base64')
  const rsa = cfg.keySpec.startsWith('RSA')
  const signature = sign(hash, payload, rsa
    ? { key: cfg.keyPem, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }
    : { key: cfg.keyPem, dsaEncoding: 'ieee-p1363' })
  const alg = (rsa ? 'RSASSA-PSS-' : 'ECDSA-') + req.hashAlgorithm
  out({ keyId: cfg.keyId, signature: signature.toString('base64'), signingAlgorithm: alg,
    certificateChain: cfg.chainPem.map(p => new X509Certificate(p).raw.toString('base64')) })
} else {
  fail('VALIDATION_ERROR', 'unsupported command: ' + command)
}
`

/**
 * Install a tiny SIGNATURE_GENERATOR.RAW plugin under `<libexecDir>/plugins/<name>/` that signs with
 * a local key. Every request is appended to `requests.jsonl` beside it (returned as `requestsFile`).
 */
export function writeTestPlugin(
  libexecDir: string,
  options: TestPluginOptions
): { name: string; path: string; requestsFile: string } {
  const name = options.name ?? 'test-signer'
  const dir = join(libexecDir, 'plugins', name)
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'plugin.mjs'), PLUGIN_SCRIPT)
  writeFileSync(join(dir, 'plugin-config.json'), JSON.stringify({ ...options, name }), {
    mode: 0o600
  })
  const path = join(dir, `notation-${name}`)
  writeFileSync(path, `#!/bin/sh\nexec '${process.execPath}' '${join(dir, 'plugin.mjs')}' "$@"\n`, {
    mode: 0o755
  })
  return { name, path, requestsFile: join(dir, 'requests.jsonl') }
}
