// The closing report of `npm test` (support/summary-reporter.ts): node --test runs a fixture with
// skipped suites (given a reason, and registry-backed ones without docker-registry) through the
// reporter; skipped suites count, each reason is named once, the notation line names what ran.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, before, test } from 'node:test'
import { ROOT } from '../support/action.ts'
import { REGISTRY_INSTALL_HINT } from '../support/stack-env.ts'

const REPORTER = path.join(ROOT, '__tests__', 'support', 'summary-reporter.ts')
const FIXTURE = path.join(ROOT, '__tests__', 'fixtures', 'reporter', 'skips.ts')
/** The line `.ci/run` reads. */
const CI_LINE = /^[0-9]+ passed, [0-9]+ failed/

let work: string
let fakeNotation: string

before(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'summary-reporter-'))
  // NOTATION_BIN names what the tests run; a script answering `version` is all the reporter asks.
  fakeNotation = path.join(work, 'notation')
  await writeFile(fakeNotation, '#!/bin/sh\necho "Version:    9.8.7"\n', { mode: 0o755 })
})
after(async () => {
  await rm(work, { recursive: true, force: true })
})

async function report(env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  // Not on CI (where registry suites fail instead of skipping), and not as a child of this run.
  const inherited = { ...process.env }
  delete inherited['CI']
  delete inherited['NODE_TEST_CONTEXT']
  const child = spawn(
    process.execPath,
    ['--test', `--test-reporter=${REPORTER}`, '--test-reporter-destination=stdout', FIXTURE],
    {
      cwd: work,
      env: {
        ...inherited,
        // Only this path is looked at, and it does not exist: registry suites skip, as on a machine
        // without docker-registry.
        DOCKER_REGISTRY_BIN: path.join(work, 'no-docker-registry'),
        NOTATION_BIN: fakeNotation,
        ...env
      },
      stdio: ['ignore', 'pipe', 'pipe']
    }
  )
  let out = ''
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d))
  child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d))
  const code = await new Promise<number | null>(resolve => child.once('close', resolve))
  return { code, out }
}

test('skipped suites count as skipped, each reason is named once, and the notation is named', async () => {
  const { code, out } = await report({})
  assert.equal(code, 0, out)
  const lines = out.trimEnd().split('\n')
  assert.deepEqual(lines.slice(-6), [
    '2 suites skipped: the fixture says so',
    `2 suites skipped: ${REGISTRY_INSTALL_HINT}`,
    '1 test skipped: one test skipped',
    '1 test skipped: todo: later',
    `notation: notation 9.8.7 (real, NOTATION_BIN: ${fakeNotation})`,
    '2 passed, 0 failed, 6 skipped'
  ])
  assert.match(lines.at(-1)!, CI_LINE)
  assert.equal(out.split(REGISTRY_INSTALL_HINT).length - 1, 1, 'the reason is printed once')
})

test('a failure is counted, and the closing line stays what .ci/run reads', async () => {
  const { code, out } = await report({ REPORTER_FIXTURE_FAIL: '1' })
  assert.notEqual(code, 0)
  const last = out.trimEnd().split('\n').at(-1)!
  assert.equal(last, '1 passed, 1 failed, 6 skipped')
  assert.match(last, CI_LINE)
})

test('without a working notation the report says so instead of naming one', async () => {
  const { out } = await report({ NOTATION_BIN: path.join(work, 'no-notation') })
  assert.match(out, /^notation: NOTATION_BIN does not work: /m)
  assert.match(out.trimEnd().split('\n').at(-1)!, /^2 passed, 0 failed, 6 skipped$/)
})
