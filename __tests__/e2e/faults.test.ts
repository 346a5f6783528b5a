// Faults on every network path, through the committed bundle as a runner runs it: latency, 429 with
// Retry-After, 500 then 503, a reset connection and a body cut short are retried (or waited out)
// and the run succeeds; a refusal (400/403/404 with the server's message) fails at the first call
// with that message. Plus timeout-minutes ending a notation hung on a registry that never answers. Every row lands in
// .tmp/reliability/faults.json (see support/reliability-report.ts).
//
// notation is the real CLI: its registry calls meet the faults the stack injects at HTTP level
// and go through oras-go's retry transport (statuses, not dropped connections); the plugin (the
// azure-kv stand-in) retries its Key Vault calls as Azure.Core's RetryPolicy does (statuses, resets
// and bodies cut short), and the action signs again, after looking for the signature, when
// notation fails transiently.
//
// Time: NOTATION_AKV_RETRY_BASE_MS=50 shortens the action's own back-off; notation and the plugin
// keep their own waits. Transient faults on the paths one run crosses are injected in that same
// run (each route counts its own calls), refusals get one run each.
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { readFileSync, readdirSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import { StackServer, type Fault } from '../stack/http.ts'
import { makeRunnerDirs, removeRunnerDirs, runAction, type ActionRun } from '../support/action.ts'
import { packAzureKvStandin } from '../support/azure-kv.ts'
import { startE2E, type E2E } from '../support/e2e.ts'
import {
  packRealNotationArchive,
  readRealCalls,
  requireRealNotation
} from '../support/notation-bin.ts'
import { writeReport, type FaultRow } from '../support/reliability-report.ts'
import { e2eDescribe } from '../support/stack-env.ts'

const SUBJECT = 'CN=faults.example,O=Notation,L=Seattle,ST=WA,C=US'
const CERT = 'faults-cert'
const LATENCY_MS = 1000
const ENV = { NOTATION_AKV_RETRY_BASE_MS: '50' }

interface TransientKind {
  name: string
  faults: (route: string) => Fault[]
  /** Calls beyond the baseline a recovered run shows. */
  retries: number
}

const TRANSIENT: TransientKind[] = [
  {
    name: `latency ${LATENCY_MS} ms`,
    faults: route => [{ route, kind: 'latency', latencyMs: LATENCY_MS, calls: [1] }],
    retries: 0
  },
  {
    name: '429 Retry-After: 1',
    faults: route => [{ route, kind: 'status', status: 429, retryAfter: '1', calls: [1] }],
    retries: 1
  },
  {
    name: '500 then 503',
    faults: route => [
      { route, kind: 'status', status: 500, calls: [1] },
      { route, kind: 'status', status: 503, calls: [2] }
    ],
    retries: 2
  },
  { name: 'reset', faults: route => [{ route, kind: 'reset', calls: [1] }], retries: 1 },
  { name: 'truncate', faults: route => [{ route, kind: 'truncate', calls: [1] }], retries: 1 }
]

interface PathSpec {
  path: string
  /** The server, found when the stack is up. */
  server: () => StackServer
  route: string
  /** Who retries a transient fault on this path. */
  retriedBy: string
  /** A refusal: status and the body the server sends (its message must reach the error). */
  refusal: { status: number; body: unknown; message: string }
  /** Its answer has no body: a truncate fault has nothing to cut (the answer arrives whole). */
  emptyAnswer?: boolean
  /** The run goes on after a refusal, with a warning carrying the message (the build log). */
  refusalWarns?: boolean
}

const azureRefusal = (status: number, code: string, message: string) => ({
  status,
  body: { error: { code, message } },
  message
})
const registryRefusal = (status: number, code: string, message: string) => ({
  status,
  body: { errors: [{ code, message }] },
  message
})

let e2e: E2E
const rows: FaultRow[] = []
const SCHEDULE_ROUTE = 'arm.registries.scheduleRun'

/** Every stack server: faults and call counts cleared; ARM's runs and queued scripts too. */
function resetServers(): void {
  for (const server of e2e.stack.servers) server.reset()
  e2e.stack.arm.reset()
}

/**
 * Calls the faulted request took on `route`: the faulted ones and the one after them that
 * answered (a latency fault is not marked, so it counts as one).
 */
function attemptsOf(server: StackServer, route: string): number {
  const calls = server.calls.filter(c => c.route === route)
  const faulted = calls.filter(c => c.fault !== undefined).length
  return faulted + (calls.length > faulted ? 1 : 0)
}

function errorsOf(run: ActionRun): string {
  return decodeURIComponent(run.errors.join('\n'))
}

function outcomeNote(run: ActionRun): string {
  return run.code === 0 ? '' : errorsOf(run).slice(0, 300)
}

/** Processes still running whose command line names `marker` (this suite's runner folders). */
function processesRunning(marker: string): number[] {
  const pids: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'latin1').includes(marker)) pids.push(+entry)
    } catch {
      // gone, or not ours
    }
  }
  return pids
}

e2eDescribe('faults on every network path, end to end', () => {
  let downloads: StackServer
  let work: string
  let notationLog: string
  let preload: string
  let installInputs: Record<string, string>
  let coldInputs: Record<string, string>
  let signBase: Record<string, string>
  let buildInputs: Record<string, string>
  let pushes = 0
  const signRunsSince = (from: number): number =>
    readRealCalls(notationLog)
      .slice(from)
      .filter(c => c.argv[0] === 'sign').length

  /** Sign inputs for a fresh image: the registry's call counts do not grow with old signatures. */
  async function freshImage(): Promise<{ inputs: Record<string, string>; digest: string }> {
    const n = ++pushes
    resetServers()
    const pushed = await e2e.stack.registry.pushImage('faults', {
      tag: `r${n}`,
      content: `faults run ${n}`
    })
    resetServers()
    return {
      inputs: { ...signBase, images: `${e2e.stack.registry.host}/faults:r${n}` },
      digest: pushed.digest
    }
  }

  before(async () => {
    e2e = await startE2E()
    work = await mkdtemp(path.join(os.tmpdir(), 'akv-faults-'))
    await e2e.stack.keyVault.vault.seedSelfSigned(CERT, { subject: SUBJECT })

    // notation (the real CLI behind the logging wrapper) and the plugin from a download server of
    // this file's own, so its routes can be faulted.
    notationLog = path.join(work, 'notation-calls')
    const notationFile = (
      await packRealNotationArchive(work, await requireRealNotation(), notationLog)
    ).file
    const notation = await readFile(notationFile)
    const plugin = await packAzureKvStandin(work)
    const pluginBytes = await readFile(plugin.file)
    downloads = new StackServer({
      name: 'downloads',
      routes: [
        {
          name: 'download.notation',
          method: 'GET',
          path: /^\/notation\.tar\.gz$/,
          handler: () => ({ status: 200, body: notation })
        },
        {
          name: 'download.plugin',
          method: 'GET',
          path: /^\/plugin\.tar\.gz$/,
          handler: () => ({ status: 200, body: pluginBytes })
        },
        // The same files for the other runs: never faulted.
        {
          name: 'warm.notation',
          method: 'GET',
          path: /^\/warm\/notation\.tar\.gz$/,
          handler: () => ({ status: 200, body: notation })
        },
        {
          name: 'warm.plugin',
          method: 'GET',
          path: /^\/warm\/plugin\.tar\.gz$/,
          handler: () => ({ status: 200, body: pluginBytes })
        }
      ]
    })
    await downloads.listen()
    coldInputs = {
      'notation-url': `${downloads.origin}/notation.tar.gz`,
      'notation-checksum': createHash('sha256').update(notation).digest('hex'),
      'plugin-url': `${downloads.origin}/plugin.tar.gz`,
      'plugin-checksum': plugin.sha256
    }
    installInputs = {
      ...coldInputs,
      'notation-url': `${downloads.origin}/warm/notation.tar.gz`,
      'plugin-url': `${downloads.origin}/warm/plugin.tar.gz`
    }
    signBase = { ...installInputs, ...e2e.azureInputs, command: 'sign', certificate: CERT }
    const env = e2e.stack.env()
    buildInputs = {
      ...installInputs,
      ...e2e.azureInputs,
      command: 'build',
      images: `${e2e.stack.registry.host}/faults-built:v1`,
      'build-context': 'app',
      'azure-subscription-id': env['STACK_SUBSCRIPTION_ID'] ?? '',
      'resource-group': env['STACK_RESOURCE_GROUP'] ?? ''
    }

    // timeout-minutes is whole minutes: the bundle's clock is scaled for that one test (below).
    preload = path.join(work, 'fast-minutes.mjs')
    await writeFile(
      preload,
      [
        '// Test only: a timer of whole minutes fires after 1/6 of it (1 minute = 10 s).',
        'const real = globalThis.setTimeout',
        'globalThis.setTimeout = (fn, ms, ...args) =>',
        '  real(fn, typeof ms === "number" && ms >= 60000 && ms % 60000 === 0 ? ms / 6 : ms, ...args)',
        ''
      ].join('\n')
    )
  })

  after(async () => {
    await writeReport(rows)
    await downloads?.close()
    await rm(work, { recursive: true, force: true })
    await e2e?.stop()
  })

  const run = async (
    inputs: Record<string, string>,
    env: Record<string, string> = {}
  ): Promise<ActionRun & { ms: number }> => {
    const started = performance.now()
    const result = await e2e.run(inputs, { env: { ...ENV, ...env } })
    return { ...result, ms: Math.round(performance.now() - started) }
  }

  // ---------------------------------------------------------------------------------------------
  // Downloads: one cold setup per fault, each in runner folders of its own, beside the other runs
  // (it talks to nothing but the download server).

  const setupRun = async (): Promise<ActionRun & { ms: number }> => {
    const dirs = await makeRunnerDirs()
    try {
      const started = performance.now()
      const result = await runAction({
        inputs: { ...coldInputs, command: 'setup' },
        dirs,
        env: { ...e2e.stack.env(), ...ENV }
      })
      return { ...result, ms: Math.round(performance.now() - started) }
    } finally {
      await removeRunnerDirs(dirs)
    }
  }

  const downloadsTest = (): Promise<void> =>
    test('downloads: transient faults are retried, a refusal fails at once with its status', async () => {
      const route = 'download.notation'
      for (const kind of TRANSIENT) {
        downloads.reset()
        for (const fault of kind.faults(route)) downloads.inject(fault)
        const result = await setupRun()
        const attempts = downloads.callCount(route)
        rows.push({
          path: 'download (notation archive)',
          route,
          fault: kind.name,
          outcome: result.code === 0 ? 'recovered' : 'failed',
          attempts,
          baseline: 1,
          runMs: result.ms,
          note: result.code === 0 ? 'action (download.ts)' : outcomeNote(result)
        })
        assert.equal(result.code, 0, `${kind.name}: ${result.stdout}${result.stderr}`)
        assert.equal(attempts, 1 + kind.retries, kind.name)
      }
      downloads.reset()
      downloads.inject({
        route: 'download.plugin',
        kind: 'status',
        status: 404,
        body: 'no such release asset'
      })
      const refused = await setupRun()
      const attempts = downloads.callCount('download.plugin')
      rows.push({
        path: 'download (plugin archive)',
        route: 'download.plugin',
        fault: '404',
        outcome: refused.code !== 0 && attempts === 1 ? 'failed-fast' : 'failed',
        attempts,
        baseline: 1,
        runMs: refused.ms,
        note: errorsOf(refused).slice(0, 200)
      })
      assert.equal(refused.code, 1)
      assert.equal(attempts, 1)
      assert.match(errorsOf(refused), /Download failed: HTTP 404 .*plugin\.tar\.gz/)
    })

  // ---------------------------------------------------------------------------------------------
  // The sign flow: GitHub OIDC, Entra, ACR exchange and token, tag → digest, Key Vault certificate,
  // and the plugin's Key Vault sign.

  const signPaths = (): PathSpec[] => [
    {
      path: 'GitHub OIDC token',
      server: () => e2e.stack.oidc.server,
      route: 'oidc.token',
      retriedBy: 'action (azure.ts, http.ts)',
      refusal: azureRefusal(403, 'Forbidden', 'injected: the job may not request an ID token')
    },
    {
      path: 'Entra token',
      server: () => e2e.stack.entra.server,
      route: 'entra.token',
      retriedBy: '@azure/identity pipeline (action retry options)',
      refusal: {
        status: 400,
        body: {
          error: 'invalid_client',
          error_description: 'AADSTS700213: injected: no matching federated identity record'
        },
        message: 'AADSTS700213: injected: no matching federated identity record'
      }
    },
    {
      path: 'ACR token exchange',
      server: () => e2e.stack.registry.server,
      route: 'acr.exchange',
      retriedBy: 'action (registry.ts, http.ts)',
      refusal: registryRefusal(403, 'DENIED', 'injected: identity has no AcrPull')
    },
    {
      path: 'ACR registry token',
      server: () => e2e.stack.registry.server,
      route: 'acr.token',
      retriedBy: 'action (registry.ts, http.ts)',
      refusal: registryRefusal(403, 'DENIED', 'injected: scope not granted')
    },
    {
      path: 'registry manifest (tag → digest)',
      server: () => e2e.stack.registry.server,
      route: 'registry.manifests',
      retriedBy: 'action (registry.ts, http.ts)',
      refusal: registryRefusal(403, 'DENIED', 'injected: repository is locked')
    },
    {
      path: 'Key Vault certificate get',
      server: () => e2e.stack.keyVault.server,
      route: 'keyvault.certificates.get',
      retriedBy: '@azure/keyvault-certificates pipeline (action retry options)',
      refusal: azureRefusal(403, 'Forbidden', 'injected: caller lacks certificates get')
    },
    {
      path: 'Key Vault key sign (plugin)',
      server: () => e2e.stack.keyVault.server,
      route: 'keyvault.keys.sign',
      retriedBy: "plugin (Azure.Core's RetryPolicy, as the azure-kv stand-in models it)",
      refusal: azureRefusal(403, 'Forbidden', 'injected: caller lacks keys sign')
    }
  ]

  const stackTests = (): void => {
    test('sign flow: transient faults on every path are retried and the run signs', async () => {
      const paths = signPaths()

      const failures: string[] = []
      for (const kind of TRANSIENT) {
        resetServers()
        const { inputs } = await freshImage()
        for (const p of paths) for (const fault of kind.faults(p.route)) p.server().inject(fault)
        const from = readRealCalls(notationLog).length
        const result = await run(inputs)
        const signRuns = signRunsSince(from)
        const images = JSON.parse(result.outputs['images'] ?? '[]') as { signed?: boolean }[]
        for (const p of paths) {
          const attempts = attemptsOf(p.server(), p.route)
          const calls = p.server().callCount(p.route)
          const ok = result.code === 0 && images[0]?.signed === true
          rows.push({
            path: p.path,
            route: p.route,
            fault: kind.name,
            outcome: ok ? 'recovered' : 'failed',
            attempts,
            calls,
            runMs: result.ms,
            note: ok ? p.retriedBy : outcomeNote(result)
          })
          if (attempts !== 1 + kind.retries)
            failures.push(
              `${kind.name} on ${p.route}: ${attempts} attempts, expected ${1 + kind.retries}`
            )
        }
        assert.equal(result.code, 0, `${kind.name}: ${errorsOf(result)}\n${result.stdout}`)
        assert.equal(images[0]?.signed, true)
        // The plugin's faults were retried inside the plugin: notation signed once.
        assert.equal(signRuns, 1, `${kind.name}: notation sign runs`)
      }
      assert.deepEqual(failures, [])
    })

    test('sign flow: a refusal on any path fails at its first call with the server message', async () => {
      for (const p of signPaths()) {
        const { inputs } = await freshImage()
        resetServers()
        p.server().inject({
          route: p.route,
          kind: 'status',
          status: p.refusal.status,
          body: p.refusal.body
        })
        const result = await run(inputs)
        const attempts = p.server().callCount(p.route)
        const errors = errorsOf(result)
        const calls = 1 // a refusal is not retried
        const fast = result.code !== 0 && attempts === calls && errors.includes(p.refusal.message)
        rows.push({
          path: p.path,
          route: p.route,
          fault: `${p.refusal.status} (${p.refusal.message})`,
          outcome: fast ? 'failed-fast' : result.code === 0 ? 'recovered' : 'failed',
          attempts,
          baseline: calls,
          runMs: result.ms,
          note: errors.slice(0, 300)
        })
        assert.equal(result.code, 1, `${p.route}: ${result.stdout}`)
        assert.equal(attempts, calls, `${p.route}: no retry`)
        assert.ok(errors.includes(p.refusal.message), `${p.route}: ${errors}`)
      }
    })

    // ---------------------------------------------------------------------------------------------
    // notation's own registry calls: real notation meets these faults.

    test("notation's own registry calls: a failed upload fails notation and the action signs again; a refusal fails at once", async () => {
      // registry.uploads call 1 is the POST that starts the envelope's upload. Real notation 1.3.2
      // does not retry it (measured: one call per sign run, whatever the status, and oras-go never
      // retries a dropped connection; a cut answer to the POST, which has no body, drops the
      // connection before the headers): notation fails, and the action, finding no new signature,
      // signs again, once per faulted call.
      const route = 'registry.uploads'
      const server = e2e.stack.registry.server
      const again = 'action: notation failed; no signature attached, signed again'
      const expected: Record<string, { runs: number; by: string }> = {
        [`latency ${LATENCY_MS} ms`]: { runs: 1, by: 'waited out' },
        '429 Retry-After: 1': { runs: 2, by: `${again} (notation does not retry the status)` },
        '500 then 503': { runs: 3, by: `${again}, twice (notation does not retry the status)` },
        reset: { runs: 2, by: `${again} (oras-go does not retry a dropped connection)` },
        truncate: {
          runs: 2,
          by: `${again} (the answer has no body, so the cut drops the connection)`
        }
      }
      const kinds: TransientKind[] = [
        ...TRANSIENT,
        {
          name: '403 (injected: push denied)',
          faults: r => [
            {
              route: r,
              kind: 'status',
              status: 403,
              body: { errors: [{ code: 'DENIED', message: 'injected: push denied' }] }
            }
          ],
          retries: 0
        }
      ]
      const failures: string[] = []
      for (const kind of kinds) {
        const { inputs, digest } = await freshImage()
        resetServers()
        for (const fault of kind.faults(route)) server.inject(fault)
        const from = readRealCalls(notationLog).length
        const result = await run(inputs)
        const runs = signRunsSince(from)
        const attempts = attemptsOf(server, route)
        const errors = errorsOf(result)
        const refusal = kind.name.startsWith('403')
        const fast = refusal && result.code === 1 && attempts === 1 && runs === 1
        rows.push({
          path: "registry (notation's own calls)",
          route,
          fault: kind.name,
          outcome: result.code === 0 ? 'recovered' : fast ? 'failed-fast' : 'failed',
          attempts,
          calls: server.callCount(route),
          baseline: 1,
          runMs: result.ms,
          note:
            result.code === 0
              ? `${expected[kind.name]?.by ?? ''} (notation sign runs: ${runs})`
              : `notation sign runs: ${runs}; ${errors.slice(0, 200)}`
        })
        if (refusal) {
          assert.equal(result.code, 1, kind.name)
          assert.match(errors, new RegExp(`Signing failed for 1 of 1 image:\\n  .*@${digest}: `))
          assert.match(errors, /response status code 403: denied: injected: push denied/)
          assert.equal(attempts, 1, 'a refusal is not retried by notation')
          assert.equal(runs, 1, 'nor signed again by the action')
          continue
        }
        assert.equal(result.code, 0, `${kind.name}: ${errors}`)
        if (attempts !== 1 + kind.retries)
          failures.push(`${kind.name}: ${attempts} attempts, expected ${1 + kind.retries}`)
        if (runs !== expected[kind.name]?.runs)
          failures.push(`${kind.name}: ${runs} sign runs, expected ${expected[kind.name]?.runs}`)
      }
      assert.deepEqual(failures, [])
    })

    // ---------------------------------------------------------------------------------------------
    // ACR Tasks: ARM calls, the context upload and the run log.

    const buildPaths = (): PathSpec[] => {
      const arm = (route: string, label: string, message: string): PathSpec => ({
        path: label,
        server: () => e2e.stack.arm.server,
        route,
        retriedBy: '@azure/arm-containerregistry pipeline (action retry options)',
        refusal: azureRefusal(403, 'AuthorizationFailed', message)
      })
      return [
        arm('arm.registries.list', 'ARM registries list', 'injected: no registries/read'),
        arm(
          'arm.registries.listBuildSourceUploadUrl',
          'ARM source upload URL',
          'injected: no listBuildSourceUploadUrl'
        ),
        arm('arm.registries.scheduleRun', 'ARM schedule run', 'injected: no scheduleRun/action'),
        arm('arm.runs.get', 'ARM run status', 'injected: no runs/read'),
        {
          ...arm('arm.runs.listLogSasUrl', 'ARM run log link', 'injected: no listLogSasUrl'),
          refusalWarns: true
        },
        {
          path: 'blob upload (build context)',
          server: () => e2e.stack.arm.server,
          route: 'blob.put',
          retriedBy: 'action (build.ts)',
          emptyAnswer: true,
          refusal: {
            status: 403,
            body: 'AuthenticationFailed',
            message: 'Uploading the build context failed: HTTP 403'
          }
        },
        {
          path: 'blob log (run log)',
          server: () => e2e.stack.arm.server,
          route: 'blob.log',
          retriedBy: 'action (build.ts, final read)',
          refusal: { status: 404, body: '', message: '' }
        }
      ]
    }

    async function buildRun(): Promise<ActionRun & { ms: number }> {
      const context = path.join(e2e.dirs.workspace, 'app')
      await mkdir(context, { recursive: true })
      await writeFile(path.join(context, 'Dockerfile'), 'FROM scratch\nCOPY hello.txt /\n')
      await writeFile(path.join(context, 'hello.txt'), 'hello\n')
      // Done on the first poll (no 2 s poll waits); the log is read once, at the end.
      // Twice: a scheduleRun whose answer was cut short is sent again, and schedules a second run.
      for (let i = 0; i < 2; i++) {
        e2e.stack.arm.scriptNextRun({
          queuedPolls: 0,
          runningPolls: 0,
          logChunks: ['Step 1/2 : FROM scratch\n']
        })
      }
      return run(buildInputs)
    }

    test('ACR Tasks: transient faults on ARM, upload and log are retried and the build succeeds', async () => {
      // scheduleRun is not resent after an answer that may follow a started run: its own test below.
      const paths = buildPaths().filter(p => p.route !== SCHEDULE_ROUTE)
      const failures: string[] = []
      for (const kind of TRANSIENT) {
        resetServers()
        for (const p of paths) for (const fault of kind.faults(p.route)) p.server().inject(fault)
        const result = await buildRun()
        for (const p of paths) {
          const attempts = attemptsOf(p.server(), p.route)
          const calls = p.server().callCount(p.route)
          const nothingToCut = kind.name === 'truncate' && p.emptyAnswer === true
          const expected = nothingToCut ? 1 : 1 + kind.retries
          rows.push({
            path: p.path,
            route: p.route,
            fault: kind.name,
            outcome: result.code === 0 ? 'recovered' : 'failed',
            attempts,
            calls,
            runMs: result.ms,
            note:
              result.code !== 0
                ? outcomeNote(result)
                : nothingToCut
                  ? 'the answer has no body: nothing to cut short'
                  : p.retriedBy
          })
          if (attempts !== expected)
            failures.push(`${kind.name} on ${p.route}: ${attempts} attempts, expected ${expected}`)
        }
        assert.equal(result.code, 0, `${kind.name}: ${errorsOf(result)}\n${result.stdout}`)
        assert.match(result.outputs['digest'] ?? '', /^sha256:[0-9a-f]{64}$/)
        assert.match(result.stdout, /Step 1\/2 : FROM scratch/, `${kind.name}: the log was read`)
      }
      assert.deepEqual(failures, [])
    })

    test('ACR Tasks: scheduleRun is sent again only when its answer says it was not taken', async () => {
      // 429 and 503 say the request was not taken: sent again. A 500, a reset or a body cut short
      // may follow a run ACR started: not sent again (that would start a second run), and the step
      // fails saying a run may have started.
      const cases: { name: string; faults: Fault[]; recovers: boolean }[] = [
        {
          name: '429 Retry-After: 1',
          faults: [
            { route: SCHEDULE_ROUTE, kind: 'status', status: 429, retryAfter: '1', calls: [1] }
          ],
          recovers: true
        },
        {
          name: '503',
          faults: [{ route: SCHEDULE_ROUTE, kind: 'status', status: 503, calls: [1] }],
          recovers: true
        },
        {
          name: '500',
          faults: [{ route: SCHEDULE_ROUTE, kind: 'status', status: 500, calls: [1] }],
          recovers: false
        },
        {
          name: 'reset',
          faults: [{ route: SCHEDULE_ROUTE, kind: 'reset', calls: [1] }],
          recovers: false
        },
        {
          name: 'truncate',
          faults: [{ route: SCHEDULE_ROUTE, kind: 'truncate', calls: [1] }],
          recovers: false
        }
      ]
      const failures: string[] = []
      for (const c of cases) {
        resetServers()
        for (const fault of c.faults) e2e.stack.arm.server.inject(fault)
        const result = await buildRun()
        const attempts = attemptsOf(e2e.stack.arm.server, SCHEDULE_ROUTE)
        const started = e2e.stack.arm.runs.size
        const errors = errorsOf(result)
        rows.push({
          path: 'ARM schedule run',
          route: SCHEDULE_ROUTE,
          fault: c.name,
          outcome: result.code === 0 ? 'recovered' : 'failed-fast',
          attempts,
          calls: e2e.stack.arm.server.callCount(SCHEDULE_ROUTE),
          runMs: result.ms,
          note:
            result.code === 0
              ? `sent again: the answer says it was not taken (ACR runs started: ${started})`
              : `not sent again (ACR runs started: ${started}): ${errors.slice(0, 200)}`
        })
        if (started > 1) failures.push(`${c.name}: ${started} ACR runs started`)
        if (c.recovers) {
          if (result.code !== 0) failures.push(`${c.name}: ${errors}`)
          if (attempts !== 2) failures.push(`${c.name}: ${attempts} attempts, expected 2`)
        } else {
          if (result.code !== 1) failures.push(`${c.name}: exit ${result.code}`)
          if (attempts !== 1) failures.push(`${c.name}: ${attempts} attempts, expected 1`)
          if (!/no usable answer.*not sent again/s.test(errors))
            failures.push(`${c.name}: ${errors}`)
        }
      }
      assert.deepEqual(failures, [])
    })

    test('ACR Tasks: a refusal fails at its first call with the service message', async () => {
      for (const p of buildPaths().filter(p => p.route !== 'blob.log')) {
        resetServers()
        p.server().inject({
          route: p.route,
          kind: 'status',
          status: p.refusal.status,
          body: p.refusal.body
        })
        const result = await buildRun()
        const attempts = p.server().callCount(p.route)
        const errors = errorsOf(result)
        const warnings = result.stdout
          .split('\n')
          .filter(l => l.startsWith('::warning'))
          .join('\n')
        const said = (p.refusalWarns ? warnings : errors).includes(p.refusal.message)
        const ok =
          (p.refusalWarns ? result.code === 0 : result.code === 1) && attempts === 1 && said
        rows.push({
          path: p.path,
          route: p.route,
          fault: `${p.refusal.status} (${p.refusal.message})`,
          outcome: !ok ? 'failed' : p.refusalWarns ? 'recovered' : 'failed-fast',
          attempts,
          baseline: 1,
          runMs: result.ms,
          note: p.refusalWarns
            ? `build succeeds without its log, with a warning: ${warnings.slice(0, 200)}`
            : errors.slice(0, 300)
        })
        assert.equal(result.code, p.refusalWarns ? 0 : 1, `${p.route}: ${result.stdout}`)
        assert.equal(attempts, 1, `${p.route}: one call, no retry`)
        assert.ok(said, `${p.route}: ${errors}${warnings}`)
      }
    })

    // ---------------------------------------------------------------------------------------------
    // timeout-minutes

    test('timeout-minutes ends the action and the notation it started', async () => {
      const { inputs } = await freshImage()
      resetServers()
      // The registry never answers notation's first request (its HEAD of the digest; the action
      // resolves tags with GET): held until the test ends, then dropped. Real notation sign hangs
      // on it; timeout-minutes 1 is 10 s on the scaled clock.
      let release = (): void => undefined
      const gate = new Promise<void>(resolve => (release = resolve))
      const server = e2e.stack.registry.server
      server.inject({
        route: 'registry.manifests',
        kind: 'reset',
        until: gate,
        when: r => r.method === 'HEAD'
      })
      try {
        const result = await run(
          { ...inputs, 'timeout-minutes': '1' },
          { NODE_OPTIONS: `--import=${preload}` }
        )
        const errors = errorsOf(result)
        const left = processesRunning(e2e.dirs.root)
        rows.push({
          path: 'timeout-minutes (notation sign hangs)',
          route: 'registry.manifests',
          fault:
            "the registry never answers notation's HEAD, bound 1 minute (clock scaled to 10 s)",
          outcome: result.code !== 0 ? 'timed-out' : 'recovered',
          attempts: 0,
          baseline: 0,
          runMs: result.ms,
          note: `${left.length} notation processes left; ${errors.split('\n')[0] ?? ''}`
        })
        assert.equal(result.code, 1, result.stdout)
        assert.match(errors, /The action did not finish within timeout-minutes \(1\)\./)
        assert.ok(
          server.calls.some(c => c.method === 'HEAD' && c.status === 0),
          'notation sign was waiting on the registry'
        )
        assert.deepEqual(left, [], 'no notation process outlives the action')
        assert.ok(
          !server.calls.some(c => c.route === 'registry.manifests' && c.method === 'PUT'),
          'the hung sign never pushed a signature'
        )
      } finally {
        release()
        server.clearFaults()
      }
    })
  }

  // The downloads beside the rest: they share nothing with the stack's servers or runner folders.
  describe('paths', { concurrency: true }, () => {
    describe('downloads', { concurrency: 1 }, () => void downloadsTest())
    describe('stack', { concurrency: 1 }, () => stackTests())
  })
})
