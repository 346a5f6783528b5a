// RFC 3161 timestamps end to end, with the real notation CLI and the stack's time-stamping
// authority (openssl ts -reply behind HTTPS): signing with timestamp-url + timestamp-root-cert,
// verification against a tsa trust store holding the TSA root, and the case timestamps exist for:
// a signature made while its certificate was valid still verifies once that certificate has
// expired when it carries a timestamp, and is refused without one.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import https from 'node:https'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import { startStack, type Stack } from '../stack/stack.ts'
import { hasOpenssl, TIMESTAMP_QUERY, TIMESTAMP_REPLY, TSA_POLICY } from '../stack/tsa.ts'
import type { ActionRun } from '../support/action.ts'
import { startE2E, type E2E } from '../support/e2e.ts'
import { requireRealNotation, skipWithoutRealNotation } from '../support/notation-bin.ts'
import { registryDescribe } from '../support/stack-env.ts'

const SUBJECT = 'CN=timestamped.example,O=Notation,L=Seattle,ST=WA,C=US'
const NO_OPENSSL = hasOpenssl()
  ? false
  : 'openssl is not installed: the stack has no TSA without it'

interface Run {
  code: number
  stdout: string
  stderr: string
}

function run(
  file: string,
  args: string[],
  env: Record<string, string>,
  cwd?: string
): Promise<Run> {
  return new Promise(resolve => {
    execFile(
      file,
      args,
      { env, timeout: 120_000, ...(cwd ? { cwd } : {}) },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1
        resolve({ code, stdout: String(stdout), stderr: String(stderr) })
      }
    )
  })
}

describe("the stack's time-stamping authority answers as a TSA does", { skip: NO_OPENSSL }, () => {
  let stack: Stack
  let dir: string
  before(async () => {
    stack = await startStack({ registry: false })
    dir = await mkdtemp(path.join(os.tmpdir(), 'tsa-test-'))
    await writeFile(path.join(dir, 'data'), 'signature bytes')
    await writeFile(path.join(dir, 'root.pem'), stack.tsa.root.pem)
  })
  after(async () => {
    await stack?.stop()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  const openssl = (args: string[]): Promise<Run> =>
    run('openssl', args, { PATH: process.env['PATH'] ?? '' }, dir)
  /** POSTs to the TSA over HTTPS, trusting the stack's CA. */
  function post(
    body: Buffer,
    type = TIMESTAMP_QUERY
  ): Promise<{ status: number; type: string; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const req = https.request(
        stack.tsa.url,
        { method: 'POST', headers: { 'content-type': type }, ca: stack.ca.pem },
        res => {
          const chunks: Buffer[] = []
          res.on('data', (chunk: Buffer) => chunks.push(chunk))
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              type: String(res.headers['content-type'] ?? ''),
              body: Buffer.concat(chunks)
            })
          )
        }
      )
      req.on('error', reject)
      req.end(body)
    })
  }
  async function query(args: string[]): Promise<{ status: number; reply: string }> {
    const made = await openssl(['ts', '-query', '-data', 'data', ...args, '-out', 'q.tsq'])
    assert.equal(made.code, 0, made.stderr)
    const res = await post(await readFile(path.join(dir, 'q.tsq')))
    assert.equal(res.type, TIMESTAMP_REPLY)
    await writeFile(path.join(dir, 'r.tsr'), res.body)
    const text = await openssl(['ts', '-reply', '-in', 'r.tsr', '-text'])
    return { status: res.status, reply: text.stdout }
  }

  for (const hash of ['sha256', 'sha384', 'sha512']) {
    test(`a ${hash} query with a nonce and certReq is granted, signed by a certificate of the TSA root`, async () => {
      const { status, reply } = await query([`-${hash}`, '-cert'])
      assert.equal(status, 200)
      assert.match(reply, /Status: Granted\./)
      assert.match(reply, new RegExp(`Hash Algorithm: ${hash}`))
      assert.match(reply, new RegExp(`Policy OID: ${TSA_POLICY.replace(/\./g, '\\.')}`))
      assert.match(reply, /Nonce: 0x[0-9A-F]+/)
      assert.match(reply, /Accuracy: 0x01 seconds/)
      const verified = await openssl([
        'ts',
        '-verify',
        '-queryfile',
        'q.tsq',
        '-in',
        'r.tsr',
        '-CAfile',
        'root.pem'
      ])
      assert.equal(verified.code, 0, verified.stdout + verified.stderr)
      assert.match(verified.stdout, /Verification: OK/)
      const last = stack.tsa.queries.at(-1)
      assert.deepEqual(
        { nonce: last?.nonce, certReq: last?.certReq, status: last?.status },
        { nonce: true, certReq: true, status: 0 }
      )
    })
  }

  test('the token does not verify against another root', async () => {
    await query(['-sha256', '-cert'])
    await writeFile(path.join(dir, 'other.pem'), stack.ca.pem)
    const verified = await openssl([
      'ts',
      '-verify',
      '-queryfile',
      'q.tsq',
      '-in',
      'r.tsr',
      '-CAfile',
      'other.pem'
    ])
    assert.notEqual(verified.code, 0)
  })

  test('SHA-1, a request that is no TimeStampReq, and the wrong content type are refused', async () => {
    const sha1 = await query(['-sha1'])
    assert.match(sha1.reply, /Status: Rejected\./)
    assert.match(sha1.reply, /unrecognized or unsupported algorithm/)
    const garbage = await post(Buffer.from('not a request'))
    await writeFile(path.join(dir, 'g.tsr'), garbage.body)
    const text = await openssl(['ts', '-reply', '-in', 'g.tsr', '-text'])
    assert.match(text.stdout, /Status: Rejected\./)
    assert.match(text.stdout, /Bad request format/)
    const wrongType = await post(Buffer.from('x'), 'application/octet-stream')
    assert.equal(wrongType.status, 415)
  })

  test('without certReq the token carries no certificate', async () => {
    const { reply } = await query(['-sha256', '-no_nonce'])
    assert.match(reply, /Status: Granted\./)
    assert.match(reply, /Nonce: unspecified/)
    const token = await openssl(['ts', '-reply', '-in', 'r.tsr', '-token_out', '-out', 't.der'])
    assert.equal(token.code, 0, token.stderr)
    const certs = await openssl(['pkcs7', '-inform', 'DER', '-in', 't.der', '-print_certs'])
    assert.doesNotMatch(certs.stdout, /BEGIN CERTIFICATE/)
  })
})

const SKIP = NO_OPENSSL || (await skipWithoutRealNotation())

registryDescribe('timestamped signatures with the real notation', () => {
  describe('sign with a TSA, verify against a tsa trust store', { skip: SKIP }, () => {
    let e2e: E2E
    let registry: string
    let rootPem: string
    before(async () => {
      e2e = await startE2E({ notation: 'real' })
      registry = e2e.stack.registry.host
      rootPem = e2e.stack.tsa.root.pem
    })
    after(() => e2e?.stop())

    /** The real notation against the action's config folder (its trust store and policy). */
    async function notation(args: string[], configDir: string): Promise<Run> {
      const real = await requireRealNotation()
      const home = await mkdtemp(path.join(os.tmpdir(), 'tsa-notation-home-'))
      try {
        const credentials = await e2e.stack.registry.credentials({ subject: 'stack-admin' })
        return await run(real.path, args, {
          PATH: process.env['PATH'] ?? '',
          HOME: home,
          XDG_CONFIG_HOME: path.join(home, 'xdg'),
          XDG_CACHE_HOME: path.join(home, 'cache'),
          NOTATION_CONFIG: configDir,
          SSL_CERT_FILE: e2e.stack.caFile,
          NOTATION_USERNAME: credentials.username,
          NOTATION_PASSWORD: credentials.password
        })
      } finally {
        await rm(home, { recursive: true, force: true })
      }
    }

    async function push(repository: string): Promise<string> {
      const pushed = await e2e.stack.registry.pushImage(repository, { tag: 'v1' })
      return `${registry}/${repository}@${pushed.digest}`
    }

    function failure(run: ActionRun): string {
      return run.stdout + run.stderr
    }

    /**
     * Why notation refused: the action prints notation's one-line error, and notation names the
     * failed check only in its log. The same verification, verbose, on the config the run left.
     */
    async function refusal(run: ActionRun, reference: string): Promise<string> {
      assert.equal(run.code, 1, failure(run))
      assert.match(run.stdout, /signature verification failed for all the signatures/)
      const again = await notation(
        ['verify', '-v', reference],
        run.exportedEnv['NOTATION_CONFIG'] ?? ''
      )
      assert.equal(again.code, 1, again.stdout + again.stderr)
      return again.stdout + again.stderr
    }

    test('sign with timestamp-url + timestamp-root-cert; real notation checks the timestamp against the tsa store', async () => {
      await e2e.stack.keyVault.vault.seedSelfSigned('ts-rsa', { subject: SUBJECT })
      const reference = await push('stamped')
      const before = e2e.stack.tsa.queries.length
      const run = await e2e.run({
        ...e2e.azureInputs,
        certificate: 'ts-rsa',
        images: reference,
        'timestamp-url': e2e.stack.tsa.url,
        'timestamp-root-cert': rootPem,
        cleanup: 'false'
      })
      assert.equal(run.code, 0, failure(run))
      const images = JSON.parse(run.outputs['images'] ?? '[]') as Record<string, unknown>[]
      assert.equal(images[0]?.['verified'], true)
      // notation asked the TSA once: a nonce, certReq, the SHA-256 of an RSA-2048 (PS256) signature.
      const queries = e2e.stack.tsa.queries.slice(before)
      assert.deepEqual(queries, [
        {
          nonce: true,
          certReq: true,
          hash: 'SHA-256',
          imprintLength: 32,
          status: 0,
          httpStatus: 200
        }
      ])
      const sign = e2e.notationCalls().find(c => c.argv[0] === 'sign')
      assert.ok(sign?.argv.includes(`--timestamp-url=${e2e.stack.tsa.url}`), sign?.argv.join(' '))

      // The action's trust policy names the tsa store; real notation imports it and lists the store.
      const configDir = run.exportedEnv['NOTATION_CONFIG'] ?? ''
      const written = JSON.parse(await readFile(path.join(configDir, 'trustpolicy.json'), 'utf8'))
      assert.deepEqual(written.trustPolicies[0].trustStores, ['ca:ts-rsa', 'tsa:ts-rsa'])
      const scratch = await mkdtemp(path.join(os.tmpdir(), 'tsa-import-'))
      try {
        const imported = await notation(
          ['policy', 'import', path.join(configDir, 'trustpolicy.json')],
          scratch
        )
        assert.equal(imported.code, 0, imported.stdout + imported.stderr)
        assert.match(imported.stdout, /Trust policy configuration imported successfully/)
      } finally {
        await rm(scratch, { recursive: true, force: true })
      }
      const listed = await notation(['cert', 'ls'], configDir)
      assert.equal(listed.code, 0, listed.stderr)
      assert.match(listed.stdout, /^tsa\s+ts-rsa\s+notation-akv-action-[0-9a-f]{64}\.pem\s*$/m)
      assert.match(listed.stdout, /^ca\s+ts-rsa\s+/m)

      // The same verification, verbose: timestamp verification ran and was not disabled.
      const verbose = await notation(['verify', '-d', reference], configDir)
      assert.equal(verbose.code, 0, verbose.stdout + verbose.stderr)
      const log = verbose.stdout + verbose.stderr
      assert.doesNotMatch(log, /Timestamp verification disabled/)
      assert.match(log, /Verifying the timestamp countersignature/)
    })

    test('an EC P-384 key in a JWS envelope gets a SHA-384 imprint, and verifies', async () => {
      await e2e.stack.keyVault.vault.seedSelfSigned('ts-ec', {
        subject: SUBJECT,
        key: { kty: 'EC', crv: 'P-384' }
      })
      const reference = await push('stamped-ec')
      const before = e2e.stack.tsa.queries.length
      const run = await e2e.run({
        ...e2e.azureInputs,
        certificate: 'ts-ec',
        images: reference,
        'signature-format': 'jws',
        'timestamp-url': e2e.stack.tsa.url,
        'timestamp-root-cert': rootPem
      })
      assert.equal(run.code, 0, failure(run))
      assert.deepEqual(
        e2e.stack.tsa.queries.slice(before).map(q => [q.hash, q.imprintLength, q.status]),
        [['SHA-384', 48, 0]]
      )
    })

    test('verify-timestamp always: a signature without a timestamp is refused while its certificate is still valid', async () => {
      await e2e.stack.keyVault.vault.seedSelfSigned('ts-none', { subject: SUBJECT })
      const reference = await push('unstamped')
      const signed = await e2e.run({
        ...e2e.azureInputs,
        command: 'sign',
        certificate: 'ts-none',
        images: reference
      })
      assert.equal(signed.code, 0, failure(signed))
      const run = await e2e.run({
        ...e2e.azureInputs,
        command: 'verify',
        certificate: 'ts-none',
        images: reference,
        'timestamp-root-cert': rootPem,
        'verify-timestamp': 'always',
        cleanup: 'false'
      })
      assert.match(
        await refusal(run, reference),
        /authenticTimestamp validation failed.*no timestamp countersignature was found in the signature envelope/
      )
    })

    test('a verify-only step refuses a TSA root its given policy has no tsa store for, before notation runs', async () => {
      const calls = e2e.notationCalls().length
      const policy = {
        version: '1.0',
        trustPolicies: [
          {
            name: 'no-tsa',
            registryScopes: ['*'],
            signatureVerification: { level: 'strict' },
            trustStores: ['ca:mine'],
            trustedIdentities: [`x509.subject: ${SUBJECT}`]
          }
        ]
      }
      const run = await e2e.run({
        ...e2e.azureInputs,
        command: 'verify',
        images: `${registry}/stamped@sha256:${'a'.repeat(64)}`,
        'trust-policy': JSON.stringify(policy),
        'trust-store': 'ca:mine',
        'trust-store-certificates': rootPem,
        'timestamp-root-cert': rootPem
      })
      assert.equal(run.code, 1, failure(run))
      assert.match(
        run.stdout,
        /::error::Input 'timestamp-root-cert': is not used: the trust policy names no tsa trust store/
      )
      assert.equal(e2e.notationCalls().length, calls)
    })

    test('after its certificate expired, a timestamped signature verifies and one without a timestamp is refused', async t => {
      // Short-lived certificates: valid from a minute ago for VALID_FOR_MS from now, each signed
      // at once (one with a timestamp, one without), then verified after they expired. A sign run
      // takes 3-15 s on a loaded machine; the margin is what keeps the signing itself in validity.
      const VALID_FOR_MS = 30_000
      const signShortLived = async (
        name: string,
        repository: string,
        stamped: boolean
      ): Promise<{ reference: string; pem: string; notAfter: Date }> => {
        const reference = await push(repository)
        const notAfter = new Date(Math.floor((Date.now() + VALID_FOR_MS) / 1000) * 1000)
        const seeded = await e2e.stack.keyVault.vault.seedSelfSigned(name, {
          subject: SUBJECT,
          notBefore: new Date(Date.now() - 60_000),
          notAfter
        })
        const started = Date.now()
        const run = await e2e.run({
          ...e2e.azureInputs,
          command: 'sign',
          certificate: name,
          images: reference,
          ...(stamped ? { 'timestamp-url': e2e.stack.tsa.url, 'timestamp-root-cert': rootPem } : {})
        })
        assert.equal(run.code, 0, failure(run))
        t.diagnostic(
          `${name}: signed in ${Date.now() - started} ms, ${notAfter.getTime() - Date.now()} ms before expiry`
        )
        return { reference, pem: seeded.leaf.pem, notAfter }
      }
      const stamped = await signShortLived('short-stamped', 'expiring-stamped', true)
      const bare = await signShortLived('short-bare', 'expiring-bare', false)
      const wait = Math.max(stamped.notAfter.getTime(), bare.notAfter.getTime()) + 1500 - Date.now()
      t.diagnostic(`waiting ${wait} ms for both certificates to expire`)
      if (wait > 0) await new Promise(resolve => setTimeout(resolve, wait))

      // Verify-only: the expired certificate itself is the trust anchor (Key Vault would refuse to
      // hand out an expired certificate for signing, so it is not read), its subject the identity.
      const verify = (
        signed: { reference: string; pem: string },
        extra: Record<string, string>
      ): Promise<ActionRun> =>
        e2e.run({
          ...e2e.azureInputs,
          command: 'verify',
          images: signed.reference,
          'trust-store-certificates': signed.pem,
          cleanup: 'false',
          ...extra
        })
      const identity = { 'trusted-identities': `x509.subject: ${SUBJECT}` }

      const withTimestamp = await verify(stamped, { ...identity, 'timestamp-root-cert': rootPem })
      assert.equal(withTimestamp.code, 0, failure(withTimestamp))
      assert.match(withTimestamp.stdout, /Successfully verified signature for/)

      // The same signature through a given policy naming a tsa store of its own name.
      const policy = {
        version: '1.0',
        trustPolicies: [
          {
            name: 'stamped',
            registryScopes: [`${registry}/expiring-stamped`],
            signatureVerification: { level: 'strict', verifyTimestamp: 'afterCertExpiry' },
            trustStores: ['ca:short-stamped', 'tsa:acme-tsa'],
            trustedIdentities: [`x509.subject: ${SUBJECT}`]
          }
        ]
      }
      const given = await verify(stamped, {
        'trust-policy': JSON.stringify(policy),
        'trust-store': 'ca:short-stamped',
        'timestamp-root-cert': rootPem
      })
      assert.equal(given.code, 0, failure(given))

      // Without a tsa store the timestamp is not looked at: the expired certificate fails it.
      const noTsaStore = await verify(stamped, identity)
      const expired = await refusal(noTsaStore, stamped.reference)
      assert.match(expired, /Timestamp verification disabled: no tsa trust store is configured/)
      assert.match(expired, /verification time is after certificate .* validity period/)

      // Without a timestamp there is nothing to vouch for the signing time.
      const bareWithTsa = await verify(bare, { ...identity, 'timestamp-root-cert': rootPem })
      assert.match(
        await refusal(bareWithTsa, bare.reference),
        /no timestamp countersignature was found/
      )
      const bareAfterExpiry = await verify(bare, {
        ...identity,
        'timestamp-root-cert': rootPem,
        'verify-timestamp': 'afterCertExpiry'
      })
      assert.match(
        await refusal(bareAfterExpiry, bare.reference),
        /no timestamp countersignature was found/
      )
    })
  })
})
