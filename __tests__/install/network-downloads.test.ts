// Downloads against plain servers: a real HTTP/1.0 server (written on `net`, the body ended by the
// connection's close) and a download that cannot connect while the other is still streaming. The
// bundle must never crash: every failure is one ::error:: naming the URL and the cause.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { readdir } from 'node:fs/promises'
import net from 'node:net'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import { fakeNotation, fakePlugin, sha256, tarGz } from '../support/archives.ts'
import { makeRunnerDirs, removeRunnerDirs, runAction, type RunnerDirs } from '../support/action.ts'

// Archives of a few MB (incompressible padding), so the client falls behind the server and its
// parser pauses when the connection's close arrives: the case that crashed undici.
const padding = (): Buffer => randomBytes(6 * 1024 * 1024)
const files = new Map<string, Buffer>([
  [
    'notation.tar.gz',
    tarGz([
      { path: 'notation', content: fakeNotation('1.3.2') },
      { path: 'PADDING', content: padding(), mode: 0o644 }
    ])
  ],
  [
    'plugin.tar.gz',
    tarGz([
      { path: 'notation-azure-kv', content: fakePlugin() },
      { path: 'PADDING', content: padding(), mode: 0o644 }
    ])
  ]
])

/** How the HTTP/1.0 server sends a body: pieces and the pause between them. */
let pieces = 8
let pauseMs = 2
let withLength = false
const sockets = new Set<net.Socket>()

const pause = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

/** A raw HTTP/1.0 server: one request per connection, the body ended by closing it. */
const http10 = net.createServer(socket => {
  sockets.add(socket)
  socket.on('close', () => sockets.delete(socket))
  socket.on('error', () => undefined)
  let head = ''
  socket.on('data', (chunk: Buffer) => {
    if (head.includes('\r\n\r\n')) return
    // A TLS ClientHello (0x16): answer in plain HTTP, as a plain server does.
    if (head === '' && chunk[0] === 0x16) {
      socket.end('HTTP/1.0 400 Bad Request\r\n\r\n')
      return
    }
    head += chunk.toString('latin1')
    if (!head.includes('\r\n\r\n')) return
    const target = /^GET \/(\S+) HTTP\/1\.[01]\r\n/.exec(head)?.[1] ?? ''
    const body = files.get(target)
    void (async () => {
      if (!body) {
        socket.end('HTTP/1.0 404 Not Found\r\nContent-Type: text/plain\r\n\r\nnot found')
        return
      }
      const length = withLength ? `Content-Length: ${body.length}\r\n` : ''
      socket.write(`HTTP/1.0 200 OK\r\nContent-Type: application/gzip\r\n${length}\r\n`)
      const size = Math.ceil(body.length / pieces)
      for (let at = 0; at < body.length && !socket.destroyed; at += size) {
        socket.write(body.subarray(at, at + size))
        await pause(pauseMs)
      }
      socket.end()
    })()
  })
})

let origin = ''
let closedPort = 0
let dirs: RunnerDirs

before(async () => {
  await new Promise<void>(resolve => http10.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(http10.address() as net.AddressInfo).port}`
  // A port that was just free: nothing listens there, so connecting is refused.
  const probe = net.createServer()
  await new Promise<void>(resolve => probe.listen(0, '127.0.0.1', resolve))
  closedPort = (probe.address() as net.AddressInfo).port
  await new Promise(resolve => probe.close(resolve))
})
after(async () => {
  for (const socket of sockets) socket.destroy()
  await new Promise(resolve => http10.close(resolve))
  if (dirs) await removeRunnerDirs(dirs)
})

function inputs(extra: Record<string, string> = {}): Record<string, string> {
  return {
    command: 'setup',
    'notation-version': '1.3.2',
    'notation-url': `${origin}/notation.tar.gz`,
    'notation-checksum': sha256(files.get('notation.tar.gz')!),
    'plugin-version': '1.2.1',
    'plugin-url': `${origin}/plugin.tar.gz`,
    'plugin-checksum': sha256(files.get('plugin.tar.gz')!),
    ...extra
  }
}

const FAST_RETRIES = { NOTATION_AKV_RETRY_BASE_MS: '5' }

function assertNoCrash(run: { code: number | null; stderr: string }): void {
  assert.doesNotMatch(run.stderr, /AssertionError|ERR_ASSERTION|Uncaught|node:internal/)
  assert.ok(run.code === 0 || run.code === 1, `exit code ${run.code}: ${run.stderr}`)
}

describe('downloads from an HTTP/1.0 server', () => {
  test('30 cold setups all succeed, bodies ended by the connection close', async () => {
    const failures: string[] = []
    for (let i = 0; i < 30; i++) {
      if (dirs) await removeRunnerDirs(dirs)
      dirs = await makeRunnerDirs()
      // Vary the shape: with and without a declared length, few or many pieces, some pauses.
      withLength = i % 3 === 0
      pieces = 1 + (i % 5) * 16
      pauseMs = i % 2
      const run = await runAction({ inputs: inputs(), dirs, env: FAST_RETRIES })
      assertNoCrash(run)
      if (run.code !== 0) failures.push(`run ${i}: ${run.errors.join(' | ')}`)
    }
    assert.deepEqual(failures, [])
  })

  test('5 cold setups with the plugin unreachable while notation streams: one ::error:: each', async () => {
    withLength = false
    pieces = 40
    pauseMs = 25
    const pluginUrl = `http://127.0.0.1:${closedPort}/plugin.tar.gz`
    for (let i = 0; i < 5; i++) {
      if (dirs) await removeRunnerDirs(dirs)
      dirs = await makeRunnerDirs()
      const run = await runAction({
        inputs: inputs({ 'plugin-url': pluginUrl }),
        dirs,
        env: FAST_RETRIES
      })
      assertNoCrash(run)
      assert.equal(run.code, 1)
      assert.equal(run.errors.length, 1, run.stdout)
      assert.ok(run.errors[0]!.includes(pluginUrl), run.errors[0])
      // The port was free when probed; a server another test file starts meanwhile may take it
      // (test files run in parallel), which turns the refusal into a reset. Either way: host and cause.
      assert.match(
        run.errors[0]!,
        new RegExp(`127\\.0\\.0\\.1:${closedPort}: connection (refused|reset)`)
      )
      // Nothing half-made entered the cache: notation's download was stopped, not cached.
      const cached = existsSync(dirs.toolCache) ? await readdir(dirs.toolCache) : []
      assert.deepEqual(cached, [], `tool cache: ${cached.join(', ')}`)
    }
  })

  test('a checksum mismatch on one tool caches nothing of either', async () => {
    pieces = 4
    pauseMs = 1
    for (let i = 0; i < 3; i++) {
      if (dirs) await removeRunnerDirs(dirs)
      dirs = await makeRunnerDirs()
      const run = await runAction({
        inputs: inputs({ 'notation-checksum': 'a'.repeat(64) }),
        dirs,
        env: FAST_RETRIES
      })
      assertNoCrash(run)
      assert.equal(run.code, 1)
      assert.equal(run.errors.length, 1, run.stdout)
      assert.match(run.errors[0]!, /Checksum mismatch for .*notation\.tar\.gz/)
      const cached = existsSync(dirs.toolCache) ? await readdir(dirs.toolCache) : []
      const plugin = path.join(dirs.toolCache, 'notation-azure-kv')
      assert.deepEqual(cached, [], `tool cache: ${cached.join(', ')}; ${existsSync(plugin)}`)
    }
  })

  test('a TLS error names its code; a name that does not resolve says so', async () => {
    const cases = [
      // TLS spoken to the plain HTTP/1.0 server: OpenSSL's "wrong version number".
      { url: `${origin.replace('http:', 'https:')}/plugin.tar.gz`, cause: /TLS error \w+/ },
      {
        url: 'http://notation-akv-download.invalid/plugin.tar.gz',
        cause: /notation-akv-download\.invalid: name (not found|lookup failed)/
      }
    ]
    for (const { url, cause } of cases) {
      if (dirs) await removeRunnerDirs(dirs)
      dirs = await makeRunnerDirs()
      const run = await runAction({
        inputs: inputs({ 'plugin-url': url }),
        dirs,
        env: FAST_RETRIES
      })
      assertNoCrash(run)
      assert.equal(run.code, 1)
      assert.equal(run.errors.length, 1, run.stdout)
      process.stdout.write(`# ::error:: ${run.errors[0]}\n`)
      assert.ok(run.errors[0]!.includes(url), run.errors[0])
      assert.match(run.errors[0]!, cause)
      assert.doesNotMatch(run.errors[0]!, /fetch failed/)
    }
  })
})
