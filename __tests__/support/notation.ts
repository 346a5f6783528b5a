// Test helpers around notation: the shape of one recorded notation run (what the e2e harness reads
// back from the real CLI's logging wrapper, see support/notation-bin.ts), and a tiny signing plugin
// that signs with a local key (for tests and benches that leave Key Vault out).
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** One recorded notation run (e2e.notationCalls()): what the logging wrapper saw. */
export type { RealCall as Call } from './notation-bin.ts'

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
