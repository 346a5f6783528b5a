// The stack's Key Vault, driven by the official SDK clients unchanged apart from options.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import https from 'node:https'
import tls from 'node:tls'
import { X509Certificate, constants, createHash, verify } from 'node:crypto'
import { CertificateClient, type CertificatePolicy } from '@azure/keyvault-certificates'
import { CryptographyClient, KeyClient } from '@azure/keyvault-keys'
import type { TokenCredential } from '@azure/core-auth'
import { StackServer } from './http.ts'
import { createTestPki, x509, type TestPki } from './pki.ts'
import { createKeyVault, type KeyVault } from './keyvault.ts'

const TOKEN = 'stack-keyvault-token'
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47'
const CODE_SIGNING = '1.3.6.1.5.5.7.3.3'
const SUBJECT = 'CN=wabbit-networks.io,O=Notation,L=Seattle,ST=WA,C=US'

const credential: TokenCredential = {
  getToken: async () => ({ token: TOKEN, expiresOnTimestamp: Date.now() + 3600_000 })
}
const clientOptions = {
  disableChallengeResourceVerification: true,
  retryOptions: { maxRetries: 0 }
}

const seedPolicy: CertificatePolicy = {
  issuerName: 'Self',
  subject: SUBJECT,
  keyType: 'RSA',
  keySize: 2048,
  exportable: false,
  reuseKey: true,
  enhancedKeyUsage: [CODE_SIGNING],
  keyUsage: ['digitalSignature'],
  validityInMonths: 12,
  contentType: 'application/x-pem-file'
}

interface RawResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  json: { error?: { code: string; message: string; innererror?: { code: string } } } & Record<
    string,
    unknown
  >
}

let pki: TestPki
let server: StackServer
let vault: KeyVault
let certificates: CertificateClient
let keys: KeyClient

/** A plain HTTPS request to the vault (what the SDK hides: challenge, errors, raw bodies). */
function raw(
  method: string,
  path: string,
  options: { token?: string; body?: unknown } = {}
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const body = options.body === undefined ? undefined : JSON.stringify(options.body)
    const req = https.request(
      `${vault.url}${path}`,
      {
        method,
        ca: pki.ca.pem,
        headers: {
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...(body ? { 'content-type': 'application/json' } : {})
        }
      },
      res => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString()
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            json: text ? (JSON.parse(text) as RawResponse['json']) : {}
          })
        })
      }
    )
    req.on('error', reject)
    req.end(body)
  })
}

function restError(error: unknown): { statusCode: number; code: string; message: string } {
  const e = error as { statusCode?: number; code?: string; message?: string }
  return { statusCode: e.statusCode ?? 0, code: e.code ?? '', message: e.message ?? '' }
}

before(async () => {
  pki = await createTestPki()
  tls.setDefaultCACertificates([...tls.getCACertificates('default'), pki.ca.pem])
  vault = createKeyVault({
    name: 'notationstack',
    tenantId: TENANT,
    authenticate: async header =>
      header === `Bearer ${TOKEN}` ? { subject: 'c0ffee00-0000-4000-8000-000000000001' } : undefined
  })
  server = new StackServer({
    name: 'keyvault',
    routes: vault.routes,
    tls: { key: pki.server.keyPem, cert: pki.server.pem }
  })
  await server.listen()
  vault.bindUrl(server.origin)
  certificates = new CertificateClient(vault.url, credential, clientOptions)
  keys = new KeyClient(vault.url, credential, clientOptions)
})

after(async () => {
  await server.close()
})

describe('challenge authentication', () => {
  it('answers 401 with the Bearer challenge when no token is sent', async () => {
    const res = await raw('GET', '/certificates/any/?api-version=2025-07-01')
    assert.equal(res.status, 401)
    assert.equal(
      res.headers['www-authenticate'],
      `Bearer authorization="https://login.microsoftonline.com/${TENANT}", resource="https://vault.azure.net"`
    )
    assert.equal(res.json.error?.code, 'Unauthorized')
  })

  it('answers 401 with the challenge for a token the authenticate hook rejects', async () => {
    const res = await raw('GET', '/certificates/any/?api-version=2025-07-01', { token: 'forged' })
    assert.equal(res.status, 401)
    assert.match(String(res.headers['www-authenticate']), /^Bearer authorization="/)
  })

  it('requires the api-version, also percent-encoded as the SDK sends it', async () => {
    const missing = await raw('GET', '/certificates/any/', { token: TOKEN })
    assert.equal(missing.status, 400)
    assert.equal(missing.json.error?.code, 'BadParameter')
    const encoded = await raw('GET', '/certificates/any/?api%2Dversion=2025-07-01', {
      token: TOKEN
    })
    assert.equal(encoded.status, 404)
  })

  it('uses a custom authority in the challenge', async () => {
    const other = createKeyVault({
      name: 'other',
      tenantId: 'tenant-x',
      authority: 'https://127.0.0.1:9/',
      authenticate: async () => undefined
    })
    const route = other.routes.find(r => r.name === 'keyvault.certificates.get')
    assert.ok(route?.handler)
    const res = await route.handler({
      method: 'GET',
      url: new URL('https://vault.test/certificates/x/?api-version=1'),
      headers: {},
      body: Buffer.alloc(0),
      params: { name: 'x' },
      raw: undefined as never
    })
    assert.equal(res.status, 401)
    assert.equal(
      res.headers?.['www-authenticate'],
      'Bearer authorization="https://127.0.0.1:9/tenant-x", resource="https://vault.azure.net"'
    )
  })
})

describe('certificates through CertificateClient', () => {
  let firstVersion = ''
  let firstCer: Uint8Array = new Uint8Array()

  it('creates a self-signed certificate with the poller (202, pending inProgress then completed)', async () => {
    const before = server.calls.length
    const poller = await certificates.beginCreateCertificate('signing', seedPolicy, {
      intervalInMs: 10
    })
    const cert = await poller.pollUntilDone()
    assert.ok(cert.cer && cert.properties.version)
    firstVersion = cert.properties.version
    firstCer = cert.cer
    assert.equal(cert.properties.enabled, true)
    assert.equal(cert.properties.id, `${vault.url}/certificates/signing/${firstVersion}`)
    assert.equal(cert.keyId, `${vault.url}/keys/signing/${firstVersion}`)
    assert.equal(cert.secretId, `${vault.url}/secrets/signing/${firstVersion}`)

    const calls = server.calls.slice(before).filter(c => c.authorized)
    const create = calls.find(c => c.route === 'keyvault.certificates.create')
    assert.equal(create?.status, 202)
    const pending = calls.filter(c => c.route === 'keyvault.certificates.pending')
    assert.ok(pending.length >= 2, 'the poller saw the operation in progress first')

    // The certificate notation needs (facts §5).
    const parsed = new x509.X509Certificate(Buffer.from(cert.cer))
    assert.equal(parsed.subject, 'CN=wabbit-networks.io, O=Notation, L=Seattle, ST=WA, C=US')
    const ku = parsed.getExtension(x509.KeyUsagesExtension)
    assert.ok(ku?.critical)
    assert.equal(ku.usages, x509.KeyUsageFlags.digitalSignature)
    assert.deepEqual(
      [...(parsed.getExtension(x509.ExtendedKeyUsageExtension)?.usages ?? [])],
      [CODE_SIGNING]
    )
    assert.equal(parsed.getExtension(x509.BasicConstraintsExtension)?.ca ?? false, false)
    const node = new X509Certificate(Buffer.from(cert.cer))
    assert.ok(node.verify(node.publicKey), 'self-signed')
    assert.equal(node.publicKey.asymmetricKeyDetails?.modulusLength, 2048)
    const months =
      (new Date(node.validTo).getTime() - new Date(node.validFrom).getTime()) / (30 * 86400_000)
    assert.ok(months > 11.9 && months < 12.4, `validity ${months} months`)
    const thumbprint = createHash('sha1').update(cert.cer).digest()
    assert.deepEqual(Buffer.from(cert.properties.x509Thumbprint ?? []), thumbprint)
  })

  it('re-creates a new version that keeps the key (reuse_key) and lists both versions', async () => {
    const poller = await certificates.beginCreateCertificate('signing', seedPolicy, {
      intervalInMs: 10
    })
    const second = await poller.pollUntilDone()
    assert.notEqual(second.properties.version, firstVersion)
    const spki = (der: Uint8Array) =>
      new X509Certificate(Buffer.from(der)).publicKey.export({ type: 'spki', format: 'der' })
    assert.deepEqual(spki(second.cer ?? new Uint8Array()), spki(firstCer))

    const listed: string[] = []
    for await (const item of certificates.listPropertiesOfCertificateVersions('signing')) {
      listed.push(item.version ?? '')
    }
    assert.deepEqual(listed.sort(), [firstVersion, second.properties.version ?? ''].sort())
    assert.deepEqual(
      vault.versions('signing').map(v => v.version),
      [firstVersion, second.properties.version]
    )

    const latest = await certificates.getCertificate('signing')
    assert.equal(latest.properties.version, second.properties.version)
    const old = await certificates.getCertificateVersion('signing', firstVersion)
    assert.deepEqual(Buffer.from(old.cer ?? []), Buffer.from(firstCer))
  })

  it('returns the policy in REST shape that the SDK maps back', async () => {
    const policy = await certificates.getCertificatePolicy('signing')
    assert.equal(policy.subject, SUBJECT)
    assert.equal(policy.issuerName, 'Self')
    assert.equal(policy.keyType, 'RSA')
    assert.equal(policy.keySize, 2048)
    assert.equal(policy.exportable, false)
    assert.equal(policy.reuseKey, true)
    assert.deepEqual(policy.enhancedKeyUsage, [CODE_SIGNING])
    assert.deepEqual(policy.keyUsage, ['digitalSignature'])
    assert.equal(policy.validityInMonths, 12)
    assert.equal(policy.contentType, 'application/x-pem-file')
    assert.equal(policy.lifetimeActions?.[0]?.action, 'AutoRenew')
  })

  it('keeps a create for a non-Self issuer pending with a CSR for the policy subject and key', async () => {
    const path = '/certificates/external/create?api-version=2025-07-01'
    const created = await raw('POST', path, {
      token: TOKEN,
      body: {
        policy: {
          key_props: { kty: 'EC', crv: 'P-384', exportable: false, reuse_key: false },
          x509_props: { subject: SUBJECT, ekus: [CODE_SIGNING], key_usage: ['digitalSignature'] },
          issuer: { name: 'Unknown' }
        }
      }
    })
    assert.equal(created.status, 202)
    assert.equal(created.json.id, `${vault.url}/certificates/external/pending`)
    assert.equal(created.json.status, 'inProgress')
    const csr = new x509.Pkcs10CertificateRequest(Buffer.from(String(created.json.csr), 'base64'))
    assert.equal(csr.subject, 'CN=wabbit-networks.io, O=Notation, L=Seattle, ST=WA, C=US')
    assert.ok(await csr.verify())
    for (let i = 0; i < 3; i++) {
      const op = await raw('GET', '/certificates/external/pending?api-version=2025-07-01', {
        token: TOKEN
      })
      assert.equal(op.json.status, 'inProgress')
      assert.equal(op.json.request_id, created.json.request_id)
    }
    assert.deepEqual(vault.versions('external'), [])
  })

  it('answers 404 CertificateNotFound naming the certificate', async () => {
    await assert.rejects(certificates.getCertificate('no-such-cert'), error => {
      const e = restError(error)
      assert.equal(e.statusCode, 404)
      assert.equal(e.code, 'CertificateNotFound')
      assert.match(e.message, /A certificate with \(name\/id\) no-such-cert was not found/)
      return true
    })
  })

  it('shows a disabled version as enabled: false', async () => {
    const seeded = await vault.seedSelfSigned('toggled', { subject: SUBJECT })
    vault.setEnabled('toggled', seeded.version, false)
    const cert = await certificates.getCertificateVersion('toggled', seeded.version)
    assert.equal(cert.properties.enabled, false)
    const sign = await raw('POST', `/keys/toggled/${seeded.version}/sign?api-version=2025-07-01`, {
      token: TOKEN,
      body: { alg: 'PS256', value: Buffer.alloc(32).toString('base64url') }
    })
    assert.equal(sign.status, 403)
    assert.equal(sign.json.error?.innererror?.code, 'KeyDisabled')
  })
})

describe('keys through KeyClient and CryptographyClient', () => {
  const data = Buffer.from('the payload notation signs')

  it('returns the certificate key as a JWK and signs PS256 with RSA 2048', async () => {
    const cert = await certificates.getCertificate('signing')
    const key = await keys.getKey('signing')
    assert.equal(key.keyType, 'RSA')
    assert.equal(key.id, cert.keyId)
    assert.ok(key.keyOperations?.includes('sign'))
    const publicKey = new X509Certificate(Buffer.from(cert.cer ?? [])).publicKey
    const jwk = publicKey.export({ format: 'jwk' })
    assert.equal(Buffer.from(key.key?.n ?? []).toString('base64url'), jwk.n)

    const crypto = new CryptographyClient(cert.keyId ?? '', credential, clientOptions)
    const digest = createHash('sha256').update(data).digest()
    const result = await crypto.sign('PS256', digest)
    assert.equal(result.keyID, cert.keyId)
    assert.ok(
      verify(
        'sha256',
        data,
        { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
        Buffer.from(result.result)
      )
    )
    assert.equal(vault.signs.at(-1)?.alg, 'PS256')
  })

  it('creates an EC P-256 certificate and signs ES256 in IEEE P1363 form', async () => {
    const ecPolicy: CertificatePolicy = { ...seedPolicy, keyType: 'EC', keyCurveName: 'P-256' }
    delete ecPolicy.keySize
    const poller = await certificates.beginCreateCertificate('ec-signing', ecPolicy, {
      intervalInMs: 10
    })
    const cert = await poller.pollUntilDone()
    const publicKey = new X509Certificate(Buffer.from(cert.cer ?? [])).publicKey
    assert.equal(publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1')
    const crypto = new CryptographyClient(cert.keyId ?? '', credential, clientOptions)
    const result = await crypto.sign('ES256', createHash('sha256').update(data).digest())
    assert.equal(result.result.length, 64)
    assert.ok(
      verify(
        'sha256',
        data,
        { key: publicKey, dsaEncoding: 'ieee-p1363' },
        Buffer.from(result.result)
      )
    )
  })

  it('signs through a versionless key id with the latest version', async () => {
    const cert = await certificates.getCertificate('signing')
    const crypto = new CryptographyClient(`${vault.url}/keys/signing`, credential, clientOptions)
    const digest = createHash('sha256').update(data).digest()
    const result = await crypto.sign('PS256', digest)
    assert.equal(result.keyID, cert.keyId)
    const publicKey = new X509Certificate(Buffer.from(cert.cer ?? [])).publicKey
    const pss = { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }
    assert.ok(verify('sha256', data, pss, Buffer.from(result.result)))
  })

  it('rejects a digest whose length does not match the algorithm (400 BadParameter)', async () => {
    const cert = await certificates.getCertificate('signing')
    const crypto = new CryptographyClient(cert.keyId ?? '', credential, clientOptions)
    await assert.rejects(crypto.sign('PS384', Buffer.alloc(32)), error => {
      const e = restError(error)
      assert.equal(e.statusCode, 400)
      assert.equal(e.code, 'BadParameter')
      assert.match(e.message, /PS384 requires 48 bytes/)
      return true
    })
  })

  it("answers 403 naming the permission after deny('keys/sign'), in both permission models", async () => {
    const cert = await certificates.getCertificate('signing')
    const crypto = new CryptographyClient(cert.keyId ?? '', credential, clientOptions)
    const digest = createHash('sha256').update(data).digest()
    vault.deny('keys/sign')
    try {
      await assert.rejects(crypto.sign('PS256', digest), error => {
        const e = restError(error)
        assert.equal(e.statusCode, 403)
        assert.equal(e.code, 'Forbidden')
        assert.match(e.message, /does not have keys sign permission on key vault 'notationstack;/)
        return true
      })
      vault.setPermissionModel('rbac')
      const res = await raw(
        'POST',
        `/keys/signing/${cert.properties.version}/sign?api-version=7.6`,
        {
          token: TOKEN,
          body: { alg: 'PS256', value: digest.toString('base64url') }
        }
      )
      assert.equal(res.status, 403)
      assert.equal(res.json.error?.innererror?.code, 'ForbiddenByRbac')
      assert.match(
        res.json.error?.message ?? '',
        /Action: 'Microsoft.KeyVault\/vaults\/keys\/sign\/action'/
      )
    } finally {
      vault.allow('keys/sign')
      vault.setPermissionModel('accessPolicy')
    }
    const ok = await crypto.sign('PS256', digest)
    assert.equal(ok.keyID, cert.keyId)
  })
})

describe('secrets and CA-issued chains', () => {
  it('returns the chain as PEM without the key for a non-exportable CA-issued certificate', async () => {
    const seeded = await vault.seedCaIssued('ca-signed', { subject: SUBJECT })
    assert.equal(seeded.chain.length, 3)
    assert.ok(seeded.intermediate)
    const leaf = new X509Certificate(seeded.leaf.der)
    assert.ok(leaf.verify(new X509Certificate(seeded.intermediate.der).publicKey))
    assert.ok(
      new X509Certificate(seeded.intermediate.der).verify(
        new X509Certificate(seeded.root.der).publicKey
      )
    )

    const res = await raw('GET', `/secrets/ca-signed/?api-version=2025-07-01`, { token: TOKEN })
    assert.equal(res.status, 200)
    assert.equal(res.json.contentType, 'application/x-pem-file')
    assert.equal(res.json.kid, seeded.kid)
    const value = String(res.json.value)
    assert.doesNotMatch(value, /PRIVATE KEY/)
    const pems = value.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []
    assert.deepEqual(
      pems.map(p => new X509Certificate(p).fingerprint256),
      seeded.chain.map(c => new X509Certificate(c.der).fingerprint256)
    )
    const cert = await certificates.getCertificate('ca-signed')
    const policy = await certificates.getCertificatePolicy('ca-signed')
    assert.equal(policy.issuerName, 'Unknown')
    assert.deepEqual(Buffer.from(cert.cer ?? []), seeded.leaf.der)
  })

  it('returns a PKCS#12 with a valid MAC and the key for an exportable certificate', async () => {
    const seeded = await vault.seedSelfSigned('pfx', {
      subject: SUBJECT,
      key: { kty: 'EC', crv: 'P-384' },
      exportable: true,
      contentType: 'application/x-pkcs12'
    })
    const res = await raw('GET', `/secrets/pfx/${seeded.version}?api-version=2025-07-01`, {
      token: TOKEN
    })
    assert.equal(res.json.contentType, 'application/x-pkcs12')
    const pfx = Buffer.from(String(res.json.value), 'base64')
    // OpenSSL checks the MAC under the empty password and that the key matches the certificate.
    assert.doesNotThrow(() => tls.createSecureContext({ pfx, passphrase: '' }))
    assert.throws(() => tls.createSecureContext({ pfx, passphrase: 'wrong' }))
  })

  it('leaves the key out of a non-exportable PKCS#12', async () => {
    const seeded = await vault.seedSelfSigned('pfx-nokey', {
      subject: SUBJECT,
      contentType: 'application/x-pkcs12'
    })
    const res = await raw('GET', `/secrets/pfx-nokey/?api-version=2025-07-01`, { token: TOKEN })
    const pfx = Buffer.from(String(res.json.value), 'base64')
    assert.ok(pfx.includes(seeded.leaf.der))
    const pkcs8 = seeded.leaf.privateKey.export({ format: 'der', type: 'pkcs8' })
    assert.ok(!pfx.includes(pkcs8.subarray(pkcs8.length - 64)))
  })

  it("answers 403 for secrets after deny('secrets/get') and 404 SecretNotFound for unknown names", async () => {
    vault.deny('secrets/get')
    try {
      const res = await raw('GET', `/secrets/ca-signed/?api-version=2025-07-01`, { token: TOKEN })
      assert.equal(res.status, 403)
      assert.match(res.json.error?.message ?? '', /does not have secrets get permission/)
      assert.equal(res.json.error?.innererror?.code, 'ForbiddenByPolicy')
    } finally {
      vault.allow('secrets/get')
    }
    const missing = await raw('GET', `/secrets/nope/?api-version=2025-07-01`, { token: TOKEN })
    assert.equal(missing.status, 404)
    assert.equal(missing.json.error?.code, 'SecretNotFound')
  })

  it('adds a CA-issued version from the same CAs', async () => {
    const next = await vault.addVersion('ca-signed')
    const versions = vault.versions('ca-signed')
    assert.equal(versions.length, 2)
    assert.equal(next.root.pem, versions[0]?.chain.at(-1)?.pem)
    assert.equal(versions[1]?.version, next.version)
  })
})
