// npm run bench: medians of what users wait for. Nothing here is asserted; tests own correctness.
// - start-up: process start until run() has read its inputs (an invalid command makes it stop there)
// - setup, cold: download + verify + extract + cache from a loopback server (what the official
//   action pays on every run, since it never reuses the tool cache)
// - setup, warm: the same step with the tool cache filled; it must make zero requests, and it
//   checks every cached file against the SHA-256 recorded when it was cached (the part of it that
//   hashes the release-sized notation binary is measured on its own too)
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readdir, rm } from 'node:fs/promises'
import path from 'node:path'
import { StackServer } from '../__tests__/stack/http.ts'
import { fakeNotation, fakePlugin, sha256, tarGz } from '../__tests__/support/archives.ts'
import { BUNDLE, makeRunnerDirs, runAction, type RunnerDirs } from '../__tests__/support/action.ts'
import { startStack } from '../__tests__/stack/stack.ts'
import { registryAvailable } from '../__tests__/support/stack-env.ts'
import { sha256File } from '../src/install/install.ts'

const RUNS = Number(process.env['BENCH_RUNS'] ?? 15)

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2
}

async function timeProcess(args: string[], env: Record<string, string>): Promise<number> {
  const start = performance.now()
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      env: { ...process.env, ...env },
      stdio: 'ignore'
    })
    child.on('error', reject)
    child.on('close', () => resolve())
  })
  return performance.now() - start
}

async function measure(label: string, fn: () => Promise<number>): Promise<number> {
  await fn() // warm the file system cache
  const samples: number[] = []
  for (let i = 0; i < RUNS; i++) samples.push(await fn())
  const m = median(samples)
  console.log(
    `${label.padEnd(48)} median ${m.toFixed(1).padStart(7)} ms  (min ${Math.min(...samples).toFixed(1)}, max ${Math.max(...samples).toFixed(1)}, n=${RUNS})`
  )
  return m
}

const server = new StackServer({ name: 'bench-downloads' })
const notation = tarGz([{ path: 'notation', content: fakeNotation('1.3.2') }])
const plugin = tarGz([{ path: 'notation-azure-kv', content: fakePlugin() }])
// A release-sized notation binary (notation 1.3.2 for linux/amd64 is about 25 MB): the stand-in
// script, then random bytes the shell never reads (it exits first). Cold setup downloads, hashes
// and extracts a realistic amount of data, and warm setup hashes a realistic binary.
const padding = randomBytes(25 * 1024 * 1024)
const notationBig = tarGz([
  { path: 'notation', content: Buffer.concat([Buffer.from(fakeNotation('1.3.2')), padding]) }
])
server.addRoutes([
  {
    name: 'notation',
    method: 'GET',
    path: /^\/notation\.tar\.gz$/,
    handler: () => ({ status: 200, body: notation })
  },
  {
    name: 'notation-big',
    method: 'GET',
    path: /^\/notation-big\.tar\.gz$/,
    handler: () => ({ status: 200, body: notationBig })
  },
  {
    name: 'plugin',
    method: 'GET',
    path: /^\/plugin\.tar\.gz$/,
    handler: () => ({ status: 200, body: plugin })
  }
])
await server.listen()

const inputs = (big: boolean): Record<string, string> => ({
  command: 'setup',
  'notation-url': `${server.origin}/${big ? 'notation-big' : 'notation'}.tar.gz`,
  'notation-checksum': sha256(big ? notationBig : notation),
  'plugin-url': `${server.origin}/plugin.tar.gz`,
  'plugin-checksum': sha256(plugin)
})

async function timedSetup(dirs: RunnerDirs, big: boolean): Promise<number> {
  const start = performance.now()
  const run = await runAction({ inputs: inputs(big), dirs })
  const elapsed = performance.now() - start
  if (run.code !== 0) throw new Error(`setup failed: ${run.stdout}`)
  return elapsed
}

console.log(`notation-akv-action benchmark (${RUNS} runs each, node ${process.version})`)
const bare = await measure('node start-up alone (baseline)', () => timeProcess(['-e', '0'], {}))
const startup = await measure('bundle start-up to input check', () =>
  timeProcess([BUNDLE], {
    INPUT_COMMAND: 'not-a-command',
    GITHUB_STATE: '/dev/null',
    GITHUB_OUTPUT: '/dev/null'
  })
)
console.log(
  `${'  bundle start-up beyond bare node'.padEnd(48)}        ${(startup - bare).toFixed(1).padStart(7)} ms`
)
// A fresh runner has no V8 compile cache yet: the first step of a job pays this instead.
await measure('bundle start-up, no compile cache', () =>
  timeProcess([BUNDLE], {
    INPUT_COMMAND: 'not-a-command',
    GITHUB_STATE: '/dev/null',
    GITHUB_OUTPUT: '/dev/null',
    NODE_DISABLE_COMPILE_CACHE: '1'
  })
)

// The same, as the process itself sees it: process start until run() has begun.
await measure('process start to run() begun (as logged)', async () => {
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, [BUNDLE], {
      env: {
        ...process.env,
        INPUT_COMMAND: 'not-a-command',
        GITHUB_STATE: '/dev/null',
        GITHUB_OUTPUT: '/dev/null'
      }
    })
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
    child.on('error', reject)
    child.on('close', () => resolve(out))
  })
  const logged = /notation-akv-action started in ([\d.]+) ms/.exec(output)?.[1]
  if (logged === undefined) throw new Error(`no start-up line in: ${output}`)
  return Number(logged)
})

const cold = await measure('setup, cold tool cache (25 MB archive)', async () => {
  const dirs = await makeRunnerDirs()
  try {
    return await timedSetup(dirs, true)
  } finally {
    await rm(dirs.root, { recursive: true, force: true })
  }
})

const warmDirs = await makeRunnerDirs()
await timedSetup(warmDirs, true)
server.reset()
const warm = await measure('setup, warm tool cache (25 MB notation binary)', () =>
  timedSetup(warmDirs, true)
)
const warmRequests = server.calls.length
console.log(
  `${'  HTTP requests during warm runs'.padEnd(48)}        ${String(warmRequests).padStart(7)}`
)
console.log(
  `${'  warm setup beyond bundle start-up'.padEnd(48)}        ${(warm - startup).toFixed(1).padStart(7)} ms`
)

// What warm setup spends checking the cache: both cached binaries hashed by the action's own
// function, the two at once, in this process.
const cachedBinary = async (tool: string, binary: string): Promise<string> => {
  const root = path.join(warmDirs.toolCache, tool)
  const [version = ''] = await readdir(root)
  const [arch = ''] = (await readdir(path.join(root, version))).filter(
    n => !n.endsWith('.complete')
  )
  return path.join(root, version, arch, binary)
}
const cachedNotation = await cachedBinary('notation', 'notation')
const cachedPlugin = await cachedBinary('notation-azure-kv', 'notation-azure-kv')
const hashing = await measure('  of which: SHA-256 of the cached binaries', async () => {
  const start = performance.now()
  await Promise.all([sha256File(cachedNotation), sha256File(cachedPlugin)])
  return performance.now() - start
})
console.log(
  `${'  warm setup without the cache check (estimate)'.padEnd(48)}        ${(warm - hashing).toFixed(1).padStart(7)} ms`
)
console.log(`${'  cold / warm'.padEnd(48)}        ${(cold / warm).toFixed(1).padStart(7)} x`)
await rm(warmDirs.root, { recursive: true, force: true })
await server.close()

// The local stack tests run against (target: under 5 s to start).
const withRegistry = registryAvailable()
await measure(
  `local stack start${withRegistry ? ' (with registry)' : ' (no registry)'}`,
  async () => {
    const start = performance.now()
    const stack = await startStack({ registry: withRegistry })
    const elapsed = performance.now() - start
    await stack.stop()
    return elapsed
  }
)

// Signing throughput (20 images, 300 ms per notation sign call, max-concurrency 1 and 4).
const { runSignBench } = await import('./sign-bench.ts')
await runSignBench()

// signer: native against signer: notation (100 images at max-concurrency 1, 4 and 16).
const { runNativeBench } = await import('./native-bench.ts')
await runNativeBench()
