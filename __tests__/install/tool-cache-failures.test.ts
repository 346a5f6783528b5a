// Issue 12, item 11: what a failed install leaves in the tool cache. notation's checksum mismatch
// is timed to land while the plugin is being copied into the cache (the server holds notation's
// last byte until the plugin's extracted folder is complete on disk). The step must not end with
// the copy half done: every tool-cache folder is whole (its `.complete` flag written), or absent.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { existsSync, readdirSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import { fakeNotation, fakePlugin, sha256, tarGz } from '../support/archives.ts'
import { makeRunnerDirs, removeRunnerDirs, runAction, type RunnerDirs } from '../support/action.ts'

/** The marker install.ts writes last into an extracted tool folder, just before caching it. */
const MARKER = '.notation-akv-action.json'
/** Zeros compress to almost nothing, yet copying them into the cache takes a while. */
const PADDING_BYTES = 96 * 1024 * 1024

const notationArchive = tarGz([{ path: 'notation', content: fakeNotation('1.3.2') }])
const pluginArchive = tarGz([
  { path: 'notation-azure-kv', content: fakePlugin() },
  { path: 'PADDING', content: Buffer.alloc(PADDING_BYTES), mode: 0o644 },
  // Incompressible, to stay under the action's 1000:1 decompression-ratio bound.
  { path: 'NOISE', content: randomBytes(256 * 1024), mode: 0o644 }
])

let dirs: RunnerDirs
let origin = ''
const sockets = new Set<Socket>()
/** Resolved when the plugin's extracted folder carries its marker: caching starts next. */
let pluginReady: Promise<void> = Promise.resolve()

/** Waits until a `<RUNNER_TEMP>/notation-akv-*\/download-*\/azure-kv/<MARKER>` exists. */
function whenPluginExtracted(temp: string, limitMs = 30_000): Promise<void> {
  const started = Date.now()
  return new Promise(resolve => {
    const look = (): void => {
      const found = (dir: string, prefix: string): string[] => {
        try {
          return readdirSync(dir)
            .filter(n => n.startsWith(prefix))
            .map(n => path.join(dir, n))
        } catch {
          return []
        }
      }
      const ready = found(temp, 'notation-akv-')
        .flatMap(work => found(work, 'download-'))
        .some(scratch => existsSync(path.join(scratch, 'azure-kv', MARKER)))
      if (ready || Date.now() - started > limitMs) resolve()
      else setTimeout(look, 1)
    }
    look()
  })
}

const server = http.createServer((req, res) => {
  if (req.url === '/plugin.tar.gz') {
    res.writeHead(200, { 'content-type': 'application/gzip' })
    res.end(pluginArchive)
    return
  }
  if (req.url === '/notation.tar.gz') {
    // All but the last byte at once; the last when the plugin is about to be cached.
    res.writeHead(200, {
      'content-type': 'application/gzip',
      'content-length': String(notationArchive.length)
    })
    res.write(notationArchive.subarray(0, -1))
    void pluginReady.then(() => res.end(notationArchive.subarray(-1)))
    return
  }
  res.writeHead(404).end()
})
server.on('connection', socket => {
  sockets.add(socket)
  socket.on('close', () => sockets.delete(socket))
})

before(async () => {
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
after(async () => {
  for (const socket of sockets) socket.destroy()
  await new Promise(resolve => server.close(resolve))
  if (dirs) await removeRunnerDirs(dirs)
})

/** Every `<tool>/<version>/<arch>` folder of the tool cache, and whether its `.complete` is there. */
function cacheEntries(root: string): { dir: string; complete: boolean }[] {
  const entries: { dir: string; complete: boolean }[] = []
  const list = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir) : [])
  for (const tool of list(root)) {
    for (const version of list(path.join(root, tool))) {
      for (const arch of list(path.join(root, tool, version))) {
        if (arch.endsWith('.complete')) continue
        const dir = path.join(root, tool, version, arch)
        entries.push({ dir, complete: existsSync(`${dir}.complete`) })
      }
    }
  }
  return entries
}

describe('a checksum mismatch while the other tool is being cached', () => {
  test('leaves no half-made folder in the tool cache, and nothing of notation', async () => {
    const runs = 3
    for (let i = 0; i < runs; i++) {
      if (dirs) await removeRunnerDirs(dirs)
      dirs = await makeRunnerDirs()
      pluginReady = whenPluginExtracted(dirs.temp)
      const run = await runAction({
        inputs: {
          command: 'setup',
          'notation-version': '1.3.2',
          'notation-url': `${origin}/notation.tar.gz`,
          // Not the archive's: the mismatch shows only once its last byte has arrived.
          'notation-checksum': 'a'.repeat(64),
          'plugin-version': '1.2.1',
          'plugin-url': `${origin}/plugin.tar.gz`,
          'plugin-checksum': sha256(pluginArchive)
        },
        dirs,
        env: { NOTATION_AKV_RETRY_BASE_MS: '5' }
      })
      assert.equal(run.code, 1, run.stdout + run.stderr)
      assert.equal(run.errors.length, 1, run.stdout)
      assert.match(run.errors[0]!, /Checksum mismatch for .*notation\.tar\.gz/)
      const entries = cacheEntries(dirs.toolCache)
      process.stdout.write(
        `# run ${i + 1}: tool cache ${JSON.stringify(entries.map(e => ({ ...e, dir: path.relative(dirs.toolCache, e.dir) })))}\n`
      )
      const halfMade = entries.filter(e => !e.complete).map(e => e.dir)
      assert.deepEqual(halfMade, [], 'a folder without its .complete flag is half-made')
      assert.ok(
        !existsSync(path.join(dirs.toolCache, 'notation')),
        'notation failed its checksum: nothing of it is cached'
      )
    }
  })
})
