// The composed stack: everything wired together (OIDC → Entra → Key Vault and ACR → registry),
// reachable from child processes through the CA file, and gone after stop().
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import net from 'node:net'
import tls from 'node:tls'
import { promisify } from 'node:util'
import { ClientAssertionCredential } from '@azure/identity'
import { CertificateClient } from '@azure/keyvault-certificates'
import { decodeJwt } from 'jose'
import { registryDescribe } from '../support/stack-env.ts'
import { startStack, type Stack } from './stack.ts'
import { httpsRequest, fetchManifest } from './images.ts'
import { ACR_TOKEN_USERNAME } from './acr.ts'

const run = promisify(execFile)

function refused(host: string): Promise<boolean> {
  const [address = '', port = ''] = host.split(':')
  return new Promise(resolve => {
    const socket = net.connect({ host: address, port: Number(port) })
    socket.once('connect', () => {
      socket.destroy()
      resolve(false)
    })
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'))
  })
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

async function oidcToken(stack: Stack, audience: string): Promise<string> {
  const res = await httpsRequest(
    `${stack.oidc.requestUrl}&audience=${encodeURIComponent(audience)}`,
    {
      headers: { authorization: `Bearer ${stack.oidc.requestToken}` },
      ca: stack.ca.pem
    }
  )
  assert.equal(res.status, 200)
  return (JSON.parse(res.body.toString()) as { value: string }).value
}

function credential(stack: Stack): ClientAssertionCredential {
  return new ClientAssertionCredential(
    stack.tenantId,
    stack.clientId,
    () => oidcToken(stack, 'api://AzureADTokenExchange'),
    { authorityHost: stack.authorityHost, disableInstanceDiscovery: true }
  )
}

registryDescribe('the whole stack', () => {
  let stack: Stack
  const savedCas = tls.getCACertificates('default')

  before(async () => {
    stack = await startStack()
    tls.setDefaultCACertificates([...savedCas, stack.ca.pem])
  })

  after(async () => {
    tls.setDefaultCACertificates(savedCas)
    await stack?.stop()
  })

  test('env() names the CA file, OIDC, Entra, Key Vault and registry', () => {
    const env = stack.env()
    assert.equal(readFileSync(env.NODE_EXTRA_CA_CERTS ?? '', 'utf8'), stack.ca.pem)
    assert.equal(env.ACTIONS_ID_TOKEN_REQUEST_URL, stack.oidc.requestUrl)
    assert.equal(env.ACTIONS_ID_TOKEN_REQUEST_TOKEN, stack.oidc.requestToken)
    assert.equal(env.AZURE_TENANT_ID, stack.tenantId)
    assert.equal(env.AZURE_CLIENT_ID, stack.clientId)
    assert.equal(env.AZURE_AUTHORITY_HOST, stack.authorityHost)
    assert.equal(env.STACK_KEY_VAULT_URL, stack.keyVault.url)
    assert.equal(env.STACK_REGISTRY, stack.registry.host)
    assert.equal(env.AZURE_CLIENT_SECRET, undefined)
    assert.equal(stack.env({ clientSecret: true }).AZURE_CLIENT_SECRET, stack.clientSecret)
  })

  test('a child process trusts the stack through NODE_EXTRA_CA_CERTS', async () => {
    const script = `fetch(process.argv[1]).then(r => console.log(r.status), e => { console.error(e.cause ?? e); process.exit(1) })`
    const { stdout } = await run(process.execPath, ['-e', script, `${stack.registry.origin}/v2/`], {
      env: { PATH: process.env.PATH ?? '', ...stack.env() }
    })
    assert.equal(stdout.trim(), '401')
  })

  test('OIDC → Entra → Key Vault: a real CertificateClient reads a seeded certificate', async () => {
    const seeded = await stack.keyVault.vault.seedSelfSigned('stack-cert', {
      subject: 'CN=stack.example,O=Notation,ST=WA,C=US'
    })
    const client = new CertificateClient(stack.keyVault.url, credential(stack), {
      disableChallengeResourceVerification: true
    })
    const cert = await client.getCertificate('stack-cert')
    assert.equal(cert.properties.version, seeded.version)
    assert.deepEqual(Buffer.from(cert.cer ?? new Uint8Array()), seeded.leaf.der)
  })

  test('OIDC → Entra → ACR exchange → registry, and ACR credentials for notation', async () => {
    const image = await stack.registry.pushImage('net-monitor', { tag: 'v1' })
    const aad = await credential(stack).getToken('https://containerregistry.azure.net/.default')
    const form = new URLSearchParams({
      grant_type: 'access_token',
      service: stack.registry.host,
      tenant: stack.tenantId,
      access_token: aad.token
    })
    const ex = await httpsRequest(`${stack.registry.origin}/oauth2/exchange`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      ca: stack.ca.pem
    })
    assert.equal(ex.status, 200, ex.body.toString())
    const refresh = (JSON.parse(ex.body.toString()) as { refresh_token: string }).refresh_token
    assert.equal(decodeJwt(refresh).sub, stack.principalId)
    const basic = Buffer.from(`${ACR_TOKEN_USERNAME}:${refresh}`).toString('base64')
    const tok = await httpsRequest(
      `${stack.registry.origin}/oauth2/token?service=${encodeURIComponent(stack.registry.host)}&scope=repository:net-monitor:pull`,
      { headers: { authorization: `Basic ${basic}` }, ca: stack.ca.pem }
    )
    assert.equal(tok.status, 200)
    const token = (JSON.parse(tok.body.toString()) as { token: string }).token
    const head = await fetchManifest(
      { origin: stack.registry.origin, ca: stack.ca.pem, authorization: `Bearer ${token}` },
      'net-monitor',
      'v1',
      'HEAD'
    )
    assert.equal(head.digest, image.digest)
  })

  test('addVault() mounts another vault on its own port', async () => {
    const second = await stack.addVault('second')
    assert.notEqual(second.url, stack.keyVault.url)
    assert.ok(stack.servers.includes(second.server))
    const res = await httpsRequest(`${second.url}/certificates/none?api-version=7.4`, {
      ca: stack.ca.pem
    })
    assert.equal(res.status, 401, 'the vault challenges an anonymous request')
  })
})

registryDescribe('stop()', () => {
  test('leaves no registry process, no listening port and no temp dir', async () => {
    const stack = await startStack()
    const pid = stack.registry.pid
    assert.ok(pid !== undefined && alive(pid))
    const hosts = [...stack.servers.map(s => s.host), `127.0.0.1:${stack.registry.upstreamPort}`]
    for (const host of hosts) assert.equal(await refused(host), false, `${host} listens`)
    await stack.stop()
    assert.equal(alive(pid), false, 'registry process is gone')
    for (const host of hosts) assert.equal(await refused(host), true, `${host} refuses`)
    assert.equal(existsSync(stack.dir), false)
    await stack.stop()
  })
})

describe('startStack({ registry: false })', () => {
  let stack: Stack
  const savedCas = tls.getCACertificates('default')
  before(async () => {
    stack = await startStack({ registry: false })
    tls.setDefaultCACertificates([...savedCas, stack.ca.pem])
  })
  after(async () => {
    tls.setDefaultCACertificates(savedCas)
    await stack?.stop()
  })

  test('runs without docker-registry, and says so when the registry is asked for', async () => {
    assert.equal(stack.hasRegistry, false)
    assert.throws(() => stack.registry, /registry: false/)
    assert.equal(stack.env().STACK_REGISTRY, undefined)
    const token = await credential(stack).getToken('https://vault.azure.net/.default')
    assert.equal(decodeJwt(token.token).oid, stack.principalId)
  })
})
