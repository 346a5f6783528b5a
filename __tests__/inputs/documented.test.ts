// What the README and action.yml say is what happens, end to end through the committed bundle:
// declared defaults given as the runner gives them, the `images` output's documented fields, a
// certificate policy that differs in a field no input sets, what verifying a CA-issued certificate
// needs from Key Vault, a verify-user-metadata mismatch named, and force-referrers-tag's default with
// a notation that lacks the flag.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { referrersTagWarning, type InspectedSignature } from '../../src/notation/notation.ts'
import { userMetadataMismatch } from '../../src/notation/verify.ts'
import { readActionYml } from '../support/action-yml.ts'
import { startE2E, type E2E } from '../support/e2e.ts'
import { skipWithoutRealNotation } from '../support/notation-bin.ts'
import { registryDescribe } from '../support/stack-env.ts'

const SUBJECT = 'CN=documented.example,O=Example,L=Seattle,ST=WA,C=US'
const noRealNotation = await skipWithoutRealNotation()

/** Every default action.yml declares, as the runner passes it (INPUT_*) for an input left out. */
function declaredDefaults(): Record<string, string> {
  return Object.fromEntries(
    [...readActionYml().inputs].flatMap(([name, { default: value }]) =>
      value === undefined ? [] : [[name, value]]
    )
  )
}

describe('verify-user-metadata mismatches in words', () => {
  const signature = (attributes: Record<string, string>): InspectedSignature => ({
    digest: `sha256:${'a'.repeat(64)}`,
    signatureAlgorithm: 'RSASSA-PSS-SHA-256',
    certificates: [],
    userDefinedAttributes: attributes
  })
  test('names each pair no signature carries, and only those', () => {
    assert.equal(
      userMetadataMismatch(
        [
          { key: 'build', value: '43' },
          { key: 'commit', value: 'abc' }
        ],
        [signature({ build: '42', commit: 'abc' })]
      ),
      "verify-user-metadata: build is '42' in the signature, not '43'"
    )
    assert.equal(
      userMetadataMismatch(
        [{ key: 'build', value: '43' }],
        [signature({ build: '42' }), signature({ build: '44' }), signature({})]
      ),
      "verify-user-metadata: build is '42' or '44' in the 3 signatures, not '43'"
    )
  })
  test('a pair some signature carries, or no signature at all, leaves notation its word', () => {
    const wanted = [{ key: 'build', value: '42' }]
    assert.equal(
      userMetadataMismatch(wanted, [signature({}), signature({ build: '42' })]),
      undefined
    )
    assert.equal(userMetadataMismatch(wanted, []), undefined)
  })
  test('registry text stays one short line', () => {
    const text = userMetadataMismatch(
      [{ key: 'build', value: '1' }],
      [signature({ build: `2\n::error::x${'y'.repeat(300)}` })]
    )
    assert.doesNotMatch(text ?? '', /\n/)
    assert.ok((text ?? '').length < 200, text)
  })
})

describe('force-referrers-tag before notation 1.2.0', () => {
  test('true cannot be applied and is warned about; false is refused elsewhere, 1.2.0 has it', () => {
    assert.match(
      referrersTagWarning({ forceReferrersTag: true }, '1.1.0') ?? '',
      /^force-referrers-tag: true is not applied: notation 1\.1\.0 has no --force-referrers-tag/
    )
    assert.equal(referrersTagWarning({ forceReferrersTag: false }, '1.1.0'), undefined)
    assert.equal(referrersTagWarning({ forceReferrersTag: true }, '1.2.0'), undefined)
    assert.equal(referrersTagWarning({ forceReferrersTag: true }, '2.0.0-alpha.1'), undefined)
  })
})

registryDescribe('the documented behaviour, with the real notation', () => {
  describe('real notation', { skip: noRealNotation }, () => {
    let e2e: E2E
    let image: string
    before(async () => {
      e2e = await startE2E({ notation: 'real' })
      await e2e.stack.keyVault.vault.seedSelfSigned('documented', { subject: SUBJECT })
      const pushed = await e2e.stack.registry.pushImage('documented', { tag: 'v1' })
      image = `${e2e.stack.registry.host}/documented@${pushed.digest}`
    })
    after(() => e2e?.stop())

    test('every declared default given explicitly signs and verifies, with a given trust policy', async () => {
      const policy = {
        version: '1.0',
        trustPolicies: [
          {
            name: 'given',
            registryScopes: [`${e2e.stack.registry.host}/documented`],
            signatureVerification: { level: 'strict' },
            trustStores: ['ca:documented'],
            trustedIdentities: [`x509.subject: ${SUBJECT}`]
          }
        ]
      }
      const run = await e2e.run({
        ...declaredDefaults(),
        ...e2e.installInputs,
        ...e2e.azureInputs,
        certificate: 'documented',
        images: image,
        'user-metadata': 'build=42\ncommit=abc123',
        'trust-policy': JSON.stringify(policy)
      })
      assert.equal(run.code, 0, `${e2e.notationLabel}\n${run.stdout}`)
      const rows = JSON.parse(run.outputs['images'] ?? '[]') as Record<string, unknown>[]
      assert.equal(rows[0]?.['verification'], 'verified')
      // The fields action.yml documents for the images output, in that order.
      const documented = /: ((?:[a-zA-Z]+, )+[a-zA-Z]+)\.$/
        .exec(readActionYml().outputs.get('images')?.description ?? '')?.[1]
        ?.split(', ')
      assert.deepEqual(Object.keys(rows[0] ?? {}), documented)
    })

    test('a verify-user-metadata mismatch names the metadata that did not match', async () => {
      const run = await e2e.run({
        ...e2e.azureInputs,
        command: 'verify',
        certificate: 'documented',
        images: image,
        'verify-user-metadata': 'build=43\ncommit=abc123\nrelease=stable'
      })
      assert.equal(run.code, 1, run.stdout)
      const error = run.errors.join('\n')
      assert.match(
        error,
        /verify-user-metadata: build is '42' in the signature, not '43'; release is not in the signature/
      )
      assert.doesNotMatch(error, /commit is/, 'a pair the signature carries is not named')
      const rows = JSON.parse(run.outputs['images'] ?? '[]') as { error: string }[]
      assert.match(rows[0]?.error ?? '', /build is '42' in the signature, not '43'/)
    })

    test('verifying with a CA-issued certificate needs secrets get, or the chain in ca-certs', async () => {
      const seeded = await e2e.stack.keyVault.vault.seedCaIssued('issued', {
        subject: SUBJECT,
        chainDepth: 2
      })
      const signed = await e2e.run({
        ...e2e.azureInputs,
        command: 'sign',
        certificate: 'issued',
        images: image
      })
      assert.equal(signed.code, 0, signed.stdout)
      const verify = {
        ...e2e.azureInputs,
        command: 'verify',
        certificate: 'issued',
        images: image
      }
      e2e.stack.keyVault.vault.deny('secrets/get')
      try {
        const denied = await e2e.run(verify)
        assert.equal(denied.code, 1, denied.stdout)
        assert.match(denied.errors.join('\n'), /'secrets get'.*or give ca-certs/)
        const chain = seeded.chain
          .slice(1)
          .map(c => c.pem)
          .join('')
        const withChain = await e2e.run({ ...verify, 'ca-certs': chain })
        assert.equal(withChain.code, 0, withChain.stdout)
      } finally {
        e2e.stack.keyVault.vault.allow('secrets/get')
      }
    })

    test('create-certificate warns about a certificate that differs only in exportable', async () => {
      await e2e.stack.keyVault.vault.seedSelfSigned('exportable', {
        subject: SUBJECT,
        exportable: true
      })
      const run = await e2e.run({
        ...e2e.azureInputs,
        command: 'sign',
        certificate: 'exportable',
        'create-certificate': 'true',
        'certificate-subject': SUBJECT,
        images: image
      })
      assert.equal(run.code, 0, run.stdout)
      assert.match(
        run.stdout,
        /::warning::Certificate 'exportable' exists with another policy \(exportable is true, the action creates false\)/
      )
      assert.equal(e2e.stack.keyVault.vault.versions('exportable').length, 1, 'no new version')
    })
  })
})

registryDescribe('force-referrers-tag with notation 1.1.x', () => {
  describe('real notation reporting 1.1.1', { skip: noRealNotation }, () => {
    // The real notation here is 1.3.2 and a real 1.1.x would have to be downloaded: the wrapper
    // answers `notation version` as 1.1.1 would, and every other command runs the real 1.3.2 (whose
    // default without the flag is the tag schema too, so the signature still lands).
    let e2e: E2E
    before(async () => {
      e2e = await startE2E({
        notation: 'real',
        notationPrelude: [
          'if [ "$1" = version ]; then',
          `  "$(dirname "$0")/notation.bin" version | sed 's/^Version: .*/Version:     1.1.1/'`,
          '  exit 0',
          'fi'
        ]
      })
      await e2e.stack.keyVault.vault.seedSelfSigned('old', { subject: SUBJECT })
    })
    after(() => e2e?.stop())

    test('its default is not applied, and the step says so', async () => {
      const pushed = await e2e.stack.registry.pushImage('old', { tag: 'v1' })
      const run = await e2e.run({
        ...e2e.azureInputs,
        command: 'sign',
        'notation-version': '1.1.1',
        certificate: 'old',
        images: `${e2e.stack.registry.host}/old@${pushed.digest}`
      })
      assert.equal(run.code, 0, run.stdout)
      assert.match(
        run.stdout,
        /::warning::force-referrers-tag: true is not applied: notation 1\.1\.1 has no --force-referrers-tag/
      )
      const sign = e2e.notationCalls().find(c => c.argv[0] === 'sign')
      assert.ok(sign, 'notation sign ran')
      assert.ok(!sign.argv.some(a => a.startsWith('--force-referrers-tag')))
    })
  })
})
