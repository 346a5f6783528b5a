import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { DEFAULTS, getInputs, parseCommands } from '../../src/inputs/inputs.ts'
import { readActionYml } from '../support/action-yml.ts'

const reader =
  (values: Record<string, string>) =>
  (name: string): string =>
    values[name] ?? ''

const setup = (values: Record<string, string> = {}) =>
  getInputs(reader({ command: 'setup', ...values }))

describe('action.yml and the inputs module agree', () => {
  const yml = readActionYml()

  test('every declared default is the one the code applies', () => {
    const declared = Object.fromEntries(
      [...yml.inputs].filter(([, v]) => v.default !== undefined).map(([k, v]) => [k, v.default])
    )
    assert.deepEqual(declared, DEFAULTS)
  })

  test('every declared input is read by getInputs', () => {
    const read = new Set<string>()
    getInputs(name => {
      read.add(name)
      return name === 'command' ? 'setup' : ''
    })
    assert.deepEqual(
      [...yml.inputs.keys()].filter(n => !read.has(n)),
      []
    )
  })

  test('runs on node24 with a post step that has its own entry file', () => {
    assert.equal(yml.runs['using'], 'node24')
    assert.equal(yml.runs['main'], 'dist/index.js')
    assert.equal(yml.runs['post'], 'dist/post.js')
  })
})

describe('command', () => {
  test('runs phases in their natural order whatever the order given', () => {
    assert.deepEqual(parseCommands('verify, sign build'), ['build', 'sign', 'verify'])
    assert.deepEqual(parseCommands('SETUP'), ['setup'])
  })
  test('refuses unknown, repeated and empty commands, naming the input', () => {
    assert.throws(
      () => parseCommands('sign deploy'),
      /Input 'command': 'deploy' is not a command; use any of: setup, build, sign, verify/
    )
    assert.throws(() => parseCommands('sign sign'), /'sign' is given twice/)
    assert.throws(() => parseCommands('  '), /Input 'command': is empty/)
  })
})

describe('what each command needs, checked before anything runs', () => {
  const vault = { 'key-vault': 'myvault', certificate: 'signer' }
  const image = { images: 'myacr.azurecr.io/app:v1' }
  test('sign and verify need images', () => {
    assert.throws(
      () => getInputs(reader({ ...vault })),
      /Input 'images': is required for sign verify/
    )
  })
  test('sign needs the vault and the certificate (or a key ID)', () => {
    assert.throws(
      () => getInputs(reader({ ...image, certificate: 'c' })),
      /Input 'key-vault': is required to sign/
    )
    assert.throws(
      () => getInputs(reader({ ...image, 'key-vault': 'myvault' })),
      /Input 'certificate': is required to sign/
    )
    const byKey = getInputs(
      reader({
        ...image,
        'key-id': 'https://myvault.vault.azure.net/keys/k/0123456789abcdef0123456789abcdef'
      })
    )
    assert.equal(
      byKey.keyVault.keyId,
      'https://myvault.vault.azure.net/keys/k/0123456789abcdef0123456789abcdef'
    )
    assert.throws(
      () => getInputs(reader({ ...image, ...vault, 'key-id': 'https://x.vault.azure.net/keys/k' })),
      /Input 'key-id': and certificate are alternatives/
    )
  })
  test('verify alone needs a Key Vault certificate or trust store certificates', () => {
    assert.throws(
      () => getInputs(reader({ ...image, command: 'verify' })),
      /Input 'trust-store-certificates': is required to verify without a Key Vault certificate/
    )
    assert.equal(getInputs(reader({ ...image, ...vault, command: 'verify' })).commands[0], 'verify')
  })
  test('create-certificate needs a name and a subject with C, ST and O', () => {
    assert.throws(
      () => getInputs(reader({ ...image, ...vault, 'create-certificate': 'true' })),
      /Input 'certificate-subject': is required with create-certificate/
    )
    assert.throws(
      () =>
        getInputs(
          reader({
            ...image,
            ...vault,
            'create-certificate': 'true',
            'certificate-subject': 'CN=example.com,O=Example'
          })
        ),
      /Input 'certificate-subject': .*lacks C, ST/
    )
  })
  test('a given trust policy cannot be mixed with the inputs that shape a generated one', () => {
    assert.throws(
      () =>
        getInputs(
          reader({
            ...image,
            ...vault,
            'trust-policy': '{}',
            'registry-scopes': 'myacr.azurecr.io/app'
          })
        ),
      /Input 'registry-scopes': shapes the generated trust policy/
    )
  })
  test('setup alone needs nothing else', () => {
    assert.deepEqual(setup().commands, ['setup'])
  })
})

describe('install inputs', () => {
  test('defaults to the newest pinned versions', () => {
    const inputs = setup()
    assert.deepEqual(inputs.notation, { version: '1.3.2' })
    assert.deepEqual(inputs.plugin, { version: '1.2.1' })
  })
  test('accepts a leading v', () => {
    assert.equal(setup({ 'notation-version': 'v1.3.2' }).notation.version, '1.3.2')
  })
  test('a version outside the pinned table needs a custom URL', () => {
    assert.throws(
      () => setup({ 'notation-version': '1.0.0' }),
      /Input 'notation-version': 1\.0\.0 is not in the action's pinned checksum table \(1\.3\.2, 1\.3\.1, 1\.3\.0, 1\.2\.0, 1\.1\.1, 1\.1\.0\)/
    )
    assert.throws(
      () => setup({ 'plugin-version': 'latest' }),
      /Input 'plugin-version': 'latest' is not a version/
    )
  })
  test('a custom URL requires a well-formed checksum', () => {
    assert.throws(
      () => setup({ 'notation-url': 'https://mirror.example/n.tar.gz' }),
      /Input 'notation-checksum': is required with notation-url/
    )
    assert.throws(
      () => setup({ 'plugin-url': 'https://mirror.example/p.tar.gz', 'plugin-checksum': 'abc' }),
      /Input 'plugin-checksum': must be a SHA-256/
    )
    assert.throws(
      () => setup({ 'plugin-checksum': 'a'.repeat(64) }),
      /Input 'plugin-checksum': is only used with plugin-url/
    )
    assert.throws(
      () => setup({ 'notation-url': 'file:///etc/passwd', 'notation-checksum': 'a'.repeat(64) }),
      /must be an http\(s\) URL/
    )
    assert.throws(
      () =>
        setup({
          'notation-url': 'https://u:p@mirror.example/n',
          'notation-checksum': 'a'.repeat(64)
        }),
      /must not carry credentials/
    )
    const custom = setup({
      'notation-url': 'https://mirror.example/n.tar.gz',
      'notation-checksum': 'AB'.repeat(32),
      'notation-version': '1.4.0'
    })
    assert.deepEqual(custom.notation, {
      version: '1.4.0',
      custom: { url: 'https://mirror.example/n.tar.gz', sha256: 'ab'.repeat(32) }
    })
  })
})

describe('other inputs are validated even before their feature lands', () => {
  test('booleans, numbers and enums name the input and the allowed values', () => {
    assert.throws(
      () => setup({ cleanup: 'yes' }),
      /Input 'cleanup': 'yes' is not a boolean; use true or false/
    )
    assert.throws(
      () => setup({ 'max-concurrency': '0' }),
      /Input 'max-concurrency': '0' is not a whole number from 1 to 32/
    )
    assert.throws(
      () => setup({ 'timeout-minutes': '-1' }),
      /Input 'timeout-minutes': '-1' is not a number of minutes/
    )
    assert.equal(setup({ 'timeout-minutes': '2.5' }).timeoutMinutes, 2.5)
    assert.throws(
      () => setup({ 'azure-credential': 'password' }),
      /use one of: auto, oidc, environment, cli, managed-identity/
    )
    assert.throws(
      () => setup({ 'signature-format': 'pgp' }),
      /Input 'signature-format': 'pgp' is not allowed; use one of: cose, jws/
    )
  })
  test('key=value lists refuse malformed, duplicate and reserved keys', () => {
    assert.throws(
      () => setup({ 'user-metadata': 'novalue' }),
      /Input 'user-metadata': 'novalue' is not key=value/
    )
    assert.throws(() => setup({ 'user-metadata': 'a=1\na=2' }), /key 'a' is given twice/)
    assert.throws(() => setup({ 'user-metadata': 'io.cncf.notary.x=1' }), /reserved by notation/)
    assert.throws(
      () => setup({ 'plugin-config': 'self_signed=false' }),
      /Input 'plugin-config': key 'self_signed' is set by the action/
    )
    assert.throws(() => setup({ 'user-metadata': '--id=x' }), /Input 'user-metadata': key '--id'/)
  })
  test('paired inputs go together', () => {
    assert.throws(
      () => setup({ 'registry-username': 'bob' }),
      /Input 'registry-password': registry-username and registry-password go together/
    )
    assert.throws(
      () => setup({ 'timestamp-url': 'https://tsa.example' }),
      /Input 'timestamp-root-cert'/
    )
  })
  test('registry-username/password are bound to one registry', () => {
    const creds = { 'registry-username': 'bob', 'registry-password': 'secret' }
    const sign = (values: Record<string, string>) =>
      getInputs(
        reader({
          command: 'verify',
          'trust-store-certificates': 'ca.pem',
          'trusted-identities': '*',
          ...values
        })
      )
    const one = sign({ ...creds, images: 'ghcr.io/a/b:v1\nGHCR.io/a/c:v1' })
    assert.equal(one.registry.server, 'ghcr.io', "the images' one registry")
    const named = sign({
      ...creds,
      images: 'ghcr.io/a/b:v1\nmyacr.azurecr.io/c:v1',
      'registry-server': 'GHCR.IO'
    })
    assert.equal(named.registry.server, 'ghcr.io', 'as the images spell it')
    assert.throws(
      () => sign({ ...creds, images: 'ghcr.io/a/b:v1\nmyacr.azurecr.io/c:v1' }),
      /Input 'registry-server': is required .* several registries \(ghcr\.io, myacr\.azurecr\.io\)/
    )
    assert.throws(
      () => sign({ ...creds, images: 'ghcr.io/a/b:v1', 'registry-server': 'docker.io' }),
      /Input 'registry-server': 'docker\.io' is not the registry of any image/
    )
    // Without credentials (a fork's run without secrets) registry-server binds nothing.
    const none = sign({ images: 'ghcr.io/a/b:v1', 'registry-server': 'docker.io' })
    assert.equal(none.registry.server, undefined)
    assert.deepEqual(
      sign({ images: 'ghcr.io/a/b:v1', 'acr-registries': 'reg.example:5000\n# c\nr2.example' })
        .registry.acrRegistries,
      ['reg.example:5000', 'r2.example']
    )
  })
  test('Key Vault names and URLs', () => {
    assert.throws(
      () => setup({ 'key-vault': 'a' }),
      /Input 'key-vault': 'a' is neither a vault name/
    )
    assert.throws(
      () => setup({ 'key-vault': 'http://myvault.vault.azure.net' }),
      /must be a plain https URL/
    )
    assert.throws(() => setup({ certificate: 'bad name' }), /Input 'certificate'/)
    assert.throws(
      () => setup({ 'certificate-version': 'latest' }),
      /Input 'certificate-version': must be a Key Vault version/
    )
  })
  test('trust store and expiry formats', () => {
    assert.throws(
      () => setup({ 'trust-store': 'x509:foo' }),
      /Input 'trust-store': 'x509:foo' must be type:name with type one of ca, signingAuthority, tsa/
    )
    assert.throws(() => setup({ 'trust-store': 'ca:../etc' }), /Input 'trust-store'/)
    assert.throws(() => setup({ expiry: '3 days' }), /Input 'expiry': '3 days' is not a duration/)
  })
  test('an absurdly long input is refused before parsing', () => {
    assert.throws(
      () => setup({ images: 'x'.repeat(1024 * 1024 + 1) }),
      /Input 'images': is 1048577 characters long/
    )
  })
})

test('.env.example lists every input for local runs', async () => {
  const { readFile } = await import('node:fs/promises')
  const text = await readFile(new URL('../../.env.example', import.meta.url), 'utf8')
  const listed = new Set(
    [...text.matchAll(/^INPUT_([A-Z0-9-]+)=/gm)].map(m => (m[1] ?? '').toLowerCase())
  )
  assert.deepEqual(
    [...readActionYml().inputs.keys()].filter(name => !listed.has(name)),
    []
  )
})
