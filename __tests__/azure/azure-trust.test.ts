// Azure credentials go only where they belong, end to end through the committed bundle: a vault
// under a lookalike or real-looking name (reached through an HTTPS proxy) gets no token for another
// API, AZURE_AUTHORITY_HOST set by an earlier step cannot send the sign-in to a relay, and the
// plugin signs in as the action did (one identity, the validated authority, only its variables).
import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { after, before, test } from 'node:test'
import { decodeJwt } from 'jose'
import { resolveAuthority } from '../../src/azure/authority.ts'
import { ARM_RESOURCE, challengingVault, entraRelay } from '../stack/lookalike.ts'
import { VAULT_AUDIENCE } from '../stack/stack.ts'
import { startE2E, type E2E } from '../support/e2e.ts'
import { e2eDescribe } from '../support/stack-env.ts'

const SUBJECT = 'CN=wabbit-networks.io,O=Notation,L=Seattle,ST=WA,C=US'
const CERT = 'signer'
const LOOKALIKE = 'myvault.vault.azure.net.attacker.example'
const REAL_LOOKING = 'evil.vault.azure.net'
const ACR_AUDIENCE = 'https://containerregistry.azure.net'

/** `::error::` text as written, with the toolkit's %-escapes decoded. */
function decode(error: string): string {
  return error.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
}

test('resolveAuthority: the input wins, a known cloud in the environment is kept, anything else is refused', () => {
  const stackLike = 'https://127.0.0.1:8443'
  assert.deepEqual(resolveAuthority(undefined, undefined), {
    host: 'https://login.microsoftonline.com',
    known: true,
    from: 'default'
  })
  assert.deepEqual(resolveAuthority(undefined, 'https://LOGIN.microsoftonline.us:443/'), {
    host: 'https://login.microsoftonline.us',
    known: true,
    from: 'AZURE_AUTHORITY_HOST'
  })
  assert.deepEqual(resolveAuthority(stackLike, 'https://login.chinacloudapi.cn'), {
    host: stackLike,
    known: false,
    from: 'azure-authority-host'
  })
  assert.equal(resolveAuthority(stackLike, `${stackLike}/`).host, stackLike)
  for (const env of [
    'https://relay.example',
    'http://login.microsoftonline.com',
    'https://login.microsoftonline.com/tenant',
    'https://login.microsoftonline.com?x',
    'https://u:p@login.microsoftonline.com',
    'https://login.microsoftonline.de',
    'login.microsoftonline.com'
  ]) {
    assert.throws(
      () => resolveAuthority(undefined, env),
      /^InputError: Input 'azure-authority-host': AZURE_AUTHORITY_HOST in the environment is /,
      env
    )
    assert.throws(() => resolveAuthority(stackLike, env), /AZURE_AUTHORITY_HOST/, env)
  }
  for (const input of ['http://127.0.0.1:8443', 'https://x.example/p', 'https://x.example/#f']) {
    assert.throws(() => resolveAuthority(input, undefined), /must be an https URL/, input)
  }
})

e2eDescribe('Azure credentials go only where they belong', () => {
  let e2e: E2E
  let image: string
  let leafPem: string
  const vaults = new Map<string, ReturnType<typeof challengingVault>>()

  before(async () => {
    e2e = await startE2E()
    const { stack } = e2e
    leafPem = (await stack.keyVault.vault.seedSelfSigned(CERT, { subject: SUBJECT })).leaf.pem
    await stack.registry.pushImage('net-monitor', { tag: 'v1' })
    image = `${stack.registry.host}/net-monitor:v1`
    for (const name of [LOOKALIKE, REAL_LOOKING]) {
      const vault = challengingVault({ authority: stack.authorityHost, tenantId: stack.tenantId })
      await stack.addNamedServer(name, vault.routes)
      vaults.set(name, vault)
    }
  })
  after(() => e2e?.stop())

  /** Entra tokens minted from now on, by audience and by client. */
  function tokensFromNow(): () => { aud: string; appid: string }[] {
    const start = e2e.stack.entra.issuedTokens.length
    return () =>
      e2e.stack.entra.issuedTokens.slice(start).map(token => {
        const claims = decodeJwt(token)
        return { aud: String(claims.aud), appid: String(claims['appid']) }
      })
  }

  function namedServer(hostname: string) {
    const server = e2e.stack.servers.find(s => s.name === `named:${hostname}`)
    assert.ok(server, hostname)
    return server
  }

  for (const input of ['key-vault', 'key-id'] as const) {
    test(`a lookalike vault host in ${input} is refused before any request, and gets no token`, async () => {
      const { stack } = e2e
      const hostile = namedServer(LOOKALIKE)
      const proxyCalls = stack.proxy.calls.length
      const hostileCalls = hostile.calls.length
      const issued = tokensFromNow()
      const run = await e2e.run(
        {
          ...e2e.azureInputs,
          images: image,
          ...(input === 'key-vault'
            ? { 'key-vault': `https://${LOOKALIKE}`, certificate: CERT }
            : { 'key-vault': '', 'key-id': `https://${LOOKALIKE}/keys/${CERT}` })
        },
        { env: stack.proxyEnv() }
      )
      const output = run.stdout + run.stderr
      assert.equal(run.code, 1, output)
      assert.deepEqual(
        issued().filter(t => t.aud.startsWith(ARM_RESOURCE)),
        [],
        'Entra issued no token for ARM'
      )
      assert.deepEqual(vaults.get(LOOKALIKE)?.receivedAudiences, [], 'the lookalike got no token')
      assert.equal(hostile.calls.length, hostileCalls, 'no request reached the lookalike')
      assert.equal(stack.proxy.calls.length, proxyCalls, 'nothing went through the proxy')
      assert.equal(run.errors.length, 1, output)
      assert.match(
        decode(run.errors[0] ?? ''),
        new RegExp(`^Input '${input}': '${LOOKALIKE.replace(/\./g, '\\.')}' is not a Key Vault`)
      )
      assert.equal(run.outputs['notation-path'], undefined, 'refused before installing')
    })
  }

  test('a vault under a real-looking name whose challenge names ARM gets no token: the SDK check stays on', async () => {
    const { stack } = e2e
    const hostile = namedServer(REAL_LOOKING)
    const proxyCalls = stack.proxy.calls.length
    const hostileCalls = hostile.calls.length
    const issued = tokensFromNow()
    const run = await e2e.run(
      {
        ...e2e.azureInputs,
        images: image,
        'key-vault': `https://${REAL_LOOKING}`,
        certificate: CERT
      },
      { env: stack.proxyEnv() }
    )
    const output = run.stdout + run.stderr
    assert.equal(run.code, 1, output)
    // The request went out, through the proxy, to the hostile server under the vault's name…
    const tunnels = stack.proxy.calls.slice(proxyCalls)
    assert.ok(
      tunnels.some(c => c.path === `${REAL_LOOKING}:443` && c.status === 200),
      JSON.stringify(tunnels)
    )
    const calls = hostile.calls.slice(hostileCalls)
    assert.ok(calls.length > 0, 'the hostile vault was asked')
    assert.ok(
      calls.every(c => !c.authorized),
      'and never with a token'
    )
    // …and its challenge for ARM got no token at all: Entra minted none for anything but the
    // registry (the images were resolved first) and Key Vault.
    assert.deepEqual(vaults.get(REAL_LOOKING)?.receivedAudiences, [])
    const audiences = new Set(issued().map(t => t.aud.replace(/\/$/, '')))
    assert.ok(!audiences.has(ARM_RESOURCE), [...audiences].join(' '))
    for (const aud of audiences) assert.ok([ACR_AUDIENCE, VAULT_AUDIENCE].includes(aud), aud)
    assert.equal(run.errors.length, 1, output)
    const error = decode(run.errors[0] ?? '')
    assert.match(
      error,
      /Key Vault https:\/\/evil\.vault\.azure\.net asked for a token for 'management\.azure\.com', which is not Key Vault's: refused, no token was sent/
    )
    assert.doesNotMatch(error, /disableChallengeResourceVerification/, 'no advice to turn it off')
  })

  for (const kind of ['oidc', 'environment'] as const) {
    test(`AZURE_AUTHORITY_HOST from an earlier step (${kind}): refused up front, the relay receives nothing`, async () => {
      const { stack } = e2e
      const relay = entraRelay()
      const server = await stack.addRelay({ routes: relay.routes })
      const oidcTokens = stack.oidc.issuedTokens.length
      const issued = tokensFromNow()
      const downloads = e2e.downloads.calls.length
      const run = await e2e.run(
        { ...e2e.azureInputs, 'azure-credential': kind, certificate: CERT, images: image },
        {
          env: {
            // What `echo "AZURE_AUTHORITY_HOST=…" >> "$GITHUB_ENV"` in an earlier step leaves.
            AZURE_AUTHORITY_HOST: server.origin,
            ...(kind === 'environment' ? { AZURE_CLIENT_SECRET: stack.clientSecret } : {})
          }
        }
      )
      const output = run.stdout + run.stderr
      assert.equal(run.code, 1, output)
      assert.deepEqual(relay.captured, [], 'no OIDC assertion, no client secret')
      assert.deepEqual(server.calls, [], 'no request at all reached the relay')
      assert.equal(stack.oidc.issuedTokens.length, oidcTokens, 'no GitHub OIDC token was fetched')
      assert.deepEqual(issued(), [], 'no sign-in anywhere')
      assert.equal(e2e.downloads.calls.length, downloads, 'refused before anything was downloaded')
      assert.equal(run.errors.length, 1, output)
      const error = decode(run.errors[0] ?? '')
      assert.match(
        error,
        /^Input 'azure-authority-host': AZURE_AUTHORITY_HOST in the environment is /
      )
      assert.ok(error.includes(server.origin), error)
    })
  }

  test('a step not set up for Azure checks AZURE_AUTHORITY_HOST at its first sign-in: the relay receives nothing', async () => {
    const { stack } = e2e
    const relay = entraRelay()
    const server = await stack.addRelay({ routes: relay.routes })
    const oidcTokens = stack.oidc.issuedTokens.length
    // Verify with the step's own trust policy and certificate: no Azure input, so nothing is
    // refused up front; signing in to the registry (auto: OIDC from the environment) is the first
    // sign-in, and AZURE_AUTHORITY_HOST is refused there.
    const workspace = e2e.dirs.workspace
    await writeFile(path.join(workspace, 'signer.pem'), leafPem)
    await writeFile(
      path.join(workspace, 'policy.json'),
      JSON.stringify({
        version: '1.0',
        trustPolicies: [
          {
            name: 'mine',
            registryScopes: [`${stack.registry.host}/net-monitor`],
            signatureVerification: { level: 'strict' },
            trustStores: ['ca:mine'],
            trustedIdentities: [`x509.subject: ${SUBJECT}`]
          }
        ]
      })
    )
    const run = await e2e.run(
      {
        command: 'verify',
        images: image,
        'trust-policy': 'policy.json',
        'trust-store': 'ca:mine',
        'trust-store-certificates': 'signer.pem',
        // Names the stack's registry as ACR where the action asks for that (ignored otherwise).
        'acr-registries': stack.registry.host
      },
      { env: { AZURE_AUTHORITY_HOST: server.origin } }
    )
    const output = run.stdout + run.stderr
    assert.equal(run.code, 1, output)
    assert.deepEqual(relay.captured, [], 'no OIDC assertion')
    assert.deepEqual(server.calls, [], 'no request at all reached the relay')
    assert.equal(stack.oidc.issuedTokens.length, oidcTokens, 'no GitHub OIDC token was fetched')
    assert.equal(run.errors.length, 1, output)
    assert.match(
      decode(run.errors[0] ?? ''),
      /^Input 'azure-authority-host': AZURE_AUTHORITY_HOST in the environment is /
    )
  })

  test('the plugin gets the validated authority and only the variables its credential reads', async () => {
    const { stack } = e2e
    await e2e.resetRunner()
    const pluginCalls = e2e.pluginCalls().length
    const proxyCalls = stack.proxy.calls.length
    const issued = tokensFromNow()
    const run = await e2e.run(
      { ...e2e.azureInputs, 'azure-credential': 'oidc', certificate: CERT, images: image },
      {
        env: {
          // A known cloud's authority in the environment, overridden by the step's own input.
          AZURE_AUTHORITY_HOST: 'https://login.microsoftonline.us',
          // The runner's proxy (the stack's, which refuses every name it does not serve).
          ...stack.proxyEnv(),
          // Nothing the plugin's workload identity reads.
          AZURE_CLIENT_SECRET: stack.clientSecret,
          AZURE_CLIENT_CERTIFICATE_PATH: '/nonexistent/cert.pem',
          GITHUB_TOKEN: 'ghs_not-for-the-plugin'
        }
      }
    )
    const output = run.stdout + run.stderr
    assert.equal(run.code, 0, output)
    assert.ok(
      run.stdout.includes(`Azure authority: ${stack.authorityHost} (azure-authority-host)`),
      'the authority is logged'
    )
    assert.deepEqual(
      stack.proxy.calls.slice(proxyCalls).map(c => c.path),
      [],
      'login.microsoftonline.us was never asked'
    )
    const calls = e2e.pluginCalls().slice(pluginCalls)
    const signing = calls.filter(c => c.command === 'generate-signature')
    assert.equal(signing.length, 1, JSON.stringify(calls))
    const allowed = new Set([
      'AZURE_AUTHORITY_HOST',
      'AZURE_TENANT_ID',
      'AZURE_CLIENT_ID',
      'AZURE_FEDERATED_TOKEN_FILE',
      'AZURE_KV_STANDIN_LOG', // the test log, baked into the stand-in's wrapper
      // The runner's proxy and CA settings, kept for a runner behind its own proxy.
      'HTTPS_PROXY',
      'NO_PROXY',
      'NODE_EXTRA_CA_CERTS',
      'SSL_CERT_FILE'
    ])
    for (const call of calls) {
      assert.equal(
        call.authorityHost,
        stack.authorityHost,
        `${call.command}: the validated authority`
      )
      assert.equal(call.clientId, stack.clientId)
      assert.deepEqual(
        call.env.filter(name => !allowed.has(name)),
        [],
        `${call.command}: only what its credential reads`
      )
    }
    assert.ok(signing[0]?.env.includes('AZURE_FEDERATED_TOKEN_FILE'))
    assert.equal(signing[0]?.credentialUsed, 'workloadid')
    assert.ok(issued().every(t => t.appid === stack.clientId))
  })

  test('environment: AZURE_CLIENT_ID and azure-client-id differ, the action and the plugin sign in as one identity', async () => {
    const { stack } = e2e
    // Another application in the tenant, whose ID an earlier step left in AZURE_CLIENT_ID; it
    // shares the secret, so signing in as it would succeed (the split would go unnoticed).
    const other = stack.entra.addApplication({
      secret: stack.clientSecret,
      displayName: 'another app'
    })
    await e2e.resetRunner()
    const pluginCalls = e2e.pluginCalls().length
    const signs = stack.keyVault.vault.signs.length
    const issued = tokensFromNow()
    const run = await e2e.run(
      { ...e2e.azureInputs, 'azure-credential': 'environment', certificate: CERT, images: image },
      { env: { AZURE_CLIENT_ID: other.clientId, AZURE_CLIENT_SECRET: stack.clientSecret } }
    )
    const output = run.stdout + run.stderr
    assert.equal(run.code, 0, output)
    const tokens = issued()
    assert.ok(tokens.length > 0)
    assert.deepEqual(
      [...new Set(tokens.map(t => t.appid))],
      [stack.clientId],
      'every token the action and the plugin got is for azure-client-id'
    )
    const calls = e2e.pluginCalls().slice(pluginCalls)
    assert.ok(calls.length > 0)
    for (const call of calls) assert.equal(call.clientId, stack.clientId, call.command)
    const signing = calls.find(c => c.command === 'generate-signature')
    assert.equal(signing?.credentialUsed, 'environment')
    assert.ok(signing?.env.includes('AZURE_CLIENT_SECRET'))
    const signed = stack.keyVault.vault.signs.slice(signs)
    assert.equal(signed.length, 1)
    assert.equal(signed[0]?.subject, stack.principalId, 'Key Vault signed for that identity')
    assert.match(
      run.stdout,
      new RegExp(
        `AZURE_CLIENT_ID in the environment \\(${other.clientId}\\) is not azure-client-id`
      )
    )
  })
})
