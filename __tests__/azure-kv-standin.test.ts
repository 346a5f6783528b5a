// The azure-kv plugin stand-in against the local stack (Entra, GitHub OIDC, Key Vault), run as
// notation runs it: the installed wrapper, the request on stdin, a controlled environment.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  createDefaultHttpClient,
  createHttpHeaders,
  createPipelineFromOptions,
  createPipelineRequest
} from '@azure/core-rest-pipeline'
import { X509Certificate, constants, createHash, verify } from 'node:crypto'
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import * as tar from 'tar'
import { startStack } from './stack/stack.ts'
import type { Stack } from './stack/stack.ts'
import type { KeyVault, SeededCertificate } from './stack/keyvault.ts'
import type { StackServer } from './stack/http.ts'
import {
  installAzureKvStandin,
  packAzureKvStandin,
  readAzureKvLog,
  runPlugin
} from './support/azure-kv.ts'
import { azureCoreRetryDelay, azureCoreRetryPolicy } from './fixtures/azure-kv/retry.ts'

const PAYLOAD = Buffer.from('{"targetArtifact":{"digest":"sha256:' + 'ab'.repeat(32) + '"}}')

let stack: Stack
let vault: KeyVault
let vaultServer: StackServer
let dir: string
let plugin: string
let logFile: string
let noAzPath: string
let rsa: SeededCertificate
let ec: SeededCertificate
let caIssued: SeededCertificate
let pkcs12: SeededCertificate

before(async () => {
  stack = await startStack({ registry: false })
  vault = stack.keyVault.vault
  vaultServer = stack.keyVault.server
  dir = await mkdtemp(path.join(os.tmpdir(), 'azure-kv-standin-'))
  logFile = path.join(dir, 'calls.jsonl')
  noAzPath = path.join(dir, 'empty-bin')
  plugin = await installAzureKvStandin(path.join(dir, 'libexec'))
  const subject = 'CN=wabbit-networks.io,O=Notation,L=Seattle,ST=WA,C=US'
  ;[rsa, ec, caIssued, pkcs12] = await Promise.all([
    vault.seedSelfSigned('rsa-cert', { subject }),
    vault.seedSelfSigned('ec-cert', { subject, key: { kty: 'EC', crv: 'P-384' } }),
    vault.seedCaIssued('ca-cert', { subject, chainDepth: 2 }),
    vault.seedCaIssued('pfx-cert', { subject, chainDepth: 1, contentType: 'application/x-pkcs12' })
  ])
})

after(async () => {
  await stack?.stop()
  if (dir) await rm(dir, { recursive: true, force: true })
})

/** Every OIDC token handed to the plugin, to check none reaches the log. */
const tokens: string[] = []

async function tokenFile(): Promise<string> {
  const file = await stack.federatedTokenFile()
  tokens.push((await readFile(file, 'utf8')).trim())
  return file
}

/** The environment of a notation run in a workflow after azure/login-style OIDC setup. */
async function workloadEnv(extra: Record<string, string> = {}): Promise<Record<string, string>> {
  const base = stack.env()
  return {
    PATH: noAzPath,
    NODE_EXTRA_CA_CERTS: stack.caFile,
    AZURE_TENANT_ID: base.AZURE_TENANT_ID!,
    AZURE_CLIENT_ID: base.AZURE_CLIENT_ID!,
    AZURE_AUTHORITY_HOST: stack.authorityHost,
    AZURE_FEDERATED_TOKEN_FILE: await tokenFile(),
    AZURE_KV_STANDIN_LOG: logFile,
    ...extra
  }
}

function without(env: Record<string, string>, name: string): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([k]) => k !== name))
}

function request(keyId: string, pluginConfig: Record<string, string>) {
  return { contractVersion: '1.0', keyId, pluginConfig }
}

function signRequest(keyId: string, pluginConfig: Record<string, string>, keySpec = 'RSA-2048') {
  return {
    ...request(keyId, pluginConfig),
    keySpec,
    hashAlgorithm: 'SHA-256',
    payload: PAYLOAD.toString('base64')
  }
}

function chainOf(json: Record<string, unknown> | undefined): X509Certificate[] {
  const chain = json?.certificateChain
  assert.ok(Array.isArray(chain), 'certificateChain is an array')
  return chain.map(c => new X509Certificate(Buffer.from(String(c), 'base64')))
}

function signatureOf(json: Record<string, unknown> | undefined): Buffer {
  assert.equal(typeof json?.signature, 'string')
  return Buffer.from(String(json?.signature), 'base64')
}

const WORKLOAD = { credential_type: 'workloadid' }

describe('azure-kv stand-in', () => {
  test('get-plugin-metadata answers as azure-kv 1.2.1', async () => {
    const run = await runPlugin(plugin, 'get-plugin-metadata', {}, { PATH: noAzPath })
    assert.equal(run.code, 0, run.stderr)
    assert.deepEqual(run.json, {
      name: 'azure-kv',
      description: 'Notation Azure Key Vault plugin',
      version: '1.2.1',
      url: 'https://github.com/Azure/notation-azure-kv',
      supportedContractVersions: ['1.0'],
      capabilities: ['SIGNATURE_GENERATOR.RAW']
    })
    assert.equal(run.stderr, '')
  })

  test('describe-key reports the key spec of the certificate (RSA key id, EC certificate id)', async () => {
    const env = await workloadEnv()
    const certificateId = `${vault.url}/certificates/ec-cert`
    const [r, e] = await Promise.all([
      runPlugin(plugin, 'describe-key', request(rsa.kid, WORKLOAD), env),
      runPlugin(plugin, 'describe-key', request(certificateId, WORKLOAD), env)
    ])
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(r.json, { keyId: rsa.kid, keySpec: 'RSA-2048' })
    assert.equal(e.code, 0, e.stderr)
    assert.deepEqual(e.json, { keyId: certificateId, keySpec: 'EC-384' })
  })

  test('generate-signature, self_signed + workloadid: PSS signature over the payload, one certificate', async () => {
    const run = await runPlugin(
      plugin,
      'generate-signature',
      signRequest(rsa.kid, { ...WORKLOAD, self_signed: 'true' }),
      await workloadEnv()
    )
    assert.equal(run.code, 0, run.stderr)
    assert.equal(run.json?.keyId, rsa.kid)
    assert.equal(run.json?.signingAlgorithm, 'RSASSA-PSS-SHA-256')
    const chain = chainOf(run.json)
    assert.equal(chain.length, 1)
    assert.ok(chain[0]!.raw.equals(rsa.leaf.der), 'the chain is the Key Vault certificate')
    const ok = verify(
      'sha256',
      PAYLOAD,
      {
        key: chain[0]!.publicKey,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: 32
      },
      signatureOf(run.json)
    )
    assert.ok(ok, 'the signature verifies with the leaf key')
    const digest = createHash('sha256').update(PAYLOAD).digest()
    assert.ok(
      vault.signs.some(
        s => s.kid === rsa.kid && s.alg === 'PS256' && s.digest === digest.toString('base64url')
      ),
      'Key Vault signed the payload digest with PS256'
    )
  })

  test('generate-signature with an EC P-384 key: ECDSA-SHA-384 (r||s) over the payload', async () => {
    const run = await runPlugin(
      plugin,
      'generate-signature',
      signRequest(ec.kid, { ...WORKLOAD, self_signed: 'true' }, 'EC-384'),
      await workloadEnv()
    )
    assert.equal(run.code, 0, run.stderr)
    assert.equal(run.json?.signingAlgorithm, 'ECDSA-SHA-384')
    const [leaf] = chainOf(run.json)
    const ok = verify(
      'sha384',
      PAYLOAD,
      { key: leaf!.publicKey, dsaEncoding: 'ieee-p1363' },
      signatureOf(run.json)
    )
    assert.ok(ok)
  })

  test('ca_certs: leaf from Key Vault plus the bundle, ordered leaf to root', async () => {
    const bundle = path.join(dir, 'ca-bundle.pem')
    // root first on purpose: the plugin orders by issuer/subject
    await writeFile(bundle, caIssued.root.pem + caIssued.intermediate!.pem)
    const run = await runPlugin(
      plugin,
      'generate-signature',
      signRequest(caIssued.kid, { ...WORKLOAD, ca_certs: bundle }),
      await workloadEnv()
    )
    assert.equal(run.code, 0, run.stderr)
    const chain = chainOf(run.json)
    assert.deepEqual(
      chain.map(c => c.fingerprint256),
      caIssued.chain.map(c => new X509Certificate(c.der).fingerprint256)
    )
    assert.equal(chain.length, 3)
    const ok = verify(
      'sha256',
      PAYLOAD,
      { key: chain[0]!.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
      signatureOf(run.json)
    )
    assert.ok(ok)
  })

  test('no chain config: the chain comes from the certificate secret (PEM and PKCS#12)', async () => {
    const env = await workloadEnv()
    const [pem, pfx] = await Promise.all([
      runPlugin(plugin, 'generate-signature', signRequest(caIssued.kid, WORKLOAD), env),
      runPlugin(plugin, 'generate-signature', signRequest(pkcs12.kid, WORKLOAD), env)
    ])
    assert.equal(pem.code, 0, pem.stderr)
    assert.deepEqual(
      chainOf(pem.json).map(c => c.fingerprint256),
      caIssued.chain.map(c => new X509Certificate(c.der).fingerprint256)
    )
    assert.equal(pfx.code, 0, pfx.stderr)
    assert.deepEqual(
      chainOf(pfx.json).map(c => c.fingerprint256),
      pkcs12.chain.map(c => new X509Certificate(c.der).fingerprint256)
    )
  })

  test('without secrets get and without ca_certs: the real plugin’s hint', async () => {
    vault.deny('secrets/get')
    try {
      const run = await runPlugin(
        plugin,
        'generate-signature',
        signRequest(caIssued.kid, WORKLOAD),
        await workloadEnv()
      )
      assert.equal(run.code, 1)
      assert.equal(run.json?.errorCode, 'ERROR')
      assert.match(
        String(run.json?.errorMessage),
        /does not have secrets get permission.*`ca_certs`/
      )
    } finally {
      vault.allow('secrets/get')
    }
  })

  test('self_signed with ca_certs is refused before any Key Vault call', async () => {
    const calls = vaultServer.calls.length
    const run = await runPlugin(
      plugin,
      'generate-signature',
      signRequest(rsa.kid, { ...WORKLOAD, self_signed: 'true', ca_certs: '/nonexistent.pem' }),
      await workloadEnv()
    )
    assert.equal(run.code, 1)
    assert.deepEqual(run.json, {
      errorCode: 'ERROR',
      errorMessage:
        'Self-signed certificate is specified. Please do not specify the `ca_certs` parameter if it is a self-signed certificate.'
    })
    assert.equal(vaultServer.calls.length, calls)
  })

  test('keys/sign denied: the service error code and message, naming the permission', async () => {
    vault.deny('keys/sign')
    try {
      const run = await runPlugin(
        plugin,
        'generate-signature',
        signRequest(rsa.kid, { ...WORKLOAD, self_signed: 'true' }),
        await workloadEnv()
      )
      assert.equal(run.code, 1)
      // The real plugin passes Azure's error code through (RequestFailedException.ErrorCode).
      assert.equal(run.json?.errorCode, 'Forbidden')
      assert.match(
        String(run.json?.errorMessage),
        /does not have keys sign permission on key vault/
      )
    } finally {
      vault.allow('keys/sign')
    }
  })

  test('credential failures: missing token file, unknown type, no az, http key id', async () => {
    const env = await workloadEnv()
    const noTokenFile = without(env, 'AZURE_FEDERATED_TOKEN_FILE')
    const [missing, unknown, cli, insecure] = await Promise.all([
      runPlugin(plugin, 'describe-key', request(rsa.kid, WORKLOAD), noTokenFile),
      runPlugin(plugin, 'describe-key', request(rsa.kid, { credential_type: 'Bogus' }), env),
      runPlugin(plugin, 'describe-key', request(rsa.kid, { credential_type: 'azurecli' }), env),
      runPlugin(plugin, 'describe-key', request(rsa.kid.replace('https:', 'http:'), WORKLOAD), env)
    ])
    assert.equal(missing.code, 1)
    assert.equal(missing.json?.errorCode, 'ERROR')
    assert.match(
      String(missing.json?.errorMessage),
      /^WorkloadIdentityCredential authentication unavailable\. The workload options are not fully configured/
    )
    assert.deepEqual(unknown.json, {
      errorCode: 'VALIDATION_ERROR',
      errorMessage: 'Invalid credential type: bogus'
    })
    assert.deepEqual(cli.json, { errorCode: 'ERROR', errorMessage: 'Azure CLI not installed' })
    assert.deepEqual(insecure.json, {
      errorCode: 'VALIDATION_ERROR',
      errorMessage: 'Unsupported scheme http. The scheme must be https.'
    })
  })

  test('environment credential and the default chain both reach the vault', async () => {
    const base = without(await workloadEnv(), 'AZURE_FEDERATED_TOKEN_FILE')
    const secretEnv = { ...base, AZURE_CLIENT_SECRET: stack.clientSecret }
    const [envCred, defaultChain] = await Promise.all([
      runPlugin(
        plugin,
        'describe-key',
        request(rsa.kid, { credential_type: 'environment' }),
        secretEnv
      ),
      runPlugin(plugin, 'describe-key', request(rsa.kid, {}), await workloadEnv())
    ])
    assert.equal(envCred.code, 0, envCred.stderr)
    assert.equal(defaultChain.code, 0, defaultChain.stderr)
    const calls = readAzureKvLog(logFile).filter(
      c => c.command === 'describe-key' && c.outcome === 'ok'
    )
    assert.ok(
      calls.some(c => c.credentialType === 'environment' && c.credentialUsed === 'environment')
    )
    assert.ok(calls.some(c => c.credentialType === 'default' && c.credentialUsed === 'workloadid'))
  })

  test('the call log names variables and config keys, never tokens or secrets', async () => {
    const text = await readFile(logFile, 'utf8')
    const calls = readAzureKvLog(logFile)
    assert.ok(calls.length >= 10, `logged ${calls.length} calls`)
    const signed = calls.find(c => c.command === 'generate-signature' && c.outcome === 'ok')
    assert.ok(signed)
    assert.ok(signed.env.includes('AZURE_FEDERATED_TOKEN_FILE'))
    assert.ok(signed.pluginConfigKeys?.includes('credential_type'))
    assert.ok(tokens.length >= 10)
    for (const token of tokens) {
      assert.ok(!text.includes(token.split('.')[2]!), 'no token signature in the log')
    }
    assert.ok(!/eyJ[\w-]+\.[\w-]+\.[\w-]+/.test(text), 'no JWT-shaped value')
    assert.ok(!text.includes(stack.clientSecret), 'no client secret')
  })

  test('pack: a release-style tar.gz with notation-azure-kv (0755) and LICENSE, and its sha256', async () => {
    const out = path.join(dir, 'dist')
    const packed = await packAzureKvStandin(out, { version: '1.2.1' })
    assert.equal(path.basename(packed.file), 'notation-azure-kv_1.2.1_linux_amd64.tar.gz')
    assert.equal(
      packed.sha256,
      createHash('sha256')
        .update(await readFile(packed.file))
        .digest('hex')
    )
    const entries: Array<{ path: string; mode: number }> = []
    await tar.list({
      file: packed.file,
      onReadEntry: e => entries.push({ path: e.path, mode: e.mode ?? 0 })
    })
    assert.deepEqual(entries.map(e => e.path).sort(), ['LICENSE', 'notation-azure-kv'])
    assert.equal(entries.find(e => e.path === 'notation-azure-kv')!.mode & 0o777, 0o755)
    const extracted = path.join(dir, 'extracted')
    await import('node:fs/promises').then(fs => fs.mkdir(extracted))
    await tar.extract({ file: packed.file, cwd: extracted })
    const exe = path.join(extracted, 'notation-azure-kv')
    assert.ok(((await stat(exe)).mode & 0o111) !== 0)
    const run = await runPlugin(exe, 'get-plugin-metadata', {}, { PATH: noAzPath })
    assert.equal(run.json?.name, 'azure-kv')
  })
})

// ---------------------------------------------------------------------------------------------
// The stand-in's retries: Azure.Core's policy (the real plugin's SDK), in a JS SDK pipeline

/** A local HTTP server answering each call with the next of `answers` (the last one repeats). */
async function answering(
  answers: ((res: http.ServerResponse) => void)[]
): Promise<{ origin: string; calls: () => number; close(): Promise<void> }> {
  let calls = 0
  const server = http.createServer((req, res) => {
    req.resume()
    answers[Math.min(calls++, answers.length - 1)]!(res)
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    origin: `http://127.0.0.1:${port}`,
    calls: () => calls,
    close: () =>
      new Promise(resolve => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

const MANIFEST = Buffer.from(
  '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json"}'
)
const manifestAnswer = (res: http.ServerResponse): void => {
  res.writeHead(200, {
    'content-type': 'application/vnd.oci.image.manifest.v1+json',
    'content-length': String(MANIFEST.length)
  })
  res.end(MANIFEST)
}
/** Headers promising the whole body, half of it, then the connection dropped. */
const cutShort = (res: http.ServerResponse): void => {
  res.writeHead(200, { 'content-length': String(MANIFEST.length) })
  res.write(MANIFEST.subarray(0, 10), () => res.destroy())
}

describe("the azure-kv stand-in's retries: Azure.Core's RetryPolicy", () => {
  test('3 retries; 408, 429, 500, 502, 503, 504 and transport failures; 800 ms x 2^(n-1) jittered; Retry-After', () => {
    const headers = (h: Record<string, string>) => createHttpHeaders(h)
    for (const code of [408, 429, 500, 502, 503, 504])
      assert.ok(azureCoreRetryDelay(1, { status: code }) !== undefined, String(code))
    for (const code of [400, 401, 403, 404, 409, 501, 505])
      assert.equal(azureCoreRetryDelay(1, { status: code }), undefined, String(code))
    assert.equal(
      azureCoreRetryDelay(1, {}, () => 0),
      640,
      'a transport failure: 0.8 x 800 ms'
    )
    assert.equal(
      azureCoreRetryDelay(2, {}, () => 0.5),
      1600
    )
    assert.equal(
      azureCoreRetryDelay(3, { status: 503 }, () => 0),
      2560
    )
    assert.equal(azureCoreRetryDelay(4, { status: 503 }), undefined, 'MaxRetries 3')
    const retryAfter = { status: 429, headers: headers({ 'retry-after': '2' }) }
    assert.equal(
      azureCoreRetryDelay(1, retryAfter, () => 0),
      2000
    )
    const ms = { status: 500, headers: headers({ 'retry-after-ms': '1500' }) }
    assert.equal(
      azureCoreRetryDelay(1, ms, () => 0),
      1500,
      'any retriable status'
    )
  })

  test('in a JS SDK pipeline a body cut short is tried again (buffered inside the retry loop)', async () => {
    const server = await answering([cutShort, manifestAnswer])
    try {
      const pipeline = createPipelineFromOptions({ retryOptions: { maxRetries: 0 } })
      pipeline.addPolicy(azureCoreRetryPolicy())
      const request = createPipelineRequest({
        url: `${server.origin}/x`,
        allowInsecureConnection: true
      })
      const response = await pipeline.sendRequest(createDefaultHttpClient(), request)
      assert.equal(response.status, 200)
      assert.equal(response.bodyAsText, MANIFEST.toString())
      assert.equal(server.calls(), 2)
    } finally {
      await server.close()
    }
  })
})
