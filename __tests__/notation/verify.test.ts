// The verify phase: fail-closed reading of notation's answer, and verify end to end with policies
// and trust stores from Key Vault or from the inputs.
import assert from 'node:assert/strict'
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import { interpretVerify } from '../../src/notation/verify.ts'
import { startE2E, type E2E } from '../support/e2e.ts'
import { e2eDescribe } from '../support/stack-env.ts'

const ref = `127.0.0.1:5000/app@sha256:${'a'.repeat(64)}`
const ok = `Successfully verified signature for ${ref}\n`

describe('interpretVerify fails closed', () => {
  test('exit 0 with the success line is verified', () => {
    assert.deepEqual(interpretVerify(ref, { code: 0, stdout: ok, stderr: '' }), {
      verified: true,
      verification: 'verified'
    })
  })
  test('success printed but a non-zero exit is a failure', () => {
    const outcome = interpretVerify(ref, {
      code: 1,
      stdout: ok,
      stderr: 'Error: something broke\n'
    })
    assert.equal(outcome.verified, false)
    assert.equal(outcome.verification, 'failed')
    assert.match(outcome.error ?? '', /printed success but exited with code 1: something broke/)
  })
  test('exit 0 without the success line is a failure', () => {
    const outcome = interpretVerify(ref, { code: 0, stdout: '', stderr: '' })
    assert.equal(outcome.verified, false)
    assert.match(outcome.error ?? '', /exited 0 without reporting a verified signature/)
  })
  test('the success line for another reference does not count', () => {
    const other = `Successfully verified signature for 127.0.0.1:5000/app@sha256:${'b'.repeat(64)}\n`
    assert.equal(interpretVerify(ref, { code: 0, stdout: other, stderr: '' }).verified, false)
  })
  test('a skip-level policy verifies nothing, and says so', () => {
    const skipped = interpretVerify(ref, {
      code: 0,
      stdout: `Trust policy is configured to skip signature verification for ${ref}\n`,
      stderr: ''
    })
    assert.equal(skipped.verified, false)
    assert.equal(skipped.verification, 'skipped')
  })
  test("notation's error line is the reason", () => {
    const failed = interpretVerify(ref, {
      code: 1,
      stdout: '',
      stderr: `Error: signature verification failed for all the signatures associated with ${ref}\n`
    })
    assert.equal(
      failed.error,
      `signature verification failed for all the signatures associated with ${ref}`
    )
  })
  test("with --verbose, each signature's reason follows notation's error line", () => {
    const sig = `sha256:${'c'.repeat(64)}`
    const failed = interpretVerify(ref, {
      code: 1,
      stdout: '',
      // As real notation 1.3.2 prints it (`notation verify --verbose` of an expired signature).
      stderr: [
        'level=info msg=Checking whether signature verification should be skipped or not',
        'level=error msg=expiry validation failed. Failure reason: digital signature has expired on "Sun, 29 Nov 2026 10:23:18 +0000"',
        `level=warning msg=Signature ${sig} failed verification with error: digital signature has expired on "Sun, 29 Nov 2026 10:23:18 +0000"`,
        `Error: signature verification failed for all the signatures associated with ${ref}`,
        ''
      ].join('\n')
    })
    assert.equal(
      failed.error,
      `signature verification failed for all the signatures associated with ${ref}: ${sig}: digital signature has expired on "Sun, 29 Nov 2026 10:23:18 +0000"`
    )
  })
})

e2eDescribe('verify end to end', () => {
  let e2e: E2E
  let signed: string
  let leafPem: string
  const SUBJECT = 'CN=verify.example,O=Example,L=Seattle,ST=WA,C=US'
  before(async () => {
    e2e = await startE2E()
    const seeded = await e2e.stack.keyVault.vault.seedSelfSigned('verifier', { subject: SUBJECT })
    leafPem = seeded.leaf.pem
    const image = await e2e.stack.registry.pushImage('app', { tag: 'v1' })
    signed = `${e2e.stack.registry.host}/app@${image.digest}`
    const run = await e2e.run({
      ...e2e.azureInputs,
      command: 'sign',
      certificate: 'verifier',
      images: signed,
      'user-metadata': 'build=42\ncommit=abc123'
    })
    assert.equal(run.code, 0, run.stdout)
  })
  after(() => e2e?.stop())

  const verifyInputs = (extra: Record<string, string>) => ({
    ...e2e.azureInputs,
    command: 'verify',
    certificate: 'verifier',
    images: signed,
    ...extra
  })

  test('required metadata that was signed passes; missing metadata fails', async () => {
    const good = await e2e.run(verifyInputs({ 'verify-user-metadata': 'build=42' }))
    assert.equal(good.code, 0, good.stdout)
    const verifyCall = e2e
      .notationCalls()
      .filter(c => c.argv[0] === 'verify')
      .at(-1)
    assert.deepEqual(verifyCall?.argv, ['verify', '--verbose', '--user-metadata=build=42', signed])
    const bad = await e2e.run(verifyInputs({ 'verify-user-metadata': 'build=43' }))
    assert.equal(bad.code, 1)
    assert.match(bad.errors.join('\n'), /Verification failed for 1 of 1 image/)
    // Real notation's reason, which its error line alone leaves out.
    assert.match(bad.errors.join('\n'), /: sha256:[0-9a-f]{64}: unable to find specified metadata/)
    const images = JSON.parse(bad.outputs['images'] ?? '[]') as { verification: string }[]
    assert.equal(images[0]?.verification, 'failed')
  })

  test('expiry: real notation verifies a JWS signature until it expires, then refuses it (strict), logs it (permissive)', async () => {
    const image = await e2e.stack.registry.pushImage('app', {
      tag: 'expiring',
      content: 'expiring'
    })
    const reference = `${e2e.stack.registry.host}/app@${image.digest}`
    const signedAt = Date.now()
    const sign = await e2e.run({
      ...e2e.azureInputs,
      command: 'sign verify',
      certificate: 'verifier',
      images: reference,
      'signature-format': 'jws',
      expiry: '1m'
    })
    assert.equal(sign.code, 0, sign.stdout)
    assert.equal(JSON.parse(sign.outputs['images'] ?? '[]')[0]?.verified, true)
    // One minute after signing (and a margin for the clock's second granularity) it has expired.
    await new Promise(resolve => setTimeout(resolve, Math.max(0, signedAt + 62_000 - Date.now())))
    const strict = await e2e.run(verifyInputs({ images: reference }))
    assert.equal(strict.code, 1, strict.stdout)
    assert.match(strict.errors.join('\n'), new RegExp(`${image.digest}: .*expired`))
    const permissive = await e2e.run(
      verifyInputs({ images: reference, 'verification-level': 'permissive' })
    )
    assert.equal(permissive.code, 0, permissive.stdout)
    // What the permissive level let through is in the log (notation's --verbose warning).
    assert.match(permissive.stdout, /level=(warning|error) msg=.*expir/)
  })

  test('a given skip-level policy fails the step: nothing was verified', async () => {
    // verification-level offers no skip (the corpus holds that refusal); a given policy can.
    const policy = {
      version: '1.0',
      trustPolicies: [
        {
          name: 'skipped',
          registryScopes: [`${e2e.stack.registry.host}/app`],
          signatureVerification: { level: 'skip' }
        }
      ]
    }
    const run = await e2e.run(verifyInputs({ 'trust-policy': JSON.stringify(policy) }))
    assert.equal(run.code, 1)
    assert.match(run.errors.join('\n'), /the trust policy skips verification for this image/)
    assert.match(run.summary, /skipped&nbsp;\(policy\)/)
  })

  test('levels below strict are warned about in the log and the summary', async () => {
    const run = await e2e.run(verifyInputs({ 'verification-level': 'permissive' }))
    assert.equal(run.code, 0, run.stdout)
    assert.match(run.stdout, /::warning::.*permissive/)
    assert.match(run.summary, /Warnings[\s\S]*permissive/)
  })

  test('own trust policy and trust store certificates, without Key Vault', async () => {
    const workspace = e2e.dirs.workspace
    await writeFile(path.join(workspace, 'signer.pem'), leafPem)
    const policy = {
      version: '1.0',
      trustPolicies: [
        {
          name: 'mine',
          registryScopes: [`${e2e.stack.registry.host}/app`],
          signatureVerification: { level: 'strict' },
          trustStores: ['ca:mine'],
          trustedIdentities: [`x509.subject: ${SUBJECT}`]
        }
      ]
    }
    await writeFile(path.join(workspace, 'policy.json'), JSON.stringify(policy))
    const vaultCalls = e2e.stack.keyVault.server.calls.length
    const entraCalls = e2e.stack.entra.server.calls.length
    const run = await e2e.run({
      command: 'verify',
      images: signed,
      'trust-policy': 'policy.json',
      'trust-store': 'ca:mine',
      'trust-store-certificates': 'signer.pem',
      'azure-credential': 'auto',
      'registry-username': '00000000-0000-0000-0000-000000000000',
      'registry-password': (
        await e2e.stack.registry.credentials({ subject: e2e.stack.principalId })
      ).password
    })
    assert.equal(run.code, 0, run.stdout)
    const config = run.exportedEnv['NOTATION_CONFIG'] ?? ''
    assert.deepEqual(
      JSON.parse(await readFile(path.join(config, 'trustpolicy.json'), 'utf8')),
      policy
    )
    assert.equal(e2e.stack.keyVault.server.calls.length, vaultCalls, 'Key Vault was not needed')
    assert.equal(e2e.stack.entra.server.calls.length, entraCalls, 'no Azure token was requested')
  })

  test('the trustpolicy.json written is the validated policy, serialized: never the given text', async () => {
    const workspace = e2e.dirs.workspace
    await writeFile(path.join(workspace, 'signer.pem'), leafPem)
    const scope = `${e2e.stack.registry.host}/app`
    // Valid, but laid out its own way: spacing, key order, properties notation ignores, null and
    // empty optional fields.
    const given = `
      { "$comment": "reviewed by security",
        "trustPolicies":[ {"trustedIdentities" : [ "x509.subject: ${SUBJECT}" ],
          "trustStores":["ca:mine"], "note": {"owner": "team"},
          "signatureVerification": { "verifyTimestamp": "", "override": null, "level": "strict" },
          "registryScopes": [ "${scope}" ], "name": "mine" } ],
        "version": "1.0" }\n`
    await writeFile(path.join(workspace, 'messy-policy.json'), given)
    const run = await e2e.run({
      command: 'verify',
      images: signed,
      'trust-policy': 'messy-policy.json',
      'trust-store': 'ca:mine',
      'trust-store-certificates': 'signer.pem',
      'azure-credential': 'auto',
      'registry-username': '00000000-0000-0000-0000-000000000000',
      'registry-password': (
        await e2e.stack.registry.credentials({ subject: e2e.stack.principalId })
      ).password
    })
    assert.equal(run.code, 0, run.stdout)
    const config = run.exportedEnv['NOTATION_CONFIG'] ?? ''
    const expected = {
      version: '1.0',
      trustPolicies: [
        {
          name: 'mine',
          registryScopes: [scope],
          signatureVerification: { level: 'strict' },
          trustStores: ['ca:mine'],
          trustedIdentities: [`x509.subject: ${SUBJECT}`]
        }
      ]
    }
    assert.equal(
      await readFile(path.join(config, 'trustpolicy.json'), 'utf8'),
      `${JSON.stringify(expected, null, 2)}\n`
    )
    assert.match(
      run.stdout,
      /::warning::trust policy: notation ignores "\$comment" \(top level\), "note" \(trustPolicies\[0\]\)/
    )
  })

  test('an image no policy statement covers is refused before notation runs', async () => {
    const verifies = () => e2e.notationCalls().filter(c => c.argv[0] === 'verify').length
    const before = verifies()
    const run = await e2e.run(
      verifyInputs({ 'registry-scopes': `${e2e.stack.registry.host}/other` })
    )
    assert.equal(run.code, 1)
    assert.match(
      run.errors.join('\n'),
      /Input 'registry-scopes': no trust policy statement covers .*\/app/
    )
    assert.equal(verifies(), before, 'notation verify never ran')
  })

  test('a broken trust policy is refused before anything is installed', async () => {
    await e2e.resetRunner()
    const run = await e2e.run(
      verifyInputs({ 'trust-policy': JSON.stringify({ version: '2.0', trustPolicies: [] }) })
    )
    assert.equal(run.code, 1)
    assert.match(run.errors.join('\n'), /Input 'trust-policy':.*version/)
    assert.equal(run.outputs['notation-path'], undefined, 'nothing was installed')
  })
})
