// .dockerignore as a hostile workspace may write it: patterns that make a backtracking matcher run
// for hours (the step's timeout-minutes could not fire while it did), and a .dockerignore that is a
// FIFO (a read that never ends). Through the committed bundle, and the matcher in a child process
// with a deadline, so a matcher that hangs fails the test instead of hanging it.
import assert from 'node:assert/strict'
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { after, before, describe, test } from 'node:test'
import { compilePattern, isIgnored, parseDockerignore } from '../../src/build/build-context.ts'
import { listArchive } from '../stack/arm.ts'
import { startE2E, type E2E } from '../support/e2e.ts'
import { e2eDescribe } from '../support/stack-env.ts'

/** Twelve stars between the a's: a backtracking matcher tries ~C(n, 12) splits of an a-only name. */
const PATHOLOGICAL = '*a*a*a*a*a*a*a*a*a*a*a*a*b'
/** Within a file name's 255 bytes: long enough that backtracking would take far past any timeout. */
const LONG_NAME = 'a'.repeat(250)
const LONG_NAME_B = `${'a'.repeat(249)}b`

describe('.dockerignore matching stays linear (Docker compiles to RE2; so must we)', () => {
  test('the pathological pattern against long names decides in a child within 10 s', () => {
    const module = pathToFileURL(
      path.join(import.meta.dirname, '..', '..', 'src', 'build', 'build-context.ts')
    )
    const script = `
      import { compilePattern } from ${JSON.stringify(module.href)}
      const matcher = compilePattern(${JSON.stringify(PATHOLOGICAL)})
      const started = performance.now()
      const results = [
        matcher.test('a'.repeat(4000)),
        matcher.test('a'.repeat(4000) + 'b'),
        matcher.test('x/' + 'a'.repeat(4000) + 'b')
      ]
      console.log(JSON.stringify({ results, ms: performance.now() - started }))
    `
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      timeout: 10_000,
      encoding: 'utf8'
    })
    assert.equal(child.signal, null, `the matcher was still running after 10 s: ${child.stderr}`)
    assert.equal(child.status, 0, child.stderr)
    const { results, ms } = JSON.parse(child.stdout) as { results: boolean[]; ms: number }
    assert.deepEqual(results, [false, true, false])
    assert.ok(ms < 2000, `${ms} ms`)
  })

  test('Docker semantics kept: stars, ?, **, classes, escapes, last rule wins', () => {
    const cases: [string, string, boolean][] = [
      ['*.md', 'README.md', true],
      ['*.md', 'docs/README.md', false],
      ['*/*.md', 'docs/README.md', true],
      ['**/*.log', 'a.log', true],
      ['**/*.log', 'x/y/z.log', true],
      ['**', 'anything/at/all', true],
      ['a/**', 'a/b/c', true],
      ['a/**/b', 'a/b', true],
      ['a/**/b', 'a/x/y/b', true],
      ['a/**/b', 'a/xb', false],
      ['tmp?', 'tmp1', true],
      ['tmp?', 'tmp/', false],
      ['tmp?', 'tmp12', false],
      ['file[0-9].txt', 'file7.txt', true],
      ['file[!0-9].txt', 'file7.txt', false],
      ['file[!0-9].txt', 'filex.txt', true],
      ['a\\*b', 'a*b', true],
      ['a\\*b', 'axb', false],
      ['a.b', 'axb', false],
      ['a+(b)', 'a+(b)', true],
      ['[]a]', ']', false],
      [PATHOLOGICAL, `${'a'.repeat(12)}b`, true],
      [PATHOLOGICAL, `${'a'.repeat(11)}b`, false],
      ['**', 'line\nbreak', false],
      ['*', 'line\nbreak', true]
    ]
    for (const [pattern, file, expected] of cases) {
      assert.equal(compilePattern(pattern).test(file), expected, `${pattern} against ${file}`)
    }
    const rules = parseDockerignore('docs\n!docs/keep.md\n*.tmp\n')
    assert.equal(isIgnored(rules, 'docs/guide.md'), true)
    assert.equal(isIgnored(rules, 'docs/keep.md'), false)
    assert.equal(isIgnored(rules, 'x.tmp'), true)
  })

  test('the same answers as the former RegExp, on 10 000 random short patterns', () => {
    // The RegExp the matcher replaced, kept here as the reference (safe on names this short).
    const reference = (pattern: string): RegExp => {
      let source = '^'
      for (let i = 0; i < pattern.length; i++) {
        const ch = pattern[i] as string
        if (ch === '*') {
          if (pattern[i + 1] === '*') {
            i++
            if (pattern[i + 1] === '/') i++
            source += i + 1 >= pattern.length ? '.*' : '(?:.*/)?'
          } else source += '[^/]*'
        } else if (ch === '?') source += '[^/]'
        else if (ch === '\\') {
          source += (pattern[i + 1] ?? '').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
          i++
        } else if (ch === '[') {
          const end = pattern.indexOf(']', i + 2)
          let body = pattern.slice(i + 1, end)
          if (body.startsWith('!')) body = `^${body.slice(1)}`
          source += `[${body.replace(/\\/g, '\\\\').replace(/\//g, '')}]`
          i = end
        } else source += '.+(){}|^$'.includes(ch) ? `\\${ch}` : ch
      }
      return new RegExp(`${source}$`)
    }
    const atoms = [
      'a',
      'b',
      '/',
      '*',
      '**',
      '**/',
      '?',
      '[ab]',
      '[!a]',
      '[a-b]',
      '\\*',
      '.',
      '[]a]'
    ]
    const units = ['a', 'b', '/', '*', '.', ']', '\n']
    let seed = 12345
    const pick = <T>(list: readonly T[]): T => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return list[seed % list.length] as T
    }
    for (let t = 0; t < 10_000; t++) {
      let pattern = ''
      for (let i = 1 + (t % 6); i > 0; i--) pattern += pick(atoms)
      const expected = reference(pattern)
      const actual = compilePattern(pattern)
      for (let k = 0; k < 10; k++) {
        let name = ''
        for (let i = k % 7; i > 0; i--) name += pick(units)
        assert.equal(actual.test(name), expected.test(name), `${pattern} against ${name}`)
      }
    }
  })

  test('an error names the line, never its text', () => {
    assert.throws(
      () => parseDockerignore('ok\nghp_secretish[abc\n'),
      (error: Error) =>
        /\.dockerignore: the pattern on line 2 has an unterminated character class/.test(
          error.message
        ) && !error.message.includes('ghp_secretish')
    )
  })
})

e2eDescribe('.dockerignore through the committed bundle', () => {
  let e2e: E2E
  let buildInputs: Record<string, string>

  before(async () => {
    e2e = await startE2E()
    await e2e.stack.keyVault.vault.seedSelfSigned('signer', {
      subject: 'CN=signer.example,O=Example,L=Seattle,ST=WA,C=US'
    })
    const env = e2e.stack.env()
    buildInputs = {
      ...e2e.azureInputs,
      command: 'build sign verify',
      certificate: 'signer',
      images: `${e2e.stack.registry.host}/ignored:v1`,
      'build-context': 'app',
      'azure-subscription-id': env['STACK_SUBSCRIPTION_ID'] ?? '',
      'resource-group': env['STACK_RESOURCE_GROUP'] ?? ''
    }
  })
  after(async () => {
    await e2e?.stop()
  })

  async function freshApp(): Promise<string> {
    const app = path.join(e2e.dirs.workspace, 'app')
    await rm(app, { recursive: true, force: true })
    await mkdir(app, { recursive: true })
    await writeFile(path.join(app, 'Dockerfile'), 'FROM scratch\nCOPY . /\n')
    return app
  }

  test('a backtracking pattern against a long name packs at once, and the build goes on', async () => {
    const app = await freshApp()
    await writeFile(path.join(app, '.dockerignore'), `${PATHOLOGICAL}\n`)
    await writeFile(path.join(app, LONG_NAME), 'kept: no b at the end\n')
    await writeFile(path.join(app, LONG_NAME_B), 'left out\n')
    e2e.stack.arm.uploads.clear()
    e2e.stack.arm.scriptNextRun({ queuedPolls: 0, runningPolls: 0, logChunks: ['built\n'] })
    const started = Date.now()
    // A backtracking matcher never returns here: the harness kills the run at 60 s, and the step's
    // own timeout-minutes (1) cannot fire first, for the event loop never turns.
    const run = await e2e.run({ ...buildInputs, 'timeout-minutes': '1' })
    const elapsed = Date.now() - started
    assert.equal(run.code, 0, run.stdout + run.stderr)
    assert.deepEqual(run.errors, [])
    assert.ok(elapsed < 45_000, `${elapsed} ms`)
    const upload = [...e2e.stack.arm.uploads.values()].at(-1)
    assert.ok(upload, 'the context was uploaded')
    const entries = listArchive(upload.bytes)
    assert.ok(entries.includes(LONG_NAME), 'the name the pattern does not match is packed')
    assert.ok(!entries.includes(LONG_NAME_B), 'the name it matches is left out')
  })

  test('a .dockerignore that is a FIFO is refused up front, not read forever', async () => {
    // From an empty runner (a fresh workspace too): nothing installed that the run could reuse.
    await e2e.resetRunner()
    const app = await freshApp()
    execFileSync('mkfifo', [path.join(app, '.dockerignore')])
    const downloads = e2e.downloads.calls.length
    const run = await e2e.run({ ...buildInputs, 'timeout-minutes': '1' })
    assert.equal(run.code, 1, run.stdout + run.stderr)
    assert.equal(run.errors.length, 1, run.stdout + run.stderr)
    assert.match(
      run.errors[0] ?? '',
      /^Input 'build-context': '\.dockerignore' is not a regular file\./
    )
    assert.equal(e2e.downloads.calls.length, downloads, 'nothing was downloaded')
    assert.deepEqual(await readdir(e2e.dirs.toolCache), [], 'nothing was installed')
  })
})
