// The action end to end, as users run it: the committed bundle against the local stack, with the
// real notation CLI and the azure-kv stand-in installed from archives.
import assert from 'node:assert/strict'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, before, test } from 'node:test'
import { startE2E, type E2E } from '../support/e2e.ts'
import { e2eDescribe } from '../support/stack-env.ts'

const SUBJECT = 'CN=wabbit-networks.io,O=Notation,L=Seattle,ST=WA,C=US'

/** Processes still running whose command line names `marker` (a run's runner folders). */
function processesUnder(marker: string): number[] {
  return readdirSync('/proc')
    .filter(entry => /^\d+$/.test(entry))
    .filter(entry => {
      try {
        return readFileSync(`/proc/${entry}/cmdline`, 'latin1').includes(marker)
      } catch {
        return false // gone, or not ours
      }
    })
    .map(Number)
}

/** Lines a person would see in the log (mask commands are read by the runner, not shown). */
function visibleLines(output: string): string[] {
  return output.split('\n').filter(line => !line.startsWith('::add-mask::'))
}

e2eDescribe('sign and verify end to end', () => {
  let e2e: E2E
  let image: { digest: string; reference: string }
  let kid: string
  before(async () => {
    e2e = await startE2E()
    const seeded = await e2e.stack.keyVault.vault.seedSelfSigned('wabbit-networks-io', {
      subject: SUBJECT
    })
    kid = seeded.kid
    const pushed = await e2e.stack.registry.pushImage('net-monitor', { tag: 'v1' })
    image = {
      digest: pushed.digest,
      reference: `${e2e.stack.registry.host}/net-monitor@${pushed.digest}`
    }
  })
  after(() => e2e?.stop())

  test('one step: OIDC, Key Vault certificate, tag → digest, sign, write trust, verify', async () => {
    const run = await e2e.run({
      ...e2e.azureInputs,
      certificate: 'wabbit-networks-io',
      images: `${e2e.stack.registry.host}/net-monitor:v1`
    })
    assert.equal(run.code, 0, run.stdout + run.stderr)
    assert.equal(run.outputs['key-id'], kid)
    assert.match(run.outputs['certificate-subject'] ?? '', /CN=wabbit-networks\.io/)
    assert.equal(run.outputs['digests'], image.reference)
    const images = JSON.parse(run.outputs['images'] ?? '[]') as Record<string, unknown>[]
    assert.equal(images.length, 1)
    assert.equal(images[0]?.['signed'], true)
    assert.equal(images[0]?.['verified'], true)
    assert.match(String(images[0]?.['signatureDigest']), /^sha256:[0-9a-f]{64}$/)

    const calls = e2e.notationCalls()
    const sign = calls.find(c => c.argv[0] === 'sign')
    assert.ok(sign, 'notation sign ran')
    assert.equal(sign.argv.at(-1), image.reference, 'signed by digest, never by tag')
    assert.ok(sign.argv.includes(`--id=${kid}`))
    assert.ok(sign.argv.includes('--plugin-config=self_signed=true'))
    assert.ok(sign.argv.includes('--plugin-config=credential_type=workloadid'))
    assert.equal(sign.username, '00000000-0000-0000-0000-000000000000')
    assert.equal(sign.passwordSet, true)
    const verify = calls.find(c => c.argv[0] === 'verify')
    assert.deepEqual(verify?.argv, ['verify', '--verbose', image.reference])

    assert.match(run.summary, /Notation signing with Azure Key Vault/)
    assert.ok(run.summary.includes(image.digest))
    // Secrets are masked, and no token of any kind shows in a visible log line.
    assert.ok(run.stdout.includes('::add-mask::'))
    assert.ok(!visibleLines(run.stdout).some(l => /eyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]+/.test(l)))
    assert.ok(!/eyJ[\w-]{10,}\.eyJ/.test(run.summary))
  })

  test('verify alone needs no files in the repository: trust comes from Key Vault', async () => {
    await e2e.resetRunner()
    const run = await e2e.run({
      ...e2e.azureInputs,
      command: 'verify',
      certificate: 'wabbit-networks-io',
      images: image.reference
    })
    assert.equal(run.code, 0, run.stdout + run.stderr)
    const config = run.exportedEnv['NOTATION_CONFIG'] ?? ''
    const policy = JSON.parse(await readFile(path.join(config, 'trustpolicy.json'), 'utf8')) as {
      trustPolicies: {
        registryScopes: string[]
        trustedIdentities: string[]
        signatureVerification: { level: string }
        trustStores: string[]
      }[]
    }
    assert.deepEqual(policy.trustPolicies[0]?.registryScopes, [
      `${e2e.stack.registry.host}/net-monitor`
    ])
    assert.equal(policy.trustPolicies[0]?.signatureVerification.level, 'strict')
    assert.deepEqual(policy.trustPolicies[0]?.trustStores, ['ca:wabbit-networks-io'])
    assert.match(
      policy.trustPolicies[0]?.trustedIdentities[0] ?? '',
      /^x509\.subject: ?.*CN=wabbit-networks\.io/
    )
    const store = path.join(config, 'truststore', 'x509', 'ca', 'wabbit-networks-io')
    assert.equal((await readdir(store)).length, 1)
    const images = JSON.parse(run.outputs['images'] ?? '[]') as Record<string, unknown>[]
    assert.equal(images[0]?.['verification'], 'verified')
  })

  test('an unsigned image fails verification, closed, naming the image', async () => {
    const unsigned = await e2e.stack.registry.pushImage('net-monitor', {
      tag: 'unsigned',
      content: 'an image nobody signed'
    })
    const run = await e2e.run({
      ...e2e.azureInputs,
      command: 'verify',
      certificate: 'wabbit-networks-io',
      images: `${e2e.stack.registry.host}/net-monitor:unsigned`
    })
    assert.equal(run.code, 1)
    assert.match(
      run.errors.join('\n'),
      new RegExp(
        `Verification failed for 1 of 1 image:%0A  .*net-monitor@${unsigned.digest}: .*no signature`
      )
    )
  })

  test('build sign verify: ACR Tasks builds a local folder, and exactly that digest is signed and verified', async () => {
    const context = path.join(e2e.dirs.workspace, 'app')
    await mkdir(context, { recursive: true })
    await writeFile(path.join(context, 'Dockerfile'), 'FROM scratch\nCOPY hello.txt /\n')
    await writeFile(path.join(context, 'hello.txt'), 'hello\n')
    const env = e2e.stack.env()
    // The run finishes on the first poll: this test is about the chain, build.test.ts about polling.
    e2e.stack.arm.scriptNextRun({
      queuedPolls: 0,
      runningPolls: 0,
      logChunks: ['Step 1/2 : FROM scratch\n']
    })
    const run = await e2e.run({
      ...e2e.azureInputs,
      command: 'build sign verify',
      certificate: 'wabbit-networks-io',
      images: `${e2e.stack.registry.host}/built-app:v1`,
      'build-context': 'app',
      'azure-subscription-id': env['STACK_SUBSCRIPTION_ID'] ?? '',
      'resource-group': env['STACK_RESOURCE_GROUP'] ?? ''
    })
    assert.equal(run.code, 0, run.stdout + run.stderr)
    const digest = run.outputs['digest'] ?? ''
    assert.match(digest, /^sha256:[0-9a-f]{64}$/)
    const reference = `${e2e.stack.registry.host}/built-app@${digest}`
    assert.equal(run.outputs['digests'], reference)
    const calls = e2e.notationCalls()
    assert.equal(
      calls
        .filter(c => c.argv[0] === 'sign')
        .at(-1)
        ?.argv.at(-1),
      reference
    )
    assert.deepEqual(calls.filter(c => c.argv[0] === 'verify').at(-1)?.argv, [
      'verify',
      '--verbose',
      reference
    ])
    const images = JSON.parse(run.outputs['images'] ?? '[]') as Record<string, unknown>[]
    assert.equal(images[0]?.['verified'], true)
    const upload = [...e2e.stack.arm.uploads.values()].at(-1)
    assert.ok(upload, 'the context was uploaded')
  })

  test('SIGTERM to the action (a cancelled workflow) cancels the ACR Tasks run', async () => {
    const env = e2e.stack.env()
    // A run that would stay Running for a long time: only a cancel ends it.
    e2e.stack.arm.scriptNextRun({ queuedPolls: 0, runningPolls: 1000 })
    const before = new Set(e2e.stack.arm.runs.keys())
    const signs = () => e2e.notationCalls().filter(c => c.argv[0] === 'sign').length
    const signsBefore = signs()
    let signalled = false
    const run = await e2e.run(
      {
        ...e2e.azureInputs,
        command: 'build sign verify',
        certificate: 'wabbit-networks-io',
        images: `${e2e.stack.registry.host}/built-app:cancelled`,
        'build-context': 'app',
        'azure-subscription-id': env['STACK_SUBSCRIPTION_ID'] ?? '',
        'resource-group': env['STACK_RESOURCE_GROUP'] ?? ''
      },
      {
        onSpawn: child => {
          const poll = setInterval(() => {
            const scheduled = [...e2e.stack.arm.runs.keys()].some(id => !before.has(id))
            if (scheduled && !signalled) {
              signalled = true
              clearInterval(poll)
              child.kill('SIGTERM')
            }
          }, 50)
          child.on('exit', () => clearInterval(poll))
        }
      }
    )
    assert.ok(signalled, 'the run was scheduled before the signal')
    assert.equal(run.code, 1)
    assert.match(run.errors.join('\n'), /Cancelled by SIGTERM/)
    const runs = [...e2e.stack.arm.runs.values()].filter(r => !before.has(r.runId))
    assert.equal(runs.length, 1)
    assert.equal(runs[0]?.canceled, true, 'the ACR run was cancelled')
    assert.equal(signs(), signsBefore, 'nothing was signed')
  })

  test('SIGTERM while real notation signs (hung on a registry that never answers) ends it, nothing pushed', async () => {
    const pushed = await e2e.stack.registry.pushImage('net-monitor', {
      tag: 'cancelled-sign',
      content: 'an image whose signing is cancelled'
    })
    const registry = e2e.stack.registry.server
    // notation's first request is its HEAD of the digest (the action resolves tags with GET): held
    // until the test ends, then dropped.
    let release = (): void => undefined
    const gate = new Promise<void>(resolve => (release = resolve))
    registry.inject({
      route: 'registry.manifests',
      kind: 'reset',
      until: gate,
      when: r => r.method === 'HEAD' && r.path.endsWith(pushed.digest)
    })
    const held = (): boolean =>
      registry.calls.some(
        c => c.method === 'HEAD' && c.status === 0 && c.path.endsWith(pushed.digest)
      )
    let signalled = false
    try {
      const run = await e2e.run(
        {
          ...e2e.azureInputs,
          command: 'sign',
          certificate: 'wabbit-networks-io',
          images: `${e2e.stack.registry.host}/net-monitor@${pushed.digest}`
        },
        {
          onSpawn: child => {
            const poll = setInterval(() => {
              if (held() && !signalled) {
                signalled = true
                clearInterval(poll)
                child.kill('SIGTERM')
              }
            }, 50)
            child.on('exit', () => clearInterval(poll))
          }
        }
      )
      assert.ok(signalled, 'notation sign was waiting on the registry when the signal came')
      assert.equal(run.code, 1)
      assert.match(run.errors.join('\n'), /Cancelled by SIGTERM/)
      assert.deepEqual(processesUnder(e2e.dirs.root), [], 'no notation or plugin process is left')
      assert.ok(
        !registry.calls.some(
          c => c.method === 'PUT' && c.path.includes(pushed.digest.replace(':', '-'))
        ),
        'no signature was pushed'
      )
    } finally {
      release()
      registry.clearFaults()
    }
  })

  test('a Key Vault refusal to sign names the missing permission and the image', async () => {
    e2e.stack.keyVault.vault.deny('keys/sign')
    try {
      const run = await e2e.run({
        ...e2e.azureInputs,
        command: 'sign',
        certificate: 'wabbit-networks-io',
        images: image.reference
      })
      assert.equal(run.code, 1)
      const errors = run.errors.join('\n')
      assert.match(errors, /Signing failed for 1 of 1 image/)
      assert.ok(errors.includes(image.reference), errors)
      assert.match(errors, /keys sign permission/)
    } finally {
      e2e.stack.keyVault.vault.allow('keys/sign')
    }
  })

  test('notation writes nothing in the runner HOME: its CRL cache is job-private too', async () => {
    await e2e.resetRunner()
    const home = await mkdtemp(path.join(os.tmpdir(), 'akv-e2e-home-'))
    try {
      const run = await e2e.run(
        {
          ...e2e.azureInputs,
          command: 'sign verify',
          certificate: 'wabbit-networks-io',
          images: image.reference
        },
        { env: { HOME: home }, post: true }
      )
      assert.equal(run.code, 0, run.stdout + run.stderr)
      assert.ok(
        e2e.notationCalls().some(c => c.argv[0] === 'verify'),
        'notation verify ran'
      )
      // Real notation caches CRLs in $HOME/.cache/notation unless NOTATION_CACHE says elsewhere.
      assert.deepEqual(await readdir(home, { recursive: true }), [])
      const cache = run.exportedEnv['NOTATION_CACHE'] ?? ''
      assert.ok(cache.startsWith(run.state['workDir'] ?? '/nonexistent'), cache)
    } finally {
      await rm(home, { recursive: true, force: true })
    }
  })

  test('the post step removes the job-private config folder', async () => {
    const run = await e2e.run({ command: 'setup' }, { post: true })
    assert.equal(run.code, 0)
    assert.equal(existsSync(run.state['workDir'] ?? '/nonexistent'), false)
  })
})
