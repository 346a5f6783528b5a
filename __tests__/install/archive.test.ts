import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import { extractArchive, unsafeEntryReason } from '../../src/install/archive.ts'
import { tarGz, zip, type Entry } from '../support/archives.ts'

let dir: string
before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'akv-archive-'))
})
after(() => rm(dir, { recursive: true, force: true }))

async function extract(kind: 'zip' | 'tar.gz', entries: Entry[]): Promise<string> {
  const file = path.join(dir, `${Math.random().toString(36).slice(2)}.${kind}`)
  await writeFile(file, kind === 'zip' ? zip(entries) : tarGz(entries))
  const dest = await mkdtemp(path.join(dir, 'out-'))
  await extractArchive(file, dest, kind)
  return dest
}

describe('unsafeEntryReason', () => {
  const cases: [string, Parameters<typeof unsafeEntryReason>[0], RegExp | undefined][] = [
    ['plain file', { path: 'notation', type: 'file' }, undefined],
    ['nested file', { path: 'bin/notation', type: 'file' }, undefined],
    ['dot segments that stay inside', { path: './a/../notation', type: 'file' }, /escapes/],
    ['parent escape', { path: '../notation', type: 'file' }, /escapes the target folder/],
    ['deep escape', { path: 'a/../../b', type: 'file' }, /escapes/],
    ['absolute', { path: '/etc/passwd', type: 'file' }, /absolute path/],
    ['windows drive', { path: 'C:\\Windows\\x', type: 'file' }, /absolute path/],
    ['backslash escape', { path: '..\\x', type: 'file' }, /escapes/],
    ['device', { path: 'dev', type: 'other' }, /not a regular file/],
    ['symlink inside', { path: 'a/link', type: 'symlink', linkTarget: '../notation' }, undefined],
    [
      'symlink outside',
      { path: 'a/link', type: 'symlink', linkTarget: '../../x' },
      /pointing outside/
    ],
    ['symlink absolute', { path: 'link', type: 'symlink', linkTarget: '/bin/sh' }, /absolute path/],
    ['hardlink outside', { path: 'a/b', type: 'hardlink', linkTarget: '../x' }, /pointing outside/]
  ]
  for (const [name, entry, expected] of cases) {
    test(name, () => {
      const reason = unsafeEntryReason(entry)
      if (expected === undefined) assert.equal(reason, undefined)
      else assert.match(reason ?? '', expected)
    })
  }
})

describe('extractArchive', () => {
  test('extracts a tar.gz and a zip with their executables', async () => {
    for (const kind of ['tar.gz', 'zip'] as const) {
      const dest = await extract(kind, [
        { path: 'notation', content: '#!/bin/sh\n' },
        { path: 'LICENSE', content: 'text' }
      ])
      assert.deepEqual((await readdir(dest)).sort(), ['LICENSE', 'notation'])
      assert.equal(await readFile(path.join(dest, 'notation'), 'utf8'), '#!/bin/sh\n')
    }
  })
  test('a zip with a traversal entry is refused before anything is written', async () => {
    const file = path.join(dir, 'evil.zip')
    await writeFile(
      file,
      zip([
        { path: 'good', content: 'x' },
        { path: '../evil', content: 'y' }
      ])
    )
    const dest = await mkdtemp(path.join(dir, 'out-'))
    await assert.rejects(extractArchive(file, dest, 'zip'), /evil\.zip|invalid relative path/)
    assert.deepEqual(await readdir(dest), [])
    assert.equal(existsSync(path.join(dir, 'evil')), false)
  })
  test('a zip with a symlink is refused', async () => {
    await assert.rejects(
      extract('zip', [{ path: 'notation.exe', type: 'symlink', linkTarget: '/bin/sh' }]),
      /entry 'notation\.exe' is a link to an absolute path/
    )
  })
  test('a tar.gz with a symlink out of the folder writes nothing', async () => {
    const file = path.join(dir, 'link.tar.gz')
    await writeFile(
      file,
      tarGz([
        { path: 'ok', content: 'x' },
        { path: 'l', type: 'symlink', linkTarget: '../../etc' }
      ])
    )
    const dest = await mkdtemp(path.join(dir, 'out-'))
    await assert.rejects(
      extractArchive(file, dest, 'tar.gz'),
      /entry 'l' is a link pointing outside the target folder/
    )
    assert.deepEqual(await readdir(dest), [])
  })
  test('garbage is reported as an unreadable archive', async () => {
    const file = path.join(dir, 'junk.zip')
    await writeFile(file, 'not a zip at all')
    await assert.rejects(
      extractArchive(file, dir, 'zip'),
      /junk\.zip is not a readable zip archive/
    )
  })
})
