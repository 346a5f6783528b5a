// Which notation the tests run. The real CLI is the verifier of record, so tests run it wherever one
// can be found: NOTATION_BIN (a path) when set; else the copy built from notation's public source
// for tests (shared/tools, beside the project); else the official release for this platform,
// downloaded once by the action's own pinned checksum into a cache outside the repository.
// Without any of these (offline, another platform) `realNotation` says why, and callers skip.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { chmod, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import * as tar from 'tar'
import { DEFAULT_NOTATION_VERSION, NOTATION_CHECKSUMS } from '../../src/install/releases.ts'
import { ROOT } from './action.ts'

export interface RealNotation {
  /** Absolute path of the executable. */
  path: string
  /** What `notation version` printed as its version, e.g. `1.3.2`. */
  version: string
  /** Where it came from: `NOTATION_BIN`, `shared tools` or `official release`. */
  source: string
  /** For reports: `notation 1.3.2 (real, <source>: <path>)`. */
  label: string
}

const SHARED = path.join('shared', 'tools', 'notation-1.3.2-linux-amd64', 'notation')
/** The project root is the main checkout (../shared) or a worktree one or two levels further down. */
const SHARED_CANDIDATES = [
  path.resolve(ROOT, '..', SHARED),
  path.resolve(ROOT, '..', '..', SHARED),
  path.resolve(ROOT, '..', '..', '..', SHARED)
]

function versionOf(binary: string): string {
  const out = execFileSync(binary, ['version'], {
    encoding: 'utf8',
    timeout: 30_000,
    env: { PATH: process.env['PATH'] ?? '', HOME: os.tmpdir() }
  })
  const match = /Version:\s*v?(\d+\.\d+\.\d+\S*)/.exec(out)
  if (!match) throw new Error(`${binary} version printed no version:\n${out}`)
  return match[1]!
}

function described(binary: string, source: string): RealNotation {
  const version = versionOf(binary)
  return {
    path: binary,
    version,
    source,
    label: `notation ${version} (real, ${source}: ${binary})`
  }
}

function platformKey(): string | undefined {
  const os = { linux: 'linux', darwin: 'darwin' }[process.platform as string]
  const arch = { x64: 'amd64', arm64: 'arm64' }[process.arch as string]
  return os && arch ? `${os}_${arch}` : undefined
}

/** The official release, fetched once by its pinned checksum into ~/.cache (or XDG_CACHE_HOME). */
async function officialRelease(): Promise<RealNotation | string> {
  const key = platformKey()
  const version = DEFAULT_NOTATION_VERSION
  const sha256 = key
    ? (NOTATION_CHECKSUMS[version] as Record<string, string | undefined>)[key]
    : undefined
  if (!key || !sha256)
    return `no pinned notation ${version} release for ${process.platform}/${process.arch}`
  const cacheRoot = process.env['XDG_CACHE_HOME'] || path.join(os.homedir(), '.cache')
  const dir = path.join(cacheRoot, 'notation-akv-action-tests', `notation-${version}-${key}`)
  const binary = path.join(dir, 'notation')
  if (existsSync(binary)) return described(binary, 'official release')
  const url = `https://github.com/notaryproject/notation/releases/download/v${version}/notation_${version}_${key}.tar.gz`
  let body: Buffer
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(60_000) })
    if (!response.ok) return `downloading ${url} answered HTTP ${response.status}`
    body = Buffer.from(await response.arrayBuffer())
  } catch (error) {
    return `downloading ${url} failed: ${(error as Error).message}`
  }
  const actual = createHash('sha256').update(body).digest('hex')
  if (actual !== sha256) return `${url} has SHA-256 ${actual}, not the pinned ${sha256}`
  await mkdir(path.dirname(dir), { recursive: true })
  const stage = await mkdtemp(`${dir}.partial-`)
  try {
    await writeFile(path.join(stage, 'release.tar.gz'), body)
    await tar.x({ file: path.join(stage, 'release.tar.gz'), cwd: stage }, ['notation'])
    await rm(path.join(stage, 'release.tar.gz'))
    await chmod(path.join(stage, 'notation'), 0o755)
    await rename(stage, dir).catch(async () => rm(stage, { recursive: true, force: true }))
  } finally {
    await rm(stage, { recursive: true, force: true })
  }
  return existsSync(binary) ? described(binary, 'official release') : `could not unpack ${url}`
}

let found: Promise<RealNotation | string> | undefined

/**
 * The real notation the tests run, or why there is none (a reason for `skip`). Found once per
 * process. NOTATION_BIN, when set, must work: a broken one is an error, not a skip.
 */
export function realNotation(): Promise<RealNotation | string> {
  found ??= (async () => {
    const given = process.env['NOTATION_BIN']
    if (given) return described(path.resolve(given), 'NOTATION_BIN')
    const shared = SHARED_CANDIDATES.find(p => existsSync(p))
    if (shared && process.platform === 'linux' && process.arch === 'x64') {
      return described(shared, 'shared tools')
    }
    if (process.env['NOTATION_TESTS_OFFLINE']) {
      return 'no real notation: NOTATION_BIN is unset, shared/tools has none and NOTATION_TESTS_OFFLINE forbids a download'
    }
    return officialRelease()
  })()
  return found
}

/** For `describe(..., { skip })`: false when real notation is here, else the reason. */
export async function skipWithoutRealNotation(): Promise<false | string> {
  const notation = await realNotation()
  if (typeof notation !== 'string') return false
  // On CI a missing notation fails the tests that need it (requireRealNotation says why), as a
  // missing registry does: a silent skip there would hide the coverage that was lost.
  return process.env['CI'] === 'true' ? false : notation
}

/** The real notation, for code that runs only when `skipWithoutRealNotation()` was false. */
export async function requireRealNotation(): Promise<RealNotation> {
  const notation = await realNotation()
  if (typeof notation === 'string') throw new Error(notation)
  return notation
}

/** SHA-256 of a file, hex. */
export function sha256Of(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex')
}

/** One notation run through the logging wrapper (the real CLI's result is the action's to check). */
export interface RealCall {
  argv: string[]
  cwd: string
  /** Names of the NOTATION_* and AZURE_* variables present (values never logged). */
  env: Record<string, true>
  /** NOTATION_USERNAME's value (a user name, never a secret), or null. */
  username: string | null
  passwordSet: boolean
  /** The files in NOTATION_CONFIG as the call started (trust policy, trust store): what it reads. */
  files: string[]
}

const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`

/**
 * The wrapper packed as `notation`: it records the call (arguments, cwd, variable names, the
 * files of its NOTATION_CONFIG) in
 * `logDir`, then `exec`s the real binary packed beside it, so the process the action starts, waits
 * for and signals is the real notation itself.
 */
function loggingWrapper(logDir: string, prelude: readonly string[]): string {
  return [
    '#!/bin/sh',
    '# Test wrapper: records this call, then becomes the real notation packed beside it.',
    `f=${q(logDir)}/"$(date +%s%N)-$$"`,
    `printf '%s\\0' "$@" > "$f.argv"`,
    `env | sed -n 's/^\\(NOTATION_[A-Z0-9_]*\\|AZURE_[A-Z0-9_]*\\)=.*/\\1/p' > "$f.env"`,
    `printf '%s' "\${NOTATION_USERNAME-}" > "$f.user"`,
    `pwd > "$f.cwd"`,
    `if [ -n "\${NOTATION_CONFIG-}" ]; then find "$NOTATION_CONFIG" -type f > "$f.files" 2>/dev/null; fi`,
    ...prelude,
    `exec "$(dirname "$0")/notation.bin" "$@"`,
    ''
  ].join('\n')
}

/**
 * A release-like `notation_<v>_linux_amd64.tar.gz` holding the real notation (as `notation.bin`),
 * the logging wrapper (as `notation`) and its LICENSE; the action installs it through its
 * custom-URL path like any release. Calls are read back with `readRealCalls(logDir)`. `prelude`:
 * shell lines a test adds to the wrapper, run before the real notation (a probe; never a fault).
 */
export async function packRealNotationArchive(
  dir: string,
  notation: RealNotation,
  logDir: string,
  prelude: readonly string[] = []
): Promise<{ file: string; sha256: string }> {
  const stage = path.join(dir, 'stage-real-notation')
  await mkdir(stage, { recursive: true })
  await mkdir(logDir, { recursive: true })
  await writeFile(path.join(stage, 'notation.bin'), readFileSync(notation.path), { mode: 0o755 })
  await writeFile(path.join(stage, 'notation'), loggingWrapper(logDir, prelude), { mode: 0o755 })
  const license = path.join(path.dirname(notation.path), 'LICENSE')
  await writeFile(
    path.join(stage, 'LICENSE'),
    existsSync(license) ? readFileSync(license) : 'Apache License 2.0\n'
  )
  const file = path.join(dir, `notation_${notation.version}_linux_amd64.tar.gz`)
  await tar.c({ gzip: { level: 1 }, cwd: stage, file, portable: true }, [
    'notation',
    'notation.bin',
    'LICENSE'
  ])
  await rm(stage, { recursive: true, force: true })
  return { file, sha256: sha256Of(file) }
}

/** The calls the logging wrapper recorded, oldest first. */
export function readRealCalls(logDir: string): RealCall[] {
  if (!existsSync(logDir)) return []
  const stems = readdirSync(logDir)
    .filter(f => f.endsWith('.argv'))
    .map(f => f.slice(0, -'.argv'.length))
    .sort((a, b) => {
      const [ta, pa] = a.split('-').map(BigInt)
      const [tb, pb] = b.split('-').map(BigInt)
      return ta! === tb! ? Number(pa! - pb!) : ta! < tb! ? -1 : 1
    })
  return stems.map(stem => {
    const read = (ext: string): string => {
      const file = path.join(logDir, `${stem}.${ext}`)
      return existsSync(file) ? readFileSync(file, 'utf8') : ''
    }
    const argv = read('argv').split('\0')
    argv.pop()
    const env: Record<string, true> = {}
    for (const name of read('env').split('\n')) if (name) env[name] = true
    const user = read('user')
    return {
      argv,
      cwd: read('cwd').trim(),
      env,
      username: user === '' ? null : user,
      passwordSet: env['NOTATION_PASSWORD'] === true,
      files: read('files')
        .split('\n')
        .filter(line => line !== '')
    }
  })
}
