// ACR Tasks builds at their edges, through the committed bundle: the run request carries
// build-timeout (its default too); a scheduleRun answer cut short never starts a second run;
// timeout-minutes during a build cancels the run in time or names the run that may still be
// going, and leaves no packed context behind; a big run log reaches a slow stdout reader whole,
// last lines included, in bounded memory.
import assert from 'node:assert/strict'
import { readFileSync, readdirSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, before, beforeEach } from 'node:test'
import { startE2E, type E2E } from '../support/e2e.ts'
import { e2eDescribe, registryTest } from '../support/stack-env.ts'
import type { ActionRun } from '../support/action.ts'

let e2e: E2E
let work: string

function buildInputs(tag: string): Record<string, string> {
  const env = e2e.stack.env()
  return {
    ...e2e.azureInputs,
    command: 'build',
    images: `${e2e.stack.registry.host}/edges:${tag}`,
    'build-context': 'app',
    'azure-subscription-id': env['STACK_SUBSCRIPTION_ID'] ?? '',
    'resource-group': env['STACK_RESOURCE_GROUP'] ?? ''
  }
}

function decoded(lines: string[]): string {
  return decodeURIComponent(lines.join('\n'))
}

function warningsOf(run: ActionRun): string[] {
  return run.stdout
    .split('\n')
    .filter(l => l.startsWith('::warning'))
    .map(l => decodeURIComponent(l.replace(/^::warning[^:]*::/, '')))
}

/** Processes whose command line or environment mention `marker` (a runner folder of this test). */
function processesMentioning(marker: string): string[] {
  const found: string[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'latin1')
      const environ = readFileSync(`/proc/${entry}/environ`, 'latin1')
      if (cmdline.includes(marker) || environ.includes(marker)) {
        found.push(`${entry}: ${cmdline.replace(/\0/g, ' ')}`)
      }
    } catch {
      // gone, or not ours
    }
  }
  return found
}

/** Every file or folder under `root` whose name starts with `prefix`. */
function findNamed(root: string, prefix: string): string[] {
  const found: string[] = []
  const walk = (dir: string): void => {
    let entries
    try {
      entries = readdirSync(dir, { withFileTypes: true })
    } catch {
      return
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name)
      if (entry.name.startsWith(prefix)) found.push(full)
      if (entry.isDirectory()) walk(full)
    }
  }
  walk(root)
  return found
}

e2eDescribe('ACR Tasks builds at their edges (committed bundle)', () => {
  before(async () => {
    e2e = await startE2E()
    work = await mkdtemp(path.join(os.tmpdir(), 'akv-build-edges-'))
  })

  after(async () => {
    await rm(work, { recursive: true, force: true })
    await e2e?.stop()
  })

  beforeEach(async () => {
    for (const server of e2e.stack.servers) server.reset()
    e2e.stack.arm.reset()
    const context = path.join(e2e.dirs.workspace, 'app')
    await mkdir(context, { recursive: true })
    await writeFile(path.join(context, 'Dockerfile'), 'FROM scratch\nCOPY hello.txt /\n')
    await writeFile(path.join(context, 'hello.txt'), 'hello\n')
  })

  registryTest(
    'the run request carries build-timeout, its default 3600 when not given',
    async () => {
      e2e.stack.arm.scriptNextRun({ queuedPolls: 0, runningPolls: 0 })
      const run = await e2e.run(buildInputs('default-timeout'))
      assert.equal(run.code, 0, run.stdout + run.stderr)
      const runs = [...e2e.stack.arm.runs.values()]
      assert.equal(runs.length, 1)
      assert.equal(runs[0]?.request.timeout, 3600, 'the README default is sent, not left to ACR')

      e2e.stack.arm.scriptNextRun({ queuedPolls: 0, runningPolls: 0 })
      const given = await e2e.run({ ...buildInputs('given-timeout'), 'build-timeout': '900' })
      assert.equal(given.code, 0, given.stdout + given.stderr)
      assert.equal([...e2e.stack.arm.runs.values()].at(-1)?.request.timeout, 900)
    }
  )

  registryTest('a scheduleRun answer cut short starts one ACR run, not two', async () => {
    for (let i = 0; i < 2; i++) e2e.stack.arm.scriptNextRun({ queuedPolls: 0, runningPolls: 0 })
    e2e.stack.arm.server.inject({
      route: 'arm.registries.scheduleRun',
      kind: 'truncate',
      calls: [1]
    })
    const run = await e2e.run(buildInputs('cut-short'), {
      env: { NOTATION_AKV_RETRY_BASE_MS: '50' }
    })
    const started = e2e.stack.arm.runs.size
    assert.equal(started, 1, `one action run starts at most one ACR run (started ${started})`)
    assert.equal(run.code, 1, run.stdout)
    const errors = decoded(run.errors)
    assert.match(errors, /Scheduling an ACR Tasks run on registry 'stackacr': no usable answer/)
    assert.match(errors, /not sent again/)
  })

  registryTest(
    'a scheduleRun answered 429 (not taken) is sent again and the build succeeds',
    async () => {
      e2e.stack.arm.scriptNextRun({ queuedPolls: 0, runningPolls: 0 })
      e2e.stack.arm.server.inject({
        route: 'arm.registries.scheduleRun',
        kind: 'status',
        status: 429,
        retryAfter: '1',
        calls: [1]
      })
      const run = await e2e.run(buildInputs('throttled'), {
        env: { NOTATION_AKV_RETRY_BASE_MS: '50' }
      })
      assert.equal(run.code, 0, run.stdout + run.stderr)
      assert.equal(e2e.stack.arm.server.callCount('arm.registries.scheduleRun'), 2)
      assert.equal(e2e.stack.arm.runs.size, 1)
    }
  )

  /**
   * A build that stays Running until cancelled, bounded by timeout-minutes 0.1 (6 s). Returns the
   * run, whether the ACR run was cancelled by the time the process ended, and how long it took.
   */
  async function timedOutBuild(tag: string): Promise<{
    run: ActionRun
    runId: string
    canceledAtExit: boolean
    ms: number
  }> {
    e2e.stack.arm.scriptNextRun({ queuedPolls: 0, runningPolls: 100_000 })
    const started = performance.now()
    let canceledAtExit = false
    const run = await e2e.run(
      { ...buildInputs(tag), 'timeout-minutes': '0.1' },
      {
        onSpawn: child =>
          child.on('exit', () => {
            canceledAtExit = [...e2e.stack.arm.runs.values()].some(r => r.canceled)
          })
      }
    )
    const ms = performance.now() - started
    const runs = [...e2e.stack.arm.runs.values()]
    assert.equal(runs.length, 1, `the build was scheduled before the limit: ${run.stdout}`)
    return { run, runId: runs[0]?.runId ?? '', canceledAtExit, ms }
  }

  registryTest(
    'timeout-minutes during a build: the ACR run is cancelled before the process exits',
    async () => {
      const { run, runId, canceledAtExit } = await timedOutBuild('timed-out')
      assert.equal(run.code, 1, run.stdout)
      assert.ok(canceledAtExit, 'the run was cancelled before the action exited')
      const errors = decoded(run.errors)
      assert.match(errors, /did not finish within timeout-minutes \(0\.1\)/, errors)
      assert.ok(errors.includes(`ACR Tasks run ${runId}`), `the error names the run: ${errors}`)
      assert.ok(
        warningsOf(run).some(w => w.startsWith(`Canceled ACR Tasks run ${runId}`)),
        run.stdout
      )
      // The packed context never outlives the step, wherever it was written.
      assert.deepEqual(findNamed(e2e.dirs.temp, 'acr-context-'), [])
    }
  )

  registryTest(
    'timeout-minutes during a build whose cancel hangs: the step ends in time and names the run that may still be going',
    async () => {
      // The cancel is held 30 s: longer than any grace the action may take.
      e2e.stack.arm.server.inject({ route: 'arm.runs.cancel', kind: 'latency', latencyMs: 30_000 })
      const { run, runId, canceledAtExit, ms } = await timedOutBuild('cancel-hangs')
      assert.equal(run.code, 1, run.stdout)
      assert.deepEqual(findNamed(e2e.dirs.temp, 'acr-context-'), [], 'no packed context is left')
      assert.ok(ms < 6_000 + 15_000, `the step ended within the limit and its grace (${ms} ms)`)
      const errors = decoded(run.errors)
      assert.match(errors, /did not finish within timeout-minutes \(0\.1\)/, errors)
      assert.ok(errors.includes(`ACR Tasks run ${runId}`), `the error names the run: ${errors}`)
      if (!canceledAtExit) {
        assert.ok(
          warningsOf(run).some(
            w => w.includes(`ACR Tasks run ${runId}`) && w.includes('may still be running')
          ),
          `a run not cancelled is named as one that may still be going: ${run.stdout}`
        )
      }
    }
  )

  registryTest(
    'timeout-minutes during signing: no notation or plugin process outlives the step',
    async () => {
      await e2e.stack.keyVault.vault.seedSelfSigned('edges-cert', {
        subject: 'CN=edges.example,O=Notation,L=Seattle,ST=WA,C=US'
      })
      const pushed = await e2e.stack.registry.pushImage('edges-sign', {
        tag: 'v1',
        content: 'edges'
      })
      // A warm tool cache first, so the limit falls while signing, not while installing.
      assert.equal((await e2e.run({ command: 'setup' })).code, 0)
      // Key Vault holds the plugin's sign request 30 s: the plugin is mid-call when the limit ends.
      e2e.stack.keyVault.server.inject({
        route: 'keyvault.keys.sign',
        kind: 'latency',
        latencyMs: 30_000
      })
      const run = await e2e.run({
        ...e2e.azureInputs,
        command: 'sign',
        certificate: 'edges-cert',
        images: `${e2e.stack.registry.host}/edges-sign@${pushed.digest}`,
        'timeout-minutes': '0.2'
      })
      const left = processesMentioning(e2e.dirs.root)
      assert.equal(run.code, 1, run.stdout)
      assert.match(decoded(run.errors), /did not finish within timeout-minutes \(0\.2\)/)
      assert.ok(
        e2e.stack.keyVault.server.calls.some(c => c.route === 'keyvault.keys.sign'),
        'the plugin was signing when the limit ended the work'
      )
      assert.deepEqual(left, [], 'nothing the action started outlives the step')
    }
  )

  registryTest(
    'a 40 MB run log reaches a slow stdout reader whole, in bounded memory',
    async () => {
      const lines = 420_000
      const body = Array.from({ length: lines }, (_, i) => `step ${i} ${'.'.repeat(80)}\n`).join('')
      const lastLine = 'LAST-LOG-LINE of the run'
      // One line with no newline for 8 MiB: the partial line is capped, not held whole.
      const endless = 'z'.repeat(8 * 1024 * 1024)
      e2e.stack.arm.scriptNextRun({
        queuedPolls: 0,
        runningPolls: 1,
        logChunks: [body, `${endless}\n${lastLine}\n`]
      })
      const rssFile = path.join(work, 'max-rss')
      const preload = path.join(work, 'max-rss.mjs')
      await writeFile(
        preload,
        [
          "import { writeFileSync } from 'node:fs'",
          `process.on('exit', () => writeFileSync(${JSON.stringify(rssFile)}, String(process.resourceUsage().maxRSS)))`,
          ''
        ].join('\n')
      )
      const run = await e2e.run(buildInputs('big-log'), {
        // A small JS heap: the live data must stay bounded, not merely be collected in time.
        env: { NODE_OPTIONS: `--import=${preload} --max-old-space-size=96` },
        // A reader that takes a while over each piece, as a busy runner does.
        onSpawn: child => {
          child.stdout?.on('data', () => {
            child.stdout?.pause()
            setTimeout(() => child.stdout?.resume(), 3)
          })
        }
      })
      const out = run.stdout
      assert.equal(run.code, 0, run.stderr)
      assert.ok(out.includes(`step ${lines - 1} `), 'the last line of the big chunk arrived')
      assert.ok(out.includes(lastLine), 'the last log line arrived')
      assert.match(out, /Built .*edges:big-log → .*@sha256:[0-9a-f]{64}/, 'the Built line arrived')
      const printed = out.split('\n').filter(l => /^step \d+ /.test(l)).length
      assert.equal(printed, lines, 'every log line arrived once')
      const peakMiB = Number(readFileSync(rssFile, 'utf8')) / 1024
      // The log is 48 MB; read whole it took the action past 400 MiB. Read by range, what is live
      // stays small: the run completes in a 96 MiB JS heap (below), at a peak near 160 MiB.
      assert.ok(peakMiB < 200, `peak RSS ${peakMiB.toFixed(0)} MiB`)
      process.stdout.write(`# big run log: peak RSS ${peakMiB.toFixed(0)} MiB\n`)
    }
  )
})
