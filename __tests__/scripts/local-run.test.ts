// The README's local run, as a reader types it: `npm run stack > .env` (the stack in the
// foreground), then `npm run local-action`, which must sign and verify the stack's image with no
// edits and no network beyond loopback, and exit non-zero when the action fails.
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, before, test } from 'node:test'
import { setTimeout as delay } from 'node:timers/promises'
import { ROOT } from '../support/action.ts'
import { e2eDescribe } from '../support/stack-env.ts'

const LAUNCHER = path.join(ROOT, 'scripts', 'local-action.ts')

/** The lines the brief of a local run needs, all printed by the stack. */
const RUN_LINES = [
  'INPUT_IMAGES',
  'INPUT_KEY-VAULT',
  'INPUT_CERTIFICATE',
  'INPUT_AZURE-CLIENT-ID',
  'INPUT_AZURE-TENANT-ID',
  'INPUT_AZURE-AUTHORITY-HOST',
  'INPUT_ACR-REGISTRIES',
  'INPUT_NOTATION-URL',
  'INPUT_NOTATION-CHECKSUM',
  'INPUT_PLUGIN-URL',
  'INPUT_PLUGIN-CHECKSUM',
  'NODE_EXTRA_CA_CERTS',
  'GITHUB_STEP_SUMMARY',
  'RUNNER_TEMP',
  'RUNNER_TOOL_CACHE',
  'GITHUB_WORKSPACE'
]

/** The environment a reader's shell has: none of the stack's variables, not a test's child. */
function shellEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env }
  for (const name of Object.keys(env)) {
    if (/^(NODE_TEST_CONTEXT|NODE_EXTRA_CA_CERTS|SSL_CERT_FILE|INPUT_|GITHUB_|RUNNER_)/.test(name))
      delete env[name]
  }
  return env
}

interface Finished {
  code: number | null
  out: string
}

function finished(child: ChildProcess, timeoutMs: number): Promise<Finished> {
  let out = ''
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (out += d))
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (out += d))
  return new Promise(resolve => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.once('close', code => {
      clearTimeout(timer)
      resolve({ code, out })
    })
  })
}

function parseEnv(text: string): Record<string, string> {
  const env: Record<string, string> = {}
  for (const line of text.split('\n')) {
    const match = /^([\w.-]+)=(.*)$/.exec(line)
    if (match) env[match[1]!] = match[2]!
  }
  return env
}

e2eDescribe('local run: npm run stack > .env, then npm run local-action', () => {
  let work: string
  let stack: ChildProcess
  let stackExited: Promise<Finished>
  let dotenv: string
  let printed: Record<string, string>

  before(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'local-run-'))
    dotenv = path.join(work, '.env')
    // As the README says, npm's own banner included (`npm run stack > .env`): it must do no harm.
    // Its own process group, so that stopping it reaches node through npm's `sh -c`.
    stack = spawn('npm', ['run', 'stack'], {
      cwd: ROOT,
      env: shellEnv(),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    stack.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    const up = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`stack not up in 90 s:\n${stderr}`)), 90_000)
      stack.stderr!.setEncoding('utf8').on('data', (d: string) => {
        stderr += d
        if (stderr.includes('stack: up')) {
          clearTimeout(timer)
          resolve()
        }
      })
      stack.once('close', code => {
        clearTimeout(timer)
        reject(new Error(`stack exited (${code}):\n${stderr}`))
      })
    })
    stackExited = new Promise(resolve => stack.once('close', code => resolve({ code, out: '' })))
    await up
    // stderr's "up" can arrive before the pipe has delivered all of stdout: wait for every line.
    const complete = (): boolean => {
      const names = Object.keys(parseEnv(stdout))
      return RUN_LINES.every(name => names.includes(name))
    }
    for (let i = 0; !complete() && i < 200; i++) await delay(50)
    await writeFile(dotenv, stdout)
    printed = parseEnv(stdout)
  })

  after(async () => {
    if (stack?.pid !== undefined && stack.exitCode === null) {
      process.kill(-stack.pid, 'SIGTERM')
      await stackExited
    }
    // npm may exit before node has torn the stack down: wait for its temp dir (the CA's) to go.
    const caFile = printed?.['NODE_EXTRA_CA_CERTS']
    for (let i = 0; caFile && existsSync(caFile) && i < 100; i++) await delay(100)
    if (caFile) assert.ok(!existsSync(caFile), 'the stack removed its temp dir on SIGTERM')
    if (work) await rm(work, { recursive: true, force: true })
  })

  test('the stack prints every line a local run needs, all on loopback', () => {
    for (const name of RUN_LINES) assert.ok(printed[name], `${name} is printed`)
    for (const name of ['INPUT_NOTATION-URL', 'INPUT_PLUGIN-URL', 'INPUT_KEY-VAULT']) {
      assert.equal(new URL(printed[name]!).hostname, '127.0.0.1', name)
    }
    assert.match(printed['INPUT_IMAGES']!, /^127\.0\.0\.1:\d+\//)
    assert.ok(existsSync(printed['GITHUB_STEP_SUMMARY']!), 'the step summary file exists')
  })

  test('npm run local-action signs and verifies the stack image with .env as printed', async () => {
    // Run from the project folder, as the README says; the reader's shell has no stack variables.
    const run = await finished(
      spawn('npm', ['run', '--silent', 'local-action', '--', dotenv], {
        cwd: ROOT,
        env: shellEnv(),
        stdio: ['ignore', 'pipe', 'pipe']
      }),
      180_000
    )
    assert.equal(run.code, 0, run.out)
    assert.match(run.out, /::info::Successfully signed 127\.0\.0\.1:\d+\/net-monitor@sha256:/)
    assert.match(
      run.out,
      /::info::Successfully verified signature for 127\.0\.0\.1:\d+\/net-monitor@sha256:/
    )
    assert.doesNotMatch(run.out, /::error::/)
    assert.match(readFileSync(printed['GITHUB_STEP_SUMMARY']!, 'utf8'), /verified/)
  })

  test('a failing run exits non-zero (from any folder)', async () => {
    const broken = path.join(work, 'broken.env')
    await writeFile(
      broken,
      readFileSync(dotenv, 'utf8').replace(
        /^INPUT_CERTIFICATE=.*$/m,
        'INPUT_CERTIFICATE=no-such-cert'
      )
    )
    const run = await finished(
      spawn(process.execPath, [LAUNCHER, 'broken.env'], {
        cwd: work,
        env: shellEnv(),
        stdio: ['ignore', 'pipe', 'pipe']
      }),
      180_000
    )
    assert.equal(run.code, 1, run.out)
    assert.match(
      run.out,
      /::error::Key Vault https:\/\/127\.0\.0\.1:\d+ has no certificate 'no-such-cert'/
    )
    assert.match(run.out, /local-action: the action failed \(exit 1\)/)
  })
})

test('the README shows exactly the two commands this file runs', () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8')
  const section = readme.slice(readme.indexOf('### Running the action locally'))
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? ''
  const commands = block
    .split('\n')
    .map(line => line.replace(/#.*$/, '').trim())
    .filter(Boolean)
  assert.deepEqual(commands, ['npm run stack > .env', 'npm run local-action'])
  const scripts = (
    JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>
    }
  ).scripts
  assert.equal(scripts['stack'], 'node __tests__/stack/cli.ts')
  assert.equal(scripts['local-action'], 'node scripts/local-action.ts')
})

test('an env file from a stack that has stopped is refused before anything runs', async () => {
  const work = await mkdtemp(path.join(os.tmpdir(), 'local-run-stale-'))
  try {
    const gone = path.join(work, 'stopped-stack', 'ca.pem')
    await writeFile(path.join(work, '.env'), `NODE_EXTRA_CA_CERTS=${gone}\nINPUT_IMAGES=x\n`)
    const run = await finished(
      spawn(process.execPath, [LAUNCHER], { cwd: work, env: shellEnv(), stdio: 'pipe' }),
      30_000
    )
    assert.equal(run.code, 2, run.out)
    assert.match(run.out, /that stack has stopped: start it again/)
    assert.ok(!existsSync(path.join(work, 'stopped-stack')), 'nothing was created')
  } finally {
    await rm(work, { recursive: true, force: true })
  }
})

test('a missing env file says how to make one', async () => {
  const run = await finished(
    spawn(process.execPath, [LAUNCHER, 'nothing-here.env'], {
      cwd: os.tmpdir(),
      env: shellEnv(),
      stdio: ['ignore', 'pipe', 'pipe']
    }),
    30_000
  )
  assert.equal(run.code, 2, run.out)
  assert.match(run.out, /npm run stack > \.env/)
})

test('without a notation the stack does not start, and says how to name one', async () => {
  // No stand-in to fall back on: a NOTATION_BIN that does not run stands for "no notation here"
  // (the shared build and the cached release cannot be hidden from this process).
  const run = await finished(
    spawn(process.execPath, [path.join(ROOT, '__tests__', 'stack', 'cli.ts')], {
      cwd: os.tmpdir(),
      env: { ...shellEnv(), NOTATION_BIN: path.join(os.tmpdir(), 'no-such-notation') },
      stdio: ['ignore', 'pipe', 'pipe']
    }),
    30_000
  )
  assert.equal(run.code, 2, run.out)
  assert.match(run.out, /stack: no notation to serve: /)
  assert.match(run.out, /set NOTATION_BIN to a notation executable/)
  assert.doesNotMatch(run.out, /stack: up|INPUT_/, 'nothing started')
})
