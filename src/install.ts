// Installs notation and the azure-kv plugin: tool cache → download → SHA-256 → safe extract →
// version check → cache, then a job-private NOTATION_CONFIG / NOTATION_LIBEXEC for later steps.
import * as core from '@actions/core'
import type * as ToolCache from '@actions/tool-cache'
import { execFile } from 'node:child_process'
import { copyFile, link, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { extractArchive } from './archive.ts'
import { download, type DownloadOptions } from './download.ts'
import { ActionError } from './errors.ts'
import type { ToolSource } from './inputs.ts'
import type { Platform } from './platform.ts'
import { archiveExtension, binaryName, pinnedChecksum, releaseUrl, type Tool } from './releases.ts'

const execFileAsync = promisify(execFile)

/** Written next to a cached tool: what was verified when it went into the cache. */
const MARKER = '.notation-akv-action.json'

interface Marker {
  sha256: string
  binary: string
  size: number
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

/** A cached entry counts only if its marker names the wanted checksum and the binary is intact. */
async function findCached(source: ResolvedSource): Promise<string | undefined> {
  const tc = await toolCache()
  const dir = tc.find(cacheName(source.tool), source.cacheVersion)
  if (!dir) return undefined
  try {
    const marker = JSON.parse(await readFile(path.join(dir, MARKER), 'utf8')) as Marker
    const info = await stat(path.join(dir, source.binary))
    if (
      marker.sha256 === source.sha256 &&
      marker.binary === source.binary &&
      info.size === marker.size
    )
      return dir
    core.info(
      `Cached ${TOOL_LABEL[source.tool]} ${source.version} does not match the wanted checksum; reinstalling.`
    )
  } catch {
    core.info(`Cached ${TOOL_LABEL[source.tool]} ${source.version} is incomplete; reinstalling.`)
  }
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
  const marker: Marker = { sha256: source.sha256, binary: source.binary, size }
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
    core.info(`Using cached ${TOOL_LABEL[source.tool]} ${source.version} from ${cached}`)
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
  core.addPath(notation.dir)
  return {
    notation: { ...notation, version: notationSource.version },
    plugin: { ...plugin, path: pluginPath },
    workDir,
    configDir,
    libexecDir
  }
}
