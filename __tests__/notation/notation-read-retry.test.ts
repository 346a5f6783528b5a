// The real notation 1.3.2 retries no registry request: one 503 fails `notation verify` or `notation
// inspect` outright (the stand-in used to retry as oras-go's retry transport would, which hid it).
// Both only read, so the action runs them again while they fail transiently. End to end through
// the committed bundle, with the real CLI; the fault is the stack registry's answer to notation's
// first referrers request (the action itself never asks for referrers).
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { startE2E, type E2E } from '../support/e2e.ts'
import { skipWithoutRealNotation } from '../support/notation-bin.ts'
import { registrySkip } from '../support/stack-env.ts'

const SUBJECT = 'CN=retry.example,O=Example,L=Seattle,ST=WA,C=US'
/** The action's own back-off, shortened (its first wait is at most this). */
const ENV = { NOTATION_AKV_RETRY_BASE_MS: '50' }

const skip = registrySkip().skip ?? (await skipWithoutRealNotation())

describe('a transient registry failure in a read-only notation run is retried', { skip }, () => {
  let e2e: E2E
  before(async () => {
    e2e = await startE2E({ notation: 'real' })
    await e2e.stack.keyVault.vault.seedSelfSigned('retry', { subject: SUBJECT })
  })
  after(() => e2e?.stop())

  const inputs = (command: string, images: string): Record<string, string> => ({
    ...e2e.azureInputs,
    command,
    certificate: 'retry',
    images
  })
  const freshImage = async (repository: string): Promise<string> => {
    const image = await e2e.stack.registry.pushImage(repository, { tag: 'v1' })
    return `${e2e.stack.registry.host}/${repository}@${image.digest}`
  }
  const referrerFaults = (): number =>
    e2e.stack.registry.server.calls.filter(c => c.route === 'registry.referrers' && c.fault).length

  test('verify: a 503 on its first registry read, then the image verifies', async () => {
    const image = await freshImage('verify-retry')
    const signed = await e2e.run(inputs('sign', image), { env: ENV })
    assert.equal(signed.code, 0, signed.stdout)
    const server = e2e.stack.registry.server
    server.reset()
    server.inject({ route: 'registry.referrers', kind: 'status', status: 503, calls: [1] })
    const from = e2e.notationCalls().length
    const run = await e2e.run(inputs('verify', image), { env: ENV })
    server.reset()
    assert.equal(run.code, 0, run.stdout)
    assert.match(run.stdout, /notation verify failed transiently \(.*503.*\); verifying again/)
    const verifies = e2e
      .notationCalls()
      .slice(from)
      .filter(c => c.argv[0] === 'verify')
    assert.equal(verifies.length, 2, 'verified again once')
    const images = JSON.parse(run.outputs['images'] ?? '[]') as { verification: string }[]
    assert.equal(images[0]?.verification, 'verified')
  })

  test('sign: a 503 on the read-back after signing, then the signature digest is reported', async () => {
    const image = await freshImage('inspect-retry')
    const server = e2e.stack.registry.server
    server.reset()
    // `notation sign` pushes through the referrers tag schema; the first referrers request is the
    // action's read-back (`notation inspect`).
    server.inject({ route: 'registry.referrers', kind: 'status', status: 503, calls: [1] })
    const from = e2e.notationCalls().length
    const run = await e2e.run(inputs('sign', image), { env: ENV })
    const faults = referrerFaults()
    server.reset()
    assert.equal(run.code, 0, run.stdout)
    assert.equal(faults, 1, 'the fault was met')
    assert.match(run.stdout, /notation inspect failed transiently \(.*503.*\); inspecting again/)
    const commands = e2e
      .notationCalls()
      .slice(from)
      .map(c => c.argv[0])
      .filter(c => c !== 'version')
    assert.deepEqual(commands, ['sign', 'inspect', 'inspect'])
    const images = JSON.parse(run.outputs['images'] ?? '[]') as { signatureDigest: string }[]
    assert.match(images[0]?.signatureDigest ?? '', /^sha256:[0-9a-f]{64}$/)
    assert.doesNotMatch(run.stdout, /reading the signature back failed/)
  })
})
