// Signing throughput: 20 images through signImages with the real notation CLI behind a wrapper that
// sleeps 300 ms before each sign call, at max-concurrency 1 and 4. Prints medians and the ratio to the
// ideal (20 / 4 × 300 ms). Nothing is asserted; tests own correctness.
//
// The plugin is a local-key signer installed under the azure-kv name, so the figures measure the
// action's scheduling and notation's own costs rather than the Key Vault stand-in's SDK start-up.
// A "start-up" run (delayMs 0 at max-concurrency 4) shows what each run costs besides the delay,
// and a run with a 5-line sh notation (no real signing) shows the action's own overhead. Without a
// real notation (support/notation-bin.ts) the bench is skipped.
//
// Standalone: npx node bench/sign-bench.ts   (BENCH_SIGN_RUNS, BENCH_SIGN_IMAGES, BENCH_SIGN_DELAY_MS)
import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Inputs } from '../src/inputs/inputs.ts'
import { signImages, type SignContext } from '../src/notation/sign.ts'
import type { ResolvedImage, SigningCertificate } from '../src/util/types.ts'
import { startStack, type Stack } from '../__tests__/stack/stack.ts'
import { captureOutput } from '../__tests__/support/capture.ts'
import { writeTestPlugin } from '../__tests__/support/notation.ts'
import { realNotation } from '../__tests__/support/notation-bin.ts'
import { REGISTRY_INSTALL_HINT, registryAvailable } from '../__tests__/support/stack-env.ts'
import { defaultInputs } from '../__tests__/support/inputs.ts'

export interface SignBenchOptions {
  runs?: number
  images?: number
  delayMs?: number
  concurrency?: number
}

export interface SignBenchResult {
  images: number
  delayMs: number
  concurrency: number
  /** Median wall time of signImages at max-concurrency 1. */
  serialMs: number
  /** Median at max-concurrency `concurrency`. */
  parallelMs: number
  /** Median at max-concurrency `concurrency` with no delay: what the runs cost besides it. */
  startupMs: number
  /** images / concurrency × delayMs */
  idealMs: number
  /** parallelMs / idealMs */
  ratio: number
  /** (parallelMs − startupMs) / idealMs: how well the delays overlap */
  ratioAfterStartup: number
  /** Target: parallelMs ≤ 1.3 × idealMs + startupMs */
  withinTarget: boolean
  /** The same at max-concurrency 1 and `concurrency` with a 5-line sh notation (no real signing). */
  scheduling: { serialMs: number; parallelMs: number; ratio: number }
}

const SUBJECT = 'CN=bench.example,O=Notation,L=Seattle,ST=WA,C=US'

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2
}

function inputs(maxConcurrency: number): Inputs {
  return { ...defaultInputs(), maxConcurrency }
}

interface Bench {
  stack: Stack
  dir: string
  notationPath: string
  configDir: string
  libexecDir: string
  certificate: SigningCertificate
  credential: { username: string; password: string }
}

async function setUp(notationPath: string): Promise<Bench> {
  const stack = await startStack()
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sign-bench-'))
  const configDir = path.join(dir, 'config')
  const libexecDir = path.join(dir, 'libexec')
  await mkdir(configDir, { recursive: true })
  const seeded = await stack.keyVault.vault.seedSelfSigned('bench', { subject: SUBJECT })
  writeTestPlugin(libexecDir, {
    name: 'azure-kv',
    keyId: seeded.kid,
    keyPem: seeded.leaf.keyPem,
    chainPem: [seeded.leaf.pem],
    keySpec: 'RSA-2048'
  })
  return {
    stack,
    dir,
    notationPath,
    configDir,
    libexecDir,
    certificate: {
      vaultUrl: stack.keyVault.url,
      name: seeded.name,
      version: seeded.version,
      keyId: seeded.kid,
      subject: SUBJECT,
      notBefore: seeded.leaf.cert.notBefore,
      notAfter: seeded.leaf.cert.notAfter,
      chain: [seeded.leaf.pem],
      selfSigned: true,
      thumbprint: createHash('sha256').update(seeded.leaf.der).digest('hex')
    },
    credential: await stack.registry.credentials({ subject: 'sign-bench' })
  }
}

/** A wrapper around the real notation whose `sign` sleeps `delayMs` first (a slow Key Vault). */
async function notationWith(bench: Bench, name: string, delayMs: number): Promise<string> {
  const wrapper = path.join(bench.dir, `notation-${name}`)
  const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`
  await writeFile(
    wrapper,
    [
      '#!/bin/sh',
      `if [ "$1" = sign ]; then sleep ${delayMs / 1000}; fi`,
      `exec ${q(bench.notationPath)} "$@"`,
      ''
    ].join('\n'),
    { mode: 0o755 }
  )
  return wrapper
}

/** Pushes fresh images (no signatures yet) so every run does the same work. */
async function freshImages(bench: Bench, count: number, run: string): Promise<ResolvedImage[]> {
  const host = bench.stack.registry.host
  const images: ResolvedImage[] = []
  for (let i = 0; i < count; i++) {
    const pushed = await bench.stack.registry.pushImage(`bench-${run}`)
    images.push({
      input: pushed.reference,
      registry: host,
      repository: pushed.repository,
      digest: pushed.digest,
      reference: pushed.reference
    })
  }
  return images
}

/**
 * A notation that costs nothing but its delay: sign sleeps and claims success, inspect lists one
 * signature of the inspected digest by the certificate made just now. Isolates the action's own scheduling overhead.
 */
async function shNotation(dir: string, delayMs: number, thumbprint: string): Promise<string> {
  const file = path.join(dir, 'notation-sh')
  const sig = 'sha256:' + 'ab'.repeat(32)
  await writeFile(
    file,
    [
      '#!/bin/sh',
      'case "$1" in',
      `  sign) sleep ${delayMs / 1000}; for a in "$@"; do last="$a"; done; echo "Successfully signed $last" ;;`,
      // The signature names the inspected digest, as a real one does (the action checks it).
      `  inspect) for a in "$@"; do last="$a"; done; printf '{"Signatures":[{"digest":"${sig}","signedArtifact":{"digest":"%s"},"signedAttributes":{"signingTime":"%s"},"certificates":[{"SHA256Fingerprint":"${thumbprint}"}]}]}\\n' "\${last#*@}" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" ;;`,
      'esac',
      ''
    ].join('\n'),
    { mode: 0o755 }
  )
  return file
}

function fakeImages(count: number): ResolvedImage[] {
  return Array.from({ length: count }, (_, i) => {
    const digest = `sha256:${createHash('sha256').update(String(i)).digest('hex')}`
    const reference = `registry.example/bench@${digest}`
    return {
      input: reference,
      registry: 'registry.example',
      repository: 'bench',
      digest,
      reference
    }
  })
}

async function timeSigning(
  images: ResolvedImage[],
  ctx: Omit<SignContext, 'sign' | 'maxConcurrency'>,
  concurrency: number
): Promise<number> {
  const started = performance.now()
  const { result, error } = await captureOutput(() =>
    signImages(images, {
      ...ctx,
      sign: inputs(concurrency).sign,
      maxConcurrency: inputs(concurrency).maxConcurrency
    })
  )
  const elapsed = performance.now() - started
  const failed = result?.filter(r => !r.signed) ?? []
  if (error || failed.length > 0) {
    throw new Error(`sign bench run failed: ${String(error ?? failed[0]?.error)}`)
  }
  return elapsed
}

async function schedulingOnly(
  runs: number,
  count: number,
  delayMs: number,
  concurrency: number,
  certificate: SigningCertificate
): Promise<{ serial: number[]; parallel: number[] }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sign-bench-sh-'))
  try {
    const ctx: Omit<SignContext, 'sign' | 'maxConcurrency'> = {
      notationPath: await shNotation(dir, delayMs, certificate.thumbprint),
      notationVersion: '1.3.2',
      configDir: dir,
      libexecDir: dir,
      workDir: path.join(dir, 'work'),
      certificate,
      credentials: new Map(),
      workspace: dir,
      env: { PATH: process.env['PATH'] }
    }
    const images = fakeImages(count)
    return {
      serial: await measure(runs, () => timeSigning(images, ctx, 1)),
      parallel: await measure(runs, () => timeSigning(images, ctx, concurrency))
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

let runCounter = 0

async function timeOnce(
  bench: Bench,
  count: number,
  delayMs: number,
  concurrency: number
): Promise<number> {
  const images = await freshImages(bench, count, String(++runCounter))
  const notationPath = await notationWith(bench, `run-${runCounter}`, delayMs)
  return timeSigning(
    images,
    {
      notationPath,
      notationVersion: '1.3.2',
      configDir: bench.configDir,
      libexecDir: bench.libexecDir,
      workDir: path.join(bench.dir, 'work'),
      certificate: bench.certificate,
      credentials: new Map([[bench.stack.registry.host, bench.credential]]),
      workspace: bench.dir,
      env: {
        PATH: process.env['PATH'],
        HOME: bench.dir,
        // The stack's CA: Go (notation) reads SSL_CERT_FILE, the Node test plugin NODE_EXTRA_CA_CERTS.
        SSL_CERT_FILE: bench.stack.caFile,
        NODE_EXTRA_CA_CERTS: bench.stack.caFile
      }
    },
    concurrency
  )
}

async function measure(runs: number, fn: () => Promise<number>): Promise<number[]> {
  const samples: number[] = []
  for (let i = 0; i < runs; i++) samples.push(await fn())
  return samples
}

function line(label: string, samples: number[]): string {
  return `${label.padEnd(44)} median ${median(samples).toFixed(0).padStart(6)} ms  (min ${Math.min(...samples).toFixed(0)}, max ${Math.max(...samples).toFixed(0)}, n=${samples.length})`
}

/** Runs the signing benchmark and prints its figures; undefined when no registry is installed. */
export async function runSignBench(
  options: SignBenchOptions = {}
): Promise<SignBenchResult | undefined> {
  if (!registryAvailable()) {
    console.log(`sign bench skipped: ${REGISTRY_INSTALL_HINT}`)
    return undefined
  }
  const runs = options.runs ?? Number(process.env['BENCH_SIGN_RUNS'] ?? 3)
  const count = options.images ?? Number(process.env['BENCH_SIGN_IMAGES'] ?? 20)
  const delayMs = options.delayMs ?? Number(process.env['BENCH_SIGN_DELAY_MS'] ?? 300)
  const concurrency = options.concurrency ?? 4
  const notation = await realNotation()
  if (typeof notation === 'string') {
    console.log(`sign bench skipped: ${notation}`)
    return undefined
  }
  const bench = await setUp(notation.path)
  try {
    await timeOnce(bench, 2, 0, 2) // warm: file system cache, registry, first TLS handshakes
    const serial = await measure(runs, () => timeOnce(bench, count, delayMs, 1))
    const parallel = await measure(runs, () => timeOnce(bench, count, delayMs, concurrency))
    const startup = await measure(runs, () => timeOnce(bench, count, 0, concurrency))
    const sh = await schedulingOnly(runs, count, delayMs, concurrency, bench.certificate)
    const idealMs = (count / concurrency) * delayMs
    const result: SignBenchResult = {
      images: count,
      delayMs,
      concurrency,
      serialMs: median(serial),
      parallelMs: median(parallel),
      startupMs: median(startup),
      idealMs,
      ratio: median(parallel) / idealMs,
      ratioAfterStartup: (median(parallel) - median(startup)) / idealMs,
      withinTarget: median(parallel) <= 1.3 * idealMs + median(startup),
      scheduling: {
        serialMs: median(sh.serial),
        parallelMs: median(sh.parallel),
        ratio: median(sh.parallel) / idealMs
      }
    }
    const load = os
      .loadavg()
      .map(l => l.toFixed(1))
      .join(' ')
    console.log(
      `sign: ${count} images, ${delayMs} ms per notation sign call; ideal at max-concurrency ${concurrency}: ${idealMs} ms ` +
        `(${os.availableParallelism()} CPUs, load ${load})`
    )
    console.log(`  ${notation.label} + azure-kv-named local signer + registry:`)
    console.log(line('    max-concurrency 1', serial))
    console.log(line(`    max-concurrency ${concurrency}`, parallel))
    console.log(line(`    start-up (delay 0, max-concurrency ${concurrency})`, startup))
    console.log(
      `    ${result.ratio.toFixed(2)}× ideal; ${result.ratioAfterStartup.toFixed(2)}× after start-up; ` +
        `speed-up ${(result.serialMs / result.parallelMs).toFixed(2)}×; ` +
        `target (≤ 1.3× ideal + start-up): ${result.withinTarget ? 'met' : 'MISSED'}`
    )
    console.log('  scheduling only (sh notation: sleep, claim success, list one signature):')
    console.log(line('    max-concurrency 1', sh.serial))
    console.log(line(`    max-concurrency ${concurrency}`, sh.parallel))
    console.log(
      `    ${result.scheduling.ratio.toFixed(2)}× ideal; speed-up ${(result.scheduling.serialMs / result.scheduling.parallelMs).toFixed(2)}×`
    )
    return result
  } finally {
    await bench.stack.stop()
    await rm(bench.dir, { recursive: true, force: true })
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await runSignBench()
}
