// ACR Tasks builds: input checks, context packing (.dockerignore as az acr build reads it), and
// runBuild end to end against the stack's ARM, blob and log stand-ins with a real credential, the
// real @azure/arm-containerregistry 11 client and the real registry the run pushes to.
import { after, before, beforeEach, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdir, mkdtemp, rm, symlink, utimes, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import tls from 'node:tls'
import { ClientSecretCredential } from '@azure/identity'
import { runBuild, planBuild, type BuildOptions } from '../../src/build/build.ts'
import {
  compilePattern,
  isIgnored,
  packContext,
  parseDockerignore
} from '../../src/build/build-context.ts'
import { ActionError, InputError } from '../../src/util/errors.ts'
import type { Inputs } from '../../src/inputs/inputs.ts'
import { listArchive } from '../stack/arm.ts'
import { fetchManifest, httpsRequest } from '../stack/images.ts'
import { startStack, type Stack } from '../stack/stack.ts'
import { captureOutput } from '../support/capture.ts'
import { registryDescribe } from '../support/stack-env.ts'
import { defaultInputs } from '../support/inputs.ts'

const SUBSCRIPTION = '00000000-1111-2222-3333-444444444444'

function makeInputs(
  over: {
    images?: string[]
    build?: Partial<Inputs['build']>
    azure?: Partial<Inputs['azure']>
  } = {}
): Inputs {
  const base = defaultInputs()
  return {
    ...base,
    commands: ['build', 'sign', 'verify'],
    images: over.images ?? ['myacr.azurecr.io/app:v1'],
    azure: {
      credential: 'environment',
      subscriptionId: SUBSCRIPTION,
      resourceGroup: 'rg',
      ...over.azure
    },
    build: { ...base.build, context: '.', ...over.build }
  }
}

/** The inputs with some fields absent (exactOptionalPropertyTypes: absent, not undefined). */
function omit(inputs: Inputs, edit: (inputs: Inputs) => void): Inputs {
  edit(inputs)
  return inputs
}

async function writeTree(root: string, files: Record<string, string>): Promise<void> {
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(root, name)
    await mkdir(path.dirname(file), { recursive: true })
    await writeFile(file, content)
  }
}

function inputError(input: string, pattern?: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof InputError, `expected InputError, got ${String(error)}`)
    assert.equal(error.input, input)
    if (pattern) assert.match(error.message, pattern)
    return true
  }
}

describe('planBuild: inputs are checked before anything else', () => {
  test('a complete set of inputs becomes a plan', () => {
    const plan = planBuild(
      makeInputs({
        images: ['MyAcr.azurecr.io/team/app:v1', 'myacr.azurecr.io/team/app:latest'],
        build: {
          context: 'app',
          platform: 'linux/arm64/v8',
          args: [{ key: 'A', value: '1' }],
          secretArgs: [{ key: 'TOKEN', value: 's3cr3t' }],
          timeoutSeconds: 600
        }
      })
    )
    assert.equal(plan.registry, 'myacr.azurecr.io')
    assert.deepEqual(
      plan.images.map(i => `${i.repository}:${i.tag}`),
      ['team/app:v1', 'team/app:latest']
    )
    assert.deepEqual(plan.platform, { os: 'Linux', architecture: 'arm64', variant: 'v8' })
    assert.deepEqual(plan.arguments, [
      { name: 'A', value: '1', isSecret: false },
      { name: 'TOKEN', value: 's3cr3t', isSecret: true }
    ])
    assert.deepEqual(plan.source, { kind: 'local', context: 'app' })
    assert.equal(plan.timeoutSeconds, 600)
  })

  test('the platform defaults to linux/amd64', () => {
    assert.deepEqual(planBuild(makeInputs()).platform, { os: 'Linux', architecture: 'amd64' })
  })

  test('a git URL is the source location, with its ref and subfolder', () => {
    const url = 'https://github.com/org/repo.git#main:docker/app'
    const plan = planBuild(makeInputs({ build: { context: url, dockerfile: 'Dockerfile.prod' } }))
    assert.deepEqual(plan.source, { kind: 'git', url, dockerfile: 'Dockerfile.prod' })
  })

  const refusals: [string, Inputs, string, RegExp][] = [
    [
      'no build-context',
      omit(makeInputs(), i => delete i.build.context),
      'build-context',
      /required/
    ],
    [
      'no subscription',
      omit(makeInputs(), i => delete i.azure.subscriptionId),
      'azure-subscription-id',
      /required/
    ],
    [
      'a subscription that is not a GUID',
      makeInputs({ azure: { subscriptionId: 'my-sub' } }),
      'azure-subscription-id',
      /GUID/
    ],
    [
      'no resource group',
      omit(makeInputs(), i => delete i.azure.resourceGroup),
      'resource-group',
      /required/
    ],
    ['no images', makeInputs({ images: [] }), 'images', /required/],
    [
      'a digest in images',
      makeInputs({ images: [`myacr.azurecr.io/app@sha256:${'a'.repeat(64)}`] }),
      'images',
      /digest/
    ],
    [
      'two registries',
      makeInputs({ images: ['a.azurecr.io/app:v1', 'b.azurecr.io/app:v1'] }),
      'images',
      /2 registries/
    ],
    ['no tag', makeInputs({ images: ['myacr.azurecr.io/app'] }), 'images', /tag/],
    ['no registry', makeInputs({ images: ['app:v1'] }), 'images', /registry/],
    [
      'a bad platform',
      makeInputs({ build: { platform: 'amd64' } }),
      'platform',
      /os\/architecture/
    ],
    [
      'a secret also given as a plain argument',
      makeInputs({
        build: { args: [{ key: 'T', value: '1' }], secretArgs: [{ key: 'T', value: '2' }] }
      }),
      'build-secret-args',
      /also in build-args/
    ],
    [
      'a git URL with credentials',
      makeInputs({ build: { context: 'https://user:pat@github.com/org/repo.git' } }),
      'build-context',
      /credentials/
    ],
    [
      'an http URL that is not git',
      makeInputs({ build: { context: 'https://example.com/context.tar.gz' } }),
      'build-context',
      /not a git URL/
    ],
    [
      'a git subfolder leaving the repository',
      makeInputs({ build: { context: 'https://github.com/org/repo.git#main:../x' } }),
      'build-context',
      /leaves/
    ]
  ]
  for (const [name, inputs, input, pattern] of refusals) {
    test(`refuses ${name}`, () => {
      assert.throws(() => planBuild(inputs), inputError(input, pattern))
    })
  }
})

describe('.dockerignore patterns (Docker syntax, last match wins)', () => {
  const rules = parseDockerignore(
    ['# comment', '', 'node_modules', '*.md', '!README.md', '**/*.log', '/build/', 'tmp?'].join(
      '\n'
    )
  )

  test('parses rules in order, cleaning leading and trailing slashes', () => {
    assert.deepEqual(
      rules.map(r => `${r.exception ? '!' : ''}${r.pattern}`),
      ['node_modules', '*.md', '!README.md', '**/*.log', 'build', 'tmp?']
    )
  })

  const cases: [string, boolean][] = [
    ['node_modules', true],
    ['node_modules/x/index.js', true],
    ['src/node_modules', false],
    ['NOTES.md', true],
    ['README.md', false],
    ['docs/guide.md', false],
    ['a.log', true],
    ['deep/er/b.log', true],
    ['build/out.js', true],
    ['tmp1', true],
    ['tmp12', false],
    ['src/index.ts', false]
  ]
  for (const [file, ignored] of cases) {
    test(`${file} is ${ignored ? '' : 'not '}ignored`, () => {
      assert.equal(isIgnored(rules, file), ignored)
    })
  }

  test('character classes, negated classes and escapes', () => {
    assert.ok(compilePattern('file[0-9].txt').test('file3.txt'))
    assert.ok(!compilePattern('file[!0-9].txt').test('file3.txt'))
    assert.ok(compilePattern('file[!0-9].txt').test('filex.txt'))
    assert.ok(compilePattern('a\\*b').test('a*b'))
    assert.ok(!compilePattern('a\\*b').test('axb'))
  })

  test('a bad pattern is an input error naming the file', () => {
    assert.throws(() => parseDockerignore('[abc'), inputError('build-context', /\.dockerignore/))
  })
})

describe('packContext', () => {
  let workspace: string
  let outside: string

  before(async () => {
    workspace = await mkdtemp(path.join(os.tmpdir(), 'build-ws-'))
    outside = await mkdtemp(path.join(os.tmpdir(), 'build-outside-'))
    await writeTree(path.join(workspace, 'app'), {
      Dockerfile: 'FROM scratch\nCOPY . /\n',
      '.dockerignore': 'node_modules\n*.md\n!README.md\nDockerfile\n**/*.log\nsecrets/\n',
      'README.md': 'readme',
      'NOTES.md': 'notes',
      'src/index.ts': 'export {}',
      'src/deep/debug.log': 'log',
      'node_modules/x/index.js': 'x',
      'secrets/key.pem': 'key',
      '.git/config': '[core]',
      '.gitignore': 'dist',
      'docs/guide.md': 'guide'
    })
    await writeTree(path.join(workspace, 'other'), {
      'Dockerfile.prod': 'FROM scratch\n',
      'Dockerfile.prod.dockerignore': 'junk\n',
      '.dockerignore': 'keep.txt\n',
      'junk/a': 'a',
      'keep.txt': 'k'
    })
    await writeTree(outside, { Dockerfile: 'FROM scratch\n' })
  })

  after(async () => {
    await rm(workspace, { recursive: true, force: true })
    await rm(outside, { recursive: true, force: true })
  })

  test('honours .dockerignore, leaves out .git, keeps the Dockerfile though ignored', async () => {
    const packed = await packContext({ context: 'app', workspace })
    try {
      const expected = [
        '.dockerignore',
        'Dockerfile',
        'README.md',
        'docs/',
        'docs/guide.md',
        'src/',
        'src/deep/',
        'src/index.ts'
      ]
      assert.deepEqual(packed.entries, expected)
      const { readFile } = await import('node:fs/promises')
      assert.deepEqual(listArchive(await readFile(packed.file)), expected)
      assert.equal(packed.dockerfile, 'Dockerfile')
      assert.deepEqual(packed.ignored.sort(), [
        '.git/',
        '.gitignore',
        'Dockerfile',
        'NOTES.md',
        'node_modules/',
        'secrets/',
        'src/deep/debug.log'
      ])
    } finally {
      await packed.cleanup()
    }
  })

  test('is deterministic: the same bytes after files are touched', async () => {
    const first = await packContext({ context: 'app', workspace })
    await first.cleanup()
    const later = new Date(Date.now() + 86_400_000)
    await utimes(path.join(workspace, 'app', 'src', 'index.ts'), later, later)
    const second = await packContext({ context: path.join(workspace, 'app'), workspace })
    await second.cleanup()
    assert.equal(second.sha256, first.sha256)
  })

  test('reads <Dockerfile>.dockerignore for a Dockerfile with another name', async () => {
    const packed = await packContext({ context: 'other', dockerfile: 'Dockerfile.prod', workspace })
    await packed.cleanup()
    assert.deepEqual(packed.entries, [
      'Dockerfile.prod',
      'Dockerfile.prod.dockerignore',
      'keep.txt'
    ])
  })

  test('refuses a context outside the workspace', async () => {
    await assert.rejects(
      packContext({ context: outside, workspace }),
      inputError('build-context', /outside the workspace/)
    )
    await assert.rejects(
      packContext({ context: '../', workspace }),
      inputError('build-context', /outside the workspace/)
    )
  })

  test('refuses a context reached through a link that leaves the workspace', async () => {
    await symlink(outside, path.join(workspace, 'escape'))
    await assert.rejects(
      packContext({ context: 'escape', workspace }),
      inputError('build-context', /outside the workspace/)
    )
  })

  test('refuses a Dockerfile outside the context, or missing', async () => {
    await assert.rejects(
      packContext({ context: 'app', dockerfile: '../other/Dockerfile.prod', workspace }),
      inputError('dockerfile', /outside the build context/)
    )
    await assert.rejects(
      packContext({ context: 'app', dockerfile: '/etc/passwd', workspace }),
      inputError('dockerfile', /relative/)
    )
    await assert.rejects(
      packContext({ context: 'app', dockerfile: 'Nope', workspace }),
      inputError('dockerfile', /does not exist/)
    )
  })
})

registryDescribe('runBuild against the stack', () => {
  let stack: Stack
  let workspace: string
  let credential: ClientSecretCredential
  const savedCas = tls.getCACertificates('default')

  before(async () => {
    stack = await startStack()
    tls.setDefaultCACertificates([...savedCas, stack.ca.pem])
    credential = new ClientSecretCredential(stack.tenantId, stack.clientId, stack.clientSecret, {
      authorityHost: stack.authorityHost,
      disableInstanceDiscovery: true
    })
    workspace = await mkdtemp(path.join(os.tmpdir(), 'build-stack-ws-'))
    await writeTree(path.join(workspace, 'app'), {
      Dockerfile: 'FROM scratch\nARG VERSION\nCOPY . /\n',
      '.dockerignore': 'node_modules\n*.md\n!README.md\n',
      'README.md': 'readme',
      'CHANGES.md': 'changes',
      'main.go': 'package main',
      'node_modules/dep/index.js': 'dep'
    })
  })

  after(async () => {
    tls.setDefaultCACertificates(savedCas)
    await stack?.stop()
    if (workspace) await rm(workspace, { recursive: true, force: true })
  })

  beforeEach(() => {
    stack.arm.server.reset()
    stack.arm.reset()
  })

  const image = (repo: string, tag: string): string => `${stack.registry.host}/${repo}:${tag}`

  function options(over: Partial<Omit<BuildOptions, 'target'>> & { inputs: Inputs }): BuildOptions {
    const { inputs, ...rest } = over
    return {
      credential,
      armEndpoint: stack.arm.origin,
      workspace,
      timing: { pollMs: 5, maxPollMs: 20 },
      target: { build: inputs.build, azure: inputs.azure, images: inputs.images },
      ...rest
    }
  }

  function stackInputs(over: Parameters<typeof makeInputs>[0] & { images: string[] }): Inputs {
    return makeInputs({
      ...over,
      azure: {
        subscriptionId: stack.arm.subscriptionId,
        resourceGroup: stack.arm.resourceGroup,
        ...over.azure
      }
    })
  }

  const armCalls = (): string[] =>
    stack.arm.server.calls.filter(c => !c.route.startsWith('admin.')).map(c => c.route)

  test('a local folder: packed as az does, uploaded, built; the digest is in the registry', async () => {
    const inputs = stackInputs({
      images: [image('build/app', 'v1'), image('build/app', 'stable')],
      build: { context: 'app', args: [{ key: 'VERSION', value: '1.0' }] }
    })
    const { result, error } = await captureOutput(() => runBuild(options({ inputs })))
    assert.equal(error, undefined)
    assert.ok(result)

    // The upload: exactly the files az acr build would send.
    assert.equal(stack.arm.uploads.size, 1)
    const upload = [...stack.arm.uploads.values()][0]!
    assert.equal(upload.headers['x-ms-blob-type'], 'BlockBlob')
    assert.deepEqual(listArchive(upload.bytes), [
      '.dockerignore',
      'Dockerfile',
      'README.md',
      'main.go'
    ])

    // The request.
    const run = stack.arm.runs.get(result.runId)!
    assert.equal(run.request.type, 'DockerBuildRequest')
    assert.deepEqual(run.request.imageNames, ['build/app:v1', 'build/app:stable'])
    assert.equal(run.request.isPushEnabled, true)
    assert.equal(run.request.dockerFilePath, 'Dockerfile')
    assert.equal(run.request.sourceLocation, upload.relativePath)
    assert.deepEqual(run.request.platform, { os: 'Linux', architecture: 'amd64' })
    assert.deepEqual(run.request.arguments, [{ name: 'VERSION', value: '1.0', isSecret: false }])
    assert.equal(run.status, 'Succeeded')
    // The credential asked for <endpoint>/.default.
    assert.deepEqual([...new Set(stack.arm.audiencesSeen)], [stack.arm.origin])

    // The result names the digest the registry holds under each tag.
    assert.match(result.digest, /^sha256:[0-9a-f]{64}$/)
    for (const [i, tag] of ['v1', 'stable'].entries()) {
      const head = await fetchManifest(
        await stack.registry.target('build/app'),
        'build/app',
        tag,
        'HEAD'
      )
      assert.equal(head.status, 200)
      assert.equal(head.digest, result.digest)
      assert.deepEqual(result.images[i], {
        input: image('build/app', tag),
        registry: stack.registry.host,
        repository: 'build/app',
        digest: result.digest,
        reference: `${stack.registry.host}/build/app@${result.digest}`
      })
    }
  })

  test('a git context is passed as the source location; nothing is uploaded', async () => {
    const url = 'https://github.com/org/repo.git#main:docker'
    const inputs = stackInputs({
      images: [image('build/git', 'v1')],
      build: { context: url, dockerfile: 'Dockerfile.alpine', platform: 'linux/arm64/v8' }
    })
    const { result, error } = await captureOutput(() => runBuild(options({ inputs })))
    assert.equal(error, undefined)
    const run = stack.arm.runs.get(result!.runId)!
    assert.equal(run.request.sourceLocation, url)
    assert.equal(run.request.dockerFilePath, 'Dockerfile.alpine')
    assert.deepEqual(run.request.platform, { os: 'Linux', architecture: 'arm64', variant: 'v8' })
    assert.equal(stack.arm.server.callCount('arm.registries.listBuildSourceUploadUrl'), 0)
    assert.equal(stack.arm.server.callCount('blob.put'), 0)
    assert.equal(stack.arm.uploads.size, 0)
  })

  test('secret build arguments go with isSecret and never reach the output', async () => {
    const secret = 'hunter2-secret-value-9f8e7d'
    const inputs = stackInputs({
      images: [image('build/secret', 'v1')],
      build: {
        context: 'app',
        args: [{ key: 'VERSION', value: '2.0' }],
        secretArgs: [{ key: 'NPM_TOKEN', value: secret }]
      }
    })
    const { result, error, output } = await captureOutput(() => runBuild(options({ inputs })))
    assert.equal(error, undefined)
    const run = stack.arm.runs.get(result!.runId)!
    assert.deepEqual(run.request.arguments, [
      { name: 'VERSION', value: '2.0', isSecret: false },
      { name: 'NPM_TOKEN', value: secret, isSecret: true }
    ])
    // The value is registered as a mask, and appears nowhere else.
    const lines = output.split(/\r?\n/)
    assert.ok(lines.includes(`::add-mask::${secret}`))
    assert.deepEqual(
      lines.filter(l => l.includes(secret) && l !== `::add-mask::${secret}`),
      []
    )
    assert.match(output, /NPM_TOKEN/)
    assert.ok(!run.log.includes(secret))
  })

  test('the log streams while the run is running, in order, in a group', async () => {
    const chunks = ['step one\n', 'step two\nstep two, more\n', 'step three\n', 'step four\n']
    let atFinalPoll = ''
    const seen: string[] = []
    stack.arm.scriptNextRun({
      queuedPolls: 1,
      runningPolls: 4,
      logChunks: chunks,
      onPoll: (poll, run) => {
        if (run.status === 'Succeeded') atFinalPoll = seen.join('')
        void poll
      }
    })
    const inputs = stackInputs({ images: [image('build/log', 'v1')], build: { context: 'app' } })
    const { result, error, output } = await captureOutput(async () => {
      const inner = process.stdout.write
      process.stdout.write = ((chunk: string, ...rest: []) => {
        seen.push(chunk)
        return inner.call(process.stdout, chunk, ...rest)
      }) as typeof process.stdout.write
      try {
        return await runBuild(options({ inputs }))
      } finally {
        process.stdout.write = inner
      }
    })
    assert.equal(error, undefined)
    const run = stack.arm.runs.get(result!.runId)!

    // Every chunk was printed before the run reported its final status…
    for (const line of ['step one', 'step two', 'step two, more', 'step three', 'step four']) {
      assert.ok(atFinalPoll.includes(`${line}\n`), `'${line}' before the end`)
    }
    assert.ok(!atFinalPoll.includes('was successful'))
    // …fetched as several ranged reads while Running…
    const runningReads = run.logReads.filter(r => r.status === 'Running' && r.length > 0)
    assert.ok(runningReads.length >= 2, `several reads while running: ${runningReads.length}`)
    assert.equal(
      run.logReads.filter(r => r.length > 0).reduce((sum, r) => sum + r.length, 0),
      Buffer.byteLength(run.log)
    )
    // …in order, inside the run's group, the rest after the final status.
    const group = output.indexOf(`::group::ACR Tasks run ${run.runId}`)
    const order = [
      'step one',
      'step two',
      'step two, more',
      'step three',
      'step four',
      'was successful'
    ].map(line => output.indexOf(line))
    assert.ok(group >= 0)
    assert.ok(
      order.every((at, i) => at > group && (i === 0 || at > order[i - 1]!)),
      String(order)
    )
    assert.ok(output.indexOf('::endgroup::') > order.at(-1)!)
  })

  test('a failed run: the error names the status, the message and the last log lines', async () => {
    stack.arm.scriptNextRun({
      final: 'Failed',
      errorMessage: 'failed to build: exit status 2',
      logChunks: ['Step 1/3 : FROM golang\n', 'Step 2/3 : RUN go build\nmain.go:3: undefined: x\n']
    })
    const inputs = stackInputs({ images: [image('build/fail', 'v1')], build: { context: 'app' } })
    const { error } = await captureOutput(() => runBuild(options({ inputs })))
    assert.ok(error instanceof ActionError, String(error))
    assert.match(error.message, /ended with status Failed: failed to build: exit status 2/)
    assert.match(error.message, /main\.go:3: undefined: x/)
    assert.match(error.message, /failed after 3s/)
    const head = await fetchManifest(
      await stack.registry.target('build/fail'),
      'build/fail',
      'v1',
      'HEAD'
    )
    assert.equal(head.status, 404)
  })

  test('a run that times out fails with Timeout and build-timeout', async () => {
    stack.arm.scriptNextRun({ final: 'Timeout' })
    const inputs = stackInputs({
      images: [image('build/slow', 'v1')],
      build: { context: 'app', timeoutSeconds: 300 }
    })
    const { error, result } = await captureOutput(() => runBuild(options({ inputs })))
    assert.equal(result, undefined)
    assert.ok(error instanceof ActionError, String(error))
    assert.match(error.message, /status Timeout.*build-timeout 300 s/s)
    assert.match(error.message, /context deadline exceeded/)
    const run = [...stack.arm.runs.values()][0]!
    assert.equal(run.request.timeout, 300)
  })

  test('a run still going past build-timeout (and grace) is canceled', async () => {
    stack.arm.scriptNextRun({ runningPolls: 1_000_000 })
    const inputs = stackInputs({
      images: [image('build/stuck', 'v1')],
      build: { context: 'app', timeoutSeconds: 300 }
    })
    // A grace of minus the whole timeout: the deadline has passed at the first poll.
    const { error } = await captureOutput(() =>
      runBuild(options({ inputs, timing: { pollMs: 5, maxPollMs: 20, graceMs: -300_000 } }))
    )
    assert.ok(error instanceof ActionError, String(error))
    assert.match(error.message, /did not finish within build-timeout/)
    assert.equal(stack.arm.server.callCount('arm.runs.cancel'), 1)
    assert.equal([...stack.arm.runs.values()][0]!.status, 'Canceled')
  })

  test('aborting the signal cancels the run through the cancel operation', async () => {
    const controller = new AbortController()
    stack.arm.scriptNextRun({
      runningPolls: 1_000_000,
      onPoll: poll => {
        if (poll === 3) controller.abort(new Error('SIGTERM'))
      }
    })
    const inputs = stackInputs({ images: [image('build/cancel', 'v1')], build: { context: 'app' } })
    const { error } = await captureOutput(() =>
      runBuild(options({ inputs, signal: controller.signal }))
    )
    assert.ok(error instanceof ActionError, String(error))
    assert.match(error.message, /was canceled/)
    assert.equal(stack.arm.server.callCount('arm.runs.cancel'), 1)
    const run = [...stack.arm.runs.values()][0]!
    assert.equal(run.canceled, true)
    assert.equal(run.status, 'Canceled')
  })

  test('a transient upload failure is retried', async () => {
    stack.arm.server.inject({ route: 'blob.put', kind: 'status', status: 503, calls: [1] })
    const inputs = stackInputs({ images: [image('build/retry', 'v1')], build: { context: 'app' } })
    const { error } = await captureOutput(() => runBuild(options({ inputs })))
    assert.equal(error, undefined)
    assert.equal(stack.arm.server.callCount('blob.put'), 2)
    assert.equal(stack.arm.uploads.size, 1)
  })

  test('images naming a registry the resource group lacks fail before any upload', async () => {
    const inputs = stackInputs({ images: ['other.azurecr.io/app:v1'], build: { context: 'app' } })
    const { error } = await captureOutput(() => runBuild(options({ inputs })))
    assert.ok(error instanceof ActionError, String(error))
    assert.match(error.message, /No container registry with login server other\.azurecr\.io/)
    assert.match(error.message, new RegExp(`found: ${stack.registry.host.replace(/\./g, '\\.')}`))
    assert.deepEqual(armCalls(), ['arm.registries.list'])
  })

  test("a wrong resource group is reported with ARM's words", async () => {
    const inputs = stackInputs({
      images: [image('build/app', 'v1')],
      build: { context: 'app' },
      azure: { resourceGroup: 'no-such-rg' }
    })
    const { error } = await captureOutput(() => runBuild(options({ inputs })))
    assert.ok(error instanceof ActionError, String(error))
    assert.match(error.message, /HTTP 404 ResourceGroupNotFound/)
  })

  const early: [string, () => Inputs, string][] = [
    [
      'a missing subscription',
      () =>
        omit(stackInputs({ images: [image('build/app', 'v1')], build: { context: 'app' } }), i => {
          delete i.azure.subscriptionId
        }),
      'azure-subscription-id'
    ],
    [
      'a digest in images',
      () => stackInputs({ images: [`${stack.registry.host}/build/app@sha256:${'0'.repeat(64)}`] }),
      'images'
    ],
    [
      'a context outside the workspace',
      () => stackInputs({ images: [image('build/app', 'v1')], build: { context: os.tmpdir() } }),
      'build-context'
    ]
  ]
  for (const [name, inputs, input] of early) {
    test(`${name} fails before any ARM call`, async () => {
      const tokensBefore = stack.entra.issued
      const { error } = await captureOutput(() => runBuild(options({ inputs: inputs() })))
      assert.ok(error instanceof InputError, String(error))
      assert.equal(error.input, input)
      assert.deepEqual(armCalls(), [])
      assert.equal(stack.entra.issued, tokensBefore, 'no Azure token was requested')
    })
  }
})

describe('the ARM stand-in refuses what ARM and storage refuse', () => {
  let stack: Stack
  let token: string
  let base: string

  before(async () => {
    stack = await startStack({ registry: false })
    stack.arm.addRegistry({ name: 'fakeacr', loginServer: 'fakeacr.azurecr.io' })
    token = await stack.entra.issueAccessToken({
      clientId: stack.clientId,
      resource: 'https://management.azure.com'
    })
    base = `${stack.arm.origin}/subscriptions/${stack.arm.subscriptionId}/resourceGroups/${stack.arm.resourceGroup}/providers/Microsoft.ContainerRegistry/registries`
  })

  after(async () => {
    await stack?.stop()
  })

  const call = async (
    method: string,
    url: string,
    options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}
  ) => {
    const res = await httpsRequest(url, {
      method,
      ca: stack.ca.pem,
      headers: {
        ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...options.headers
      },
      ...(options.body === undefined
        ? {}
        : { body: Buffer.isBuffer(options.body) ? options.body : JSON.stringify(options.body) })
    })
    const text = res.body.toString()
    return { status: res.status, text, headers: res.headers }
  }
  const tasks = '?api-version=2019-06-01-preview'
  const request = (over: Record<string, unknown>) => ({
    type: 'DockerBuildRequest',
    imageNames: ['app:v1'],
    isPushEnabled: true,
    dockerFilePath: 'Dockerfile',
    sourceLocation: 'https://github.com/org/repo.git',
    platform: { os: 'Linux', architecture: 'amd64' },
    ...over
  })

  test('no token, or a token for another audience: 401', async () => {
    const none = await call('GET', `${base}?api-version=2025-11-01`)
    assert.equal(none.status, 401)
    assert.match(none.text, /AuthenticationFailed/)
    const vault = await stack.entra.issueAccessToken({
      clientId: stack.clientId,
      resource: 'https://vault.azure.net'
    })
    const wrong = await call('GET', `${base}?api-version=2025-11-01`, { token: vault })
    assert.equal(wrong.status, 401)
    assert.match(wrong.text, /InvalidAuthenticationToken/)
    const ok = await call('GET', `${base}?api-version=2025-11-01`, { token })
    assert.equal(ok.status, 200)
    assert.match(ok.text, /"loginServer":"fakeacr\.azurecr\.io"/)
  })

  test('Tasks operations need api-version 2019-06-01-preview', async () => {
    const res = await call(
      'POST',
      `${base}/fakeacr/listBuildSourceUploadUrl?api-version=2025-11-01`,
      {
        token
      }
    )
    assert.equal(res.status, 400)
    assert.match(res.text, /InvalidApiVersionParameter/)
  })

  test('scheduleRun validates the DockerBuildRequest', async () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ imageNames: ['fakeacr.azurecr.io/app:v1'] }, /Invalid image name/],
      [{ imageNames: [] }, /imageNames/],
      [{ platform: undefined }, /platform\.os/],
      [{ platform: { os: 'Linux', architecture: 'mips' } }, /architecture/],
      [{ timeout: 10 }, /timeout/],
      [{ sourceLocation: 'source/20240101/nope.tar.gz' }, /neither an uploaded source/],
      [{ dockerFilePath: '../Dockerfile' }, /dockerFilePath/],
      [{ arguments: [{ name: 'A', value: 'b', isSecret: 'yes' }] }, /isSecret/]
    ]
    for (const [over, pattern] of bad) {
      const res = await call('POST', `${base}/fakeacr/scheduleRun${tasks}`, {
        token,
        body: request(over)
      })
      assert.equal(res.status, 400, JSON.stringify(over))
      assert.match(res.text, pattern)
    }
    assert.equal(stack.arm.runs.size, 0)
  })

  test('the source blob needs its SAS signature and x-ms-blob-type', async () => {
    const res = await call('POST', `${base}/fakeacr/listBuildSourceUploadUrl${tasks}`, { token })
    const { uploadUrl } = JSON.parse(res.text) as { uploadUrl: string }
    const forged = new URL(uploadUrl)
    forged.searchParams.set('sig', 'forged')
    const denied = await call('PUT', forged.toString(), {
      body: Buffer.from('x'),
      headers: { 'x-ms-blob-type': 'BlockBlob' }
    })
    assert.equal(denied.status, 403)
    assert.equal(denied.headers['x-ms-error-code'], 'AuthenticationFailed')
    const untyped = await call('PUT', uploadUrl, { body: Buffer.from('x') })
    assert.equal(untyped.status, 400)
    assert.equal(untyped.headers['x-ms-error-code'], 'MissingRequiredHeader')
    assert.equal(stack.arm.uploads.size, 0)
  })

  test('the log blob answers ranges, and 416 past its end', async () => {
    stack.arm.scriptNextRun({ queuedPolls: 0, runningPolls: 1, logChunks: ['0123456789\n'] })
    const scheduled = await call('POST', `${base}/fakeacr/scheduleRun${tasks}`, {
      token,
      body: request({})
    })
    assert.equal(scheduled.status, 200)
    const runId = (JSON.parse(scheduled.text) as { properties: { runId: string } }).properties.runId
    const polled = await call('GET', `${base}/fakeacr/runs/${runId}${tasks}`, { token })
    assert.match(polled.text, /"status":"Running"/)
    const link = (
      JSON.parse(
        (await call('POST', `${base}/fakeacr/runs/${runId}/listLogSasUrl${tasks}`, { token })).text
      ) as { logLink: string }
    ).logLink
    const part = await call('GET', link, { headers: { 'x-ms-range': 'bytes=4-' } })
    assert.equal(part.status, 206)
    assert.equal(part.text, '456789\n')
    assert.equal(part.headers['content-range'], 'bytes 4-10/11')
    const past = await call('GET', link, { headers: { range: 'bytes=11-' } })
    assert.equal(past.status, 416)
    const done = await call('GET', `${base}/fakeacr/runs/${runId}${tasks}`, { token })
    assert.match(done.text, /"status":"Succeeded"/)
    assert.match(done.text, /"digest":"sha256:[0-9a-f]{64}"/)
  })
})
