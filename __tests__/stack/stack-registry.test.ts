// The stack's registry is real: distribution 2.8 enforcing token auth with JWTs minted by the ACR
// endpoints, behind a TLS proxy where faults can be injected.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { SignJWT, decodeJwt } from 'jose'
import { registryDescribe } from '../support/stack-env.ts'
import { StackServer } from './http.ts'
import { createTestPki, issueCertificate, type TestPki } from './pki.ts'
import { createEntra, type Entra } from './entra.ts'
import { startRegistry, type Registry } from './registry.ts'
import { ACR_TOKEN_USERNAME, REGISTRY_TOKEN_ISSUER, parseScope } from './acr.ts'
import {
  MEDIA_TYPES,
  fetchBlob,
  fetchManifest,
  httpsRequest,
  pushBlob,
  pushImage,
  putManifest,
  sha256Digest,
  type RegistryTarget
} from './images.ts'

test('parseScope splits type, name and actions', () => {
  assert.deepEqual(parseScope('repository:org/app:pull,push'), {
    type: 'repository',
    name: 'org/app',
    actions: ['pull', 'push']
  })
  assert.deepEqual(parseScope('repository(plugin):a:pull'), {
    type: 'repository',
    name: 'a',
    actions: ['pull']
  })
  assert.equal(parseScope('nonsense'), undefined)
})

registryDescribe('registry with ACR token auth', () => {
  let pki: TestPki
  let dir: string
  let entra: Entra
  let entraServer: StackServer
  let registry: Registry
  let clientId: string
  let objectId: string

  const form = (fields: Record<string, string | string[]>): string => {
    const p = new URLSearchParams()
    for (const [k, v] of Object.entries(fields)) for (const x of [v].flat()) p.append(k, x)
    return p.toString()
  }
  const post = (url: string, body: string, headers: Record<string, string> = {}) =>
    httpsRequest(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body,
      ca: pki.ca.pem
    })
  const bearer = (token: string): RegistryTarget => ({
    origin: registry.origin,
    ca: pki.ca.pem,
    authorization: `Bearer ${token}`
  })

  before(async () => {
    pki = await createTestPki()
    dir = await mkdtemp(path.join(os.tmpdir(), 'stack-registry-test-'))
    entra = await createEntra()
    entraServer = new StackServer({
      name: 'entra',
      tls: { key: pki.server.keyPem, cert: pki.server.pem },
      routes: entra.routes
    })
    await entraServer.listen()
    entra.bindUrl(entraServer.origin)
    const app = entra.addApplication({ secret: 's3cret' })
    clientId = app.clientId
    objectId = app.objectId
    registry = await startRegistry({
      ca: pki.ca,
      tls: { key: pki.server.keyPem, cert: pki.server.pem },
      dir,
      verifyEntraToken: async (header, audience) => {
        const v = await entra.verifyAccessToken(header, audience)
        return v && { subject: v.subject, clientId: v.clientId, tenantId: v.tenantId }
      }
    })
  })

  after(async () => {
    await registry?.stop()
    await entraServer?.close()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  test('an anonymous request gets the ACR-style challenge pointing at the proxy origin', async () => {
    const res = await httpsRequest(`${registry.origin}/v2/`, { ca: pki.ca.pem })
    assert.equal(res.status, 401)
    assert.equal(
      res.headers['www-authenticate'],
      `Bearer realm="${registry.origin}/oauth2/token",service="${registry.host}"`
    )
    const push = await httpsRequest(`${registry.origin}/v2/app/blobs/uploads/`, {
      method: 'POST',
      ca: pki.ca.pem
    })
    assert.equal(push.status, 401)
    assert.match(
      String(push.headers['www-authenticate']),
      /scope="repository:app:(pull,push|push,pull)"/
    )
  })

  test('push and pull an OCI image and a Docker image with a valid token', async () => {
    const token = await registry.token(['repository:app:pull,push'])
    for (const format of ['oci', 'docker'] as const) {
      const image = await pushImage(bearer(token), 'app', { format, tag: `v1-${format}` })
      assert.equal(image.digest, sha256Digest(image.manifest))
      const head = await fetchManifest(bearer(token), 'app', `v1-${format}`, 'HEAD')
      assert.equal(head.status, 200)
      assert.equal(head.digest, image.digest)
      assert.equal(head.mediaType, MEDIA_TYPES[format].manifest)
      const got = await fetchManifest(bearer(token), 'app', image.digest)
      assert.equal(got.status, 200)
      assert.deepEqual(got.body, image.manifest)
      const config = await fetchBlob(bearer(token), 'app', image.blobs[0] ?? '')
      assert.equal(config.status, 200)
      assert.deepEqual(config.body, image.config)
    }
  })

  test('push and pull an image index of two platforms', async () => {
    const index = await registry.pushIndex('multi', { tag: 'v1' })
    assert.equal(index.manifests.length, 2)
    const target = await registry.target('multi')
    const got = await fetchManifest(target, 'multi', 'v1')
    assert.equal(got.status, 200)
    assert.equal(got.digest, index.digest)
    assert.equal(got.mediaType, MEDIA_TYPES.oci.index)
    const parsed = JSON.parse(got.body.toString()) as { manifests: { digest: string }[] }
    assert.deepEqual(
      parsed.manifests.map(m => m.digest),
      index.manifests.map(m => m.digest)
    )
    for (const m of index.manifests) {
      assert.equal((await fetchManifest(target, 'multi', m.digest, 'HEAD')).status, 200)
    }
  })

  test('a token for another repository is refused with insufficient_scope', async () => {
    await registry.pushImage('secret-repo', { tag: 'v1' })
    const other = await registry.token(['repository:other:pull,push'])
    const res = await httpsRequest(`${registry.origin}/v2/secret-repo/manifests/v1`, {
      headers: { authorization: `Bearer ${other}` },
      ca: pki.ca.pem
    })
    assert.equal(res.status, 401)
    assert.match(String(res.headers['www-authenticate']), /error="insufficient_scope"/)
    const pull = await registry.token(['repository:secret-repo:pull'])
    assert.equal((await fetchManifest(bearer(pull), 'secret-repo', 'v1')).status, 200)
    await assert.rejects(pushImage(bearer(pull), 'secret-repo', { tag: 'v2' }), /HTTP 401/)
  })

  test('an expired registry token is refused with invalid_token', async () => {
    await registry.pushImage('app', { tag: 'fresh' })
    const expired = await registry.token(['repository:app:pull'], undefined, -3600)
    assert.ok(Number(decodeJwt(expired).exp) < Date.now() / 1000)
    const res = await httpsRequest(`${registry.origin}/v2/app/manifests/fresh`, {
      headers: { authorization: `Bearer ${expired}` },
      ca: pki.ca.pem
    })
    assert.equal(res.status, 401)
    assert.match(String(res.headers['www-authenticate']), /error="invalid_token"/)
  })

  test('a token signed by a key outside rootcertbundle is refused', async () => {
    const rogue = await issueCertificate({
      subject: 'CN=rogue signer',
      key: { kty: 'EC', crv: 'P-256' }
    })
    const now = Math.floor(Date.now() / 1000)
    const forged = await new SignJWT({
      iss: REGISTRY_TOKEN_ISSUER,
      sub: 'x',
      aud: registry.host,
      exp: now + 300,
      nbf: now,
      iat: now,
      jti: 'forged',
      access: [{ type: 'repository', name: 'app', actions: ['pull'] }]
    })
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT', x5c: [rogue.der.toString('base64')] })
      .sign(rogue.privateKey)
    const res = await fetchManifest(bearer(forged), 'app', 'fresh')
    assert.equal(res.status, 401)
  })

  test('exchange → refresh token → access token, then the registry accepts it', async () => {
    const aad = await entra.issueAccessToken({
      clientId,
      resource: 'https://containerregistry.azure.net'
    })
    const ex = await post(
      `${registry.origin}/oauth2/exchange`,
      form({
        grant_type: 'access_token',
        service: registry.host,
        tenant: entra.tenantId,
        access_token: aad
      })
    )
    assert.equal(ex.status, 200, ex.body.toString())
    const refresh = (JSON.parse(ex.body.toString()) as { refresh_token: string }).refresh_token
    assert.ok(Number(decodeJwt(refresh).exp) > Date.now() / 1000)

    const tok = await post(
      `${registry.origin}/oauth2/token`,
      form({
        grant_type: 'refresh_token',
        service: registry.host,
        scope: 'repository:flow:pull,push',
        refresh_token: refresh
      })
    )
    assert.equal(tok.status, 200, tok.body.toString())
    const access = (JSON.parse(tok.body.toString()) as { access_token: string }).access_token
    const claims = decodeJwt(access)
    assert.equal(claims.aud, registry.host)
    assert.equal(claims.sub, objectId)
    const image = await pushImage(bearer(access), 'flow', { tag: 'v1' })
    assert.equal((await fetchManifest(bearer(access), 'flow', image.digest, 'HEAD')).status, 200)

    // The same refresh token as a password: POST grant_type=password and GET with Basic auth.
    const pw = await post(
      `${registry.origin}/oauth2/token`,
      form({
        grant_type: 'password',
        service: registry.host,
        scope: 'repository:flow:pull',
        username: ACR_TOKEN_USERNAME,
        password: refresh,
        client_id: 'notation'
      })
    )
    assert.equal(pw.status, 200)
    const basic = Buffer.from(`${ACR_TOKEN_USERNAME}:${refresh}`).toString('base64')
    const get = await httpsRequest(
      `${registry.origin}/oauth2/token?service=${encodeURIComponent(registry.host)}&scope=repository:flow:pull&scope=repository:other:pull`,
      { headers: { authorization: `Basic ${basic}` }, ca: pki.ca.pem }
    )
    assert.equal(get.status, 200)
    const body = JSON.parse(get.body.toString()) as { token: string; access_token: string }
    assert.equal(body.token, body.access_token)
    assert.equal((await fetchManifest(bearer(body.token), 'flow', 'v1', 'HEAD')).status, 200)
    assert.equal(
      (decodeJwt(body.token).access as unknown[]).length,
      2,
      'both scope parameters are honoured'
    )
  })

  test('the exchange refuses tokens for another audience, and bad refresh tokens', async () => {
    const vaultToken = await entra.issueAccessToken({
      clientId,
      resource: 'https://vault.azure.net'
    })
    const ex = await post(
      `${registry.origin}/oauth2/exchange`,
      form({ grant_type: 'access_token', service: registry.host, access_token: vaultToken })
    )
    assert.equal(ex.status, 401)
    const err = JSON.parse(ex.body.toString()) as { errors: { code: string }[] }
    assert.equal(err.errors[0]?.code, 'UNAUTHORIZED')

    const tok = await post(
      `${registry.origin}/oauth2/token`,
      form({
        grant_type: 'refresh_token',
        service: registry.host,
        scope: 'repository:app:pull',
        refresh_token: 'not-a-token'
      })
    )
    assert.equal(tok.status, 401)
    const basic = Buffer.from(`${ACR_TOKEN_USERNAME}:wrong`).toString('base64')
    const get = await httpsRequest(
      `${registry.origin}/oauth2/token?service=${encodeURIComponent(registry.host)}&scope=repository:app:pull`,
      { headers: { authorization: `Basic ${basic}` }, ca: pki.ca.pem }
    )
    assert.equal(get.status, 401)
  })

  test('restrict() limits an identity to some repositories', async () => {
    await registry.pushImage('allowed', { tag: 'v1' })
    await registry.pushImage('forbidden', { tag: 'v1' })
    registry.restrict(clientId, ['allowed'])
    try {
      const { password } = await registry.credentials({ subject: objectId, clientId })
      const tok = await post(
        `${registry.origin}/oauth2/token`,
        form({
          grant_type: 'refresh_token',
          service: registry.host,
          scope: 'repository:allowed:pull repository:forbidden:pull',
          refresh_token: password
        })
      )
      assert.equal(tok.status, 200)
      const access = (JSON.parse(tok.body.toString()) as { access_token: string }).access_token
      assert.deepEqual(decodeJwt(access).access, [
        { type: 'repository', name: 'allowed', actions: ['pull'] },
        { type: 'repository', name: 'forbidden', actions: [] }
      ])
      assert.equal((await fetchManifest(bearer(access), 'allowed', 'v1')).status, 200)
      assert.equal((await fetchManifest(bearer(access), 'forbidden', 'v1')).status, 401)
    } finally {
      registry.acr.unrestrict(clientId)
    }
  })

  test('faults on registry and ACR routes', async () => {
    const image = await registry.pushImage('faulty', { tag: 'v1' })
    const target = await registry.target('faulty')
    const server = registry.server
    const before = server.callCount('registry.manifests')
    server.inject({ route: 'registry.manifests', kind: 'status', status: 503, calls: [before + 1] })
    assert.equal((await fetchManifest(target, 'faulty', 'v1')).status, 503)
    assert.equal((await fetchManifest(target, 'faulty', 'v1')).status, 200)

    const layer = image.blobs[1] ?? ''
    const blobCalls = server.callCount('registry.blobs')
    server.inject({ route: 'registry.blobs', kind: 'truncate', calls: [blobCalls + 1] })
    await assert.rejects(fetchBlob(target, 'faulty', layer))
    const whole = await fetchBlob(target, 'faulty', layer)
    assert.equal(sha256Digest(whole.body), layer)

    const tokenCalls = server.callCount('acr.token')
    server.inject({
      route: 'acr.token',
      kind: 'status',
      status: 429,
      retryAfter: '1',
      calls: [tokenCalls + 1]
    })
    const res = await httpsRequest(
      `${registry.origin}/oauth2/token?service=${encodeURIComponent(registry.host)}`,
      { ca: pki.ca.pem }
    )
    assert.equal(res.status, 429)
    assert.equal(res.headers['retry-after'], '1')
    server.clearFaults()
    const faulted = server.calls.filter(c => c.fault !== undefined).map(c => c.route)
    assert.deepEqual(faulted, ['registry.manifests', 'registry.blobs', 'acr.token'])
  })

  test('a notation-style signature (subject, tag schema index) round-trips; no referrers API', async () => {
    const image = await registry.pushImage('signed', { tag: 'v1' })
    const target = await registry.target('signed')
    const envelope = Buffer.from('{"payload":"e30","protected":"e30","signature":"AA"}')
    const config = Buffer.from('{}')
    await pushBlob(target, 'signed', envelope)
    await pushBlob(target, 'signed', config)
    const signature = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MEDIA_TYPES.oci.manifest,
        config: {
          mediaType: 'application/vnd.cncf.notary.signature',
          digest: sha256Digest(config),
          size: config.length
        },
        layers: [
          {
            mediaType: 'application/jose+json',
            digest: sha256Digest(envelope),
            size: envelope.length
          }
        ],
        subject: { mediaType: image.mediaType, digest: image.digest, size: image.size },
        annotations: { 'io.cncf.notary.x509chain.thumbprint#S256': '["00"]' }
      })
    )
    const sigDigest = await putManifest(
      target,
      'signed',
      sha256Digest(signature),
      MEDIA_TYPES.oci.manifest,
      signature
    )
    const referrers = await httpsRequest(`${registry.origin}/v2/signed/referrers/${image.digest}`, {
      headers: { authorization: target.authorization ?? '' },
      ca: pki.ca.pem
    })
    assert.equal(referrers.status, 404, 'distribution 2.8 has no referrers API')
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MEDIA_TYPES.oci.index,
        manifests: [
          {
            mediaType: MEDIA_TYPES.oci.manifest,
            digest: sigDigest,
            size: signature.length,
            artifactType: 'application/vnd.cncf.notary.signature'
          }
        ]
      })
    )
    const tag = image.digest.replace(':', '-')
    await putManifest(target, 'signed', tag, MEDIA_TYPES.oci.index, index)
    const got = await fetchManifest(target, 'signed', tag)
    assert.equal(got.status, 200)
    assert.deepEqual(got.body, index)
    assert.deepEqual((await fetchManifest(target, 'signed', sigDigest)).body, signature)
  })

  test("the registry's own log goes to its file, not to the test output", async () => {
    const log = await readFile(registry.logFile, 'utf8')
    assert.match(log, /response completed/)
    assert.ok(registry.pid !== undefined)
  })
})
