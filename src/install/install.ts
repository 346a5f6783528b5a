// Installs notation and the azure-kv plugin: tool cache → download → SHA-256 → safe extract →
// version check → cache, then a job-private NOTATION_CONFIG / NOTATION_LIBEXEC for later steps.
import * as core from '@actions/core'
import type * as ToolCache from '@actions/tool-cache'
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  copyFile,
  link,
  lstat,
  mkdir,
  mkdtemp,
  open,
  readFile,
  readdir,
  readlink,
  rm,
  stat,
  writeFile
} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { extractArchive } from './archive.ts'
import { download, type DownloadOptions } from './download.ts'
import { ActionError, errorMessage } from '../util/errors.ts'
import { notationCacheDir } from '../notation/dirs.ts'
import type { Platform } from './platform.ts'
import { archiveExtension, binaryName, pinnedChecksum, releaseUrl, type Tool } from './releases.ts'

/** Which release of a tool to install. */
export interface ToolSource {
  version: string
  /** A custom archive URL with its required checksum; omitted means the pinned release. */
  custom?: { url: string; sha256: string }
}

const execFileAsync = promisify(execFile)

/** Written next to a cached tool: what was verified when it went into the cache. */
const MARKER = '.notation-akv-action.json'

/** One item of a cache entry: a file by size and SHA-256, a link by its target, or anything else. */
type Item = { size: number; sha256: string } | { symlink: string } | { other: true }

/** What a cache entry holds, by '/'-separated path inside it (the marker itself excluded). */
type Contents = Record<string, Item>

interface Marker {
  /** SHA-256 of the archive the entry was extracted from. */
  sha256: string
  binary: string
  /** The binary's size (read by older versions of the action). */
  size: number
  /** Every file of the entry (the binaries among them) as it was cached. */
  files: Contents
}

export interface ResolvedSource {
  tool: Tool
  version: string
  url: string
  sha256: string
  /** The tool-cache version key: custom archives never share a slot with pinned ones. */
  cacheVersion: string
  binary: string
}

export interface InstalledTool {
  path: string
  dir: string
  fromCache: boolean
}

export interface InstallResult {
  notation: InstalledTool & { version: string }
  plugin: InstalledTool
  /** Job-private folder holding config/ and libexec/; removed by the post step. */
  workDir: string
  configDir: string
  libexecDir: string
}

export interface InstallOptions {
  platform: Platform
  /** RUNNER_TEMP, or the OS temp folder outside Actions. */
  tempDir?: string
  /** Told the job-private folder as soon as it exists (main saves it for the post step). */
  onWorkDir?: (dir: string) => void
  download?: DownloadOptions
  /** Set when the other tool's install failed: stop and cache nothing. */
  signal?: AbortSignal
}

const TOOL_LABEL: Record<Tool, string> = { notation: 'notation', 'azure-kv': 'the azure-kv plugin' }
/** The same without the article, after an adjective ("cached azure-kv plugin 1.2.1"). */
const TOOL_NAME: Record<Tool, string> = { notation: 'notation', 'azure-kv': 'azure-kv plugin' }

export function resolveSource(tool: Tool, source: ToolSource, platform: Platform): ResolvedSource {
  const binary = binaryName(tool, platform)
  if (source.custom) {
    return {
      tool,
      version: source.version,
      url: source.custom.url,
      sha256: source.custom.sha256,
      cacheVersion: `${source.version}-sha256-${source.custom.sha256.slice(0, 12)}`,
      binary
    }
  }
  const sha256 = pinnedChecksum(tool, source.version, platform)
  if (sha256 === undefined) {
    throw new ActionError(
      `${TOOL_LABEL[tool]} ${source.version} is not published for ${platform.os}/${platform.arch}; ` +
        `give ${tool === 'notation' ? 'notation-url and notation-checksum' : 'plugin-url and plugin-checksum'} for a build of your own.`
    )
  }
  return {
    tool,
    version: source.version,
    url: releaseUrl(tool, source.version, platform),
    sha256,
    cacheVersion: source.version,
    binary
  }
}

/** Loaded on first use: it brings semver and more, which the entry's start-up does not need. */
const toolCache = (): Promise<typeof ToolCache> => import('@actions/tool-cache')

function cacheName(tool: Tool): string {
  return tool === 'notation' ? 'notation' : 'notation-azure-kv'
}

/**
 * SHA-256 of a file, read in 1 MiB pieces into one buffer: release binaries are tens of MB, and in
 * a fresh process this is about a third faster than a read stream.
 */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256')
  const handle = await open(file, 'r')
  try {
    const buffer = Buffer.allocUnsafe(1024 * 1024)
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null)
      if (bytesRead === 0) break
      hash.update(buffer.subarray(0, bytesRead))
    }
  } finally {
    await handle.close()
  }
  return hash.digest('hex')
}

/** Every file and link under `dir` (folders are implied by them), hashing only what `hash` names. */
async function readContents(
  dir: string,
  hash: (relative: string, size: number) => boolean
): Promise<Contents> {
  // No prototype: a file named `__proto__` is an item like any other.
  const contents = Object.create(null) as Contents
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  await Promise.all(
    entries.map(async entry => {
      const full = path.join(entry.parentPath, entry.name)
      const relative = path.relative(dir, full).split(path.sep).join('/')
      if (relative === MARKER || entry.isDirectory()) return
      if (entry.isSymbolicLink()) {
        contents[relative] = { symlink: await readlink(full) }
        return
      }
      const info = await lstat(full)
      if (!info.isFile()) {
        contents[relative] = { other: true }
        return
      }
      contents[relative] = {
        size: info.size,
        sha256: hash(relative, info.size) ? await sha256File(full) : ''
      }
    })
  )
  return contents
}

/** Whether a recorded item (read from the cache, so of any shape) is the one found. */
function sameItem(recorded: unknown, found: Item | undefined): boolean {
  if (typeof recorded !== 'object' || recorded === null || found === undefined) return false
  const record = recorded as Record<string, unknown>
  if ('sha256' in found) {
    return found.sha256 !== '' && record['sha256'] === found.sha256 && record['size'] === found.size
  }
  if ('symlink' in found) return record['symlink'] === found.symlink
  return false
}

const own = (contents: Contents, name: string): Item | undefined =>
  Object.hasOwn(contents, name) ? contents[name] : undefined

/** Paths whose item differs between what was recorded and what is there now. */
function changedItems(recorded: Contents, found: Contents): string[] {
  const names = [...new Set([...Object.keys(recorded), ...Object.keys(found)])].sort()
  return names.filter(name => !sameItem(own(recorded, name), own(found, name)))
}

function describeChanges(dir: string, recorded: Contents, found: Contents): string {
  const changed = changedItems(recorded, found)
  const shown = changed.slice(0, 5).map(name => {
    const file = JSON.stringify(path.join(dir, ...name.split('/')))
    if (!Object.hasOwn(found, name)) return `${file} is missing`
    if (!Object.hasOwn(recorded, name)) return `${file} was not there when it was cached`
    return `${file} does not match the SHA-256 recorded when it was cached`
  })
  const more = changed.length > shown.length ? ` (and ${changed.length - shown.length} more)` : ''
  return shown.join('; ') + more
}

/** Removes a cache entry, `.complete` first, so that no later run finds it half removed. */
async function discardCached(dir: string): Promise<void> {
  try {
    await rm(`${dir}.complete`, { force: true })
    await rm(dir, { recursive: true, force: true })
  } catch (error) {
    core.warning(`Could not remove the cache entry ${dir}: ${errorMessage(error)}`)
  }
}

/**
 * A cached entry counts only if its marker names the wanted archive checksum and every file in it
 * (the binary among them) still has the size and SHA-256 recorded when it was cached, nothing
 * added. Anything else is reinstalled from the download; a changed entry is discarded first.
 */
async function findCached(source: ResolvedSource): Promise<string | undefined> {
  const tc = await toolCache()
  const dir = tc.find(cacheName(source.tool), source.cacheVersion)
  if (!dir) return undefined
  const label = `Cached ${TOOL_NAME[source.tool]} ${source.version}`
  let marker: Partial<Marker>
  try {
    marker = JSON.parse(await readFile(path.join(dir, MARKER), 'utf8')) as Partial<Marker>
  } catch {
    core.info(`${label} is incomplete; reinstalling.`)
    return undefined
  }
  if (marker.sha256 !== source.sha256 || marker.binary !== source.binary) {
    core.info(`${label} does not match the wanted checksum; reinstalling.`)
    return undefined
  }
  const recorded = marker.files
  if (
    typeof recorded !== 'object' ||
    recorded === null ||
    !Object.hasOwn(recorded, source.binary)
  ) {
    core.info(`${label} was cached without the checksums of its files; reinstalling.`)
    return undefined
  }
  // Hash only what was recorded, at the recorded size: an added or resized file differs anyway.
  const found = await readContents(
    dir,
    (relative, size) => (own(recorded, relative) as { size?: unknown } | undefined)?.size === size
  ).catch((error: unknown) => {
    core.info(`${label} could not be read (${errorMessage(error)}); reinstalling.`)
    return undefined
  })
  if (found === undefined) return undefined
  if (changedItems(recorded, found).length === 0) return dir
  core.warning(
    `${label} in ${dir} was changed after it was cached: ${describeChanges(dir, recorded, found)}. ` +
      'Not using it: the entry is discarded and the release downloaded again.'
  )
  await discardCached(dir)
  return undefined
}

/** Parses `notation version` output: the `Version:` line, with or without a leading v. */
export function parseNotationVersion(output: string): string | undefined {
  return /^Version:\s+v?(\S+)\s*$/m.exec(output)?.[1]
}

export async function checkNotationVersion(binary: string, wanted: string): Promise<string> {
  let stdout: string
  try {
    ;({ stdout } = await execFileAsync(binary, ['version'], { timeout: 30_000, windowsHide: true }))
  } catch (error) {
    throw new ActionError(`Running '${binary} version' failed: ${(error as Error).message.trim()}`)
  }
  const reported = parseNotationVersion(stdout)
  if (reported !== wanted) {
    throw new ActionError(
      `${binary} reports version ${reported ?? '(none)'} but ${wanted} was wanted; the archive is not the release it claims to be.`
    )
  }
  return reported
}

async function fetchAndCache(
  source: ResolvedSource,
  options: InstallOptions,
  scratch: string
): Promise<string> {
  const kind = archiveExtension(options.platform)
  const archive = path.join(scratch, `${source.tool}.${kind}`)
  core.info(`Downloading ${TOOL_LABEL[source.tool]} ${source.version} from ${source.url}`)
  const { sha256 } = await download(source.url, archive, {
    ...options.download,
    ...(options.signal ? { signal: options.signal } : {})
  })
  if (sha256 !== source.sha256) {
    throw new ActionError(
      `Checksum mismatch for ${source.url}: expected ${source.sha256}, got ${sha256}. Nothing was installed.`
    )
  }
  const extracted = path.join(scratch, source.tool)
  await mkdir(extracted, { recursive: true })
  await extractArchive(archive, extracted, kind, source.url)
  const binary = path.join(extracted, source.binary)
  let size: number
  try {
    const info = await stat(binary)
    if (!info.isFile()) throw new Error('not a file')
    size = info.size
  } catch {
    throw new ActionError(
      `${source.url} does not contain ${source.binary} at its top level. Nothing was installed.`
    )
  }
  if (source.tool === 'notation') await checkNotationVersion(binary, source.version)
  // The record goes in with the files: tool-cache marks an entry complete only after copying all
  // of them, so no run ever finds an entry without its checksums.
  const files = await readContents(extracted, () => true)
  const marker: Marker = { sha256: source.sha256, binary: source.binary, size, files }
  await writeFile(path.join(extracted, MARKER), JSON.stringify(marker))
  // The other tool's failure arrived meanwhile: nothing enters the cache after the step failed.
  options.signal?.throwIfAborted()
  return cacheWhole(extracted, source)
}

/**
 * tc.cacheDir creates the folder, copies into it, then writes its `.complete` flag; a copy that
 * fails midway would leave a half-made folder behind (unused by find, but there). Removed here.
 */
async function cacheWhole(extracted: string, source: ResolvedSource): Promise<string> {
  const tc = await toolCache()
  try {
    return await tc.cacheDir(extracted, cacheName(source.tool), source.cacheVersion)
  } catch (error) {
    const root = process.env['RUNNER_TOOL_CACHE']
    if (root) {
      const folder = path.join(root, cacheName(source.tool), source.cacheVersion)
      await rm(folder, { recursive: true, force: true })
    }
    throw error
  }
}

async function installTool(
  source: ResolvedSource,
  options: InstallOptions,
  scratch: string
): Promise<InstalledTool> {
  const cached = await findCached(source)
  if (cached) {
    core.info(`Using cached ${TOOL_NAME[source.tool]} ${source.version} from ${cached}`)
    return { dir: cached, path: path.join(cached, source.binary), fromCache: true }
  }
  const dir = await fetchAndCache(source, options, scratch)
  return { dir, path: path.join(dir, source.binary), fromCache: false }
}

/** Hard link when the tool cache and the temp folder share a disk; a copy otherwise. */
async function placeFile(from: string, to: string): Promise<void> {
  try {
    await link(from, to)
  } catch {
    await copyFile(from, to)
  }
}

/**
 * Installs both tools and prepares the job-private notation folders. Exports NOTATION_CONFIG and
 * NOTATION_LIBEXEC and adds notation to PATH only once everything checked out.
 */
export async function install(
  tools: { notation: ToolSource; plugin: ToolSource },
  options: InstallOptions
): Promise<InstallResult> {
  const notationSource = resolveSource('notation', tools.notation, options.platform)
  const pluginSource = resolveSource('azure-kv', tools.plugin, options.platform)
  const tempDir = options.tempDir ?? os.tmpdir()
  await mkdir(tempDir, { recursive: true })
  // The job-private folder comes first and is recorded at once: whatever happens next (a failed
  // check, a cancelled download), the post step finds it and removes it, scratch files included.
  const workDir = await mkdtemp(path.join(tempDir, 'notation-akv-'))
  options.onWorkDir?.(workDir)
  const scratch = await mkdtemp(path.join(workDir, 'download-'))
  let notation: InstalledTool
  let plugin: InstalledTool
  // One failing install stops the other (its download is aborted), and both have settled before
  // the scratch folder goes: nothing keeps writing into it, nor caches a half-made folder from it.
  const stopOthers = new AbortController()
  const both = [notationSource, pluginSource].map(source =>
    installTool(source, { ...options, signal: stopOthers.signal }, scratch).catch(
      (error: unknown) => {
        stopOthers.abort(error)
        throw error
      }
    )
  )
  try {
    const settled = await Promise.allSettled(both)
    const failed = settled.find(r => r.status === 'rejected')
    // The first failure is the cause; the other was (at most) stopped because of it.
    if (failed) throw stopOthers.signal.reason ?? failed.reason
    ;[notation, plugin] = settled.map(r => (r as PromiseFulfilledResult<InstalledTool>).value) as [
      InstalledTool,
      InstalledTool
    ]
  } finally {
    await rm(scratch, { recursive: true, force: true })
  }
  if (notation.fromCache) await checkNotationVersion(notation.path, notationSource.version)

  const configDir = path.join(workDir, 'config')
  const libexecDir = path.join(workDir, 'libexec')
  const pluginDir = path.join(libexecDir, 'plugins', 'azure-kv')
  await mkdir(configDir, { recursive: true, mode: 0o700 })
  await mkdir(pluginDir, { recursive: true, mode: 0o700 })
  const pluginPath = path.join(pluginDir, pluginSource.binary)
  await placeFile(plugin.path, pluginPath)

  core.exportVariable('NOTATION_CONFIG', configDir)
  core.exportVariable('NOTATION_LIBEXEC', libexecDir)
  core.exportVariable('NOTATION_CACHE', notationCacheDir(configDir))
  core.addPath(notation.dir)
  return {
    notation: { ...notation, version: notationSource.version },
    plugin: { ...plugin, path: pluginPath },
    workDir,
    configDir,
    libexecDir
  }
}
