// Packs a local build context into a gzipped tar the way `az acr build` does: .dockerignore rules
// (Docker's pattern syntax, last matching rule wins, a rule on a folder covers what is under it),
// version-control folders left out by default, and the Dockerfile always included. The archive is
// deterministic: sorted entries, fixed times, no owners, normalised modes.
import { createHash } from 'node:crypto'
import { constants as fsConstants, createReadStream, createWriteStream } from 'node:fs'
import {
  lstat,
  mkdtemp,
  open,
  readdir,
  realpath,
  rm,
  stat,
  type FileHandle
} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import { InputError } from '../util/errors.ts'

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
  /** Whether a whole (posix, relative) path matches the pattern. */
  regex: PatternMatcher
}

/**
 * One step of a compiled pattern. Docker compiles a pattern to a Go regexp (RE2: linear time);
 * a JavaScript RegExp backtracks, so `*a*a*a…b` against a long name could block the event loop for
 * hours, and timeout-minutes with it. The steps are run as an NFA instead: every position of the
 * name is read once, against the set of steps that can be current (O(name × pattern)).
 */
type Step =
  /** One given UTF-16 unit. */
  | { kind: 'unit'; unit: number }
  /** `?`: one unit but `/`. */
  | { kind: 'one' }
  /** `[…]`: one unit the class admits. */
  | { kind: 'class'; admits: (unit: string) => boolean }
  /** A `[…]` that admits nothing (`[]…]`, as a RegExp reads it): the pattern never matches. */
  | { kind: 'never' }
  /** `*`: any run of units but `/`. */
  | { kind: 'star' }
  /** `**` at the end: any run of units but line breaks (what `.*` matched). */
  | { kind: 'rest' }
  /** `**` (or `**` then `/`) inside: nothing, or any run (no line breaks) that ends in `/`. */
  | { kind: 'folders' }

/** Line terminators: what `.` in the former RegExp did not match. */
const LINE_BREAKS = new Set([0x0a, 0x0d, 0x2028, 0x2029])
const SLASH = 0x2f

export interface PatternMatcher {
  test(path: string): boolean
}

class StepMatcher implements PatternMatcher {
  readonly #steps: readonly Step[]
  /** The literal units the pattern starts and ends with: a cheap first check (most names fail it). */
  readonly #prefix: string
  readonly #suffix: string
  readonly #literal: boolean

  constructor(steps: readonly Step[]) {
    this.#steps = steps
    let prefix = ''
    for (const step of steps) {
      if (step.kind !== 'unit') break
      prefix += String.fromCharCode(step.unit)
    }
    let suffix = ''
    for (let k = steps.length - 1; k >= 0; k--) {
      const step = steps[k] as Step
      if (step.kind !== 'unit') break
      suffix = String.fromCharCode(step.unit) + suffix
    }
    this.#prefix = prefix
    this.#suffix = suffix
    this.#literal = prefix.length === steps.length
  }

  test(path: string): boolean {
    if (this.#literal) return path === this.#prefix
    if (
      path.length < this.#prefix.length + this.#suffix.length ||
      !path.startsWith(this.#prefix) ||
      !path.endsWith(this.#suffix)
    ) {
      return false
    }
    const steps = this.#steps
    const n = steps.length
    // State k (0…n): before step k; state n + 1 + k: inside step k's folders run (`.*` of `(.*/)?`).
    let current = new Uint8Array(2 * n + 1)
    let next = new Uint8Array(2 * n + 1)
    current[0] = 1
    closeOver(steps, current)
    for (let i = 0; i < path.length; i++) {
      const unit = path.charCodeAt(i)
      next.fill(0)
      let any = false
      for (let k = 0; k < n; k++) {
        const step = steps[k] as Step
        if (current[k] === 1) {
          switch (step.kind) {
            case 'unit':
              if (unit === step.unit) next[k + 1] = 1
              break
            case 'one':
              if (unit !== SLASH) next[k + 1] = 1
              break
            case 'class':
              if (step.admits(path[i] as string)) next[k + 1] = 1
              break
            case 'star':
              if (unit !== SLASH) next[k] = 1
              break
            case 'rest':
              if (!LINE_BREAKS.has(unit)) next[k] = 1
              break
            case 'never':
            case 'folders':
              break
          }
        }
        if (step.kind === 'folders' && current[n + 1 + k] === 1 && !LINE_BREAKS.has(unit)) {
          next[n + 1 + k] = 1
          if (unit === SLASH) next[k + 1] = 1
        }
      }
      closeOver(steps, next)
      for (let k = 0; k < next.length && !any; k++) any = next[k] === 1
      if (!any) return false
      ;[current, next] = [next, current]
    }
    return current[n] === 1
  }
}

/** Adds the states reachable without reading: past a star, a rest, or folders (which may be empty). */
function closeOver(steps: readonly Step[], states: Uint8Array): void {
  const n = steps.length
  // Every such move goes forward, so one pass in order reaches them all.
  for (let k = 0; k < n; k++) {
    if (states[k] !== 1) continue
    const kind = (steps[k] as Step).kind
    if (kind === 'star' || kind === 'rest') states[k + 1] = 1
    else if (kind === 'folders') {
      states[k + 1] = 1
      states[n + 1 + k] = 1
    }
  }
}

/** The units of `text` as literal steps. */
const literal = (text: string): Step[] =>
  [...Array(text.length).keys()].map(i => ({ kind: 'unit', unit: text.charCodeAt(i) }))

/**
 * Compiles one Docker ignore pattern (already cleaned) to a matcher of whole paths: `*` any run
 * but `/`, `?` one character but `/`, `**` any folders, `[…]` a class (`[!…]` negated), `\` escapes.
 */
export function compilePattern(pattern: string): PatternMatcher {
  const steps: Step[] = []
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string
    if (ch === '*') {
      if (pattern[i + 1] === '*') {
        i++
        if (pattern[i + 1] === '/') i++
        // `**` at the end matches everything below; `**/` matches zero or more folders.
        steps.push({ kind: i + 1 >= pattern.length ? 'rest' : 'folders' })
      } else {
        steps.push({ kind: 'star' })
      }
    } else if (ch === '?') {
      steps.push({ kind: 'one' })
    } else if (ch === '\\') {
      const next = pattern[i + 1]
      if (next === undefined) throw new Error('ends with an escape character')
      steps.push(...literal(next))
      i++
    } else if (ch === '[') {
      const end = pattern.indexOf(']', i + 2)
      if (end < 0) throw new Error('has an unterminated character class')
      let body = pattern.slice(i + 1, end)
      if (body.startsWith('!')) body = `^${body.slice(1)}`
      body = body.replace(/\\/g, '\\\\').replace(/\//g, '')
      steps.push(...classSteps(body))
      i = end
    } else {
      steps.push(...literal(ch))
    }
  }
  return new StepMatcher(steps)
}

/**
 * A class body as the former RegExp `[body]` read it: one character the class admits. A body can
 * hold `]` only first (`[]…]`), where the RegExp read an empty class that admits nothing. Ranges,
 * negation and a bad range (`[z-a]`, an error) are left to RegExp, on one character at a time.
 */
function classSteps(body: string): Step[] {
  if (body.startsWith(']')) return [{ kind: 'never' }]
  let single: RegExp
  try {
    single = new RegExp(`^[${body}]$`)
  } catch {
    throw new Error('has an invalid character class')
  }
  return [{ kind: 'class', admits: unit => single.test(unit) }]
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
  for (const [index, line] of lines.entries()) {
    const number = index + 1
    if (line.startsWith('#')) continue
    let pattern = line.trim()
    if (pattern === '') continue
    const exception = pattern.startsWith('!')
    if (exception) pattern = pattern.slice(1).trim()
    if (pattern === '') continue
    pattern = cleanPattern(pattern)
    if (pattern === '.' || pattern === '') continue
    let regex: PatternMatcher
    try {
      regex = compilePattern(pattern)
    } catch (error) {
      // The line number, not the line: the file is the workspace's, and its text stays out of logs.
      throw new InputError(
        'build-context',
        `${file}: the pattern on line ${number} ${(error as Error).message}.`
      )
    }
    rules.push({ pattern, exception, regex })
  }
  return rules
}

/**
 * Which rules match `relative` or one of its parent folders, given the parent folder's answer: a
 * walk asks once per entry, so a deep path costs its own length, not the sum of its parents'.
 */
function matchRules(
  rules: readonly IgnoreRule[],
  relative: string,
  parent: Uint8Array | undefined
): Uint8Array {
  const matched = new Uint8Array(rules.length)
  rules.forEach((rule, r) => {
    matched[r] = parent?.[r] === 1 || rule.regex.test(relative) ? 1 : 0
  })
  return matched
}

/** The last matching rule decides. */
function decide(rules: readonly IgnoreRule[], matched: Uint8Array): boolean {
  let ignored = false
  rules.forEach((rule, r) => {
    if (matched[r] === 1) ignored = !rule.exception
  })
  return ignored
}

/** The rule that decides a path (posix, relative): the last rule matching it or a parent folder. */
export function isIgnored(rules: readonly IgnoreRule[], relative: string): boolean {
  const parts = relative.split('/')
  let matched: Uint8Array | undefined
  for (let i = 1; i <= parts.length; i++) {
    matched = matchRules(rules, parts.slice(0, i).join('/'), matched)
  }
  return matched === undefined ? false : decide(rules, matched)
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

/**
 * A .dockerignore larger than this is refused: real ones hold a few KiB of patterns, and matching an
 * entry costs at most its path's length times this (about 0.2 s for a 250-character name).
 */
export const MAX_DOCKERIGNORE_BYTES = 64 * 1024

/**
 * Reads `<context>/<name>` by the Dockerfile's rules: inside the build context (a symlink too), a
 * regular file (never a device or a FIFO, which would block the read), at most
 * MAX_DOCKERIGNORE_BYTES. Undefined when there is none. Errors name the file, never its text.
 */
async function readIgnoreFile(context: string, name: string): Promise<string | undefined> {
  const file = path.join(context, name)
  try {
    await lstat(file)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new InputError('build-context', `'${name}' cannot be read (${errorCode(error)}).`)
  }
  let real: string
  try {
    real = await realpath(file)
  } catch (error) {
    throw new InputError(
      'build-context',
      `'${name}' is a link that leads to no file (${errorCode(error)}).`
    )
  }
  if (!within(context, real)) {
    throw new InputError('build-context', `'${name}' links to a file outside the build context.`)
  }
  let handle: FileHandle
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer, forever.
    handle = await open(real, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK)
  } catch (error) {
    throw new InputError('build-context', `'${name}' cannot be read (${errorCode(error)}).`)
  }
  try {
    const info = await handle.stat()
    if (!info.isFile()) {
      throw new InputError('build-context', `'${name}' is not a regular file.`)
    }
    const tooLarge = (): InputError =>
      new InputError(
        'build-context',
        `'${name}' is larger than ${MAX_DOCKERIGNORE_BYTES / 1024} KiB; keep it to the patterns the build needs.`
      )
    if (info.size > MAX_DOCKERIGNORE_BYTES) throw tooLarge()
    // Read one byte past the limit: a file that grew since stat is caught too.
    const buffer = Buffer.alloc(MAX_DOCKERIGNORE_BYTES + 1)
    let length = 0
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length)
      if (bytesRead === 0) break
      length += bytesRead
      if (length > MAX_DOCKERIGNORE_BYTES) throw tooLarge()
    }
    return buffer.subarray(0, length).toString('utf8')
  } finally {
    await handle.close()
  }
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? 'error'
}

/**
 * The rules in force: defaults first (lowest priority), then .dockerignore in file order. Preflight
 * calls it too, so a .dockerignore that is refused is refused before anything is downloaded.
 */
export async function loadIgnoreRules(context: string, dockerfile: string): Promise<IgnoreRule[]> {
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
    const text = await readIgnoreFile(context, candidate)
    if (text === undefined) continue
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
  const visit = async (
    relative: string,
    parentIgnored: boolean,
    parentMatched: Uint8Array | undefined
  ): Promise<void> => {
    const absolute = relative === '' ? context : path.join(context, relative)
    const names = (await readdir(absolute)).sort()
    for (const name of names) {
      const child = relative === '' ? name : `${relative}/${name}`
      const info = await lstat(path.join(absolute, name))
      const matched = matchRules(rules, child, parentMatched)
      const skip = decide(rules, matched)
      if (info.isDirectory()) {
        if (!skip) entries.push(`${child}/`)
        else if (!parentIgnored) ignored.push(`${child}/`)
        if (!skip || hasExceptions) await visit(child, skip, matched)
      } else if (info.isFile() || info.isSymbolicLink()) {
        if (!skip) entries.push(child)
        else if (!parentIgnored) ignored.push(child)
      }
    }
  }
  await visit('', false, undefined)
  return { entries, ignored }
}

/** Packs the context; refuses one outside the workspace and a Dockerfile outside the context. */
export async function packContext(options: PackOptions): Promise<PackedContext> {
  const resolved = await resolveContext(options)
  const rules = await loadIgnoreRules(resolved.context, resolved.dockerfile)
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
