// Issue 12, items 2 and 3, end to end through the committed bundle: a registry answering a 2 GiB
// chunked body is cut at the limit as the body arrives (peak memory measured from /proc), an
// endless body costs the per-request limit once (not once per retry), and unreachable services
// (Key Vault, Entra) are named with the cause, never a bare "fetch failed".
import assert from 'node:assert/strict'
import type { ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import net from 'node:net'
import { after, before, test } from 'node:test'
import { fakeManifest, startHostileRegistry, type HostileRegistry } from '../stack/hostile.ts'
import type { StackServer } from '../stack/http.ts'
import type { ActionRun } from '../support/action.ts'
import { startE2E, type E2E } from '../support/e2e.ts'
import { e2eDescribe } from '../support/stack-env.ts'

const SUBJECT = 'CN=bodies.example,O=Notation,L=Seattle,ST=WA,C=US'
const CERT = 'bodies-signer'
const GiB = 1024 * 1024 * 1024
/** Past this the test stops the bundle itself: old code would buffer gigabytes on a shared box. */
const KILL_ABOVE_KIB = 600 * 1024

/** `::error::` text with the toolkit's %-escapes decoded. */
const errorsOf = (run: ActionRun): string =>
  run.errors.join('\n').replace(/%0A/g, '\n').replace(/%25/g, '%')

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

async function freePort(): Promise<number> {
  const probe = net.createServer()
  await new Promise<void>(resolve => probe.listen(0, '127.0.0.1', resolve))
  const port = (probe.address() as net.AddressInfo).port
  await new Promise(resolve => probe.close(resolve))
  return port
}

e2eDescribe(
  'bodies bounded while they stream, network errors named',
  () => {
    let e2e: E2E
    let flood: StackServer
    let endless: StackServer
    /** A public registry serving app:v1, so a sign gets past the digest to Entra and Key Vault. */
    let publicRegistry: HostileRegistry
    before(async () => {
      e2e = await startE2E({ registry: false })
      await e2e.stack.keyVault.vault.seedSelfSigned(CERT, { subject: SUBJECT })
      publicRegistry = await startHostileRegistry(e2e.stack, { anonymous: true })
      publicRegistry.serve('app', 'v1', fakeManifest('network errors'))
      // A "registry" whose every answer is a 200 with a 2 GiB chunked body, sent as fast as read.
      flood = await e2e.stack.serve('flood', [
        {
          name: 'flood',
          method: '*',
          path: /^\//,
          raw: async (_req, res) => {
            res.writeHead(200, { 'content-type': 'application/json' })
            const chunk = Buffer.alloc(1024 * 1024, 0x20)
            for (let sent = 0; sent < 2 * GiB && !res.destroyed; sent += chunk.length) {
              if (!res.write(chunk))
                await new Promise(resolve => {
                  res.once('drain', resolve)
                  res.once('close', resolve)
                })
            }
            res.end()
          }
        }
      ])
      // A "registry" whose answers never end: a byte every 200 ms.
      endless = await e2e.stack.serve('endless', [
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
    })
    after(() => e2e?.stop())

    const signInputs = (images: string, extra: Record<string, string> = {}) => ({
      ...e2e.azureInputs,
      command: 'sign',
      certificate: CERT,
      images,
      ...extra
    })
    const host = (server: StackServer): string => new URL(server.origin).host

    test('a registry answering a 2 GiB chunked body: cut at the limit, peak memory stays small', async () => {
      let watch: { peakKiB: () => number } | undefined
      const run = await e2e.run(signInputs(`${host(flood)}/app:v1`), {
        onSpawn: child => (watch = watchPeak(child))
      })
      const peakMiB = (watch?.peakKiB() ?? 0) / 1024
      process.stdout.write(`# peak RSS with a 2 GiB body: ${peakMiB.toFixed(0)} MiB\n`)
      assert.ok(peakMiB < 200, `peak ${peakMiB.toFixed(0)} MiB`)
      assert.equal(run.code, 1, run.stderr)
      const errors = errorsOf(run)
      process.stdout.write(`# ::error:: ${errors}\n`)
      assert.equal(run.errors.length, 1, run.stdout)
      assert.match(errors, /too large/)
      assert.ok(errors.includes(host(flood)), errors)
    })

    test('an endless body ends at the per-request limit once, not once per retry', async () => {
      const started = Date.now()
      const run = await e2e.run(signInputs(`${host(endless)}/app:v1`), {})
      const seconds = (Date.now() - started) / 1000
      process.stdout.write(`# endless body: failed after ${seconds.toFixed(1)} s\n`)
      assert.equal(run.code, 1, run.stderr)
      const errors = errorsOf(run)
      process.stdout.write(`# ::error:: ${errors}\n`)
      assert.equal(run.errors.length, 1, run.stdout)
      assert.ok(errors.includes(host(endless)), errors)
      assert.match(errors, /did not end within the 30 s limit/)
      assert.equal(
        endless.calls.length,
        1,
        'one request: a body that outlived its limit is not retried'
      )
      assert.ok(seconds < 55, `${seconds} s`)
    })

    test('Key Vault unreachable: the error names its host and "connection refused"', async () => {
      const port = await freePort()
      const run = await e2e.run(
        signInputs(`${publicRegistry.host}/app:v1`, { 'key-vault': `https://127.0.0.1:${port}` }),
        { env: { NOTATION_AKV_RETRY_BASE_MS: '5' } }
      )
      assert.equal(run.code, 1, run.stderr)
      const errors = errorsOf(run)
      process.stdout.write(`# ::error:: ${errors}\n`)
      assert.equal(run.errors.length, 1, run.stdout)
      assert.ok(errors.includes(`127.0.0.1:${port}`), errors)
      assert.match(errors, /connection refused/)
      assert.doesNotMatch(errors, /fetch failed/)
    })

    test('Entra unreachable: the error names its host and "connection refused"', async () => {
      const port = await freePort()
      const authority = `https://127.0.0.1:${port}`
      const run = await e2e.run(
        signInputs(`${publicRegistry.host}/app:v1`, { 'azure-authority-host': authority }),
        { env: { NOTATION_AKV_RETRY_BASE_MS: '5', AZURE_AUTHORITY_HOST: authority } }
      )
      assert.equal(run.code, 1, run.stderr)
      const errors = errorsOf(run)
      process.stdout.write(`# ::error:: ${errors}\n`)
      assert.equal(run.errors.length, 1, run.stdout)
      assert.ok(errors.includes(`127.0.0.1:${port}`), errors)
      assert.match(errors, /connection refused/)
      assert.doesNotMatch(errors, /fetch failed/)
    })

    test('GitHub OIDC endpoint unreachable: the error names its host and "connection refused"', async () => {
      const port = await freePort()
      const run = await e2e.run(signInputs(`${publicRegistry.host}/app:v1`), {
        env: {
          NOTATION_AKV_RETRY_BASE_MS: '5',
          ACTIONS_ID_TOKEN_REQUEST_URL: `https://127.0.0.1:${port}/token`
        }
      })
      assert.equal(run.code, 1, run.stderr)
      const errors = errorsOf(run)
      process.stdout.write(`# ::error:: ${errors}\n`)
      assert.equal(run.errors.length, 1, run.stdout)
      assert.match(
        errors,
        new RegExp(`GitHub OIDC token: 127\\.0\\.0\\.1:${port}: connection refused`)
      )
      assert.doesNotMatch(errors, /fetch failed|refused the GitHub OIDC token/)
    })
  },
  { registry: false }
)
