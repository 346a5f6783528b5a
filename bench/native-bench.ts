// signer: native against signer: notation: the committed bundle signs N images (default 100) against
// the local stack at max-concurrency 1, 4 and 16, sign only, on a warm runner (notation and the
// plugin already in the tool cache for the notation path; nothing to install for native). Prints
// wall time and requests per image to Entra, Key Vault and the registry. The notation path runs the
// real notation CLI (skipped when none is found) with the azure-kv plugin stand-in (a Node program using the same
// Azure SDKs as the action), so its per-image costs are notation's and the plugin's process model.
// Nothing is asserted; tests own correctness.
//
// Standalone: npx node bench/native-bench.ts   (BENCH_NATIVE_IMAGES, BENCH_NATIVE_CONCURRENCY=1,4,16)
import { runAction } from '../__tests__/support/action.ts'
import { startE2E, type E2E } from '../__tests__/support/e2e.ts'
import { skipWithoutRealNotation } from '../__tests__/support/notation-bin.ts'
import { REGISTRY_INSTALL_HINT, registryAvailable } from '../__tests__/support/stack-env.ts'

const SUBJECT = 'CN=bench.example,O=Notation,L=Seattle,ST=WA,C=US'

export interface NativeBenchRow {
  signer: 'native' | 'notation'
  concurrency: number
  images: number
  ms: number
  perImage: { entra: number; keyVault: number; registry: number }
  total: { entra: number; keyVault: number; certificateReads: number; keyVaultSigns: number }
}

async function timedRun(
  e2e: E2E,
  signer: 'native' | 'notation',
  references: string[],
  concurrency: number
): Promise<NativeBenchRow> {
  const servers = {
    entra: e2e.stack.entra.server,
    keyVault: e2e.stack.keyVault.server,
    registry: e2e.stack.registry.server
  }
  const before = Object.fromEntries(
    Object.entries(servers).map(([k, s]) => [k, s.calls.length])
  ) as Record<keyof typeof servers, number>
  const started = performance.now()
  // runAction itself (not e2e.run): a notation run of 100 images outlasts its default time limit.
  const run = await runAction({
    inputs: {
      ...e2e.installInputs,
      ...e2e.azureInputs,
      command: 'sign',
      signer,
      certificate: 'bench',
      images: references.join('\n'),
      'max-concurrency': String(concurrency)
    },
    dirs: e2e.dirs,
    env: e2e.stack.env(),
    timeoutMs: 60 * 60_000
  })
  const ms = performance.now() - started
  if (run.code !== 0) {
    throw new Error(`${signer} at ${concurrency} failed:\n${run.errors.join('\n').slice(0, 4000)}`)
  }
  const since = (name: keyof typeof servers) => servers[name].calls.slice(before[name])
  const keyVaultCalls = since('keyVault')
  const n = references.length
  return {
    signer,
    concurrency,
    images: n,
    ms,
    perImage: {
      entra: since('entra').length / n,
      keyVault: keyVaultCalls.length / n,
      registry: since('registry').length / n
    },
    total: {
      entra: since('entra').filter(c => c.route === 'entra.token' && c.status < 300).length,
      keyVault: keyVaultCalls.length,
      // Answered reads and signs (a 401 challenge is the SDK's first try, without a token).
      certificateReads: keyVaultCalls.filter(
        c => c.route === 'keyvault.certificates.get' && c.status < 300
      ).length,
      keyVaultSigns: keyVaultCalls.filter(c => c.route === 'keyvault.keys.sign' && c.status < 300)
        .length
    }
  }
}

export async function runNativeBench(): Promise<NativeBenchRow[] | undefined> {
  if (!registryAvailable()) {
    console.log(`native sign bench skipped: ${REGISTRY_INSTALL_HINT}`)
    return undefined
  }
  const count = Number(process.env['BENCH_NATIVE_IMAGES'] ?? 100)
  const levels = (process.env['BENCH_NATIVE_CONCURRENCY'] ?? '1,4,16').split(',').map(Number)
  const noReal = await skipWithoutRealNotation()
  if (noReal) {
    console.log(`native sign bench skipped: ${noReal}`)
    return undefined
  }
  const e2e = await startE2E({ notation: 'real' })
  const rows: NativeBenchRow[] = []
  try {
    await e2e.stack.keyVault.vault.seedSelfSigned('bench', { subject: SUBJECT })
    const references: string[] = []
    for (let i = 0; i < count; i++) {
      const pushed = await e2e.stack.registry.pushImage('bench/native', {
        content: `native bench image ${i}`
      })
      references.push(pushed.reference)
    }
    // Warm: the tool cache (notation path), TLS, the registry's first writes.
    await timedRun(e2e, 'notation', references.slice(0, 1), 1)
    await timedRun(e2e, 'native', references.slice(0, 1), 1)
    console.log(
      `signing ${count} images, sign only, warm runner; notation path: ${e2e.notationLabel} + azure-kv stand-in`
    )
    console.log(
      `${'signer'.padEnd(9)}${'max-conc.'.padStart(10)}${'wall s'.padStart(9)}${'ms/image'.padStart(10)}` +
        `${'Entra/img'.padStart(11)}${'KV/img'.padStart(9)}${'reg/img'.padStart(9)}` +
        `${'tokens'.padStart(8)}${'cert reads'.padStart(12)}${'KV signs'.padStart(10)}`
    )
    for (const concurrency of levels) {
      for (const signer of ['native', 'notation'] as const) {
        const row = await timedRun(e2e, signer, references, concurrency)
        rows.push(row)
        console.log(
          `${signer.padEnd(9)}${String(concurrency).padStart(10)}${(row.ms / 1000).toFixed(1).padStart(9)}` +
            `${(row.ms / count).toFixed(1).padStart(10)}${row.perImage.entra.toFixed(2).padStart(11)}` +
            `${row.perImage.keyVault.toFixed(2).padStart(9)}${row.perImage.registry.toFixed(2).padStart(9)}` +
            `${String(row.total.entra).padStart(8)}${String(row.total.certificateReads).padStart(12)}` +
            `${String(row.total.keyVaultSigns).padStart(10)}`
        )
      }
      const native = rows.find(r => r.signer === 'native' && r.concurrency === concurrency)
      const notation = rows.find(r => r.signer === 'notation' && r.concurrency === concurrency)
      if (native && notation) {
        console.log(
          `${''.padEnd(9)}${String(concurrency).padStart(10)}  native is ${(notation.ms / native.ms).toFixed(1)}x faster`
        )
      }
    }
  } finally {
    await e2e.stop()
  }
  return rows
}

if (import.meta.filename === process.argv[1]) await runNativeBench()
