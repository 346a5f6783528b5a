// Packs a local build context into a gzipped tar the way `az acr build` does: .dockerignore rules
// (Docker's pattern syntax, last matching rule wins, a rule on a folder covers what is under it),
// version-control folders left out by default, and the Dockerfile always included. The archive is
// deterministic: sorted entries, fixed times, no owners, normalised modes.
import { createHash } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { lstat, mkdtemp, readdir, readFile, realpath, rm, stat } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import { InputError } from './errors.ts'

/** Left out unless a .dockerignore rule brings them back (az acr build's default list). */
export const DEFAULT_IGNORES = [
  '.git',
  '.gitignore',
  '.bzr',
  'bzrignore',
  '.hg',
  '.hgignore',
  '.svn'
]

/** Every entry's modification time in the archive (2000-01-01T00:00:00Z). */
export const FIXED_MTIME = new Date(Date.UTC(2000, 0, 1))

export interface IgnoreRule {
  /** The pattern as written, after cleaning (no leading `/`, no `!`). */
  pattern: string
  /** `!pattern`: an exception that brings matching paths back. */
  exception: boolean
  regex: RegExp
}

/** Characters that mean something in a RegExp but nothing special in a Docker pattern. */
const REGEX_SPECIAL = new Set(['.', '+', '(', ')', '{', '}', '|', '^', '$'])

/** Compiles one Docker ignore pattern (already cleaned) to an anchored RegExp. */
export function compilePattern(pattern: string): RegExp {
  let source = '^'
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string
    if (ch === '*') {
      if (pattern[i + 1] === '*') {
        i++
        if (pattern[i + 1] === '/') i++
        // `**` at the end matches everything below; `**/` matches zero or more folders.
        source += i + 1 >= pattern.length ? '.*' : '(?:.*/)?'
      } else {
        source += '[^/]*'
      }
    } else if (ch === '?') {
      source += '[^/]'
    } else if (ch === '\\') {
      const next = pattern[i + 1]
      if (next === undefined) throw new Error('ends with an escape character')
      source += next.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
      i++
    } else if (ch === '[') {
      const end = pattern.indexOf(']', i + 2)
      if (end < 0) throw new Error('has an unterminated character class')
      let body = pattern.slice(i + 1, end)
      if (body.startsWith('!')) body = `^${body.slice(1)}`
      source += `[${body.replace(/\\/g, '\\\\').replace(/\//g, '')}]`
      i = end
    } else if (REGEX_SPECIAL.has(ch)) {
      source += `\\${ch}`
    } else {
      source += ch
    }
  }
  return new RegExp(`${source}$`)
}

/** Cleans a pattern as Docker does: no leading or trailing `/`, `.` and `..` resolved. */
function cleanPattern(pattern: string): string {
  let cleaned = path.posix.normalize(pattern.replace(/\\(?=[/])/g, '/'))
  while (cleaned.startsWith('/')) cleaned = cleaned.slice(1)
  while (cleaned.endsWith('/') && cleaned.length > 1) cleaned = cleaned.slice(0, -1)
  if (cleaned.startsWith('./')) cleaned = cleaned.slice(2)
  return cleaned
}

/** Parses a .dockerignore file: one pattern per line, `#` comments, `!` exceptions. */
export function parseDockerignore(text: string, file = '.dockerignore'): IgnoreRule[] {
  const rules: IgnoreRule[] = []
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/)
  for (const line of lines) {
    if (line.startsWith('#')) continue
    let pattern = line.trim()
    if (pattern === '') continue
    const exception = pattern.startsWith('!')
    if (exception) pattern = pattern.slice(1).trim()
    if (pattern === '') continue
    pattern = cleanPattern(pattern)
    if (pattern === '.' || pattern === '') continue
    let regex: RegExp
    try {
      regex = compilePattern(pattern)
    } catch (error) {
      throw new InputError(
        'build-context',
        `${file}: pattern '${line}' ${(error as Error).message}.`
      )
    }
    rules.push({ pattern, exception, regex })
  }
  return rules
}

/** The rule that decides a path (posix, relative): the last rule matching it or a parent folder. */
export function isIgnored(rules: readonly IgnoreRule[], relative: string): boolean {
  const parts = relative.split('/')
  const candidates: string[] = []
  for (let i = 1; i <= parts.length; i++) candidates.push(parts.slice(0, i).join('/'))
  let ignored = false
  for (const rule of rules) {
    if (candidates.some(c => rule.regex.test(c))) ignored = !rule.exception
  }
  return ignored
}

export interface PackOptions {
  /** The build-context input: a folder, absolute or relative to the workspace. */
  context: string
  /** The dockerfile input, relative to the context (default `Dockerfile`). */
  dockerfile?: string
  /** The folder the context must stay inside (default GITHUB_WORKSPACE, else the cwd). */
  workspace?: string
  /** Where to write the archive (default RUNNER_TEMP, else the OS temp folder). */
  tempDir?: string
}

export interface PackedContext {
  /** The .tar.gz on disk; remove it with cleanup(). */
  file: string
  size: number
  /** `sha256:<hex>` of the archive bytes. */
  sha256: string
  /** Archive entry names in order (folders end in `/`). */
  entries: string[]
  /** The Dockerfile's path inside the archive: what the build request names. */
  dockerfile: string
  /** The resolved context folder. */
  context: string
  /** Paths left out by .dockerignore and the default list (top-most only for whole folders). */
  ignored: string[]
  cleanup(): Promise<void>
}

/** A git context: `https://host/org/repo.git#ref[:subfolder]` (or an Azure DevOps `_git` URL). */
export function isGitContext(context: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(context) || context.startsWith('git@')
}

function within(parent: string, child: string): boolean {
  const relative = path.relative(parent, child)
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative))
}

function toPosix(relative: string): string {
  return relative.split(path.sep).join('/')
}

export interface ResolvedContext {
  context: string
  dockerfileAbsolute: string
  dockerfile: string
}

/** The context folder and Dockerfile, checked: inside the workspace (symlinks too), a folder and a file. */
export async function resolveContext(
  options: Pick<PackOptions, 'context' | 'dockerfile' | 'workspace'>
): Promise<ResolvedContext> {
  const workspace = options.workspace ?? process.env['GITHUB_WORKSPACE'] ?? process.cwd()
  let realWorkspace: string
  try {
    realWorkspace = await realpath(workspace)
  } catch {
    throw new InputError('build-context', `the workspace '${workspace}' does not exist.`)
  }
  const requested = path.resolve(realWorkspace, options.context)
  let context: string
  try {
    context = await realpath(requested)
  } catch {
    throw new InputError('build-context', `'${options.context}' does not exist.`)
  }
  if (!within(realWorkspace, context)) {
    throw new InputError(
      'build-context',
      `'${options.context}' is outside the workspace (${realWorkspace}); build from a folder inside it.`
    )
  }
  if (!(await stat(context)).isDirectory()) {
    throw new InputError('build-context', `'${options.context}' is not a folder.`)
  }
  const name = options.dockerfile ?? 'Dockerfile'
  if (path.isAbsolute(name) || path.win32.isAbsolute(name)) {
    throw new InputError('dockerfile', `'${name}' must be a path relative to the build context.`)
  }
  const dockerfileAbsolute = path.resolve(context, name)
  if (!within(context, dockerfileAbsolute) || dockerfileAbsolute === context) {
    throw new InputError('dockerfile', `'${name}' is outside the build context.`)
  }
  let real: string
  try {
    real = await realpath(dockerfileAbsolute)
  } catch {
    throw new InputError('dockerfile', `'${name}' does not exist in the build context.`)
  }
  if (!within(context, real)) {
    throw new InputError('dockerfile', `'${name}' links to a file outside the build context.`)
  }
  if (!(await stat(real)).isFile()) {
    throw new InputError('dockerfile', `'${name}' is not a file.`)
  }
  return {
    context,
    dockerfileAbsolute,
    dockerfile: toPosix(path.relative(context, dockerfileAbsolute))
  }
}

/** The rules in force: defaults first (lowest priority), then .dockerignore in file order. */
async function loadRules(context: string, dockerfile: string): Promise<IgnoreRule[]> {
  const rules = DEFAULT_IGNORES.map(pattern => ({
    pattern,
    exception: false,
    regex: compilePattern(pattern)
  }))
  const base = path.posix.basename(dockerfile)
  // az acr build reads `<Dockerfile name>.dockerignore` instead when the Dockerfile has another name.
  const candidates =
    base === 'Dockerfile' ? ['.dockerignore'] : [`${base}.dockerignore`, '.dockerignore']
  for (const candidate of candidates) {
    let text: string
    try {
      text = await readFile(path.join(context, candidate), 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue
      throw error
    }
    if (candidate !== '.dockerignore') {
      rules.push({
        pattern: '.dockerignore',
        exception: false,
        regex: compilePattern('.dockerignore')
      })
    }
    rules.push(...parseDockerignore(text, candidate))
    break
  }
  return rules
}

interface Walked {
  entries: string[]
  ignored: string[]
}

/** Walks the context in sorted order; ignored folders are entered only if an exception may apply. */
async function walk(context: string, rules: readonly IgnoreRule[]): Promise<Walked> {
  const hasExceptions = rules.some(r => r.exception)
  const entries: string[] = []
  const ignored: string[] = []
  const visit = async (relative: string, parentIgnored: boolean): Promise<void> => {
    const absolute = relative === '' ? context : path.join(context, relative)
    const names = (await readdir(absolute)).sort()
    for (const name of names) {
      const child = relative === '' ? name : `${relative}/${name}`
      const info = await lstat(path.join(absolute, name))
      const skip = isIgnored(rules, child)
      if (info.isDirectory()) {
        if (!skip) entries.push(`${child}/`)
        else if (!parentIgnored) ignored.push(`${child}/`)
        if (!skip || hasExceptions) await visit(child, skip)
      } else if (info.isFile() || info.isSymbolicLink()) {
        if (!skip) entries.push(child)
        else if (!parentIgnored) ignored.push(child)
      }
    }
  }
  await visit('', false)
  return { entries, ignored }
}

/** Packs the context; refuses one outside the workspace and a Dockerfile outside the context. */
export async function packContext(options: PackOptions): Promise<PackedContext> {
  const resolved = await resolveContext(options)
  const rules = await loadRules(resolved.context, resolved.dockerfile)
  const walked = await walk(resolved.context, rules)
  const entries = walked.entries
  if (!entries.includes(resolved.dockerfile)) {
    entries.push(resolved.dockerfile)
    entries.sort()
  }
  for (const entry of entries) {
    if (entry.startsWith('/') || entry.split('/').includes('..')) {
      throw new InputError('build-context', `refusing to pack '${entry}'.`)
    }
  }

  const tempRoot = options.tempDir ?? process.env['RUNNER_TEMP'] ?? os.tmpdir()
  const dir = await mkdtemp(path.join(tempRoot, 'acr-context-'))
  const file = path.join(dir, 'context.tar.gz')
  const cleanup = (): Promise<void> => rm(dir, { recursive: true, force: true })
  try {
    const tar = await import('tar')
    const pack = new tar.Pack({
      cwd: resolved.context,
      gzip: true,
      portable: true,
      noDirRecurse: true,
      mtime: FIXED_MTIME
    })
    const written = pipeline(pack, createWriteStream(file, { mode: 0o600 }))
    // Folder entries are added without their trailing slash; tar adds it back.
    for (const entry of entries) pack.add(entry.endsWith('/') ? entry.slice(0, -1) : entry)
    pack.end()
    await written
    const hash = createHash('sha256')
    await pipeline(createReadStream(file), hash)
    return {
      file,
      size: (await stat(file)).size,
      sha256: `sha256:${hash.digest('hex')}`,
      entries,
      dockerfile: resolved.dockerfile,
      context: resolved.context,
      ignored: walked.ignored,
      cleanup
    }
  } catch (error) {
    await cleanup()
    throw error
  }
}
