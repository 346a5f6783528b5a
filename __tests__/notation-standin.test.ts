// The notation stand-in behaves as notation 1.3.2 where the action depends on it: messages and
// exit codes for refused command lines, config files, and a real sign → inspect → verify round
// trip against the stack's distribution registry with token auth.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as tar from 'tar'
import { installNotationStandin, packNotationArchive, writeTestPlugin } from './support/notation.ts'
import type { InstalledStandin } from './support/notation.ts'
import { registryDescribe } from './support/stack-env.ts'
import { MEDIA_TYPES, fetchManifest, putManifest, sha256Digest } from './stack/images.ts'
import { issueCertificate } from './stack/pki.ts'
import type { Issued } from './stack/pki.ts'
import { startStack } from './stack/stack.ts'
import type { Stack } from './stack/stack.ts'

const SUBJECT = 'CN=standin.test,O=Notation,L=Seattle,ST=WA,C=US'
const CODE_SIGNING = '1.3.6.1.5.5.7.3.3'

interface Run {
  code: number
  stdout: string
  stderr: string
}

let root: string
let notation: InstalledStandin
let leaf: Issued

function run(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  const full: Record<string, string> = { PATH: process.env.PATH ?? '' }
  for (const [k, v] of Object.entries(env)) if (v !== undefined) full[k] = v
  return new Promise(resolve => {
    execFile(notation.path, args, { env: full }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0
      resolve({ code, stdout, stderr })
    })
  })
}

function freshConfig(name: string): string {
  const dir = path.join(root, name)
  mkdirSync(dir, { recursive: true })
  return dir
}

before(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'notation-standin-'))
  notation = installNotationStandin(path.join(root, 'tool'))
  leaf = await issueCertificate({ subject: SUBJECT, ekus: [CODE_SIGNING] })
})
after(() => rmSync(root, { recursive: true, force: true }))

describe('command line', () => {
  test('version prints what notation 1.3.2 prints', async () => {
    const r = await run(['version'], { NOTATION_CONFIG: freshConfig('v') })
    assert.equal(r.code, 0)
    assert.match(
      r.stdout,
      /^Notation - a tool to sign and verify artifacts\.\n\nVersion: {5}1\.3\.2\nGo version: {2}go1\.23\.\d+\nGit commit: {2}[0-9a-f]{40}\n$/
    )
    const lying = await run(['version'], {
      NOTATION_CONFIG: freshConfig('v'),
      NOTATION_STANDIN_VERSION: '1.2.0'
    })
    assert.match(lying.stdout, /^Version: {5}1\.2\.0$/m)
  })

  test('unknown flags and commands exit 1 with cobra messages', async () => {
    const env = { NOTATION_CONFIG: freshConfig('cli') }
    const flag = await run(['sign', '--nope', 'a/b@sha256:' + '0'.repeat(64)], env)
    assert.equal(flag.code, 1)
    assert.equal(flag.stderr, 'Error: unknown flag: --nope\n')
    const short = await run(['verify', '-z', 'x'], env)
    assert.equal(short.stderr, "Error: unknown shorthand flag: 'z' in -z\n")
    const cmd = await run(['sing', 'x'], env)
    assert.equal(cmd.code, 1)
    assert.equal(
      cmd.stderr,
      'Error: unknown command "sing" for "notation"\nRun \'notation --help\' for usage.\n'
    )
    const noRef = await run(['sign'], env)
    assert.equal(
      noRef.stderr,
      'Error: missing reference to the artifact: use `notation sign --help` to see what parameters are required\n'
    )
  })

  test('flag groups and values are refused as notation refuses them', async () => {
    const env = { NOTATION_CONFIG: freshConfig('groups') }
    writeTestPlugin(env.NOTATION_CONFIG, {
      name: 'p',
      keyId: 'k',
      keyPem: leaf.keyPem,
      chainPem: [leaf.pem],
      keySpec: 'RSA-2048'
    })
    const ref = '127.0.0.1:5000/app@sha256:' + 'a'.repeat(64)
    const cases: [string[], string][] = [
      [
        ['sign', '--timestamp-url', 'https://tsa.example', '--id', 'k', '--plugin', 'p', ref],
        'if any flags in the group [timestamp-url timestamp-root-cert] are set they must all be set; missing [timestamp-root-cert]'
      ],
      [
        ['sign', '--id', 'k', ref],
        'if any flags in the group [id plugin] are set they must all be set; missing [plugin]'
      ],
      [
        ['sign', '--key', 'a', '--id', 'k', '--plugin', 'p', ref],
        'if any flags in the group [key id] are set none of the others can be; [id key] were all set'
      ],
      [
        ['sign', '--id', 'k', '--plugin', 'p', '--plugin-config', 'novalue', ref],
        'could not parse flag plugin-config: key-value pair requires "=" as separator'
      ],
      [
        ['sign', '-e', '1x', ref],
        'invalid argument "1x" for "-e, --expiry" flag: time: invalid duration "1x"'
      ],
      [
        ['verify', '--max-signatures', '0', ref],
        'max-signatures value 0 must be a positive number'
      ],
      [
        ['sign', ref],
        'default signing key not set. Please set default signing key or specify a key name'
      ],
      [['cert', 'add', '-t', 'ca', 'x.pem'], 'required flag(s) "store" not set']
    ]
    for (const [args, message] of cases) {
      const r = await run(args, env)
      assert.equal(r.code, 1, args.join(' '))
      assert.equal(r.stderr, `Error: ${message}\n`, args.join(' '))
    }
  })

  test('refuses to run without NOTATION_CONFIG', async () => {
    const r = await run(['cert', 'ls'])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /^Error: NOTATION_CONFIG is not set/)
  })

  test('a missing plugin is refused with notation’s message', async () => {
    const config = freshConfig('noplugin')
    const r = await run(
      ['sign', '--id', 'kid', '--plugin', 'azure-kv', '127.0.0.1:1/a@sha256:' + 'b'.repeat(64)],
      { NOTATION_CONFIG: config }
    )
    assert.equal(r.code, 1)
    const exe = path.join(config, 'plugins', 'azure-kv', 'notation-azure-kv')
    assert.equal(
      r.stderr,
      `Error: plugin executable file is either not found or inaccessible: stat ${exe}: no such file or directory\n`
    )
  })

  test('cert add writes 0600 files in 0700 dirs and refuses a file already in the store', async () => {
    const config = freshConfig('certadd')
    const pem = path.join(root, 'leaf.pem')
    writeFileSync(pem, leaf.pem)
    const env = { NOTATION_CONFIG: config }
    const first = await run(['cert', 'add', '-t', 'ca', '-s', 'store1', pem], env)
    assert.equal(first.code, 0, first.stderr)
    assert.equal(
      first.stdout,
      `Successfully added following certificates to named store store1 of type ca:\n${pem}\n`
    )
    const stored = path.join(config, 'truststore', 'x509', 'ca', 'store1', 'leaf.pem')
    assert.equal(lstatSync(stored).mode & 0o777, 0o600)
    assert.equal(lstatSync(path.dirname(stored)).mode & 0o777, 0o700)
    const again = await run(['cert', 'add', '--type', 'ca', '--store', 'store1', pem], env)
    assert.equal(again.code, 1)
    assert.equal(
      again.stderr,
      `Error: Failed to add following certificates to named store store1 of type ca:\n${pem}, with error "certificate already exists in the Trust Store"\n\n`
    )
    const ls = await run(['cert', 'ls'], env)
    assert.match(ls.stdout, /^STORE TYPE +STORE NAME +CERTIFICATE +\nca +store1 +leaf\.pem +\n$/)
  })

  test('policy import validates; a symlinked trustpolicy.json is refused', async () => {
    const config = freshConfig('policy')
    const env = { NOTATION_CONFIG: config }
    const bad = path.join(root, 'bad-policy.json')
    writeFileSync(bad, JSON.stringify(policy('*', 'x509.subject:CN=a,C=US,ST=WA')))
    const r = await run(['policy', 'import', bad], env)
    assert.equal(r.code, 1)
    assert.match(
      r.stderr,
      /^Error: failed to validate trust policy: trust policy: trust policy statement "p" has trusted identity "x509.subject:CN=a,C=US,ST=WA" with invalid identity value: distinguished name \(DN\) "CN=a,C=US,ST=WA" has no mandatory RDN attribute for "O"/
    )
    const good = path.join(root, 'good-policy.json')
    writeFileSync(good, JSON.stringify(policy('*', `x509.subject:${SUBJECT}`)))
    const ok = await run(['policy', 'import', '--force', good], env)
    assert.equal(ok.stdout, 'Trust policy configuration imported successfully.\n')
    assert.equal(lstatSync(path.join(config, 'trustpolicy.json')).mode & 0o777, 0o600)
    rmSync(path.join(config, 'trustpolicy.json'))
    symlinkSync(good, path.join(config, 'trustpolicy.json'))
    const linked = await run(['verify', '127.0.0.1:1/a@sha256:' + 'c'.repeat(64)], env)
    assert.equal(linked.code, 1)
    assert.equal(
      linked.stderr,
      'Error: trust policy is not a regular file (symlinks are not supported). To create a trust policy, see: https://notaryproject.dev/docs/quickstart/#create-a-trust-policy\n'
    )
  })

  test('packs a release-like archive with notation and LICENSE', async () => {
    const { file, sha256 } = await packNotationArchive(path.join(root, 'tool'))
    assert.match(sha256, /^[0-9a-f]{64}$/)
    const names: string[] = []
    await tar.t({ file, onReadEntry: e => void names.push(e.path) })
    assert.deepEqual(names.sort(), ['LICENSE', 'notation'])
  })
})

function policy(scope: string, identity: string, level = 'strict', store = 'ca:standin') {
  return {
    version: '1.0',
    trustPolicies: [
      {
        name: 'p',
        registryScopes: [scope],
        signatureVerification: { level },
        trustStores: [store],
        trustedIdentities: [identity]
      }
    ]
  }
}

registryDescribe('sign, inspect and verify against the stack registry', () => {
  let stack: Stack
  let config: string
  let creds: { username: string; password: string }
  let env: Record<string, string>
  let signedRef: string
  let host: string

  const setPolicy = (doc: object): void =>
    writeFileSync(path.join(config, 'trustpolicy.json'), JSON.stringify(doc), { mode: 0o600 })

  before(async () => {
    stack = await startStack()
    host = stack.registry.host
    config = freshConfig('e2e')
    writeTestPlugin(config, {
      keyId: 'test-key',
      keyPem: leaf.keyPem,
      chainPem: [leaf.pem],
      keySpec: 'RSA-2048'
    })
    const store = path.join(config, 'truststore', 'x509', 'ca', 'standin')
    mkdirSync(store, { recursive: true })
    writeFileSync(path.join(store, 'leaf.pem'), leaf.pem)
    creds = await stack.registry.credentials({ subject: 'notation-standin-test' })
    env = {
      NOTATION_CONFIG: config,
      NODE_EXTRA_CA_CERTS: stack.caFile,
      NOTATION_USERNAME: creds.username,
      NOTATION_PASSWORD: creds.password
    }
    await stack.registry.pushImage('net-monitor', { tag: 'v1' })
    setPolicy(policy(`${host}/net-monitor`, `x509.subject:${SUBJECT}`))
  })
  after(async () => {
    await stack?.stop()
  })

  const signArgs = ['sign', '--id', 'test-key', '--plugin', 'test-signer']

  test('sign by tag resolves to the digest, warns, and pushes a signature', async () => {
    const r = await run([...signArgs, '-m', 'build=42', `${host}/net-monitor:v1`], env)
    assert.equal(r.code, 0, r.stderr)
    assert.match(
      r.stderr,
      /Warning: Always sign the artifact using digest\(@sha256:\.\.\.\) rather than a tag\(:v1\) because tags are mutable/
    )
    const m = /^Successfully signed (\S+@sha256:[0-9a-f]{64})\n$/.exec(r.stdout)
    assert.ok(m, r.stdout)
    signedRef = m[1]!
    const call = notation.readLog().at(-1)!
    assert.equal(call.username, creds.username)
    assert.equal(call.passwordSet, true)
    assert.ok(
      !JSON.stringify(notation.readLog()).includes(creds.password),
      'the log never holds the password'
    )
  })

  test('inspect -o json shows the signature in notation 1.x shape', async () => {
    const r = await run(['inspect', '-o', 'json', signedRef], env)
    assert.equal(r.code, 0, r.stderr)
    const out = JSON.parse(r.stdout) as { Signatures: Record<string, unknown>[] }
    assert.equal(out.Signatures.length, 1)
    const sig = out.Signatures[0]!
    assert.match(String(sig.digest), /^sha256:[0-9a-f]{64}$/)
    assert.equal(sig.mediaType, 'application/jose+json')
    assert.equal(sig.signatureAlgorithm, 'RSASSA-PSS-SHA-256')
    assert.deepEqual(sig.userDefinedAttributes, { build: '42' })
    const certs = sig.certificates as { SHA256Fingerprint: string; issuedTo: string }[]
    assert.equal(certs[0]!.SHA256Fingerprint, createHash('sha256').update(leaf.der).digest('hex'))
    assert.equal(certs[0]!.issuedTo, 'C=US,ST=WA,L=Seattle,O=Notation,CN=standin.test')
    assert.equal((sig.signedArtifact as { digest: string }).digest, signedRef.split('@')[1])
  })

  test('inspect text, plugin ls and the skip level print what notation prints', async () => {
    const text = await run(['inspect', signedRef], env)
    assert.equal(text.code, 0, text.stderr)
    assert.match(
      text.stdout,
      /^Inspecting all signatures for signed artifact\n\S+@sha256:[0-9a-f]{64}\n└── application\/vnd\.cncf\.notary\.signature\n {4}└── sha256:[0-9a-f]{64}\n/
    )
    assert.match(text.stdout, / {12}└── size: \d+\n$/)
    const plugins = await run(['plugin', 'ls'], env)
    assert.match(plugins.stdout, /^NAME +DESCRIPTION +VERSION +CAPABILITIES +ERROR +\n/)
    assert.match(
      plugins.stdout,
      /\ntest-signer +Test signing plugin +0\.0\.1 +\[SIGNATURE_GENERATOR\.RAW\] +<nil> +\n/
    )
    setPolicy({
      version: '1.0',
      trustPolicies: [
        {
          name: 'skip',
          registryScopes: ['*'],
          signatureVerification: { level: 'skip' },
          trustStores: [],
          trustedIdentities: []
        }
      ]
    })
    const skipped = await run(['verify', signedRef], env)
    assert.equal(
      skipped.stdout,
      `Trust policy is configured to skip signature verification for ${signedRef}\n`
    )
    setPolicy(policy(`${host}/net-monitor`, `x509.subject:${SUBJECT}`))
  })

  test('verify succeeds, with and without the signed user metadata', async () => {
    const r = await run(['verify', signedRef, '-m', 'build=42'], env)
    assert.equal(r.code, 0, r.stderr)
    assert.match(
      r.stdout,
      new RegExp(`^Successfully verified signature for ${signedRef.replace(/[.]/g, '\\.')}\n`)
    )
    const wrong = await run(['verify', signedRef, '-m', 'build=43'], env)
    assert.equal(wrong.code, 1)
    assert.equal(
      wrong.stderr,
      `Error: signature verification failed for all the signatures associated with ${signedRef}\n`
    )
  })

  test('a COSE signature round-trips too', async () => {
    const image = await stack.registry.pushImage('cose-app')
    const sign = await run([...signArgs, '--signature-format', 'cose', image.reference], env)
    assert.equal(sign.code, 0, sign.stderr)
    setPolicy(policy('*', `x509.subject:${SUBJECT}`))
    const verify = await run(['verify', image.reference], env)
    assert.equal(verify.code, 0, verify.stderr)
    const inspect = JSON.parse(
      (await run(['inspect', '-o', 'json', image.reference], env)).stdout
    ) as { Signatures: { mediaType: string }[] }
    assert.equal(inspect.Signatures[0]!.mediaType, 'application/cose')
    setPolicy(policy(`${host}/net-monitor`, `x509.subject:${SUBJECT}`))
  })

  test('a CA-issued chain verifies against its root; plugin config and errors go through the protocol', async () => {
    const ca = await issueCertificate({
      subject: 'CN=Standin Root,O=Notation,ST=WA,C=US',
      isCa: true
    })
    const issued = await issueCertificate({
      subject: SUBJECT,
      issuer: ca,
      key: { kty: 'EC', crv: 'P-384' },
      ekus: [CODE_SIGNING]
    })
    const plugin = writeTestPlugin(config, {
      name: 'ca-signer',
      keyId: 'ca-key',
      keyPem: issued.keyPem,
      chainPem: [issued.pem, ca.pem],
      keySpec: 'EC-384'
    })
    const store = path.join(config, 'truststore', 'x509', 'ca', 'root')
    mkdirSync(store, { recursive: true })
    writeFileSync(path.join(store, 'root.crt'), ca.der)
    const image = await stack.registry.pushImage('net-monitor', { tag: 'ca-chain' })
    const signed = await run(
      [
        'sign',
        '--id',
        'ca-key',
        '--plugin',
        'ca-signer',
        '--plugin-config',
        'ca_certs=/x=y',
        image.reference
      ],
      env
    )
    assert.equal(signed.code, 0, signed.stderr)
    const requests = readFileSync(plugin.requestsFile, 'utf8')
      .trim()
      .split('\n')
      .map(l => JSON.parse(l) as { command: string; req: { pluginConfig?: unknown } })
    assert.deepEqual(
      requests.map(r => r.command),
      ['get-plugin-metadata', 'describe-key', 'generate-signature']
    )
    for (const r of requests) assert.deepEqual(r.req.pluginConfig, { ca_certs: '/x=y' })
    setPolicy(policy(`${host}/net-monitor`, `x509.subject:${SUBJECT}`, 'strict', 'ca:root'))
    const verified = await run(['verify', image.reference], env)
    assert.equal(verified.code, 0, verified.stderr)
    setPolicy(policy(`${host}/net-monitor`, `x509.subject:${SUBJECT}`))
    writeTestPlugin(config, {
      name: 'broken',
      keyId: 'k',
      keyPem: leaf.keyPem,
      chainPem: [leaf.pem],
      keySpec: 'RSA-2048',
      fail: { command: 'describe-key', errorCode: 'ACCESS_DENIED', errorMessage: 'vault says no' }
    })
    const broken = await run(['sign', '--id', 'k', '--plugin', 'broken', image.reference], env)
    assert.equal(broken.code, 1)
    assert.equal(broken.stderr, 'Error: failed to sign with the plugin broken: vault says no\n')
  })

  test('verify fails for an unsigned digest', async () => {
    const image = await stack.registry.pushImage('net-monitor', { tag: 'unsigned' })
    const r = await run(['verify', image.reference], env)
    assert.equal(r.code, 1)
    assert.equal(
      r.stderr,
      `Error: signature verification failed: no signature is associated with "${image.reference}", make sure the artifact was signed successfully\n`
    )
  })

  test('verify fails when the trust store holds another certificate', async () => {
    const other = await issueCertificate({
      subject: 'CN=other,O=Other,ST=WA,C=US',
      ekus: [CODE_SIGNING]
    })
    const store = path.join(config, 'truststore', 'x509', 'ca', 'other')
    mkdirSync(store, { recursive: true })
    writeFileSync(path.join(store, 'other.pem'), other.pem)
    setPolicy(policy(`${host}/net-monitor`, `x509.subject:${SUBJECT}`, 'strict', 'ca:other'))
    const r = await run(['verify', signedRef], env)
    assert.equal(r.code, 1)
    assert.equal(
      r.stderr,
      `Error: signature verification failed for all the signatures associated with ${signedRef}\n`
    )
    setPolicy(policy(`${host}/net-monitor`, `x509.subject:${SUBJECT}`))
  })

  test('verify fails on an identity mismatch; audit only warns', async () => {
    setPolicy(policy(`${host}/net-monitor`, 'x509.subject:CN=someone,O=Notation,ST=WA,C=US'))
    const strict = await run(['verify', signedRef], env)
    assert.equal(strict.code, 1)
    assert.equal(
      strict.stderr,
      `Error: signature verification failed for all the signatures associated with ${signedRef}\n`
    )
    setPolicy(
      policy(`${host}/net-monitor`, 'x509.subject:CN=someone,O=Notation,ST=WA,C=US', 'audit')
    )
    const audit = await run(['verify', signedRef], env)
    assert.equal(audit.code, 0, audit.stderr)
    assert.match(
      audit.stderr,
      /^Warning: authenticity was set to "log" and failed with error: signing certificate from the digital signature does not match the X\.509 trusted identities/
    )
    setPolicy(policy(`${host}/net-monitor`, `x509.subject:${SUBJECT}`))
  })

  test('verify refuses a signature copied onto another image (its payload names the original), at any level, as notation-go does; inspect still lists it', async () => {
    // What a repository writer without the key can do: the signature manifest pushed again with
    // `subject` = another image, and listed in that image's referrers tag index.
    const copyTarget = await stack.registry.pushImage('net-monitor', { tag: 'copy-target' })
    const target = await stack.registry.target('net-monitor')
    const original = signedRef.split('@')[1]!
    const index = JSON.parse(
      (await fetchManifest(target, 'net-monitor', original.replace(':', '-'))).body.toString()
    ) as { manifests: Record<string, unknown>[] }
    const entry = index.manifests[0]!
    const manifest = JSON.parse(
      (await fetchManifest(target, 'net-monitor', String(entry['digest']))).body.toString()
    ) as Record<string, unknown>
    manifest['subject'] = {
      mediaType: copyTarget.mediaType,
      digest: copyTarget.digest,
      size: copyTarget.size
    }
    const bytes = Buffer.from(JSON.stringify(manifest))
    const copy = await putManifest(
      target,
      'net-monitor',
      sha256Digest(bytes),
      MEDIA_TYPES.oci.manifest,
      bytes
    )
    await putManifest(
      target,
      'net-monitor',
      copyTarget.digest.replace(':', '-'),
      MEDIA_TYPES.oci.index,
      Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: MEDIA_TYPES.oci.index,
          manifests: [{ ...entry, digest: copy, size: bytes.length }]
        })
      )
    )
    const inspected = await run(['inspect', '-o', 'json', copyTarget.reference], env)
    assert.equal(inspected.code, 0, inspected.stderr)
    const [listed] = (
      JSON.parse(inspected.stdout) as {
        Signatures: { digest: string; signedArtifact: { digest: string } }[]
      }
    ).Signatures
    assert.equal(listed?.digest, copy, 'inspect lists the copy: it verifies nothing')
    assert.equal(listed?.signedArtifact.digest, original, 'and shows the image it was made for')
    for (const level of ['strict', 'permissive', 'audit']) {
      setPolicy(policy(`${host}/net-monitor`, `x509.subject:${SUBJECT}`, level))
      const r = await run(['verify', copyTarget.reference], env)
      assert.equal(r.code, 1, `${level}: ${r.stdout}`)
      assert.equal(
        r.stderr,
        `Error: signature verification failed for all the signatures associated with ${copyTarget.reference}\n`
      )
      assert.equal(r.stdout, '')
    }
    setPolicy(policy(`${host}/net-monitor`, `x509.subject:${SUBJECT}`))
    assert.equal((await run(['verify', signedRef], env)).code, 0, 'the original still verifies')
  })

  test('credentials come only from the environment: anonymous is refused', async () => {
    const r = await run(['verify', signedRef], {
      ...env,
      NOTATION_USERNAME: undefined,
      NOTATION_PASSWORD: undefined
    })
    assert.equal(r.code, 1)
    assert.match(
      r.stderr,
      /^Error: failed to get manifest descriptor: GET "https:\/\/.*": response status code 401/
    )
    assert.equal(notation.readLog().at(-1)!.username, null)
    const flag = await run(['verify', '-p', 'not-the-password', signedRef], env)
    assert.equal(flag.code, 1)
    assert.match(flag.stderr, /-p\/--password are refused by the notation stand-in/)
  })

  test('a scenario file makes one reference fail and leaves others alone', async () => {
    const image = await stack.registry.pushImage('net-monitor', { tag: 'scenario' })
    const scenario = path.join(root, 'scenario.json')
    writeFileSync(
      scenario,
      JSON.stringify({ [image.digest]: { sign: { fail: 'injected failure' } } })
    )
    const failed = await run([...signArgs, image.reference], {
      ...env,
      NOTATION_STANDIN_SCENARIO: scenario
    })
    assert.equal(failed.code, 1)
    assert.equal(failed.stderr, 'Error: injected failure\n')
    const other = await run([...signArgs, signedRef], {
      ...env,
      NOTATION_STANDIN_SCENARIO: scenario
    })
    assert.equal(other.code, 0, other.stderr)
    const inspect = JSON.parse((await run(['inspect', '-o', 'json', signedRef], env)).stdout) as {
      Signatures: unknown[]
    }
    assert.equal(inspect.Signatures.length, 2)
    writeFileSync(scenario, JSON.stringify({ [signedRef]: { lie: 'successButExit1' } }))
    const lying = await run(['verify', signedRef], { ...env, NOTATION_STANDIN_SCENARIO: scenario })
    assert.equal(lying.code, 1)
    assert.match(lying.stdout, /^Successfully verified signature for /)
  })
})
