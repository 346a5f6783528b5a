// The code's layout holds: no import circle under src/ (the check .ci/run runs, proven to find
// circles made of static, type-only and dynamic imports), only the flow and the input readers know
// the Inputs type, and src/ itself keeps to its entry points.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { readFileSync, readdirSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { test } from 'node:test'
import { ROOT } from '../support/action.ts'

const SCRIPT = path.join(ROOT, 'scripts', 'import-cycles.ts')

function runCheck(dir: string): Promise<{ code: number; stdout: string }> {
  return new Promise(resolve => {
    execFile(process.execPath, [SCRIPT, dir], { cwd: ROOT }, (error, stdout) => {
      resolve({ code: error === null ? 0 : Number(error.code), stdout })
    })
  })
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(full)
    return entry.name.endsWith('.ts') ? [full] : []
  })
}

test('src/ has no import circle', async () => {
  const { code, stdout } = await runCheck(path.join(ROOT, 'src'))
  assert.equal(code, 0, stdout)
  assert.match(stdout, /^no import circles among \d+ files/)
})

test('the check finds circles of static, type-only and dynamic imports, and names the files', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'akv-cycles-'))
  try {
    await writeFile(path.join(dir, 'a.ts'), "import { b } from './b.ts'\nexport const a = b\n")
    await writeFile(path.join(dir, 'b.ts'), "import type { C } from './c.ts'\nexport const b = 1\n")
    await writeFile(
      path.join(dir, 'c.ts'),
      "export type C = number\nexport const load = () => import('./a.ts')\n"
    )
    await writeFile(path.join(dir, 'd.ts'), "import { a } from './a.ts'\nexport const d = a\n")
    const found = await runCheck(dir)
    assert.equal(found.code, 1, found.stdout)
    assert.match(found.stdout, /import circle of 3 files/)
    for (const name of ['a.ts', 'b.ts', 'c.ts']) assert.ok(found.stdout.includes(name), name)
    assert.ok(!found.stdout.includes('d.ts'), 'd.ts only leans on the circle')

    await writeFile(path.join(dir, 'c.ts'), 'export type C = number\n')
    const broken = await runCheck(dir)
    assert.equal(broken.code, 0, broken.stdout)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})

test('only main.ts and src/inputs/ know the Inputs type', () => {
  const src = path.join(ROOT, 'src')
  const importers = sourceFiles(src)
    .filter(file =>
      /import[^;]*\bInputs\b[^;]*from\s+'[^']*inputs\/inputs\.ts'/s.test(readFileSync(file, 'utf8'))
    )
    .map(file => path.relative(src, file))
    .filter(file => file !== 'main.ts' && !file.startsWith(`inputs${path.sep}`))
  assert.deepEqual(importers, [])
})

test('src/ itself holds at most five files: the entry points and the flow', () => {
  const top = readdirSync(path.join(ROOT, 'src'), { withFileTypes: true }).filter(e => e.isFile())
  assert.ok(top.length <= 5, top.map(e => e.name).join(', '))
})
