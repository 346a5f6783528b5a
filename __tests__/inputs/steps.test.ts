// Main and post are separate entry files (action.yml `main:` / `post:`), end to end through the
// committed bundle. The runner sets `STATE_*` only for a post step, after the environment, so in a
// main step such a variable was planted (a GITHUB_ENV line from an earlier step): main refuses to
// run, and the post step reads only what main saved.
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { mkdir, readdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { after, before, test } from 'node:test'
import { startE2E, type E2E } from '../support/e2e.ts'
import { e2eDescribe } from '../support/stack-env.ts'

const SUBJECT = 'CN=gate.example,O=Notation,L=Seattle,ST=WA,C=US'

e2eDescribe('main and post steps', () => {
  let e2e: E2E
  /** A verify gate over an image nobody signed: it must fail. */
  let gate: Record<string, string>
  before(async () => {
    e2e = await startE2E()
    await e2e.stack.keyVault.vault.seedSelfSigned('gate-cert', { subject: SUBJECT })
    const unsigned = await e2e.stack.registry.pushImage('steps/app', {
      tag: 'v1',
      content: 'an image nobody signed'
    })
    gate = {
      ...e2e.azureInputs,
      command: 'verify',
      certificate: 'gate-cert',
      images: `${e2e.stack.registry.host}/steps/app@${unsigned.digest}`
    }
  })
  after(() => e2e?.stop())

  const downloads = (): number => e2e.downloads.calls.length

  test('the verify gate fails for an unsigned image (the control)', async () => {
    await e2e.resetRunner()
    const run = await e2e.run(gate)
    assert.equal(run.code, 1, run.stdout + run.stderr)
    assert.match(run.errors.join('\n'), /Verification failed for 1 of 1 image/)
  })

  test('STATE_isPost=true in the environment: main fails naming it and verifies nothing', async () => {
    await e2e.resetRunner()
    e2e.downloads.reset()
    const callsBefore = e2e.notationCalls().length
    const run = await e2e.run(gate, { env: { STATE_isPost: 'true' } })
    assert.equal(run.code, 1, `the gate must not pass:\n${run.stdout}${run.stderr}`)
    assert.equal(run.errors.length, 1, run.stdout)
    assert.match(
      run.errors[0] ?? '',
      /^STATE_isPost is set in the environment of the main step\. The runner sets the action's STATE_ variables only for its post step, so an earlier step \(a GITHUB_ENV line\) or the workflow put it there\. Refusing to run: nothing was installed, signed or verified\.$/
    )
    assert.equal(e2e.notationCalls().length, callsBefore, 'notation never ran')
    assert.equal(downloads(), 0, 'nothing was downloaded')
    assert.deepEqual(run.outputs, {}, 'no outputs')
    assert.deepEqual(run.exportedEnv, {})
    assert.deepEqual(run.addedPaths, [])
    assert.deepEqual(await readdir(e2e.dirs.temp), [], 'nothing written to RUNNER_TEMP')
    assert.deepEqual(await readdir(e2e.dirs.toolCache), [], 'nothing written to the tool cache')
  })

  test('any of the post state variables makes main refuse, before any download', async () => {
    for (const env of [
      { STATE_workDir: path.join(e2e.dirs.temp, 'notation-akv-planted') },
      { STATE_cleanup: 'false' },
      { STATE_isPost: '', STATE_cleanup: 'true' }
    ]) {
      await e2e.resetRunner()
      e2e.downloads.reset()
      const run = await e2e.run({ command: 'setup' }, { env })
      const names = Object.keys(env).join(', ')
      assert.equal(run.code, 1, `${names}: ${run.stdout}`)
      assert.ok(run.errors[0]?.startsWith(`${names} `), `${names}: ${run.errors.join('\n')}`)
      assert.equal(downloads(), 0, names)
    }
  })

  test('a planted STATE_workDir never reaches the post step', async () => {
    await e2e.resetRunner()
    // Another invocation's job-private folder, kept with `cleanup: false` for later steps.
    const kept = path.join(e2e.dirs.temp, 'notation-akv-kept')
    await mkdir(path.join(kept, 'config'), { recursive: true })
    await writeFile(path.join(kept, 'config', 'trustpolicy.json'), '{}')
    const run = await e2e.run(gate, {
      env: { STATE_isPost: 'true', STATE_workDir: kept },
      post: true
    })
    assert.equal(run.code, 1, run.stdout)
    assert.ok(
      existsSync(path.join(kept, 'config', 'trustpolicy.json')),
      'the kept folder is intact'
    )
    assert.ok(!run.stdout.includes(`Removed ${kept}`), run.stdout)
  })

  test('post, through its own entry, removes the folder main made', async () => {
    await e2e.resetRunner()
    const run = await e2e.run({ command: 'setup' }, { post: true })
    assert.equal(run.code, 0, run.stdout + run.stderr)
    const workDir = run.state['workDir'] ?? ''
    assert.ok(path.basename(workDir).startsWith('notation-akv-'), workDir)
    assert.ok(run.stdout.includes(`Removed ${workDir}`), run.stdout)
    assert.equal(existsSync(workDir), false)
  })
})
