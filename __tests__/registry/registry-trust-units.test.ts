// Issue 11, items 1 and 5, in process: which registries count as ACR, where a 401's realm may
// take a credential, redirects of credential requests, and digests from manifest bytes, against
// the hostile servers of stack/hostile.ts. End to end: registry-trust.test.ts.
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import tls from 'node:tls'
import { after, before, describe, test } from 'node:test'
import { httpRequest } from '../../src/util/http.ts'
import { parseReference } from '../../src/registry/reference.ts'
import { checkRealm, isAcrRegistry, RegistryClient } from '../../src/registry/registry.ts'
import { fakeManifest, startHostileRegistry, startTokenServer } from '../stack/hostile.ts'
import { startStack, type Stack } from '../stack/stack.ts'

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
const sha256 = (text: string | Buffer): string =>
  `sha256:${createHash('sha256').update(text).digest('hex')}`
const retry = { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 }

describe('which registries are ACR, and where a credential may go', () => {
  test('ACR: login servers under the ACR domains of Azure clouds, or listed', () => {
    for (const host of ['myacr.azurecr.io', 'MyAcr.AzureCR.io', 'a.azurecr.cn', 'b.azurecr.us:443'])
      assert.ok(isAcrRegistry(host, []), host)
    for (const host of [
      'azurecr.io',
      'myacr.azurecr.io.evil.example',
      'evilazurecr.io',
      'ghcr.io',
      '127.0.0.1:5000'
    ])
      assert.ok(!isAcrRegistry(host, []), host)
    assert.ok(isAcrRegistry('127.0.0.1:5000', ['127.0.0.1:5000']))
    assert.ok(isAcrRegistry('Registry.Example', ['registry.example']))
    assert.ok(!isAcrRegistry('127.0.0.1:5001', ['127.0.0.1:5000']))
  })

  test('an ACR token realm: HTTPS on the registry host; Basic: HTTPS anywhere; HTTP on loopback only', () => {
    const ok = (registry: string, realm: string, rule: 'own-host' | 'https') =>
      assert.doesNotThrow(() => checkRealm(registry, realm, rule, 'x'), `${rule} ${realm}`)
    const refused = (registry: string, realm: string, rule: 'own-host' | 'https', why: RegExp) =>
      assert.throws(() => checkRealm(registry, realm, rule, 'x'), why, `${rule} ${realm}`)
    ok('myacr.azurecr.io', 'https://myacr.azurecr.io/oauth2/token', 'own-host')
    ok('myacr.azurecr.io', 'https://MYACR.azurecr.io:443/oauth2/token', 'own-host')
    ok('localhost:5000', 'http://localhost:5000/oauth2/token', 'own-host')
    ok('127.0.0.1:5000', 'http://127.0.0.1:5000/token', 'own-host')
    refused('myacr.azurecr.io', 'http://myacr.azurecr.io/oauth2/token', 'own-host', /not an HTTPS/)
    refused('myacr.azurecr.io', 'https://evil.example/oauth2/token', 'own-host', /own host/)
    refused('myacr.azurecr.io', 'https://myacr.azurecr.io:8443/t', 'own-host', /own host/)
    refused('127.0.0.1:5000', 'https://127.0.0.1:5001/token', 'own-host', /own host/)
    refused('myacr.azurecr.io', 'not a url', 'own-host', /not an HTTPS URL/)
    refused('r.example', 'https://u:p@r.example/token', 'https', /not an HTTPS URL/)
    ok('registry-1.docker.io', 'https://auth.docker.io/token', 'https')
    ok('127.0.0.1:5000', 'http://127.0.0.1:9999/token', 'https')
    refused('registry.example', 'http://auth.example/token', 'https', /not an HTTPS URL/)
  })
})

describe('against hostile servers', () => {
  let stack: Stack
  before(async () => {
    stack = await startStack({ registry: false })
    tls.setDefaultCACertificates([...tls.getCACertificates('default'), stack.ca.pem])
  })
  after(() => stack?.stop())

  test('in process: the bytes decide; sha512 when the registry says so; no header is fine', async () => {
    const hostile = await startHostileRegistry(stack, { anonymous: true })
    const manifest = fakeManifest('algorithms')
    const sha512 = `sha512:${createHash('sha512').update(manifest.body).digest('hex')}`
    hostile.serve('app', 'v512', { ...manifest, digestHeader: sha512 })
    hostile.serve('app', 'upper', {
      ...manifest,
      digestHeader: sha256(manifest.body).toUpperCase()
    })
    // Served last, so this is also what the manifest's digest answers with.
    hostile.serve('app', 'bare', { ...manifest, digestHeader: null })
    const client = new RegistryClient(hostile.host, { retry })
    const resolve = (ref: string) => client.resolve(ref, parseReference(ref))
    assert.equal((await resolve(`${hostile.host}/app:v512`)).digest, sha512)
    assert.equal((await resolve(`${hostile.host}/app:bare`)).digest, sha256(manifest.body))
    await assert.rejects(resolve(`${hostile.host}/app:upper`), /malformed Docker-Content-Digest/)
    // The media type as notation derives it (Go's mime.ParseMediaType), since a signature's
    // targetArtifact must match it: parameters dropped, trimmed, lower-cased.
    hostile.serve('app', 'cased', {
      ...fakeManifest('cased'),
      mediaType: ' Application/VND.OCI.Image.Manifest.v1+JSON ; charset=utf-8'
    })
    assert.equal(
      (await resolve(`${hostile.host}/app:cased`)).mediaType,
      'application/vnd.oci.image.manifest.v1+json'
    )
    const byDigest = `${hostile.host}/app@${sha256(manifest.body)}`
    assert.equal((await resolve(byDigest)).digest, sha256(manifest.body))
    // A sha256 reference answered with a (true) sha512 header: each checked in its own algorithm.
    const mixed = fakeManifest('mixed')
    const mixed512 = `sha512:${createHash('sha512').update(mixed.body).digest('hex')}`
    hostile.serve('app', 'mixed', { ...mixed, digestHeader: mixed512 })
    const mixedRef = `${hostile.host}/app@${sha256(mixed.body)}`
    assert.equal((await resolve(mixedRef)).digest, sha256(mixed.body))
    hostile.serve('app', 'lying', { ...fakeManifest('lying'), digestHeader: mixed512 })
    await assert.rejects(
      resolve(`${hostile.host}/app:lying`),
      new RegExp(`sent Docker-Content-Digest ${mixed512} .* hashes to sha512:[0-9a-f]{128};`)
    )
  })

  test('in process: a credential request follows no redirect to another origin', async () => {
    const elsewhere = await startTokenServer(stack, { anonymous: true })
    const hostile = await startHostileRegistry(stack, {
      anonymous: true,
      redirect: { status: 302, to: elsewhere.origin, only: 'token' }
    })
    const url = `${hostile.origin}/oauth2/token`
    await assert.rejects(
      httpRequest('t', url, { headers: { authorization: 'Bearer secret' } }, { retry }),
      new RegExp(`${escape(hostile.origin)} redirected .* to ${escape(elsewhere.origin)}`)
    )
    assert.deepEqual(elsewhere.received, [])
    // Without a credential the redirect is followed as before.
    const plain = await httpRequest('t', url, {}, { retry })
    assert.equal(plain.status, 200)
    assert.equal(elsewhere.received.length, 1)
  })
})
