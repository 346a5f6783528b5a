// signer: native end to end: the committed bundle signs through the stack's Key Vault (its `sign`
// on each payload digest) and pushes with its own registry client; the REAL notation CLI verifies
// every signature (the action's own verify step, and direct runs for ls / inspect / tampering).
import assert from 'node:assert/strict'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import { CborMap, CborTag, encodeCbor, type CborValue } from '../../src/native/cbor.ts'
import { referrersTag } from '../../src/native/manifest.ts'
import { fetchBlob, fetchManifest, pushBlob, putManifest, sha256Digest } from '../stack/images.ts'
import type { KeySpec } from '../stack/pki.ts'
import { issueCertificate } from '../stack/pki.ts'
import { startE2E, type E2E } from '../support/e2e.ts'
import { requireRealNotation, skipWithoutRealNotation } from '../support/notation-bin.ts'
import { registrySkip } from '../support/stack-env.ts'
import { decodeCbor, notationHome, type Decoded, type NotationHome } from './notation-run.ts'

const SUBJECT = 'CN=native.example,O=Notation,L=Seattle,ST=WA,C=US'

interface ImageRow {
  reference?: string
  signed?: boolean
  alreadySigned?: boolean
  verified?: boolean
  signatureDigest?: string
  error?: string
}

const rows = (outputs: Record<string, string>): ImageRow[] =>
  JSON.parse(outputs['images'] ?? '[]') as ImageRow[]

// Needs the real notation CLI and docker-registry (on CI a missing registry fails, see stack-env.ts).
const skip = (await skipWithoutRealNotation()) || registrySkip().skip || false

describe('signer: native, verified by real notation', { skip }, () => {
  let e2e: E2E
  let home: NotationHome
  let homeRoot: string
  let imageCount = 0

  before(async () => {
    e2e = await startE2E({ notation: 'real' })
    const notation = await requireRealNotation()
    homeRoot = await mkdtemp(path.join(os.tmpdir(), 'native-e2e-'))
    const credentials = await e2e.stack.registry.credentials({ subject: 'stack-admin' })
    home = await notationHome(notation.path, homeRoot, { caFile: e2e.stack.caFile, ...credentials })
  })
  after(async () => {
    await e2e?.stop()
    if (homeRoot) await rm(homeRoot, { recursive: true, force: true })
  })

  /** A fresh image in `repository`. */
  async function freshImage(repository: string): Promise<{ digest: string; reference: string }> {
    const pushed = await e2e.stack.registry.pushImage(repository, {
      content: `native e2e image ${++imageCount}`
    })
    return { digest: pushed.digest, reference: pushed.reference }
  }

  const KEYS: { name: string; key: KeySpec; alg: string }[] = [
    { name: 'rsa-2048', key: { kty: 'RSA', size: 2048 }, alg: 'RSASSA-PSS-SHA-256' },
    { name: 'rsa-3072', key: { kty: 'RSA', size: 3072 }, alg: 'RSASSA-PSS-SHA-384' },
    { name: 'rsa-4096', key: { kty: 'RSA', size: 4096 }, alg: 'RSASSA-PSS-SHA-512' },
    { name: 'ec-p256', key: { kty: 'EC', crv: 'P-256' }, alg: 'ECDSA-SHA-256' },
    { name: 'ec-p384', key: { kty: 'EC', crv: 'P-384' }, alg: 'ECDSA-SHA-384' },
    { name: 'ec-p521', key: { kty: 'EC', crv: 'P-521' }, alg: 'ECDSA-SHA-512' }
  ]

  for (const { name, key, alg } of KEYS) {
    for (const format of ['cose', 'jws'] as const) {
      // Half the runs sign user metadata and an expiry into the signature; verify then asks for it.
      const extras = format === 'cose' ? name.startsWith('rsa') : name.startsWith('ec')
      test(`${format}, ${name} self-signed${extras ? ', with user metadata and expiry' : ''}`, async () => {
        const certificate = `native-${name}`
        if (!e2e.stack.keyVault.vault.certificate(certificate)) {
          await e2e.stack.keyVault.vault.seedSelfSigned(certificate, { subject: SUBJECT, key })
        }
        const image = await freshImage(`native/${name}`)
        const run = await e2e.run({
          ...e2e.azureInputs,
          signer: 'native',
          'signature-format': format,
          certificate,
          images: image.reference,
          ...(extras
            ? {
                'user-metadata': 'build=42\nnote=a<b&c>d',
                expiry: '2h',
                'verify-user-metadata': 'build=42'
              }
            : {})
        })
        assert.equal(run.code, 0, run.stdout + run.stderr)
        const [row] = rows(run.outputs)
        assert.equal(row?.signed, true)
        assert.equal(row?.verified, true, row?.error)
        assert.match(row?.signatureDigest ?? '', /^sha256:[0-9a-f]{64}$/)
        // The algorithm notation reports is the one the key size or curve calls for.
        const inspected = await home.run(['inspect', '--output=json', image.reference])
        assert.equal(inspected.code, 0, inspected.stderr)
        const signatures = (
          JSON.parse(inspected.stdout) as {
            Signatures: {
              digest: string
              signatureAlgorithm: string
              mediaType: string
              signedAttributes: Record<string, string>
              userDefinedAttributes?: Record<string, string>
              unsignedAttributes: Record<string, string>
            }[]
          }
        ).Signatures
        assert.equal(signatures.length, 1)
        assert.equal(signatures[0]?.digest, row?.signatureDigest)
        assert.equal(signatures[0]?.signatureAlgorithm, alg)
        assert.equal(
          signatures[0]?.mediaType,
          format === 'cose' ? 'application/cose' : 'application/jose+json'
        )
        assert.equal(signatures[0]?.signedAttributes['signingScheme'], 'notary.x509')
        assert.equal('expiry' in (signatures[0]?.signedAttributes ?? {}), extras)
        if (extras) {
          assert.deepEqual(signatures[0]?.userDefinedAttributes, {
            build: '42',
            note: 'a<b&c>d'
          })
        }
        assert.equal(
          signatures[0]?.unsignedAttributes['signingAgent'],
          'notation-akv-action/native'
        )
      })
    }
  }

  for (const format of ['cose', 'jws'] as const) {
    test(`${format}, CA-issued (leaf, intermediate, root from Key Vault), user metadata`, async () => {
      const certificate = `native-ca-${format}`
      await e2e.stack.keyVault.vault.seedCaIssued(certificate, {
        subject: SUBJECT,
        chainDepth: 2,
        key: format === 'cose' ? { kty: 'RSA', size: 2048 } : { kty: 'EC', crv: 'P-384' }
      })
      const image = await freshImage('native/ca')
      const run = await e2e.run({
        ...e2e.azureInputs,
        signer: 'native',
        'signature-format': format,
        certificate,
        images: image.reference,
        'user-metadata': 'issued=by-ca',
        'verify-user-metadata': 'issued=by-ca'
      })
      assert.equal(run.code, 0, run.stdout + run.stderr)
      assert.equal(rows(run.outputs)[0]?.verified, true, rows(run.outputs)[0]?.error)
      const inspected = await home.run(['inspect', '--output=json', image.reference])
      const certificates = (
        JSON.parse(inspected.stdout) as { Signatures: { certificates: unknown[] }[] }
      ).Signatures[0]?.certificates
      assert.equal(certificates?.length, 3, 'leaf, intermediate and root in the envelope')
    })
  }

  test('CA-issued with ca-certs given inline: the chain comes from the input, not the Key Vault secret', async () => {
    const seeded = await e2e.stack.keyVault.vault.seedCaIssued('native-ca-certs', {
      subject: SUBJECT,
      chainDepth: 2
    })
    const image = await freshImage('native/ca-certs')
    const vault = e2e.stack.keyVault.server
    const secretReads = (): number =>
      vault.calls.filter(c => c.route === 'keyvault.secrets.get' && c.status < 300).length
    const before = secretReads()
    const run = await e2e.run({
      ...e2e.azureInputs,
      signer: 'native',
      certificate: 'native-ca-certs',
      images: image.reference,
      'ca-certs': seeded.chain
        .slice(1)
        .map(c => c.pem)
        .join('')
    })
    assert.equal(run.code, 0, run.stdout + run.stderr)
    assert.equal(rows(run.outputs)[0]?.verified, true, rows(run.outputs)[0]?.error)
    assert.equal(secretReads(), before, 'no secret read')
  })

  test('skip-if-signed: a re-run signs nothing, proven by real notation verify; a notation signature counts too', async () => {
    await e2e.stack.keyVault.vault.seedSelfSigned('native-skip', { subject: SUBJECT })
    const [byNative, byNotation] = [
      await freshImage('native/skip'),
      await freshImage('native/skip')
    ]
    const vault = e2e.stack.keyVault.server
    const signs = (): number =>
      vault.calls.filter(c => c.route === 'keyvault.keys.sign' && c.status < 300).length
    const sign = (signer: string, images: string[]) =>
      e2e.run({
        ...e2e.azureInputs,
        command: 'sign',
        signer,
        certificate: 'native-skip',
        'skip-if-signed': 'true',
        images: images.join('\n')
      })
    const first = await sign('native', [byNative.reference])
    assert.equal(first.code, 0, first.stdout + first.stderr)
    const made = rows(first.outputs)[0]?.signatureDigest
    assert.equal(rows(first.outputs)[0]?.signed, true)
    const byCli = await sign('notation', [byNotation.reference])
    assert.equal(byCli.code, 0, byCli.stdout + byCli.stderr)
    const before = signs()
    const again = await sign('native', [byNative.reference, byNotation.reference])
    assert.equal(again.code, 0, again.stdout + again.stderr)
    const [native, notation] = rows(again.outputs)
    assert.equal(native?.signed, false)
    assert.equal(native?.alreadySigned, true)
    assert.equal(native?.signatureDigest, made)
    assert.equal(notation?.alreadySigned, true)
    assert.equal(notation?.signatureDigest, rows(byCli.outputs)[0]?.signatureDigest)
    assert.equal(signs(), before, 'Key Vault signed nothing')
    // Decided by notation verify under this certificate, not by what inspect lists.
    const verifies = e2e.notationCalls().filter(c => c.argv[0] === 'verify')
    assert.ok(verifies.some(c => c.argv.at(-1) === byNative.reference))
  })

  test('key-id instead of a certificate name: that key signs, its certificate goes in the envelope', async () => {
    const seeded = await e2e.stack.keyVault.vault.seedSelfSigned('native-key-id', {
      subject: SUBJECT,
      key: { kty: 'EC', crv: 'P-256' }
    })
    const image = await freshImage('native/key-id')
    const run = await e2e.run({
      ...e2e.azureInputs,
      signer: 'native',
      'signature-format': 'jws',
      'key-id': seeded.kid,
      images: image.reference
    })
    assert.equal(run.code, 0, run.stdout + run.stderr)
    assert.equal(rows(run.outputs)[0]?.verified, true, rows(run.outputs)[0]?.error)
    assert.equal(run.outputs['key-id'], seeded.kid)
    const signed = e2e.stack.keyVault.vault.signs.filter(s => s.kid === seeded.kid)
    assert.equal(signed.length, 1)
    assert.equal(signed[0]?.alg, 'ES256')
  })

  test('build sign verify: the image ACR Tasks built is signed natively (its manifest read and hashed first)', async () => {
    await e2e.stack.keyVault.vault.seedSelfSigned('native-build', { subject: SUBJECT })
    const context = path.join(e2e.dirs.workspace, 'native-app')
    await mkdir(context, { recursive: true })
    await writeFile(path.join(context, 'Dockerfile'), 'FROM scratch\nCOPY hello.txt /\n')
    await writeFile(path.join(context, 'hello.txt'), 'hello from the native signer\n')
    const env = e2e.stack.env()
    e2e.stack.arm.scriptNextRun({ queuedPolls: 0, runningPolls: 0 })
    const run = await e2e.run({
      ...e2e.azureInputs,
      command: 'build sign verify',
      signer: 'native',
      certificate: 'native-build',
      images: `${e2e.stack.registry.host}/native/built:v1`,
      'build-context': 'native-app',
      'azure-subscription-id': env['STACK_SUBSCRIPTION_ID'] ?? '',
      'resource-group': env['STACK_RESOURCE_GROUP'] ?? ''
    })
    assert.equal(run.code, 0, run.stdout + run.stderr)
    const [row] = rows(run.outputs)
    assert.equal(row?.reference, `${e2e.stack.registry.host}/native/built@${run.outputs['digest']}`)
    assert.equal(row?.signed, true)
    assert.equal(row?.verified, true, row?.error)
  })

  test('a sign-only job downloads nothing, runs no notation, reads the certificate once and signs each digest in Key Vault', async () => {
    await e2e.stack.keyVault.vault.seedSelfSigned('native-counted', { subject: SUBJECT })
    const images = await Promise.all([1, 2, 3, 4, 5].map(() => freshImage('native/counted')))
    await e2e.resetRunner()
    const downloadsBefore = e2e.downloads.calls.length
    const notationBefore = e2e.notationCalls().length
    const vault = e2e.stack.keyVault.server
    const entra = e2e.stack.entra.server
    const count = (server: typeof vault, route: string): number =>
      server.calls.filter(c => c.route === route && c.status < 300).length
    const before = {
      certificates: count(vault, 'keyvault.certificates.get'),
      keys: count(vault, 'keyvault.keys.get'),
      signs: count(vault, 'keyvault.keys.sign'),
      tokens: count(entra, 'entra.token')
    }
    const run = await e2e.run({
      ...e2e.azureInputs,
      command: 'sign',
      signer: 'native',
      certificate: 'native-counted',
      images: images.map(i => i.reference).join('\n'),
      'max-concurrency': '4'
    })
    assert.equal(run.code, 0, run.stdout + run.stderr)
    assert.ok(rows(run.outputs).every(r => r.signed === true))
    assert.equal(e2e.downloads.calls.length, downloadsBefore, 'nothing downloaded')
    assert.equal(e2e.notationCalls().length, notationBefore, 'notation never ran')
    assert.equal(run.outputs['notation-version'], undefined)
    assert.equal(count(vault, 'keyvault.certificates.get') - before.certificates, 1)
    assert.equal(count(vault, 'keyvault.keys.get') - before.keys, 1)
    assert.equal(count(vault, 'keyvault.keys.sign') - before.signs, images.length)
    // One Entra token for Key Vault and one for the registry exchange.
    assert.ok(count(entra, 'entra.token') - before.tokens <= 2)

    // Real notation lists each native signature under its image, with the digest the action reported.
    for (const [i, image] of images.entries()) {
      const listed = await home.run(['ls', image.reference])
      assert.equal(listed.code, 0, listed.stderr)
      assert.ok(listed.stdout.includes(rows(run.outputs)[i]?.signatureDigest ?? '-'), listed.stdout)
      assert.match(listed.stdout, /application\/vnd\.cncf\.notary\.signature/)
    }
    // And verifies them under a trust policy of its own.
    const seeded = e2e.stack.keyVault.vault.versions('native-counted')[0]!
    await home.trust(
      'native-counted',
      [seeded.leaf.pem],
      SUBJECT,
      `${e2e.stack.registry.host}/native/counted`
    )
    for (const image of images) {
      const verified = await home.run(['verify', image.reference])
      assert.equal(verified.code, 0, verified.stderr)
    }
  })

  test('force-referrers-tag: false asks for the referrers API first and, without one, keeps the tag index', async () => {
    await e2e.stack.keyVault.vault.seedSelfSigned('native-referrers', { subject: SUBJECT })
    const image = await freshImage('native/referrers')
    const registry = e2e.stack.registry.server
    const before = registry.calls.length
    const run = await e2e.run({
      ...e2e.azureInputs,
      signer: 'native',
      certificate: 'native-referrers',
      images: image.reference,
      'force-referrers-tag': 'false'
    })
    assert.equal(run.code, 0, run.stdout + run.stderr)
    assert.equal(rows(run.outputs)[0]?.verified, true, rows(run.outputs)[0]?.error)
    const calls = registry.calls.slice(before)
    // distribution 2.8 has no referrers API: the ask is answered 404, and the tag index is written.
    assert.ok(
      calls.some(
        c => c.method === 'GET' && c.path.includes(`/referrers/${image.digest}`) && c.status === 404
      )
    )
    const target = await e2e.stack.registry.target('native/referrers')
    const index = await fetchManifest(target, 'native/referrers', referrersTag(image.digest))
    assert.equal(index.status, 200)
    const listed = (JSON.parse(index.body.toString('utf8')) as { manifests: { digest: string }[] })
      .manifests
    assert.deepEqual(
      listed.map(m => m.digest),
      [rows(run.outputs)[0]?.signatureDigest]
    )
  })

  test('a 503 and a reset on the upload are retried; one signature lands and verifies', async () => {
    await e2e.stack.keyVault.vault.seedSelfSigned('native-faults', { subject: SUBJECT })
    const image = await freshImage('native/faults')
    const registry = e2e.stack.registry.server
    const next = registry.callCount('registry.uploads') + 1
    registry.inject({ route: 'registry.uploads', kind: 'status', status: 503, calls: [next] })
    registry.inject({ route: 'registry.uploads', kind: 'reset', calls: [next + 1] })
    try {
      const run = await e2e.run({
        ...e2e.azureInputs,
        signer: 'native',
        'signature-format': 'jws',
        certificate: 'native-faults',
        images: image.reference
      })
      assert.equal(run.code, 0, run.stdout + run.stderr)
      assert.equal(rows(run.outputs)[0]?.verified, true, rows(run.outputs)[0]?.error)
    } finally {
      registry.clearFaults()
    }
    const faulted = registry.calls.filter(c => c.route === 'registry.uploads' && c.fault)
    assert.equal(faulted.length, 2, 'both faults hit')
    const target = await e2e.stack.registry.target('native/faults')
    const index = await fetchManifest(target, 'native/faults', referrersTag(image.digest))
    const listed = (JSON.parse(index.body.toString('utf8')) as { manifests: unknown[] }).manifests
    assert.equal(listed.length, 1)
  })

  test('tampered envelopes (payload, protected header, signature, chain) are refused by real notation', async () => {
    await e2e.stack.keyVault.vault.seedSelfSigned('native-tamper', { subject: SUBJECT })
    const other = await issueCertificate({ subject: SUBJECT })
    const kinds = ['payload', 'protected', 'signature', 'chain'] as const
    const cases = (['cose', 'jws'] as const).flatMap(format =>
      kinds.map(kind => ({ format, kind }))
    )
    const images = await Promise.all(cases.map(() => freshImage('native/tamper')))
    // Sign each natively (one run per format), then replace its one signature by a tampered copy.
    for (const format of ['cose', 'jws'] as const) {
      const mine = images.filter((_, i) => cases[i]!.format === format)
      const run = await e2e.run({
        ...e2e.azureInputs,
        command: 'sign',
        signer: 'native',
        'signature-format': format,
        certificate: 'native-tamper',
        images: mine.map(i => i.reference).join('\n')
      })
      assert.equal(run.code, 0, run.stdout + run.stderr)
    }
    const repository = 'native/tamper'
    const target = await e2e.stack.registry.target(repository)
    const flip = (bytes: Buffer, at: number): Buffer => {
      const copy = Buffer.from(bytes)
      copy[at] = (copy[at] ?? 0) ^ 0x01
      return copy
    }
    for (const [i, { format, kind }] of cases.entries()) {
      const image = images[i]!
      const index = await fetchManifest(target, repository, referrersTag(image.digest))
      const entries = (
        JSON.parse(index.body.toString('utf8')) as { manifests: { digest: string }[] }
      ).manifests
      assert.equal(entries.length, 1)
      const manifest = await fetchManifest(target, repository, entries[0]!.digest)
      const parsed = JSON.parse(manifest.body.toString('utf8')) as {
        layers: { mediaType: string; digest: string; size: number }[]
      } & Record<string, unknown>
      const envelope = (await fetchBlob(target, repository, parsed.layers[0]!.digest)).body
      let tampered: Buffer
      if (format === 'cose') {
        const body = (decodeCbor(envelope) as { value: Decoded[] }).value
        const unprot = body[1] as Map<Decoded, Decoded>
        let [prot, , payload, signature] = body as [Buffer, unknown, Buffer, Buffer]
        let chain = unprot.get(33) as Buffer[]
        if (kind === 'payload') payload = flip(payload, 20)
        if (kind === 'protected') prot = flip(prot, prot.length - 3)
        if (kind === 'signature') signature = flip(signature, 10)
        if (kind === 'chain') chain = [other.der]
        const unprotected = new CborMap([
          [33, chain],
          ['io.cncf.notary.signingAgent', unprot.get('io.cncf.notary.signingAgent') as string]
        ])
        tampered = encodeCbor(
          new CborTag(18, [prot, unprotected, payload, signature] as CborValue[])
        )
      } else {
        const jws = JSON.parse(envelope.toString('utf8')) as {
          payload: string
          protected: string
          header: { x5c: string[] }
          signature: string
        }
        const flipped = (field: string): string =>
          flip(Buffer.from(field, 'base64url'), 12).toString('base64url')
        if (kind === 'payload') jws.payload = flipped(jws.payload)
        if (kind === 'protected') jws.protected = flipped(jws.protected)
        if (kind === 'signature') jws.signature = flipped(jws.signature)
        if (kind === 'chain') jws.header.x5c = [other.der.toString('base64')]
        tampered = Buffer.from(JSON.stringify(jws))
      }
      assert.ok(!tampered.equals(envelope))
      await pushBlob(target, repository, tampered)
      const layer = { ...parsed.layers[0]!, digest: sha256Digest(tampered), size: tampered.length }
      const replaced = Buffer.from(JSON.stringify({ ...parsed, layers: [layer] }))
      const replacedDigest = await putManifest(
        target,
        repository,
        sha256Digest(replaced),
        parsed['mediaType'] as string,
        replaced
      )
      const newIndex = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.index.v1+json',
          manifests: [
            {
              mediaType: 'application/vnd.oci.image.manifest.v1+json',
              digest: replacedDigest,
              size: replaced.length,
              artifactType: 'application/vnd.cncf.notary.signature'
            }
          ]
        })
      )
      await putManifest(
        target,
        repository,
        referrersTag(image.digest),
        'application/vnd.oci.image.index.v1+json',
        newIndex
      )
    }
    // The action's verify (real notation) refuses every one, naming each image.
    const run = await e2e.run({
      ...e2e.azureInputs,
      command: 'verify',
      certificate: 'native-tamper',
      images: images.map(i => i.reference).join('\n')
    })
    assert.equal(run.code, 1, run.stdout)
    const results = rows(run.outputs)
    assert.equal(results.length, cases.length)
    for (const [i, result] of results.entries()) {
      assert.equal(result.verified, false, `${cases[i]!.format} ${cases[i]!.kind} was refused`)
    }
    // Real notation run directly says why: the signature fails its integrity check (or, for a
    // swapped chain, does not verify under the certificate it carries).
    const seeded = e2e.stack.keyVault.vault.versions('native-tamper')[0]!
    await home.trust(
      'native-tamper',
      [seeded.leaf.pem],
      SUBJECT,
      `${e2e.stack.registry.host}/${repository}`
    )
    for (const [i, image] of images.entries()) {
      const verified = await home.run(['verify', '--verbose', image.reference])
      assert.equal(verified.code, 1)
      assert.match(
        verified.stderr,
        /integrity validation failed\. Failure reason: signature is invalid/,
        `${cases[i]!.format} ${cases[i]!.kind}: ${verified.stderr}`
      )
    }
    // The untampered controls of this very certificate verify (see the matrix above); and a native
    // signature of this certificate on a fresh image verifies now too, so the refusals are the tampering.
    const control = await freshImage('native/tamper')
    const signed = await e2e.run({
      ...e2e.azureInputs,
      signer: 'native',
      certificate: 'native-tamper',
      images: control.reference
    })
    assert.equal(signed.code, 0, signed.stdout + signed.stderr)
  })
})
