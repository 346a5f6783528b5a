// GitHub OIDC and Entra stand-ins, driven by the real clients: @actions/core's getIDToken and
// @azure/identity's ClientAssertionCredential / ClientSecretCredential.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import tls from 'node:tls'
import * as core from '@actions/core'
import { ClientAssertionCredential, ClientSecretCredential } from '@azure/identity'
import { decodeJwt } from 'jose'
import { StackServer } from './http.ts'
import { createTestPki, type TestPki } from './pki.ts'
import { createGithubOidc, GITHUB_ISSUER, type GithubOidc } from './oidc.ts'
import { createEntra, EXCHANGE_AUDIENCE, type Application, type Entra } from './entra.ts'
import { httpsRequest } from './images.ts'

const SUBJECT = 'repo:octo-org/octo-repo:ref:refs/heads/main'
const VAULT_SCOPE = 'https://vault.azure.net/.default'

describe('GitHub OIDC and Entra stand-ins', () => {
  let pki: TestPki
  let oidc: GithubOidc
  let entra: Entra
  let oidcServer: StackServer
  let entraServer: StackServer
  let app: Application
  const savedEnv = { ...process.env }
  const savedCas = tls.getCACertificates('default')

  // The request core.getIDToken makes, without its ::add-mask:: / ::debug:: output.
  const getIdToken = async (audience: string): Promise<string> => {
    const res = await httpsRequest(`${oidc.requestUrl}&audience=${encodeURIComponent(audience)}`, {
      headers: { authorization: `Bearer ${oidc.requestToken}` },
      ca: pki.ca.pem
    })
    assert.equal(res.status, 200)
    return (JSON.parse(res.body.toString()) as { value: string }).value
  }
  const assertionCredential = () =>
    new ClientAssertionCredential(
      entra.tenantId,
      app.clientId,
      () => getIdToken(EXCHANGE_AUDIENCE),
      { authorityHost: entra.authorityHost, disableInstanceDiscovery: true }
    )

  before(async () => {
    pki = await createTestPki()
    tls.setDefaultCACertificates([...savedCas, pki.ca.pem])
    const serverTls = { key: pki.server.keyPem, cert: pki.server.pem }
    oidc = await createGithubOidc({ subject: SUBJECT })
    oidcServer = new StackServer({ name: 'oidc', tls: serverTls, routes: oidc.routes })
    await oidcServer.listen()
    oidc.bindUrl(oidcServer.origin)
    entra = await createEntra()
    entraServer = new StackServer({ name: 'entra', tls: serverTls, routes: entra.routes })
    await entraServer.listen()
    entra.bindUrl(entraServer.origin)
    entra.trustIssuer(oidc.issuer, token => oidc.verify(token))
    app = entra.addApplication({
      secret: 'client-secret-value',
      federatedCredentials: [{ issuer: GITHUB_ISSUER, subject: SUBJECT }]
    })
    process.env.ACTIONS_ID_TOKEN_REQUEST_URL = oidc.requestUrl
    process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = oidc.requestToken
  })

  after(async () => {
    process.env = savedEnv
    tls.setDefaultCACertificates(savedCas)
    await oidcServer?.close()
    await entraServer?.close()
  })

  test('getIDToken gets a GitHub-shaped token for the requested audience', async () => {
    const token = await core.getIDToken(EXCHANGE_AUDIENCE)
    const claims = await oidc.verify(token)
    assert.equal(claims.iss, GITHUB_ISSUER)
    assert.equal(claims.sub, SUBJECT)
    assert.equal(claims.aud, EXCHANGE_AUDIENCE)
    assert.ok(typeof claims.jti === 'string' && claims.jti.length > 0)
    const ttl = Number(claims.exp) - Number(claims.iat)
    assert.ok(ttl > 0 && ttl <= 600, `lifetime ${ttl}s`)
    const call = oidcServer.calls.find(c => c.route === 'oidc.token')
    assert.match(
      call?.query ?? '',
      /^\?api-version=2\.0&audience=api%3A%2F%2FAzureADTokenExchange$/
    )
  })

  test('a wrong request token is refused with 401', async () => {
    const res = await httpsRequest(`${oidc.requestUrl}&audience=x`, {
      headers: { authorization: 'Bearer wrong' },
      ca: pki.ca.pem
    })
    assert.equal(res.status, 401)
    const none = await httpsRequest(`${oidc.requestUrl}&audience=x`, { ca: pki.ca.pem })
    assert.equal(none.status, 401)
  })

  test('ClientAssertionCredential gets a Key Vault token with an assertion from the OIDC endpoint', async () => {
    const issuedBefore = oidc.issued
    const token = await assertionCredential().getToken(VAULT_SCOPE)
    assert.ok(oidc.issued > issuedBefore, 'the assertion came from the OIDC endpoint')
    const claims = decodeJwt(token.token)
    assert.equal(claims.aud, 'https://vault.azure.net')
    assert.equal(claims.tid, entra.tenantId)
    assert.equal(claims.appid, app.clientId)
    assert.equal(claims.oid, app.objectId)
    assert.ok(token.expiresOnTimestamp > Date.now())
    const verified = await entra.verifyAccessToken(
      `Bearer ${token.token}`,
      'https://vault.azure.net'
    )
    assert.equal(verified?.subject, app.objectId)
    assert.equal(
      await entra.verifyAccessToken(`Bearer ${token.token}`, 'https://containerregistry.azure.net'),
      undefined,
      'another audience is refused'
    )
    assert.equal(await entra.verifyAccessToken(undefined, 'https://vault.azure.net'), undefined)
  })

  test('a wrong subject is refused with AADSTS70021 naming issuer, subject and audience', async () => {
    const wrong = 'repo:octo-org/octo-repo:ref:refs/heads/feature'
    oidc.subject = wrong
    try {
      await assert.rejects(assertionCredential().getToken(VAULT_SCOPE), (error: Error) => {
        assert.match(error.message, /AADSTS70021: No matching federated identity record found/)
        assert.ok(error.message.includes(`Assertion Issuer: '${GITHUB_ISSUER}'`))
        assert.ok(error.message.includes(`Assertion Subject: '${wrong}'`))
        assert.ok(error.message.includes(`Assertion Audience: '${EXCHANGE_AUDIENCE}'`))
        return true
      })
    } finally {
      oidc.subject = SUBJECT
    }
    const res = entraServer.calls.filter(c => c.route === 'entra.token').at(-1)
    assert.equal(res?.status, 400)
  })

  test('an expired assertion is refused with AADSTS700024', async () => {
    const now = Math.floor(Date.now() / 1000)
    const stale = await oidc.issueToken({ aud: EXCHANGE_AUDIENCE, iat: now - 900, exp: now - 600 })
    const credential = new ClientAssertionCredential(
      entra.tenantId,
      app.clientId,
      async () => stale,
      { authorityHost: entra.authorityHost, disableInstanceDiscovery: true }
    )
    await assert.rejects(credential.getToken(VAULT_SCOPE), /AADSTS700024/)
  })

  test('ClientSecretCredential: the configured secret works, another is refused', async () => {
    const ok = new ClientSecretCredential(entra.tenantId, app.clientId, 'client-secret-value', {
      authorityHost: entra.authorityHost,
      disableInstanceDiscovery: true
    })
    const token = await ok.getToken('https://containerregistry.azure.net/.default')
    assert.equal(decodeJwt(token.token).aud, 'https://containerregistry.azure.net')
    const bad = new ClientSecretCredential(entra.tenantId, app.clientId, 'nope', {
      authorityHost: entra.authorityHost,
      disableInstanceDiscovery: true
    })
    await assert.rejects(bad.getToken(VAULT_SCOPE), /AADSTS7000215/)
    const unknown = new ClientSecretCredential(entra.tenantId, 'no-such-app', 'nope', {
      authorityHost: entra.authorityHost,
      disableInstanceDiscovery: true
    })
    await assert.rejects(unknown.getToken(VAULT_SCOPE), /AADSTS700016/)
  })

  test('a fault injected on the token endpoint reaches the client, then clears', async () => {
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: app.clientId,
      client_secret: 'client-secret-value',
      scope: VAULT_SCOPE
    }).toString()
    const url = `${entra.authorityHost}/${entra.tenantId}/oauth2/v2.0/token`
    const send = () =>
      httpsRequest(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form,
        ca: pki.ca.pem
      })
    const next = entraServer.callCount('entra.token') + 1
    entraServer.inject({
      route: 'entra.token',
      kind: 'status',
      status: 503,
      retryAfter: '2',
      calls: [next]
    })
    const first = await send()
    assert.equal(first.status, 503)
    assert.equal(first.headers['retry-after'], '2')
    const second = await send()
    assert.equal(second.status, 200)
    assert.ok((JSON.parse(second.body.toString()) as { access_token?: string }).access_token)
    entraServer.clearFaults()
  })
})
