// Issue 12, items 2 and 3 for ACR Tasks builds, end to end through the committed bundle: when ARM
// or blob storage refuses the connection, presents a certificate for another name, or never
// answers, the one ::error:: names the host and the cause (never "fetch failed", nor a RestError's
// bare text); ARM answers are cut at their limit as they stream (peak memory measured from /proc)
// and an endless one ends at the per-request limit, once.
import assert from 'node:assert/strict'
import type { ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import net from 'node:net'
import path from 'node:path'
import { after, before, beforeEach } from 'node:test'
import { StackServer } from '../stack/http.ts'
import { certificateFor } from '../stack/lookalike.ts'
import type { ActionRun } from '../support/action.ts'
import { startE2E, type E2E } from '../support/e2e.ts'
import { e2eDescribe, registryTest } from '../support/stack-env.ts'

const GiB = 1024 * 1024 * 1024
/** Past this the test stops the bundle itself: old code would buffer gigabytes on a shared box. */
const KILL_ABOVE_KIB = 600 * 1024
const FAST_RETRIES = { NOTATION_AKV_RETRY_BASE_MS: '5' }

/** `::error::` text with the toolkit's %-escapes decoded. */
const errorsOf = (run: ActionRun): string =>
  run.errors.join('\n').replace(/%0A/g, '\n').replace(/%25/g, '%')

function warningsOf(run: ActionRun): string[] {
  return run.stdout
    .split('\n')
    .filter(l => l.startsWith('::warning'))
    .map(l =>
      l
        .replace(/^::warning[^:]*::/, '')
        .replace(/%0A/g, '\n')
        .replace(/%25/g, '%')
    )
}

/** Peak resident memory (VmHWM, KiB) of a child, sampled from /proc until it exits. */
function watchPeak(child: ChildProcess): { peakKiB: () => number } {
  let peak = 0
  const timer = setInterval(() => {
    try {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8')
      const kib = Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? 0)
      peak = Math.max(peak, kib)
      if (kib > KILL_ABOVE_KIB) child.kill('SIGKILL')
    } catch {
      // exited
    }
  }, 20)
  child.on('exit', () => clearInterval(timer))
  return { peakKiB: () => peak }
}

/** A port that was just free: nothing listens there, so connecting is refused. */
async function freePort(): Promise<number> {
  const probe = net.createServer()
  await new Promise<void>(resolve => probe.listen(0, '127.0.0.1', resolve))
  const port = (probe.address() as net.AddressInfo).port
  await new Promise(resolve => probe.close(resolve))
  return port
}

let e2e: E2E
/** HTTPS on 127.0.0.1 with a certificate (from the stack's CA) for another name. */
let wrongName: StackServer
/** An "ARM" whose every answer is a 200 with a 2 GiB chunked body, sent as fast as read. */
let flood: StackServer
/** An "ARM" whose answers never end: a byte every 200 ms. */
let endless: StackServer

const hostOf = (origin: string): string => new URL(origin).host

function buildInputs(tag: string): Record<string, string> {
  const env = e2e.stack.env()
  return {
    ...e2e.azureInputs,
    command: 'build',
    images: `${e2e.stack.registry.host}/net-arm:${tag}`,
    'build-context': 'app',
    'azure-subscription-id': env['STACK_SUBSCRIPTION_ID'] ?? '',
    'resource-group': env['STACK_RESOURCE_GROUP'] ?? ''
  }
}

/** A build with ARM at `origin`: one ::error::, exit 1; returns the decoded error. */
async function failedBuild(
  tag: string,
  env: Record<string, string> = {},
  onSpawn?: (child: ChildProcess) => void
): Promise<{ run: ActionRun; error: string; seconds: number }> {
  const started = performance.now()
  const run = await e2e.run(buildInputs(tag), {
    env: { ...FAST_RETRIES, ...env },
    // Past the 60 s ARM limit: the harness's own 60 s must not end the run first.
    timeoutMs: 150_000,
    ...(onSpawn ? { onSpawn } : {})
  })
  const seconds = (performance.now() - started) / 1000
  assert.equal(run.code, 1, run.stdout + run.stderr)
  const error = errorsOf(run)
  process.stdout.write(`# ::error:: ${error} (${seconds.toFixed(1)} s)\n`)
  assert.equal(run.errors.length, 1, run.stdout)
  assert.doesNotMatch(error, /fetch failed|HTTP 0\b|RestError/)
  // Retry lines too name the host and the cause.
  assert.doesNotMatch(run.stdout, /fetch failed/)
  return { run, error, seconds }
}

e2eDescribe('ARM and blob storage: errors name host and cause, answers bounded', () => {
  before(async () => {
    e2e = await startE2E({ notation: 'real' })
    const cert = await certificateFor(e2e.stack.ca, 'management.wrong-name.example')
    wrongName = new StackServer({
      name: 'wrong-name',
      tls: { key: cert.keyPem, cert: cert.pem },
      routes: []
    })
    await wrongName.listen()
    flood = await e2e.stack.serve('arm-flood', [
      {
        name: 'flood',
        method: '*',
        path: /^\//,
        raw: async (_req, res) => {
          res.writeHead(200, { 'content-type': 'application/json' })
          const chunk = Buffer.alloc(1024 * 1024, 0x20)
          for (let sent = 0; sent < 2 * GiB && !res.destroyed; sent += chunk.length) {
            if (!res.write(chunk)) {
              await new Promise<void>(resolve => {
                const done = (): void => {
                  res.off('drain', done)
                  res.off('close', done)
                  resolve()
                }
                res.on('drain', done)
                res.on('close', done)
              })
            }
          }
          res.end()
        }
      }
    ])
    endless = await e2e.stack.serve('arm-endless', [
      {
        name: 'endless',
        method: '*',
        path: /^\//,
        raw: async (_req, res) => {
          res.writeHead(200, { 'content-type': 'application/json' })
          while (!res.destroyed) {
            res.write(' ')
            await new Promise(resolve => setTimeout(resolve, 200))
          }
        }
      }
    ])
    // A warm tool cache: each test's time is the build's.
    assert.equal((await e2e.run({ command: 'setup' })).code, 0)
  })

  after(async () => {
    await wrongName?.close()
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

  registryTest('ARM refuses connections: its host and "connection refused"', async () => {
    const port = await freePort()
    const { error } = await failedBuild('refused', {
      AZURE_RESOURCE_MANAGER_ENDPOINT: `https://127.0.0.1:${port}`
    })
    assert.match(
      error,
      new RegExp(
        `Listing the registries of resource group '[^']+': 127\\.0\\.0\\.1:${port}: connection refused \\(ECONNREFUSED\\)`
      )
    )
  })

  registryTest(
    'ARM presents a certificate for another name: the TLS error and its code',
    async () => {
      const { error } = await failedBuild('wrong-name', {
        AZURE_RESOURCE_MANAGER_ENDPOINT: wrongName.origin
      })
      assert.ok(
        error.includes(`: ${wrongName.host}: TLS error ERR_TLS_CERT_ALTNAME_INVALID`),
        error
      )
    }
  )

  registryTest(
    'ARM never answers: the error names its host and the 60 s limit, and it is asked once',
    async () => {
      e2e.stack.arm.server.inject({
        route: 'arm.registries.list',
        kind: 'latency',
        latencyMs: 120_000
      })
      const { error, seconds } = await failedBuild('arm-hangs')
      assert.ok(
        error.includes(
          `${e2e.stack.arm.server.host}: no complete answer within the 60 s limit per request`
        ),
        error
      )
      assert.equal(e2e.stack.arm.server.callCount('arm.registries.list'), 1)
      assert.ok(seconds < 90, `${seconds} s`)
    }
  )

  registryTest(
    'ARM holds the scheduleRun answer past the limit: not sent again, and the step says a run may have started',
    async () => {
      e2e.stack.arm.server.inject({
        route: 'arm.registries.scheduleRun',
        kind: 'latency',
        latencyMs: 120_000
      })
      const { error } = await failedBuild('schedule-hangs')
      assert.ok(
        error.includes(
          `Scheduling an ACR Tasks run on registry 'stackacr': no usable answer (${e2e.stack.arm.server.host}: no complete answer within the 60 s limit per request)`
        ),
        error
      )
      assert.match(error, /not sent again/)
      assert.equal(e2e.stack.arm.server.callCount('arm.registries.scheduleRun'), 1)
    }
  )

  registryTest(
    'ARM resets every status read after the run started: the step stops after 6 polls, names the host and the cause, and cancels the run',
    async () => {
      e2e.stack.arm.scriptNextRun({ queuedPolls: 0, runningPolls: 100_000 })
      e2e.stack.arm.server.inject({
        route: 'arm.runs.get',
        kind: 'reset',
        calls: Array.from({ length: 200 }, (_, i) => i + 2)
      })
      const { run, error, seconds } = await failedBuild('status-unreadable')
      const runId = [...e2e.stack.arm.runs.keys()][0] ?? ''
      assert.match(
        error,
        new RegExp(
          `Reading ACR Tasks run ${runId} on registry 'stackacr' failed 6 polls in a row: ${e2e.stack.arm.server.host.replace(/\./g, '\\.')}: connection reset \\(ECONNRESET\\)`
        )
      )
      assert.ok(e2e.stack.arm.runs.get(runId)?.canceled, 'the run it could not see was canceled')
      assert.ok(
        warningsOf(run).some(w => w.startsWith(`Canceled ACR Tasks run ${runId}`)),
        run.stdout
      )
      assert.ok(seconds < 90, `${seconds} s (not build-timeout's hour)`)
    }
  )

  registryTest(
    'blob storage refuses the upload: its host and "connection refused", no run started',
    async () => {
      const port = await freePort()
      e2e.stack.arm.blobOrigins.upload = `https://127.0.0.1:${port}`
      const { error } = await failedBuild('upload-refused')
      assert.match(
        error,
        new RegExp(
          `Uploading the build context: 127\\.0\\.0\\.1:${port}: connection refused \\(ECONNREFUSED\\)`
        )
      )
      assert.doesNotMatch(error, /sig=|\/blob\//, 'the SAS link is not echoed')
      assert.equal(e2e.stack.arm.runs.size, 0)
    }
  )

  registryTest(
    'blob storage presents a certificate for another name: the TLS error and its code',
    async () => {
      e2e.stack.arm.blobOrigins.upload = wrongName.origin
      const { error } = await failedBuild('upload-wrong-name')
      assert.ok(
        error.includes(
          `Uploading the build context: ${wrongName.host}: TLS error ERR_TLS_CERT_ALTNAME_INVALID`
        ),
        error
      )
      assert.equal(e2e.stack.arm.runs.size, 0)
    }
  )

  registryTest('blob storage never answers the upload: its host and the limit, once', async () => {
    e2e.stack.arm.server.inject({ route: 'blob.put', kind: 'latency', latencyMs: 120_000 })
    const { error, seconds } = await failedBuild('upload-hangs')
    // 30 s plus 1 s per MiB begun: the context is a few hundred bytes.
    assert.ok(
      error.includes(
        `Uploading the build context: ${e2e.stack.arm.server.host}: no complete answer within the 31 s limit per request`
      ),
      error
    )
    assert.equal(e2e.stack.arm.server.callCount('blob.put'), 1)
    assert.ok(seconds < 60, `${seconds} s`)
    assert.equal(e2e.stack.arm.runs.size, 0)
  })

  registryTest(
    'the run log host presents a certificate for another name: the build succeeds, a warning names the host and the TLS error',
    async () => {
      e2e.stack.arm.blobOrigins.log = wrongName.origin
      e2e.stack.arm.scriptNextRun({ queuedPolls: 0, runningPolls: 1 })
      const run = await e2e.run(buildInputs('log-wrong-name'), { env: FAST_RETRIES })
      assert.equal(run.code, 0, run.stdout + run.stderr)
      assert.doesNotMatch(run.stdout, /fetch failed/)
      const warning = warningsOf(run).find(w => w.includes('could not be read'))
      process.stdout.write(`# ::warning:: ${warning}\n`)
      assert.ok(
        warning?.includes(`: ${wrongName.host}: TLS error ERR_TLS_CERT_ALTNAME_INVALID`),
        run.stdout
      )
    }
  )

  registryTest(
    'ARM answering a 2 GiB chunked body: cut at the 16 MiB limit as it streams, peak memory stays small',
    async () => {
      let watch: { peakKiB: () => number } | undefined
      const { error } = await failedBuild(
        'flood',
        { AZURE_RESOURCE_MANAGER_ENDPOINT: flood.origin },
        child => (watch = watchPeak(child))
      )
      const peakMiB = (watch?.peakKiB() ?? 0) / 1024
      process.stdout.write(`# peak RSS with a 2 GiB ARM body: ${peakMiB.toFixed(0)} MiB\n`)
      assert.ok(
        error.includes(
          `${flood.host} answered with a body too large: more than 16777216 bytes sent, over the 16777216-byte limit`
        ),
        error
      )
      assert.equal(flood.calls.length, 1, 'a body over the limit is not asked for again')
      assert.ok(peakMiB < 250, `peak ${peakMiB.toFixed(0)} MiB`)
    }
  )

  registryTest(
    'ARM answering an endless body: ends at the 60 s per-request limit, once',
    async () => {
      const { error, seconds } = await failedBuild('endless', {
        AZURE_RESOURCE_MANAGER_ENDPOINT: endless.origin
      })
      assert.ok(
        error.includes(`${hostOf(endless.origin)}: no complete answer within the 60 s limit`),
        error
      )
      assert.equal(endless.calls.length, 1, 'one request: a limit spent is not spent again')
      assert.ok(seconds < 90, `${seconds} s`)
    }
  )
})
