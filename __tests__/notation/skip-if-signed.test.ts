// "Already signed" and "signed once", end to end with the committed bundle: skip-if-signed counts
// a signature only when this digest verifies against this run's certificate (a repository writer
// without the key can copy another image's signature manifest onto an image; inspect shows the
// copy as if it were the image's own), a lost push's answer is not confirmed by such a copy
// either, and two tags of one image are signed (and verified) once, every input row reported.
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import type { IncomingHttpHeaders } from 'node:http'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { after, before, beforeEach, test } from 'node:test'
import {
  MEDIA_TYPES,
  fetchBlob,
  fetchManifest,
  pushBlob,
  putManifest,
  sha256Digest,
  type PushedImage
} from '../stack/images.ts'
import type { ActionRun } from '../support/action.ts'
import { startE2E, type E2E } from '../support/e2e.ts'
import type { Call } from '../support/notation.ts'
import { e2eDescribe } from '../support/stack-env.ts'

const SUBJECT = 'CN=wabbit-networks.io,O=Notation,L=Seattle,ST=WA,C=US'
const CA_SUBJECT = 'CN=ca-issued.wabbit-networks.io,O=Notation,L=Seattle,ST=WA,C=US'
const HEX = /^sha256:[0-9a-f]{64}$/

interface Row {
  input: string
  reference: string
  digest: string
  signed: boolean
  alreadySigned: boolean
  signatureDigest: string | null
  verified: boolean | null
  error: string | null
}

const rows = (run: ActionRun): Row[] => JSON.parse(run.outputs['images'] ?? '[]') as Row[]

const referrersTag = (digest: string): string => digest.replace(':', '-')

/** The `sub` of a bearer token (the stack's admin, or the principal the action signed in as). */
function jwtSubject(authorization: string): string | undefined {
  const payload = authorization.replace(/^Bearer /, '').split('.')[1]
  if (!payload) return undefined
  return (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub?: string }).sub
}

/** The end of a run's log, for assertion messages (the whole log is long and full of masks). */
const brief = (run: ActionRun): string =>
  [...run.stdout.split('\n'), ...run.stderr.split('\n')]
    .filter(line => line !== '' && !line.startsWith('::add-mask::'))
    .slice(-40)
    .join('\n')

e2eDescribe('skip-if-signed decides by verification; one digest is signed once', () => {
  let e2e: E2E
  let host: string

  before(async () => {
    e2e = await startE2E()
    host = e2e.stack.registry.host
    const vault = e2e.stack.keyVault.vault
    await vault.seedSelfSigned('wabbit-networks-io', { subject: SUBJECT })
    await vault.seedCaIssued('ca-issued', { subject: CA_SUBJECT })
  })
  after(() => e2e?.stop())
  beforeEach(() => e2e.resetRunner())

  const run = (inputs: Record<string, string>): Promise<ActionRun> =>
    e2e.run({ ...e2e.azureInputs, certificate: 'wabbit-networks-io', ...inputs })
  const calls = (): Call[] => e2e.notationCalls()
  const callsOf = (command: string, reference: string, since = 0): Call[] =>
    calls()
      .slice(since)
      .filter(c => c.argv[0] === command && c.argv.at(-1) === reference)
  const ref = (image: PushedImage): string => `${host}/${image.repository}@${image.digest}`

  /** The signature manifests in an image's referrers tag index, as the registry holds them. */
  async function referrers(image: PushedImage): Promise<string[]> {
    const target = await e2e.stack.registry.target(image.repository)
    const got = await fetchManifest(target, image.repository, referrersTag(image.digest))
    if (got.status === 404) return []
    assert.equal(got.status, 200, got.body.toString())
    const index = JSON.parse(got.body.toString('utf8')) as { manifests: { digest: string }[] }
    return index.manifests.map(m => m.digest)
  }

  /**
   * What a repository writer without the signing key can do: push `from`'s signature manifest
   * again with `subject` = `to`, and list it in `to`'s referrers tag index. A copy keeps the
   * envelope (signed payload naming `from`); a forgery also rewrites the JWS payload to name `to`,
   * so inspect shows this certificate signing `to`, and only the signature check can tell.
   */
  async function attachSignature(
    from: PushedImage,
    to: PushedImage,
    kind: 'copy' | 'forgery'
  ): Promise<string> {
    const repository = to.repository
    const target = await e2e.stack.registry.target(repository)
    const index = await fetchManifest(target, repository, referrersTag(from.digest))
    assert.equal(index.status, 200, 'the source image is signed')
    const entry = (
      JSON.parse(index.body.toString('utf8')) as { manifests: Record<string, unknown>[] }
    ).manifests[0]!
    const original = await fetchManifest(target, repository, String(entry['digest']))
    const manifest = JSON.parse(original.body.toString('utf8')) as {
      layers: { mediaType: string; digest: string; size: number }[]
      subject?: unknown
    }
    manifest.subject = { mediaType: to.mediaType, digest: to.digest, size: to.size }
    if (kind === 'forgery') {
      const layer = manifest.layers[0]!
      assert.equal(layer.mediaType, 'application/jose+json')
      const blob = await fetchBlob(target, repository, layer.digest)
      const envelope = JSON.parse(blob.body.toString('utf8')) as { payload: string }
      const targetArtifact = { mediaType: to.mediaType, digest: to.digest, size: to.size }
      envelope.payload = Buffer.from(JSON.stringify({ targetArtifact })).toString('base64url')
      const forged = Buffer.from(JSON.stringify(envelope))
      const digest = await pushBlob(target, repository, forged)
      manifest.layers = [{ mediaType: layer.mediaType, digest, size: forged.length }]
    }
    const bytes = Buffer.from(JSON.stringify(manifest))
    const digest = await putManifest(
      target,
      repository,
      sha256Digest(bytes),
      MEDIA_TYPES.oci.manifest,
      bytes
    )
    const existing = await fetchManifest(target, repository, referrersTag(to.digest))
    const manifests =
      existing.status === 200
        ? (JSON.parse(existing.body.toString('utf8')) as { manifests: unknown[] }).manifests
        : []
    manifests.push({ ...entry, digest, size: bytes.length })
    await putManifest(
      target,
      repository,
      referrersTag(to.digest),
      MEDIA_TYPES.oci.index,
      Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPES.oci.index, manifests }))
    )
    return digest
  }

  test("a signature copied or forged from another image's is not 'already signed': the image is signed, and verifies", async () => {
    const { registry } = e2e.stack
    const a = await registry.pushImage('copied/app', { tag: 'a', content: 'image a' })
    const b = await registry.pushImage('copied/app', { tag: 'b', content: 'image b' })
    const c = await registry.pushImage('copied/app', { tag: 'c', content: 'image c' })
    const first = await run({ command: 'sign', images: ref(a), 'signature-format': 'jws' })
    assert.equal(first.code, 0, brief(first))
    const copy = await attachSignature(a, b, 'copy')
    const forgery = await attachSignature(a, c, 'forgery')
    assert.deepEqual(await referrers(b), [copy])
    assert.deepEqual(await referrers(c), [forgery])

    const from = calls().length
    const second = await run({
      command: 'sign verify',
      images: `${host}/copied/app:b\n${host}/copied/app:c`,
      'skip-if-signed': 'true'
    })
    assert.equal(second.code, 0, brief(second))
    for (const [row, image, attached] of [
      [rows(second)[0], b, copy],
      [rows(second)[1], c, forgery]
    ] as const) {
      assert.equal(row?.alreadySigned, false, `the ${attached} is not a signature of ${image.tag}`)
      assert.equal(row?.signed, true)
      assert.match(row?.signatureDigest ?? '', HEX)
      assert.notEqual(row?.signatureDigest, attached)
      assert.equal(row?.verified, true)
      assert.equal(callsOf('sign', ref(image), from).length, 1)
      assert.deepEqual(await referrers(image), [attached, row!.signatureDigest])
    }
    // The copy names a; it is set aside as inspect reads it. The forgery names c: notation verify
    // under this run's trust refuses it, so c is signed.
    assert.equal(callsOf('verify', ref(b), from).length, 1, 'only the verify step')
    assert.equal(callsOf('verify', ref(c), from).length, 2, 'the check, then the verify step')
    assert.match(
      second.stdout,
      new RegExp(`Signature ${forgery} claims this certificate, but .* does not verify against it`)
    )
  })

  test('a genuine earlier signature is still skipped, and the skip is decided by notation verify under a private trust configuration', async () => {
    const { registry } = e2e.stack
    for (const certificate of ['wabbit-networks-io', 'ca-issued']) {
      const image = await registry.pushImage('genuine/app', { content: `genuine ${certificate}` })
      const first = await run({ command: 'sign', certificate, images: ref(image) })
      assert.equal(first.code, 0, brief(first))
      const signature = rows(first)[0]?.signatureDigest
      assert.match(signature ?? '', HEX)

      const from = calls().length
      const again = await run({
        command: 'sign',
        certificate,
        images: ref(image),
        'skip-if-signed': 'true'
      })
      assert.equal(again.code, 0, brief(again))
      const [row] = rows(again)
      assert.equal(row?.alreadySigned, true, certificate)
      assert.equal(row?.signed, false)
      assert.equal(row?.signatureDigest, signature)
      assert.equal(callsOf('sign', ref(image), from).length, 0, 'notation sign did not run')
      assert.deepEqual(await referrers(image), [signature])
      // The decision: one notation verify of this digest, reading a trust policy and a trust store
      // that are not the job's NOTATION_CONFIG (the user's trust settings play no part), removed
      // when signing ends.
      const verifies = callsOf('verify', ref(image), from)
      assert.equal(verifies.length, 1)
      const config = again.exportedEnv['NOTATION_CONFIG'] ?? ''
      const policy = verifies[0]!.files.find(f => path.basename(f) === 'trustpolicy.json')
      assert.ok(policy !== undefined, JSON.stringify(verifies[0]!.files))
      assert.ok(!policy.startsWith(config + path.sep), `${policy} is not in ${config}`)
      assert.ok(verifies[0]!.files.some(f => f.includes(`${path.sep}truststore${path.sep}`)))
      assert.equal(existsSync(policy), false, 'the private configuration is removed')
    }
  })

  test('after a transient sign failure, a copied signature is not taken for the lost push', async () => {
    const { registry } = e2e.stack
    const a = await registry.pushImage('lost/app', { tag: 'a', content: 'lost a' })
    const b = await registry.pushImage('lost/app', { tag: 'b', content: 'lost b' })
    // b's first sign run waits, then fails as a lost push does: the registry holds its PUT of b's
    // signature index (the signature manifest is stored, the index never names it) and, once the
    // test lets go, answers 503 to it and to every retry of notation's own client. Meanwhile a is
    // signed in the same run, and its fresh signature is copied onto b before b's run may end.
    const server = e2e.stack.registry.server
    const from = calls().length
    let release = (): void => undefined
    const gate = new Promise<void>(resolve => (release = resolve))
    const firstSignOfB = (): boolean => callsOf('sign', ref(b), from).length === 1
    const fromAction = (authorization: string | undefined): boolean =>
      jwtSubject(authorization ?? '') !== 'stack-admin'
    const fault = {
      route: 'registry.manifests',
      kind: 'status' as const,
      status: 503,
      when: (r: { method: string; path: string; headers: IncomingHttpHeaders }) =>
        r.method === 'PUT' &&
        r.path.endsWith(`/manifests/${referrersTag(b.digest)}`) &&
        fromAction(r.headers.authorization) &&
        firstSignOfB()
    }
    server.inject({ ...fault, times: 1, until: gate })
    server.inject(fault)
    const running = run({
      command: 'sign verify',
      images: `${host}/lost/app:a\n${host}/lost/app:b`,
      'max-concurrency': '2'
    })
    let copy: string | undefined
    for (let waited = 0; copy === undefined && waited < 120_000; waited += 50) {
      if ((await referrers(a)).length > 0) copy = await attachSignature(a, b, 'copy')
      else await sleep(50)
    }
    assert.ok(copy !== undefined, "a's signature appeared")
    // b's first run is still waiting: its signature index PUT is held (no answer yet).
    const held = (): boolean =>
      server.calls.some(
        c => c.method === 'PUT' && c.status === 0 && c.path.endsWith(referrersTag(b.digest))
      )
    for (let waited = 0; !held() && waited < 120_000; waited += 50) await sleep(50)
    assert.ok(held(), "b's first run is waiting on its signature index")
    release()
    const done = await running
    server.clearFaults()
    assert.equal(done.code, 0, brief(done))
    const [rowA, rowB] = rows(done)
    assert.equal(rowA?.signed, true)
    assert.equal(rowB?.signed, true)
    assert.notEqual(rowB?.signatureDigest, copy, 'the copy is not reported as the lost push')
    assert.notEqual(rowB?.signatureDigest, rowA?.signatureDigest)
    assert.equal(rowB?.verified, true)
    const signs = callsOf('sign', ref(b), from)
    assert.equal(signs.length, 2, 'b is signed again')
    assert.match(
      done.stdout,
      /response status code 503/,
      "notation's error for the lost push is logged"
    )
    assert.deepEqual(await referrers(b), [copy, rowB!.signatureDigest])
  })

  test('two tags of one digest: one notation sign, one new signature, both rows report it', async () => {
    const { registry } = e2e.stack
    for (const skipIfSigned of ['false', 'true']) {
      const repository = `twotags-${skipIfSigned}/app`
      const image = await registry.pushImage(repository, { tag: 'v1' })
      const target = await registry.target(repository)
      await putManifest(target, repository, 'latest', image.mediaType, image.manifest)
      const inputs = [`${host}/${repository}:v1`, `${host}/${repository}:latest`]
      const from = calls().length
      const signed = await run({
        command: 'sign verify',
        images: inputs.join('\n'),
        'skip-if-signed': skipIfSigned
      })
      assert.equal(signed.code, 0, brief(signed))
      assert.equal(callsOf('sign', ref(image), from).length, 1, `one sign (skip ${skipIfSigned})`)
      assert.equal(callsOf('verify', ref(image), from).length, 1, 'one verify')
      const [signature] = await referrers(image)
      assert.equal((await referrers(image)).length, 1, 'one new signature')
      assert.deepEqual(
        rows(signed).map(r => [r.input, r.reference, r.signed, r.alreadySigned, r.verified]),
        inputs.map(input => [input, ref(image), true, false, true])
      )
      assert.deepEqual(
        rows(signed).map(r => r.signatureDigest),
        [signature, signature]
      )
      // Each row shows the signature (its full digest in the cell's title), and the details list it
      // under each image.
      assert.equal(signed.summary.split(`title="${signature!}"`).length - 1, 2, 'both summary rows')
      assert.equal(signed.summary.split(`signature  ${signature!}`).length - 1, 2, 'both details')

      // A re-run with skip-if-signed: both rows already signed, by that one signature.
      const again = await run({
        command: 'sign',
        images: inputs.join('\n'),
        'skip-if-signed': 'true'
      })
      assert.equal(again.code, 0, brief(again))
      assert.deepEqual(
        rows(again).map(r => [r.input, r.signed, r.alreadySigned, r.signatureDigest]),
        inputs.map(input => [input, false, true, signature])
      )
      assert.deepEqual(await referrers(image), [signature])
    }
  })
})
