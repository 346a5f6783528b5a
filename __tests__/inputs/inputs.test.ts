import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { DEFAULT_RUN_TIMEOUT_SECONDS } from '../../src/build/build.ts'
import { InputError } from '../../src/util/errors.ts'
import { DEFAULTS, getInputs, parseCommands } from '../../src/inputs/inputs.ts'
import { DEFAULT_NOTATION_VERSION, DEFAULT_PLUGIN_VERSION } from '../../src/install/releases.ts'
import { imageOutput } from '../../src/report/summary.ts'
import { ROOT } from '../support/action.ts'
import {
  readActionYml,
  readEnvExample,
  readmeDefaults,
  readReadmeInputs,
  readReadmeOutputs
} from '../support/action-yml.ts'

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

  test('the defaults the code keeps elsewhere are the declared ones', () => {
    assert.equal(yml.inputs.get('notation-version')?.default, DEFAULT_NOTATION_VERSION)
    assert.equal(yml.inputs.get('plugin-version')?.default, DEFAULT_PLUGIN_VERSION)
    assert.equal(yml.inputs.get('build-timeout')?.default, String(DEFAULT_RUN_TIMEOUT_SECONDS))
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

// One source of truth: action.yml declares every default and states every limit in the input's
// description; the README's Inputs table and .env.example say the same, and the code applies it.
describe('action.yml, the README and .env.example agree (names, defaults, limits)', () => {
  const yml = readActionYml()
  const readme = readReadmeInputs()
  const env = readEnvExample()
  const rowOf = (name: string) => readme.find(row => row.names.includes(name))
  const declared = [...yml.inputs.keys()]

  test('the README table and .env.example list every input once, and nothing else', () => {
    const inReadme = readme.flatMap(row => row.names)
    assert.deepEqual(
      inReadme.filter((n, i) => inReadme.indexOf(n) !== i),
      [],
      'listed once'
    )
    assert.deepEqual([...inReadme].sort(), [...declared].sort())
    assert.deepEqual([...env.keys()], declared, '.env.example, in action.yml order')
  })

  test('every default is the same in the three; none is stated where none is declared', () => {
    for (const row of readme) {
      for (const [name, stated] of readmeDefaults(row)) {
        assert.equal(stated, yml.inputs.get(name)?.default, `README default of ${name}`)
      }
    }
    for (const [name, { value }] of env) {
      assert.equal(value, yml.inputs.get(name)?.default ?? '', `.env.example value of ${name}`)
    }
  })

  test('.env.example describes each input with its action.yml description', () => {
    for (const [name, { comment }] of env) {
      assert.equal(comment, yml.inputs.get(name)?.description, name)
    }
  })

  // The limits the code applies, found in its source and then probed: every one is stated.
  const source = readFileSync(path.join(ROOT, 'src', 'inputs', 'inputs.ts'), 'utf8')
  const probe = (values: Record<string, string>): string | undefined => {
    try {
      setup(values)
      return undefined
    } catch (error) {
      if (!(error instanceof InputError)) throw error
      return error.message
    }
  }
  const ranges = [...source.matchAll(/\.integer\('([a-z-]+)', (\d+), (\d+)\)/g)].map(m => ({
    name: m[1] ?? '',
    min: Number(m[2]),
    max: Number(m[3])
  }))

  test('every whole-number range is stated as min–max in the three, and is the one applied', () => {
    assert.deepEqual(ranges.map(r => r.name).sort(), [
      'build-timeout',
      'certificate-validity-months',
      'max-concurrency'
    ])
    for (const { name, min, max } of ranges) {
      const phrase = `${min}–${max}`
      assert.ok(
        yml.inputs.get(name)?.description?.includes(phrase),
        `action.yml ${name}: ${phrase}`
      )
      assert.ok(rowOf(name)?.meaning.includes(phrase), `README ${name}: ${phrase}`)
      assert.equal(probe({ [name]: String(min) }), undefined, `${name} ${min}`)
      assert.equal(probe({ [name]: String(max) }), undefined, `${name} ${max}`)
      assert.match(probe({ [name]: String(min - 1) }) ?? '', new RegExp(`^Input '${name}'`))
      assert.match(probe({ [name]: String(max + 1) }) ?? '', new RegExp(`^Input '${name}'`))
    }
  })

  test('every upper bound is stated as "at most N" in the three, and is the one applied', () => {
    const image = (i: number): string => `myacr.azurecr.io/app${i}:v1`
    const bounds = [
      { name: 'timeout-minutes', max: 360, value: (n: number) => String(n) },
      {
        name: 'images',
        max: 256,
        value: (n: number) => Array.from({ length: n }, (_, i) => image(i)).join('\n')
      }
    ]
    assert.deepEqual(
      [...source.matchAll(/\.minutes\('([a-z-]+)', (\d+)\)/g)].map(m => [m[1], Number(m[2])]),
      [['timeout-minutes', 360]]
    )
    for (const { name, max, value } of bounds) {
      const phrase = `at most ${max}`
      assert.ok(
        yml.inputs.get(name)?.description?.includes(phrase),
        `action.yml ${name}: ${phrase}`
      )
      assert.ok(rowOf(name)?.meaning.includes(phrase), `README ${name}: ${phrase}`)
      assert.equal(probe({ [name]: value(max) }), undefined, `${name} ${max}`)
      assert.match(probe({ [name]: value(max + 1) }) ?? '', new RegExp(`^Input '${name}'`))
    }
    assert.match(probe({ 'timeout-minutes': '0' }) ?? '', /above 0/)
    assert.ok(yml.inputs.get('timeout-minutes')?.description?.includes('above 0'))
    assert.ok(rowOf('timeout-minutes')?.meaning.includes('above 0'))
  })

  test('every set of allowed values is stated in full, and only those', () => {
    const choices = [...source.matchAll(/\.oneOf\('([a-z-]+)'/g)].map(m => m[1] ?? '')
    assert.deepEqual(choices.sort(), [
      'azure-credential',
      'key-curve',
      'key-size',
      'key-type',
      'signature-format',
      'signer',
      'verification-level',
      'verify-timestamp'
    ])
    const list = (values: string[]): string =>
      `${values.slice(0, -1).join(', ')} or ${values.at(-1) ?? ''}`
    for (const name of choices) {
      const message = probe({ [name]: 'not-a-value' }) ?? ''
      const allowed = /use one of: (.*)\.$/.exec(message)?.[1]?.split(', ') ?? []
      assert.ok(allowed.length > 1, `${name} refuses an unknown value: ${message}`)
      for (const value of allowed) {
        // Accepted (another input may still be needed: oidc wants a client ID).
        assert.doesNotMatch(probe({ [name]: value }) ?? '', new RegExp(`^Input '${name}'`), value)
      }
      const description = yml.inputs.get(name)?.description ?? ''
      assert.ok(description.includes(list(allowed)), `action.yml ${name}: "${list(allowed)}"`)
      const stated = list(allowed.map(v => `\`${v}\``))
      assert.ok(rowOf(name)?.meaning.includes(stated), `README ${name}: "${stated}"`)
    }
  })

  test('verification-level has no skip: it verifies nothing, so the step could only fail', () => {
    assert.match(
      probe({ 'verification-level': 'skip' }) ?? '',
      /^Input 'verification-level': 'skip' is not allowed; use one of: strict, permissive, audit\.$/
    )
    assert.doesNotMatch(yml.inputs.get('verification-level')?.description ?? '', /skip/)
  })

  test("the images output's fields are the ones documented, in order", () => {
    const fields = Object.keys(imageOutput({ input: 'x' }))
    const listed = (text: string): string[] =>
      /: ((?:`?[a-zA-Z]+`?, )+`?[a-zA-Z]+`?)\.?$/.exec(text)?.[1]?.replace(/`/g, '').split(', ') ??
      []
    assert.deepEqual(listed(yml.outputs.get('images')?.description ?? ''), fields, 'action.yml')
    assert.deepEqual(listed(readReadmeOutputs().get('images') ?? ''), fields, 'README')
    assert.deepEqual([...readReadmeOutputs().keys()].sort(), [...yml.outputs.keys()].sort())
  })
})

// The runner passes a declared default as INPUT_* when the input is left out: given explicitly,
// every default must read exactly as an input left out, and never trigger a refusal.
describe('an input given its declared default reads as one left out', () => {
  const defaults = Object.fromEntries(
    [...readActionYml().inputs].flatMap(([name, { default: d }]) =>
      d === undefined ? [] : [[name, d]]
    )
  )
  const image = { images: 'myacr.azurecr.io/app:v1' }
  const vault = { 'key-vault': 'myvault', certificate: 'signer' }
  const cases: Record<string, Record<string, string>> = {
    'sign verify': { ...image, ...vault },
    'with a given trust policy': { ...image, ...vault, 'trust-policy': '{}' },
    'verify with trust store certificates': {
      ...image,
      command: 'verify',
      'trust-store-certificates': 'root.pem',
      'trusted-identities': 'x509.subject: CN=a,O=b,ST=c,C=US'
    },
    'creating an EC certificate': {
      ...image,
      ...vault,
      'create-certificate': 'true',
      'certificate-subject': 'CN=a,O=b,L=c,ST=d,C=US',
      'key-type': 'EC'
    },
    'signing with a key ID': {
      ...image,
      'key-id': 'https://myvault.vault.azure.net/keys/k/0123456789abcdef0123456789abcdef'
    },
    'build from a git context': {
      ...image,
      ...vault,
      command: 'build sign',
      'build-context': 'https://github.com/org/repo.git#main',
      'azure-subscription-id': '00000000-0000-0000-0000-000000000000',
      'resource-group': 'rg'
    },
    'a custom notation archive': {
      command: 'setup',
      'notation-url': 'https://mirror.example/notation.tar.gz',
      'notation-checksum': 'a'.repeat(64)
    }
  }
  for (const [name, values] of Object.entries(cases)) {
    test(name, () => {
      assert.deepEqual(getInputs(reader({ ...defaults, ...values })), getInputs(reader(values)))
    })
  }
  test('a trust-policy-name other than the default still cannot be mixed with trust-policy', () => {
    assert.throws(
      () => getInputs(reader({ ...cases['with a given trust policy'], 'trust-policy-name': 'x' })),
      /Input 'trust-policy-name': shapes the generated trust policy/
    )
  })
})
