// Issue 4 in-process: Azure identity, the Key Vault certificate, ACR access and digests, against the
// local stack with the real Azure SDKs.
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import tls from 'node:tls'
import { after, before, describe, test } from 'node:test'
import {
  acrAccessToken,
  chooseCredential,
  createAzureIdentity,
  type AzureIdentity
} from '../../src/azure/azure.ts'
import { resolveSigningCertificate } from '../../src/azure/keyvault.ts'
import { preflight } from '../../src/inputs/preflight.ts'
import {
  ACR_REFRESH_TOKEN_USERNAME,
  RegistryClient,
  exchangeAcrRefreshToken
} from '../../src/registry/registry.ts'
import { parseReference } from '../../src/registry/reference.ts'
import type { Inputs } from '../../src/inputs/inputs.ts'
import { checkNotaryDN } from '../../src/trust/distinguished-name.ts'

const subjectAttributes = (dn: string) => checkNotaryDN(dn).attributes
import { startStack, type Stack } from '../stack/stack.ts'
import { captureOutput } from '../support/capture.ts'
import { registryDescribe } from '../support/stack-env.ts'
import { defaultInputs } from '../support/inputs.ts'

const fastRetry = { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 }

function keyVaultInputs(
  stack: Stack,
  overrides: Partial<Inputs['keyVault']> = {}
): Inputs['keyVault'] {
  return { ...defaultInputs().keyVault, vaultUrl: stack.keyVault.url, ...overrides }
}

let stack: Stack
let workspace: string
const savedEnv = { ...process.env }

async function oidcIdentity(): Promise<AzureIdentity> {
  return createAzureIdentity({
    credential: 'oidc',
    clientId: stack.clientId,
    tenantId: stack.tenantId,
    authorityHost: stack.authorityHost
  })
}

before(async () => {
  stack = await startStack({ registry: false })
  tls.setDefaultCACertificates([...tls.getCACertificates('default'), stack.ca.pem])
  const env = stack.env()
  for (const name of [
    'ACTIONS_ID_TOKEN_REQUEST_URL',
    'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
    'AZURE_AUTHORITY_HOST'
  ] as const) {
    process.env[name] = env[name]
  }
  workspace = await mkdtemp(path.join(os.tmpdir(), 'akv-ws-'))
})
after(async () => {
  process.env = savedEnv
  await rm(workspace, { recursive: true, force: true })
  await stack.stop()
})

describe('Azure identity', () => {
  test('auto picks OIDC when client, tenant and the GitHub token endpoint are there', () => {
    const env = { ACTIONS_ID_TOKEN_REQUEST_URL: 'https://x', HOME: workspace }
    assert.equal(
      chooseCredential({ credential: 'auto', clientId: 'c', tenantId: 't' }, env),
      'oidc'
    )
    assert.equal(
      chooseCredential(
        { credential: 'auto' },
        { AZURE_CLIENT_ID: 'c', AZURE_TENANT_ID: 't', AZURE_CLIENT_SECRET: 's', HOME: workspace }
      ),
      'environment'
    )
    assert.equal(
      chooseCredential({ credential: 'auto' }, { IDENTITY_ENDPOINT: 'http://x', HOME: workspace }),
      'managed-identity'
    )
    assert.equal(chooseCredential({ credential: 'cli' }, {}), 'cli')
  })

  test('auto without any identity says what to give', () => {
    assert.throws(
      () => chooseCredential({ credential: 'auto' }, { HOME: workspace }),
      /Input 'azure-credential': auto found no Azure identity/
    )
    assert.throws(
      () =>
        chooseCredential({ credential: 'auto', clientId: 'c', tenantId: 't' }, { HOME: workspace }),
      /add `permissions: id-token: write`/
    )
  })

  test('OIDC end to end: a real ClientAssertionCredential gets a Key Vault token', async () => {
    const identity = await oidcIdentity()
    const token = await identity.credential.getToken('https://vault.azure.net/.default')
    assert.ok(token?.token)
    const verified = await stack.entra.verifyAccessToken(
      `Bearer ${token.token}`,
      'https://vault.azure.net'
    )
    assert.equal(verified?.clientId, stack.clientId)
  })

  test('a token with the wrong subject is refused and its claims (not the token) are logged', async () => {
    const subject = stack.oidc.subject
    stack.oidc.subject = 'repo:someone/else:ref:refs/heads/main'
    try {
      const identity = await oidcIdentity()
      const { error, output } = await captureOutput(() =>
        identity.credential.getToken('https://vault.azure.net/.default')
      )
      assert.match(String(error), /Azure sign-in \(oidc\) failed .*AADSTS70021/)
      assert.match(
        output,
        /::error::Entra ID refused the GitHub OIDC token \(iss: https:\/\/token\.actions\.githubusercontent\.com, sub: repo:someone\/else:ref:refs\/heads\/main, aud: api:\/\/AzureADTokenExchange\)/
      )
      const tokens = stack.oidc.server.calls.filter(c => c.route === 'oidc.token').length
      assert.ok(tokens > 0)
      const visible = output.split('\n').filter(line => !line.startsWith('::add-mask::'))
      assert.ok(output.includes('::add-mask::eyJ'), 'the OIDC token is masked')
      assert.ok(
        !visible.some(line => /eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/.test(line)),
        'no JWT in any visible log line'
      )
    } finally {
      stack.oidc.subject = subject
    }
  })

  test('OIDC without the GitHub token endpoint says to grant id-token: write', async () => {
    const url = process.env['ACTIONS_ID_TOKEN_REQUEST_URL']
    delete process.env['ACTIONS_ID_TOKEN_REQUEST_URL']
    try {
      await assert.rejects(oidcIdentity(), /permissions: id-token: write/)
    } finally {
      process.env['ACTIONS_ID_TOKEN_REQUEST_URL'] = url
    }
  })

  test('OIDC needs the client and tenant ids', async () => {
    await assert.rejects(
      createAzureIdentity({ credential: 'oidc', tenantId: 't' }, {}),
      /Input 'azure-client-id': is required/
    )
  })
})

describe('Key Vault certificate', () => {
  let identity: AzureIdentity
  before(async () => {
    identity = await oidcIdentity()
  })
  // ca-certs is read by preflight (as the action does before any token is requested).
  const resolve = async (overrides: Partial<Inputs['keyVault']>) => {
    const inputs = keyVaultInputs(stack, overrides)
    const { caChain } = await preflight({ ...defaultInputs(), keyVault: inputs }, workspace)
    return resolveSigningCertificate(inputs, {
      credential: identity.credential,
      ...(caChain ? { caChain } : {})
    })
  }

  test('a self-signed certificate: key ID, subject, validity, self_signed', async () => {
    const seeded = await stack.keyVault.vault.seedSelfSigned('self', {
      subject: 'CN=wabbit-networks.io,O=Notation,L=Seattle,ST=WA,C=US'
    })
    const cert = await resolve({ certificate: 'self' })
    assert.equal(cert.keyId, seeded.kid)
    assert.deepEqual(
      subjectAttributes(cert.subject),
      subjectAttributes('CN=wabbit-networks.io,O=Notation,L=Seattle,ST=WA,C=US')
    )
    assert.match(
      cert.subject,
      /^(CN=wabbit-networks\.io,.*,C=US|C=US,.*,CN=wabbit-networks\.io)$/,
      'RFC 4514, one attribute per RDN'
    )
    assert.equal(cert.selfSigned, true)
    assert.equal(cert.chain.length, 1)
    assert.equal(cert.version, seeded.version)
  })

  test('a CA-issued certificate gets its chain from Key Vault, or from ca-certs', async () => {
    const seeded = await stack.keyVault.vault.seedCaIssued('issued', {
      subject: 'CN=signer,O=Example,ST=WA,C=US',
      chainDepth: 2
    })
    const fromVault = await resolve({ certificate: 'issued' })
    assert.equal(fromVault.selfSigned, false)
    assert.equal(fromVault.chain.length, 3, 'leaf, intermediate, root')
    assert.equal(fromVault.chain[2], seeded.root.pem.replace(/\r\n/g, '\n'))
    const bundle = path.join(workspace, 'chain.pem')
    await writeFile(
      bundle,
      seeded.chain
        .slice(1)
        .map(c => c.pem)
        .join('')
    )
    stack.keyVault.vault.deny('secrets/get')
    try {
      await assert.rejects(
        resolve({ certificate: 'issued' }),
        /refused to read the chain .*'secrets get'.*or give ca-certs/
      )
      const fromFile = await resolve({ certificate: 'issued', caCerts: 'chain.pem' })
      assert.equal(fromFile.chain.length, 3)
      await assert.rejects(
        resolve({ certificate: 'issued', caCerts: '../outside.pem' }),
        /Input 'ca-certs': '\.\.\/outside\.pem' is outside the workspace/
      )
    } finally {
      stack.keyVault.vault.allow('secrets/get')
    }
  })

  test('expired and not-yet-valid certificates are refused before anything is signed', async () => {
    const day = 24 * 3600_000
    await stack.keyVault.vault.seedSelfSigned('old', {
      subject: 'CN=old,O=X,ST=WA,C=US',
      notBefore: new Date(Date.now() - 400 * day),
      notAfter: new Date(Date.now() - day)
    })
    await assert.rejects(
      resolve({ certificate: 'old' }),
      /Certificate 'old' expired on .*renew it in Key Vault/
    )
    await stack.keyVault.vault.seedSelfSigned('future', {
      subject: 'CN=f,O=X,ST=WA,C=US',
      notBefore: new Date(Date.now() + day),
      notAfter: new Date(Date.now() + 30 * day)
    })
    await assert.rejects(
      resolve({ certificate: 'future' }),
      /Certificate 'future' is not valid before/
    )
  })

  test('a disabled latest version falls back to the newest enabled one; a disabled named version fails', async () => {
    const first = await stack.keyVault.vault.seedSelfSigned('rotated', {
      subject: 'CN=r,O=X,ST=WA,C=US'
    })
    const second = await stack.keyVault.vault.addVersion('rotated')
    stack.keyVault.vault.setEnabled('rotated', second.version, false)
    const { result, output } = await captureOutput(() => resolve({ certificate: 'rotated' }))
    assert.equal(result?.version, first.version)
    assert.match(
      output,
      /::warning::The latest version of certificate 'rotated' is disabled; using version/
    )
    await assert.rejects(
      resolve({ certificate: 'rotated', certificateVersion: second.version }),
      /version .* is disabled/
    )
  })

  test('create-certificate creates once, then reuses; a different policy only warns', async () => {
    const subject = 'CN=created.example,O=Example,L=Seattle,ST=WA,C=US'
    const created = await resolve({
      certificate: 'made',
      createCertificate: true,
      policy: { subject, validityMonths: 12, keyType: 'RSA', keySize: 2048, keyCurve: 'P-256' }
    })
    assert.deepEqual(subjectAttributes(created.subject), subjectAttributes(subject))
    assert.equal(created.selfSigned, true)
    const again = await captureOutput(() =>
      resolve({
        certificate: 'made',
        createCertificate: true,
        policy: { subject, validityMonths: 12, keyType: 'RSA', keySize: 2048, keyCurve: 'P-256' }
      })
    )
    assert.equal(again.result?.version, created.version)
    assert.match(again.output, /Certificate 'made' exists; reusing it/)
    const differing = await captureOutput(() =>
      resolve({
        certificate: 'made',
        createCertificate: true,
        policy: { subject, validityMonths: 24, keyType: 'RSA', keySize: 3072, keyCurve: 'P-256' }
      })
    )
    assert.equal(differing.result?.version, created.version)
    assert.match(
      differing.output,
      /::warning::Certificate 'made' exists with another policy \(key size is 2048, inputs ask for 3072; validity is 12 months, inputs ask for 24\)/
    )
    assert.equal(stack.keyVault.vault.versions('made').length, 1, 'no second version')
  })

  test('create-certificate needs a subject', async () => {
    await assert.rejects(
      resolve({ certificate: 'nosubject', createCertificate: true }),
      /Input 'certificate-subject': is required with create-certificate/
    )
  })

  test('403 and 404 name the permission and the certificate', async () => {
    stack.keyVault.vault.deny('certificates/get')
    try {
      await assert.rejects(
        resolve({ certificate: 'self' }),
        /refused to read certificate 'self'.*'certificates get'/
      )
    } finally {
      stack.keyVault.vault.allow('certificates/get')
    }
    await assert.rejects(
      resolve({ certificate: 'missing' }),
      new RegExp(`Key Vault ${stack.keyVault.url} has no certificate 'missing'`)
    )
  })

  test('key-id is used as given, and must belong to key-vault', async () => {
    const seeded = await stack.keyVault.vault.seedSelfSigned('bykid', {
      subject: 'CN=k,O=X,ST=WA,C=US'
    })
    const cert = await resolve({ keyId: seeded.kid })
    assert.equal(cert.keyId, seeded.kid)
    assert.equal(cert.name, 'bykid')
    await assert.rejects(
      resolve({ keyId: 'https://other.vault.azure.net/keys/x/0123456789abcdef0123456789abcdef' }),
      /Input 'key-id': belongs to https:\/\/other\.vault\.azure\.net/
    )
  })
})

registryDescribe('ACR access and digests', () => {
  let rstack: Stack
  let identity: AzureIdentity
  let refreshToken: string
  before(async () => {
    rstack = await startStack()
    tls.setDefaultCACertificates([...tls.getCACertificates('default'), stack.ca.pem, rstack.ca.pem])
    const env = rstack.env()
    for (const name of [
      'ACTIONS_ID_TOKEN_REQUEST_URL',
      'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
      'AZURE_AUTHORITY_HOST'
    ] as const) {
      process.env[name] = env[name]
    }
    identity = await createAzureIdentity({
      credential: 'oidc',
      clientId: rstack.clientId,
      tenantId: rstack.tenantId,
      authorityHost: rstack.authorityHost
    })
  })
  after(async () => {
    const env = stack.env()
    for (const name of [
      'ACTIONS_ID_TOKEN_REQUEST_URL',
      'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
      'AZURE_AUTHORITY_HOST'
    ] as const) {
      process.env[name] = env[name]
    }
    await rstack?.stop()
  })

  const client = () =>
    new RegistryClient(rstack.registry.host, {
      credential: { username: ACR_REFRESH_TOKEN_USERNAME, password: refreshToken },
      retry: fastRetry
    })

  test('Entra token → ACR refresh token, masked', async () => {
    const { result, output } = await captureOutput(async () =>
      exchangeAcrRefreshToken(
        rstack.registry.host,
        await acrAccessToken(identity),
        identity.tenantId,
        { retry: fastRetry }
      )
    )
    assert.ok(result)
    refreshToken = result
    assert.ok(output.includes(`::add-mask::${refreshToken}`), 'the refresh token is masked')
  })

  test('tag → digest for an image and for an index; a digest is checked', async () => {
    const image = await rstack.registry.pushImage('net-monitor', { tag: 'v1' })
    const index = await rstack.registry.pushIndex('multi', { tag: 'v2' })
    const c = client()
    const resolved = await c.resolve('x', parseReference(`${rstack.registry.host}/net-monitor:v1`))
    assert.equal(resolved.digest, image.digest)
    assert.equal(resolved.reference, `${rstack.registry.host}/net-monitor@${image.digest}`)
    const multi = await c.resolve('y', parseReference(`${rstack.registry.host}/multi:v2`))
    assert.equal(multi.digest, index.digest)
    assert.equal(multi.mediaType, 'application/vnd.oci.image.index.v1+json')
    const byDigest = await c.resolve(
      'z',
      parseReference(`${rstack.registry.host}/net-monitor@${image.digest}`)
    )
    assert.equal(byDigest.digest, image.digest)
  })

  test('an unknown tag or digest fails with the reference in the message', async () => {
    const ref = `${rstack.registry.host}/net-monitor:nope`
    await assert.rejects(
      client().resolve(ref, parseReference(ref)),
      new RegExp(`Input 'images': '${ref.replace(/[.]/g, '\\.')}' does not exist`)
    )
    const missing = `${rstack.registry.host}/net-monitor@sha256:${'0'.repeat(64)}`
    await assert.rejects(client().resolve(missing, parseReference(missing)), /does not exist/)
  })

  test('the registry refuses a token for another repository', async () => {
    await rstack.registry.pushImage('other', { tag: 'v1' })
    rstack.registry.restrict(rstack.principalId, { 'net-monitor': ['pull', 'push'] })
    try {
      const ref = `${rstack.registry.host}/other:v1`
      await assert.rejects(
        client().resolve(ref, parseReference(ref)),
        new RegExp(`${rstack.registry.host.replace(/[.]/g, '\\.')} refused`)
      )
    } finally {
      rstack.registry.acr.unrestrict(rstack.principalId)
    }
  })
})
