// Text the action does not control, through the committed bundle as a runner runs it (issue 11,
// items 6, 9 and 12): servers of the stack (met by the real notation) answer with text holding every
// way a line can become a workflow command (`::add-mask::`, `::set-output`, `::stop-commands::`, the
// old `##[error]` form anywhere in a line, leading blanks and invisible characters, a lone CR, a
// U+2028), and the bundle's stdout, read with the runner's rules (support/runner-commands.ts), holds
// no command from that text, while the action's own `::error::` still lands. Identifiers from servers
// are checked by form (an ACR run ID, Key Vault's key ID), the job summary's table survives a CR, and
// a build whose tokens renew while its log streams issues no mask inside a stop-commands window.
import assert from 'node:assert/strict'
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { after, before, test } from 'node:test'
import type { ActionRun } from '../support/action.ts'
import { startE2E, type E2E } from '../support/e2e.ts'
import { inertLine, oneLine, splitLines } from '../../src/util/untrusted.ts'
import {
  RUNNER_COMMANDS,
  parseRunnerCommand,
  readAsRunner,
  type RunnerCommand
} from '../support/runner-commands.ts'
import { e2eDescribe } from '../support/stack-env.ts'

const SUBJECT = 'CN=untrusted.example,O=Notation,L=Seattle,ST=WA,C=US'
const CERT = 'untrusted-cert'
const ENV = { NOTATION_AKV_RETRY_BASE_MS: '50' }
const MARK = 'HOSTILE'

/** Text a hostile server or program sends: each line would be a workflow command if printed raw. */
function hostile(tag: string): string {
  return (
    `${MARK}-${tag}: trouble` +
    `\n::add-mask::${MARK}-${tag}-mask` +
    `\n::set-output name=${MARK.toLowerCase()}::${MARK}-${tag}-output` +
    `\n  ::warning title=${MARK}::${MARK}-${tag}-warning` +
    `\n\u200b::error::${MARK}-${tag}-invisible` +
    `\nsee ##[error]${MARK}-${tag}-old-form` +
    `\n\u2028::notice::${MARK}-${tag}-line-separator` +
    `\r::group::${MARK}-${tag}-lone-cr` +
    `\r\r[${MARK} link](https://evil.example/${tag})` +
    `\n::stop-commands::${MARK}-${tag}-token`
  )
}

/** Commands the action issues itself: masks, log levels and annotations, groups; never with properties. */
const OWN_COMMANDS = new Set([
  'add-mask',
  'debug',
  'warning',
  'error',
  'notice',
  'group',
  'endgroup'
])

/** The commands in `output` the runner would act on that came from the hostile text. */
function hostileCommands(output: string): RunnerCommand[] {
  const reading = readAsRunner(output)
  return [
    ...reading.commands.filter(
      c =>
        c.form === 'v1' ||
        !OWN_COMMANDS.has(c.name.toLowerCase()) ||
        Object.keys(c.properties).length > 0 ||
        c.data.startsWith(MARK) ||
        (c.name.toLowerCase() === 'add-mask' && c.data.includes(MARK))
    ),
    ...reading.suppressed
  ]
}

/** What every run with hostile text must show: no command from it, the action's own error. */
function assertInert(run: ActionRun, ownError: RegExp): void {
  const output = `${run.stdout}\n${run.stderr}`
  for (const stream of [run.stdout, run.stderr]) {
    assert.deepEqual(hostileCommands(stream), [], output)
    assert.equal(readAsRunner(stream).stoppedAtEnd, false, 'commands are never left stopped')
  }
  const errors = readAsRunner(run.stdout).commands.filter(c => c.name === 'error')
  assert.ok(
    errors.some(c => ownError.test(c.data)),
    `the action's own ::error:: (${ownError}) is processed:\n${output}`
  )
}

/** The hostile text reached the log (as inert text): the test is not vacuous. */
function assertShown(run: ActionRun, tag: string): void {
  const reading = readAsRunner(run.stdout)
  const shown = reading.lines.filter((line, i) => !reading.isCommand[i] && line.includes(MARK))
  assert.ok(
    shown.some(line => line.includes(`${MARK}-${tag}-mask`)),
    `the ${tag} text is in the log as text:\n${run.stdout}`
  )
}

test('inertLine: no line, however built, reads as a command to the runner (20 000 random lines)', () => {
  // Openers and closers of both forms, names, and what the runner trims or may skip around them.
  const openers = ['::', ':\u200b:', '##[', '#\u00ad#[', '#\u200b#\u2060[']
  const closers = ['::', ']', ' ', '']
  const names = ['add-mask', 'ERROR', 'set-output name=x', 'stop-commands', 'warning title=t', 'x']
  const junk = [':', '#', '[', ']', ' ', '\t', '\u00a0', '\u3000', '\u200b', '\u00ad', 'a']
  let seed = 11
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31
    return seed % n
  }
  const pick = (list: string[]): string => list[random(list.length)] ?? ''
  const some = (list: string[]): string =>
    Array.from({ length: random(4) }, () => pick(list)).join('')
  const registered = new Set([...RUNNER_COMMANDS, 'x'])
  let commands = 0
  for (let i = 0; i < 20_000; i++) {
    const line = `${some(junk)}${pick(openers)}${pick(names)}${pick(closers)}${some(junk)}`
    if (parseRunnerCommand(line, registered)) commands++
    const inert = inertLine(line)
    assert.equal(parseRunnerCommand(inert, registered), undefined, JSON.stringify({ line, inert }))
    assert.equal(inertLine(inert), inert, 'idempotent')
  }
  assert.ok(commands > 5_000, `only ${commands} of the raw lines are commands`)
})

test('splitLines and oneLine: every break a reader may honour', () => {
  assert.deepEqual(splitLines('a\r\nb\rc\nd\u0085e\u2028f\u2029g'), [
    'a',
    'b',
    'c',
    'd',
    'e',
    'f',
    'g'
  ])
  assert.equal(oneLine('a \r\n\r\n b\rc\u2028d\u0085\u0085e'), 'a b c d e')
})

e2eDescribe('untrusted text cannot issue workflow commands', () => {
  let e2e: E2E
  let version: string
  let pushes = 0

  before(async () => {
    e2e = await startE2E()
    const seeded = await e2e.stack.keyVault.vault.seedSelfSigned(CERT, { subject: SUBJECT })
    version = seeded.version
    const app = path.join(e2e.dirs.workspace, 'app')
    await mkdir(app, { recursive: true })
    await writeFile(path.join(app, 'Dockerfile'), 'FROM scratch\nCOPY main.txt /\n')
    await writeFile(path.join(app, 'main.txt'), 'hello\n')
  })
  after(async () => {
    await e2e?.stop()
  })

  const push = async (): Promise<{ tag: string; image: string; digest: string }> => {
    const tag = `t${++pushes}`
    const pushed = await e2e.stack.registry.pushImage('untrusted', {
      tag,
      content: `untrusted ${tag}`
    })
    return { tag, image: `${e2e.stack.registry.host}/untrusted:${tag}`, digest: pushed.digest }
  }
  const signInputs = (images: string[], command = 'sign'): Record<string, string> => ({
    ...e2e.azureInputs,
    command,
    certificate: CERT,
    images: images.join('\n')
  })
  const buildInputs = (): Record<string, string> => ({
    ...e2e.azureInputs,
    command: 'build',
    images: `${e2e.stack.registry.host}/untrusted-built:v${++pushes}`,
    'build-context': 'app',
    'azure-subscription-id': e2e.stack.arm.subscriptionId,
    'resource-group': e2e.stack.arm.resourceGroup
  })

  test("a registry's 500 body during digest resolution is inert in the retry lines", async () => {
    const { image } = await push()
    const registry = e2e.stack.registry.server
    registry.reset()
    registry.inject({
      route: 'acr.token',
      kind: 'status',
      status: 500,
      body: { errors: [{ code: 'UNKNOWN', message: hostile('registry') }] }
    })
    try {
      const run = await e2e.run(signInputs([image]), { env: ENV })
      assert.equal(run.code, 1, run.stdout)
      assert.ok(registry.calls.some(c => c.route === 'acr.token' && c.fault === 'status'))
      assertInert(run, /HTTP 500/)
      assertShown(run, 'registry')
    } finally {
      registry.clearFaults()
    }
  })

  test("notation's stderr (sign and verify) is inert; the summary's table survives a CR", async () => {
    const signFails = await push()
    const verifyFails = await push()
    const registry = e2e.stack.registry.server
    const host = e2e.stack.registry.host
    // Real notation meets a registry whose errors carry the hostile text (oras-go quotes the
    // registry's error message): the signature index PUT of one image is refused, and the other
    // image's signatures cannot be listed once its `notation verify` has started.
    const referrersTag = (digest: string): string => `/manifests/${digest.replace(':', '-')}`
    const verifying = (): boolean =>
      e2e
        .notationCalls()
        .some(
          c => c.argv[0] === 'verify' && c.argv.at(-1) === `${host}/untrusted@${verifyFails.digest}`
        )
    const refusal = (tag: string) => ({
      errors: [{ code: 'DENIED', message: hostile(tag), detail: null }]
    })
    registry.reset()
    registry.inject({
      route: 'registry.manifests',
      kind: 'status',
      status: 403,
      body: refusal('sign'),
      when: r => r.method === 'PUT' && r.path.endsWith(referrersTag(signFails.digest))
    })
    registry.inject({
      route: 'registry.manifests',
      kind: 'status',
      status: 403,
      body: refusal('verify'),
      when: r => r.path.endsWith(referrersTag(verifyFails.digest)) && verifying()
    })
    try {
      const run = await e2e.run(signInputs([signFails.image, verifyFails.image], 'sign verify'), {
        env: ENV
      })
      assert.equal(run.code, 1, run.stdout)
      assertInert(run, /Signing failed for 1 of 2 images/)
      assertShown(run, 'sign')
      assertShown(run, 'verify')
      const images = JSON.parse(run.outputs['images'] ?? '[]') as { error: string | null }[]
      assert.match(images[0]?.error ?? '', new RegExp(`${MARK}-sign`))
      assert.match(images[1]?.error ?? '', new RegExp(`${MARK}-verify`))

      // The summary: no line break of any kind inside the images table, which is one line of HTML.
      assert.ok(!/[\r\u0085\u2028\u2029]/.test(run.summary), JSON.stringify(run.summary))
      const table = run.summary.split('\n').filter(line => line.startsWith('<table>'))
      assert.equal(table.length, 1, run.summary)
      assert.ok(table[0]?.includes('</table>'), run.summary)
      // Real notation's push error opens with ~250 characters of context before the registry's
      // reason, past what a table cell shows; its verify error is short enough to be seen whole.
      assert.ok(table[0]?.includes(`${MARK}-verify`), `the error is in the table: ${table[0]}`)
    } finally {
      registry.clearFaults()
    }
  })

  test("Entra's error text, through the plugin and notation, is inert", async () => {
    const clean = await push()
    const entra = e2e.stack.entra.server
    entra.reset()
    const baseline = await e2e.run(signInputs([clean.image]), { env: ENV })
    assert.equal(baseline.code, 0, baseline.stdout)
    // Each run is new processes, so the Entra calls come in the same order: the last is the plugin's.
    const last = entra.callCount('entra.token')
    const { image } = await push()
    entra.reset()
    entra.inject({
      route: 'entra.token',
      kind: 'status',
      status: 400,
      calls: [last],
      body: {
        error: 'invalid_client',
        error_description: `AADSTS7000215: ${hostile('entra')}\r\nTrace ID: 0\r\nTimestamp: 0`,
        error_codes: [7000215]
      }
    })
    try {
      const run = await e2e.run(signInputs([image]), { env: ENV })
      assert.equal(run.code, 1, run.stdout)
      assert.ok(entra.calls.some(c => c.route === 'entra.token' && c.fault === 'status'))
      assert.ok(
        e2e.pluginCalls().length > 0 && run.stdout.includes(`${MARK}-entra-mask`),
        'the plugin passed Entra on, through notation'
      )
      assertInert(run, /Signing failed for 1 of 1 image/)
      assertShown(run, 'entra')
    } finally {
      entra.clearFaults()
    }
  })

  test("ARM's text (an upload error code, the run log, its error message) is inert", async () => {
    const arm = e2e.stack.arm
    arm.server.reset()
    arm.server.inject({
      route: 'blob.put',
      kind: 'status',
      status: 500,
      calls: [1],
      body: `<?xml version="1.0" encoding="utf-8"?><Error><Code>${hostile('blob')}</Code></Error>`
    })
    arm.scriptNextRun({
      queuedPolls: 1,
      runningPolls: 2,
      logChunks: [`${hostile('log')}\n`, `step two\n::${MARK}-log-token::\n`],
      final: 'Failed',
      errorMessage: hostile('arm')
    })
    try {
      const run = await e2e.run(buildInputs(), { env: ENV })
      assert.equal(run.code, 1, run.stdout)
      assert.equal(arm.server.callCount('blob.put'), 2, 'the upload was retried once')
      assertInert(run, /ended with status Failed/)
      assertShown(run, 'blob')
      assertShown(run, 'log')
      assertShown(run, 'arm')
    } finally {
      arm.server.clearFaults()
    }
  })

  test('an ACR run ID with odd characters is refused, and not echoed', async () => {
    const arm = e2e.stack.arm
    arm.server.reset()
    arm.scriptNextRun({ runId: `ca1\r::add-mask::${MARK}-runid ##[error]${MARK}-runid` })
    const run = await e2e.run(buildInputs(), { env: ENV })
    assert.equal(run.code, 1, run.stdout)
    assertInert(run, /returned a run ID that is not lowercase letters and digits/)
    assert.ok(!run.stdout.includes(`${MARK}-runid`), 'the run ID is not echoed')
    assert.equal(arm.server.callCount('arm.runs.get'), 0, 'the run is never polled')
  })

  test("a certificate whose key ID is not this vault's key of that name is refused", async () => {
    const vault = e2e.stack.keyVault
    const other =
      e2e.stack.vaults.get('untrusted-other') ?? (await e2e.stack.addVault('untrusted-other'))
    const { image } = await push()
    const cases = {
      'a key of another vault': `${other.url}/keys/${CERT}/${version}`,
      'another key of this vault': `${vault.url}/keys/someone-else/${version}`,
      'another version': `${vault.url}/keys/${CERT}/${'0'.repeat(32)}`,
      'not a key ID': `${MARK}\n::add-mask::${MARK}-kid`
    }
    try {
      for (const [name, kid] of Object.entries(cases)) {
        vault.vault.misreportKeyId(CERT, kid)
        const signsBefore = e2e.notationCalls().filter(c => c.argv[0] === 'sign').length
        const run = await e2e.run(signInputs([image]), { env: ENV })
        assert.equal(run.code, 1, `${name}: ${run.stdout}`)
        assertInert(run, /with a key ID that is not https:\/\/127\.0\.0\.1:\d+\/keys\//)
        assert.equal(
          e2e.notationCalls().filter(c => c.argv[0] === 'sign').length,
          signsBefore,
          `${name}: notation never signs with it`
        )
        assert.equal(run.outputs['key-id'], undefined, `${name}: no key-id output`)
      }
    } finally {
      vault.vault.misreportKeyId(CERT, undefined)
    }
  })

  test('a long build whose tokens renew while its log streams masks every secret', async () => {
    const { stack } = e2e
    // Entra tokens that MSAL and the SDK treat as expiring: every ARM call renews, with a fresh
    // GitHub OIDC token, while the log streams.
    stack.entra.setTokenTtlSeconds(60)
    const oidcAtPoll: number[] = []
    stack.arm.scriptNextRun({
      queuedPolls: 1,
      runningPolls: 3,
      logChunks: ['one\n', 'two\n', 'three\n'],
      onPoll: () => void oidcAtPoll.push(stack.oidc.issuedTokens.length)
    })
    const sasBefore = stack.arm.issuedSasSignatures.length
    const oidcBefore = stack.oidc.issuedTokens.length
    try {
      const run = await e2e.run(buildInputs(), { env: ENV })
      assert.equal(run.code, 0, run.stdout)
      assert.ok(
        (oidcAtPoll.at(-1) ?? 0) > (oidcAtPoll[0] ?? 0),
        `GitHub OIDC tokens were renewed during the build: ${oidcAtPoll.join(', ')}`
      )
      const reading = readAsRunner(run.stdout)
      assert.deepEqual(reading.masksInWindow, [], 'no mask inside a stop-commands window')
      assert.deepEqual(
        reading.commands.filter(c => c.name.toLowerCase() === 'stop-commands'),
        [],
        'commands are never stopped'
      )
      const minted = [
        ...stack.oidc.issuedTokens.slice(oidcBefore),
        ...stack.arm.issuedSasSignatures.slice(sasBefore)
      ]
      assert.ok(minted.length >= 4, `${minted.length} secrets minted during the run`)
      const unmasked = minted.filter(secret => !reading.masks.includes(secret))
      assert.equal(unmasked.length, 0, 'every OIDC token and SAS signature is registered as a mask')
    } finally {
      stack.entra.setTokenTtlSeconds(undefined)
    }
  })
})
