// signer: native and a Key Vault that takes a sign request and never answers: the SDK sets no time
// limit of its own, so without the action's the step (and every image queued behind the first sign)
// would wait for the job's own limit. Each sign is bounded (60 s), and timeout-minutes stops it.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { startE2E, type E2E } from '../support/e2e.ts'
import { skipWithoutRealNotation } from '../support/notation-bin.ts'
import { registrySkip } from '../support/stack-env.ts'

const SUBJECT = 'CN=native.example,O=Notation,L=Seattle,ST=WA,C=US'
const skip = (await skipWithoutRealNotation()) || registrySkip().skip || false

describe('signer: native and a Key Vault that never answers sign', { skip }, () => {
  let e2e: E2E
  let reference: string

  before(async () => {
    e2e = await startE2E({ notation: 'real' })
    await e2e.stack.keyVault.vault.seedSelfSigned('native-hang', { subject: SUBJECT })
    reference = (await e2e.stack.registry.pushImage('hang', { content: 'native hang' })).reference
  })
  after(() => e2e?.stop())

  const inputs = (): Record<string, string> => ({
    ...e2e.azureInputs,
    command: 'sign',
    signer: 'native',
    certificate: 'native-hang',
    images: reference
  })

  test('each sign is bounded: the step fails at the 60 s limit, naming the vault and the limit', async () => {
    // Held until the test lets go (then answered at once): nothing outlives the test.
    let release = (): void => {}
    const held = new Promise<void>(resolve => (release = resolve))
    e2e.stack.keyVault.server.inject({
      route: 'keyvault.keys.sign',
      kind: 'latency',
      latencyMs: 0,
      until: held
    })
    try {
      const started = Date.now()
      const run = await e2e.run(inputs(), { timeoutMs: 150_000 })
      const elapsed = Date.now() - started
      assert.equal(run.code, 1, run.stdout)
      assert.match(
        run.errors.join('\n'),
        /Key Vault 127\.0\.0\.1:\d+ did not answer a sign with https:\/\/127\.0\.0\.1:\d+\/keys\/native-hang\/[0-9a-f]+ within the 60 s limit/
      )
      assert.ok(elapsed < 120_000, `ended at the limit, not later (${elapsed} ms)`)
      const row = JSON.parse(run.outputs['images'] ?? '[]')[0] as Record<string, unknown>
      assert.equal(row['signed'], false)
    } finally {
      release()
      e2e.stack.keyVault.server.clearFaults()
    }
  })

  test('timeout-minutes ends a hanging sign with the time limit, not the 60 s one', async () => {
    // Held until the test lets go (then answered at once): nothing outlives the test.
    let release = (): void => {}
    const held = new Promise<void>(resolve => (release = resolve))
    e2e.stack.keyVault.server.inject({
      route: 'keyvault.keys.sign',
      kind: 'latency',
      latencyMs: 0,
      until: held
    })
    try {
      const started = Date.now()
      const run = await e2e.run({ ...inputs(), 'timeout-minutes': '0.25' }, { timeoutMs: 90_000 })
      const elapsed = Date.now() - started
      assert.equal(run.code, 1, run.stdout)
      assert.match(run.errors.join('\n'), /timeout-minutes/)
      assert.ok(elapsed < 45_000, `ended at timeout-minutes (${elapsed} ms)`)
    } finally {
      release()
      e2e.stack.keyVault.server.clearFaults()
    }
  })
})
