// `command: setup` end to end: the bundle runs as on a runner and downloads over real HTTP from a
// local server whose archives the tests build.
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { readFile, readdir, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { after, before, beforeEach, describe, test } from 'node:test'
import { StackServer } from '../stack/http.ts'
import { fakeNotation, fakePlugin, sha256, tarGz, type Entry } from '../support/archives.ts'
import { makeRunnerDirs, removeRunnerDirs, runAction, type RunnerDirs } from '../support/action.ts'

const archives = new Map<string, Buffer>()
const server = new StackServer({
  name: 'downloads',
  routes: [
    {
      name: 'download',
      method: 'GET',
      path: /^\/dl\/(?<file>[^/]+)$/,
      handler: req => {
        const data = archives.get(req.params['file'] ?? '')
        return data
          ? { status: 200, headers: { 'content-type': 'application/gzip' }, body: data }
          : { status: 404, body: 'Not Found' }
      }
    }
  ]
})

function publish(name: string, entries: Entry[]): { url: string; sha256: string } {
  const data = tarGz(entries)
  archives.set(name, data)
  return { url: `${server.origin}/dl/${name}`, sha256: sha256(data) }
}

const notationArchive = (version: string): Entry[] => [
  { path: 'notation', content: fakeNotation(version) },
  { path: 'LICENSE', content: 'Apache-2.0', mode: 0o644 }
]
const pluginArchive: Entry[] = [
  { path: 'notation-azure-kv', content: fakePlugin() },
  { path: 'LICENSE', content: 'MIT', mode: 0o644 }
]

let dirs: RunnerDirs
let notation: { url: string; sha256: string }
let plugin: { url: string; sha256: string }

function setupInputs(extra: Record<string, string> = {}): Record<string, string> {
  return {
    command: 'setup',
    'notation-version': '1.3.2',
    'notation-url': notation.url,
    'notation-checksum': notation.sha256,
    'plugin-version': '1.2.1',
    'plugin-url': plugin.url,
    'plugin-checksum': plugin.sha256,
    ...extra
  }
}

const downloads = (): number => server.calls.filter(c => c.route === 'download').length

async function toolCacheEntries(): Promise<string[]> {
  return existsSync(dirs.toolCache) ? readdir(dirs.toolCache) : []
}

before(async () => {
  await server.listen()
  notation = publish('notation_1.3.2_linux_amd64.tar.gz', notationArchive('1.3.2'))
  plugin = publish('notation-azure-kv_1.2.1_linux_amd64.tar.gz', pluginArchive)
})
after(() => server.close())

beforeEach(async () => {
  server.reset()
  if (dirs) await removeRunnerDirs(dirs)
  dirs = await makeRunnerDirs()
})
after(async () => removeRunnerDirs(dirs))

describe('setup on a cold tool cache', () => {
  test('downloads each archive once, verifies, caches, and exports a private notation config', async () => {
    const run = await runAction({ inputs: setupInputs(), dirs })
    assert.equal(run.code, 0, run.stdout + run.stderr)
    assert.equal(downloads(), 2)
    assert.equal(run.outputs['notation-version'], '1.3.2')
    const notationPath = run.outputs['notation-path'] ?? ''
    assert.ok(notationPath.startsWith(dirs.toolCache), notationPath)
    assert.deepEqual(run.addedPaths, [path.dirname(notationPath)])

    const config = run.exportedEnv['NOTATION_CONFIG'] ?? ''
    const libexec = run.exportedEnv['NOTATION_LIBEXEC'] ?? ''
    assert.ok(config.startsWith(dirs.temp), config)
    assert.equal((await stat(config)).mode & 0o777, 0o700)
    const pluginFile = path.join(libexec, 'plugins', 'azure-kv', 'notation-azure-kv')
    assert.ok((await stat(pluginFile)).mode & 0o100, 'the plugin is executable')
    assert.equal(run.state['workDir'], path.dirname(config))
  })

  test('the post step removes the job-private folder and never fails', async () => {
    const main = await runAction({ inputs: setupInputs(), dirs })
    assert.equal(main.code, 0, main.stdout)
    const workDir = main.state['workDir'] ?? ''
    assert.ok(existsSync(workDir))
    const postRun = await runAction({ inputs: setupInputs(), dirs, state: main.state })
    assert.equal(postRun.code, 0, postRun.stdout)
    assert.equal(existsSync(workDir), false)
    assert.equal(downloads(), 2, 'post downloads nothing')
  })
})

describe('setup on a warm tool cache', () => {
  test('a second run makes zero HTTP requests and gets its own config folder', async () => {
    const first = await runAction({ inputs: setupInputs(), dirs })
    assert.equal(first.code, 0, first.stdout)
    server.reset()
    const second = await runAction({ inputs: setupInputs(), dirs })
    assert.equal(second.code, 0, second.stdout)
    assert.equal(server.calls.length, 0, JSON.stringify(server.calls))
    assert.equal(second.outputs['notation-path'], first.outputs['notation-path'])
    assert.notEqual(second.exportedEnv['NOTATION_CONFIG'], first.exportedEnv['NOTATION_CONFIG'])
    assert.match(second.stdout, /Using cached notation 1\.3\.2/)
    assert.match(second.stdout, /Using cached azure-kv plugin 1\.2\.1 from /)
    assert.doesNotMatch(second.stdout, /cached the/i)
  })

  test('a cached plugin is reused only with the wanted checksum', async () => {
    assert.equal((await runAction({ inputs: setupInputs(), dirs })).code, 0)
    const other = publish('notation-azure-kv_custom.tar.gz', [
      { path: 'notation-azure-kv', content: fakePlugin() + '# rebuilt\n' }
    ])
    server.reset()
    const run = await runAction({
      inputs: setupInputs({ 'plugin-url': other.url, 'plugin-checksum': other.sha256 }),
      dirs
    })
    assert.equal(run.code, 0, run.stdout)
    assert.deepEqual(
      server.calls.map(c => c.path),
      ['/dl/notation-azure-kv_custom.tar.gz'],
      'notation comes from the cache; the plugin with another checksum is fetched'
    )
  })
})

/** The one cached copy of `file` under the tool cache's `tool/<version>/<arch>/`. */
async function cachedFile(tool: string, file: string): Promise<string> {
  const found: string[] = []
  for (const version of await readdir(path.join(dirs.toolCache, tool))) {
    const versionDir = path.join(dirs.toolCache, tool, version)
    if (!(await stat(versionDir)).isDirectory()) continue
    for (const arch of await readdir(versionDir)) {
      const candidate = path.join(versionDir, arch, file)
      if (existsSync(candidate)) found.push(candidate)
    }
  }
  assert.equal(found.length, 1, `one cached ${file}: ${found.join(', ')}`)
  return found[0] ?? ''
}

/** A script of exactly `size` bytes that leaves `mark` behind if it ever runs. */
function markingScript(mark: string, size: number): string {
  const script = ['#!/bin/sh', `echo ran >> '${mark}'`, `printf 'Version:     1.3.2\\n'`, '#'].join(
    '\n'
  )
  assert.ok(script.length + 1 <= size, 'the replacement fits in the original size')
  return script + '#'.repeat(size - script.length - 1) + '\n'
}

const warnings = (stdout: string): string[] =>
  stdout.split('\n').filter(line => line.startsWith('::warning::'))

describe('setup on a tampered tool cache', () => {
  test('a same-size replacement of the cached notation never runs: warned, fetched again, run succeeds', async () => {
    const first = await runAction({ inputs: setupInputs(), dirs })
    assert.equal(first.code, 0, first.stdout)
    const cached = first.outputs['notation-path'] ?? ''
    const original = await readFile(cached)
    const mark = path.join(dirs.root, 'tampered-notation-ran')
    const replacement = markingScript(mark, original.length)
    await writeFile(cached, replacement)
    assert.equal((await stat(cached)).size, original.length)

    server.reset()
    const second = await runAction({ inputs: setupInputs(), dirs })
    assert.equal(existsSync(mark), false, 'the replaced notation never ran')
    assert.equal(second.code, 0, second.stdout)
    assert.deepEqual(warnings(second.stdout), [
      `::warning::Cached notation 1.3.2 in ${path.dirname(cached)} was changed after it was cached: ` +
        `${JSON.stringify(cached)} does not match the SHA-256 recorded when it was cached. ` +
        'Not using it: the entry is discarded and the release downloaded again.'
    ])
    assert.deepEqual(
      server.calls.map(c => c.path),
      ['/dl/notation_1.3.2_linux_amd64.tar.gz'],
      'notation is downloaded again (its checksum checked as usual); the plugin comes from the cache'
    )
    assert.equal(second.outputs['notation-path'], cached)
    assert.deepEqual(await readFile(cached), original, 'the cache holds the release again')

    server.reset()
    const third = await runAction({ inputs: setupInputs(), dirs })
    assert.equal(third.code, 0, third.stdout)
    assert.equal(server.calls.length, 0, 'the re-cached entry is used as it is')
    assert.deepEqual(warnings(third.stdout), [])
    assert.equal(existsSync(mark), false)
  })

  test('a same-size replacement of the cached plugin is never placed: warned and fetched again', async () => {
    assert.equal((await runAction({ inputs: setupInputs(), dirs })).code, 0)
    const cached = await cachedFile('notation-azure-kv', 'notation-azure-kv')
    const original = await readFile(cached)
    // Same size, other content: a plugin that claims another version.
    const replacement = original.toString().replace('"1.2.1"', '"6.6.6"')
    assert.notEqual(replacement, original.toString())
    await writeFile(cached, replacement)

    server.reset()
    const run = await runAction({ inputs: setupInputs(), dirs })
    assert.equal(run.code, 0, run.stdout)
    assert.match(
      warnings(run.stdout).join('\n'),
      new RegExp(
        `^::warning::Cached azure-kv plugin 1\\.2\\.1 in .* was changed after it was cached: ` +
          `${JSON.stringify(cached).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} does not match`
      )
    )
    assert.deepEqual(
      server.calls.map(c => c.path),
      ['/dl/notation-azure-kv_1.2.1_linux_amd64.tar.gz']
    )
    const placed = path.join(run.exportedEnv['NOTATION_LIBEXEC'] ?? '', 'plugins', 'azure-kv')
    assert.deepEqual(await readFile(path.join(placed, 'notation-azure-kv')), original)
  })

  test('a file added next to the cached notation (its folder goes on PATH) discards the entry', async () => {
    const first = await runAction({ inputs: setupInputs(), dirs })
    assert.equal(first.code, 0, first.stdout)
    const planted = path.join(path.dirname(first.outputs['notation-path'] ?? ''), 'git')
    await writeFile(planted, '#!/bin/sh\necho not git\n', { mode: 0o755 })

    server.reset()
    const run = await runAction({ inputs: setupInputs(), dirs })
    assert.equal(run.code, 0, run.stdout)
    assert.match(
      warnings(run.stdout).join('\n'),
      /^::warning::Cached notation 1\.3\.2 in .* was changed after it was cached: ".*\/git" was not there when it was cached\./
    )
    assert.equal(existsSync(planted), false, 'the planted file went with the entry')
    assert.equal(server.calls.length, 1)
  })

  test('an entry cached without the checksums of its files is reinstalled, without a warning', async () => {
    const first = await runAction({ inputs: setupInputs(), dirs })
    assert.equal(first.code, 0, first.stdout)
    // The marker as versions before the file checksums wrote it.
    const marker = path.join(
      path.dirname(first.outputs['notation-path'] ?? ''),
      '.notation-akv-action.json'
    )
    const {
      sha256: archive,
      binary,
      size
    } = JSON.parse(await readFile(marker, 'utf8')) as Record<string, unknown>
    await writeFile(marker, JSON.stringify({ sha256: archive, binary, size }))

    server.reset()
    const run = await runAction({ inputs: setupInputs(), dirs })
    assert.equal(run.code, 0, run.stdout)
    assert.match(
      run.stdout,
      /Cached notation 1\.3\.2 was cached without the checksums of its files; reinstalling\./
    )
    assert.deepEqual(warnings(run.stdout), [])
    assert.deepEqual(
      server.calls.map(c => c.path),
      ['/dl/notation_1.3.2_linux_amd64.tar.gz']
    )
  })
})

describe('setup refuses what it cannot verify', () => {
  test('a wrong checksum fails and leaves nothing in the tool cache or on PATH', async () => {
    const run = await runAction({
      inputs: setupInputs({ 'notation-checksum': 'a'.repeat(64) }),
      dirs
    })
    assert.equal(run.code, 1)
    assert.match(
      run.errors.join('\n'),
      /Checksum mismatch for .*notation_1\.3\.2_linux_amd64\.tar\.gz/
    )
    assert.deepEqual(run.addedPaths, [])
    assert.equal(run.outputs['notation-path'], undefined)
    assert.equal(existsSync(path.join(dirs.toolCache, 'notation')), false)
    assert.equal(run.exportedEnv['NOTATION_CONFIG'], undefined)
    // What the failed install created is known to the post step, which removes it.
    assert.ok(existsSync(run.state['workDir'] ?? '/nonexistent'))
    const postRun = await runAction({ inputs: setupInputs(), dirs, state: run.state })
    assert.equal(postRun.code, 0)
    assert.deepEqual(await readdir(dirs.temp), [])
  })

  test('a custom URL without its checksum fails before any download', async () => {
    const run = await runAction({ inputs: setupInputs({ 'notation-checksum': '' }), dirs })
    assert.equal(run.code, 1)
    assert.match(run.errors.join('\n'), /Input 'notation-checksum': is required with notation-url/)
    assert.equal(server.calls.length, 0)
  })

  test('a 404 fails with the URL in the message', async () => {
    const url = `${server.origin}/dl/missing.tar.gz`
    const run = await runAction({ inputs: setupInputs({ 'notation-url': url }), dirs })
    assert.equal(run.code, 1)
    assert.ok(run.errors.join('\n').includes(`HTTP 404 Not Found from ${url}`), run.stdout)
    assert.equal(downloads(), 2, 'a 404 is not retried (one call for it, one for the plugin)')
  })

  test('a 500 then a 200 succeeds through a retry', async () => {
    server.inject({ route: 'download', kind: 'status', status: 500, calls: [1] })
    const run = await runAction({ inputs: setupInputs(), dirs })
    assert.equal(run.code, 0, run.stdout)
    assert.deepEqual(
      server.calls.map(c => c.status).sort(),
      [200, 200, 500],
      'one failed call and two good ones'
    )
    assert.match(run.stdout, /HTTP 500 .*retrying in \d+ ms \(attempt 2 of 4\)/)
  })

  test('a truncated download fails and caches nothing', async () => {
    server.inject({ route: 'download', kind: 'truncate' })
    const run = await runAction({ inputs: setupInputs(), dirs })
    assert.equal(run.code, 1)
    assert.match(run.errors.join('\n'), /Download failed: .*notation|Download failed: .*azure-kv/)
    assert.ok(downloads() > 2, 'a connection cut short is retried before giving up')
    assert.deepEqual(await toolCacheEntries(), [])
  })

  test('a truncated archive that downloads whole is refused by its checksum or its structure', async () => {
    const full = tarGz(notationArchive('1.3.2'))
    const cut = full.subarray(0, Math.floor(full.length / 2))
    archives.set('cut.tar.gz', cut)
    const run = await runAction({
      inputs: setupInputs({
        'notation-url': `${server.origin}/dl/cut.tar.gz`,
        'notation-checksum': sha256(cut)
      }),
      dirs
    })
    assert.equal(run.code, 1)
    assert.match(run.errors.join('\n'), /\/dl\/cut\.tar\.gz is not a readable tar\.gz archive/)
    assert.equal(existsSync(path.join(dirs.toolCache, 'notation')), false)
  })

  test('an archive with a path-traversal entry fails and nothing is installed', async () => {
    const evil = publish('evil.tar.gz', [
      ...notationArchive('1.3.2'),
      { path: '../../escaped', content: 'owned' }
    ])
    const run = await runAction({
      inputs: setupInputs({ 'notation-url': evil.url, 'notation-checksum': evil.sha256 }),
      dirs
    })
    assert.equal(run.code, 1)
    assert.match(
      run.errors.join('\n'),
      /Refusing to extract http:\/\/127\.0\.0\.1:\d+\/dl\/evil\.tar\.gz: entry '\.\.\/\.\.\/escaped' escapes the target folder/
    )
    assert.equal(existsSync(path.join(dirs.temp, '..', 'escaped')), false)
    assert.equal(existsSync(path.join(dirs.toolCache, 'notation')), false)
    assert.deepEqual(run.addedPaths, [])
  })

  test('a symlink pointing outside the folder fails', async () => {
    const evil = publish('link.tar.gz', [
      { path: 'notation', type: 'symlink', linkTarget: '/bin/sh' }
    ])
    const run = await runAction({
      inputs: setupInputs({ 'notation-url': evil.url, 'notation-checksum': evil.sha256 }),
      dirs
    })
    assert.equal(run.code, 1)
    assert.match(run.errors.join('\n'), /entry 'notation' is a link to an absolute path/)
  })

  test('the version check catches a binary that reports another version', async () => {
    const liar = publish('liar.tar.gz', notationArchive('1.1.0'))
    const run = await runAction({
      inputs: setupInputs({ 'notation-url': liar.url, 'notation-checksum': liar.sha256 }),
      dirs
    })
    assert.equal(run.code, 1)
    assert.match(run.errors.join('\n'), /reports version 1\.1\.0 but 1\.3\.2 was wanted/)
    assert.equal(existsSync(path.join(dirs.toolCache, 'notation')), false)
  })

  test('an archive without the notation binary fails', async () => {
    const empty = publish('empty.tar.gz', [{ path: 'README', content: 'nothing here' }])
    const run = await runAction({
      inputs: setupInputs({ 'notation-url': empty.url, 'notation-checksum': empty.sha256 }),
      dirs
    })
    assert.equal(run.code, 1)
    assert.match(run.errors.join('\n'), /does not contain notation at its top level/)
  })
})
