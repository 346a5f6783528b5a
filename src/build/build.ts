// Builds an image with ACR Tasks (a quick run, as `az acr build` does): pack and upload the context
// (or name a git URL), schedule a DockerBuildRequest, stream the run's log while polling it, and
// return the digests it pushed, so sign and verify work on exactly what was built.
// @azure/arm-containerregistry 11.x (the last with Tasks/Runs) is loaded only here, only when needed.
import * as core from '@actions/core'
import type { TokenCredential } from '@azure/core-auth'
import { readFile } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { ArmAnswerError, boundedHttpClient } from './arm-http.ts'
import { isGitContext, packContext } from './build-context.ts'
import { ActionError, InputError, errorMessage } from '../util/errors.ts'
import { describeRequestError } from '../util/network-error.ts'
import {
  SDK_CLIENT_OPTIONS,
  TransientError,
  isTransientError,
  isTransientStatus,
  parseRetryAfter,
  withRetry
} from '../util/retry.ts'
import { DIGEST, parseReference } from '../registry/reference.ts'
import type { KeyValue, ResolvedImage } from '../util/types.ts'
import { inertLine, logLine, splitLines, withoutCredentials } from '../util/untrusted.ts'

export const DEFAULT_ARM_ENDPOINT = 'https://management.azure.com'
/** ACR Tasks' own default run timeout, in seconds. */
export const DEFAULT_RUN_TIMEOUT_SECONDS = 3600
/** A single Put Blob; larger contexts belong in .dockerignore. */
export const MAX_CONTEXT_BYTES = 256 * 1024 * 1024
const FINAL_STATUSES = new Set(['succeeded', 'failed', 'canceled', 'error', 'timeout'])
const TAIL_LINES = 30
/** Bytes of run log asked for per ranged read: memory stays bounded however long the log grows. */
export const LOG_RANGE_BYTES = 1024 * 1024
/** A log line longer than this is printed in pieces (a line without newlines cannot grow memory). */
export const MAX_LOG_LINE_CHARS = 64 * 1024
/** Queued stdout beyond which printing the log waits for the reader (a slow reader bounds memory). */
const STDOUT_HIGH_WATER = 256 * 1024
/**
 * The whole time a cancel gets after the action is stopped: it must end inside main's abort grace
 * (ABORT_GRACE_MS, 10 s), or the process exits with the cancel still in flight and says nothing.
 */
export const CANCEL_TIMEOUT_MS = 7000
const RUN_ID = /^[a-z0-9]{1,64}$/
/**
 * Polls in a row whose status read failed (each already retried by the SDK) before the action
 * stops waiting for a run it cannot see: about a minute and a half of ARM unreachable, not the
 * whole build-timeout.
 */
export const MAX_FAILED_POLLS = 6
/** Per ranged read of the run log (at most LOG_RANGE_BYTES). */
export const LOG_READ_TIMEOUT_MS = 30_000

/** The context upload's time limit: 30 s, plus 1 s per MiB (a link slower than 1 MiB/s is not waited for). */
export function uploadTimeoutMs(bytes: number): number {
  return 30_000 + Math.ceil(bytes / (1024 * 1024)) * 1000
}

// ---------------------------------------------------------------------------------------------
// Validation: everything the inputs can get wrong, before any network call.

export interface BuildImage {
  /** The `images` line. */
  input: string
  registry: string
  repository: string
  tag: string
}

export interface BuildArgument {
  name: string
  value: string
  isSecret: boolean
}

export interface BuildPlatform {
  os: 'Linux' | 'Windows'
  architecture: 'amd64' | 'arm64' | 'arm' | '386' | 'x86'
  variant?: 'v6' | 'v7' | 'v8'
}

export type BuildSource =
  | { kind: 'local'; context: string; dockerfile?: string }
  | { kind: 'git'; url: string; dockerfile: string }

export interface BuildPlan {
  subscriptionId: string
  resourceGroup: string
  /** The registry host every image names. */
  registry: string
  images: BuildImage[]
  source: BuildSource
  platform: BuildPlatform
  arguments: BuildArgument[]
  timeoutSeconds?: number
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const RESOURCE_GROUP = /^[-\w.()]{1,90}$/
const PLATFORM =
  /^(?<os>linux|windows)\/(?<arch>amd64|arm64|arm|386|x86)(?:\/(?<variant>v6|v7|v8))?$/i

/** An `images` line as a build target: a tag to push, never a digest (the built digest is signed). */
function parseBuildImage(line: string): BuildImage {
  const ref = parseReference(line)
  if (ref.digest !== undefined) {
    throw new InputError(
      'images',
      `'${line}' names a digest; with build, images are the tags to build (registry/repository:tag), and the built digest is signed.`
    )
  }
  if (ref.tag === undefined)
    throw new InputError(
      'images',
      `'${line}' needs a tag: the build pushes registry/repository:tag.`
    )
  return {
    input: line,
    registry: ref.registry.toLowerCase(),
    repository: ref.repository,
    tag: ref.tag
  }
}

function parseGitContext(context: string): string {
  // A refusal quotes the URL without its user-info: credentials in it are never echoed.
  const fail = (why: string): never => {
    throw new InputError('build-context', `'${withoutCredentials(context)}' ${why}`)
  }
  let url: URL
  try {
    url = new URL(context)
  } catch {
    return fail('is not a URL; use https://host/org/repo.git#ref:subfolder or a local folder.')
  }
  if (url.protocol !== 'https:') fail('must be an https git URL.')
  if (url.username !== '' || url.password !== '') {
    fail('must not carry credentials: they would be stored with the run.')
  }
  if (url.search !== '') fail('must not have a query string.')
  if (!/\.git$/i.test(url.pathname) && !/\/_git\/[^/]+$/.test(url.pathname)) {
    fail('is not a git URL: the path must end in .git (or be an Azure DevOps _git URL).')
  }
  const fragment = decodeURIComponent(url.hash.replace(/^#/, ''))
  if (fragment !== '') {
    const [ref = '', ...rest] = fragment.split(':')
    const folder = rest.join(':')
    if (ref === '' && folder === '') fail('has an empty #ref.')
    if (ref !== '' && !/^[\w./-]+$/.test(ref)) fail(`has an invalid ref '${ref}'.`)
    if (folder !== '' && (folder.startsWith('/') || folder.split('/').includes('..'))) {
      fail(`has a subfolder '${folder}' that leaves the repository.`)
    }
  }
  return context
}

function parsePlatform(value: string | undefined): BuildPlatform {
  if (value === undefined) return { os: 'Linux', architecture: 'amd64' }
  const m = PLATFORM.exec(value)
  if (!m?.groups) {
    throw new InputError(
      'platform',
      `'${value}' is not os/architecture[/variant] such as linux/amd64 or linux/arm64/v8.`
    )
  }
  const os = m.groups['os']?.toLowerCase() === 'windows' ? 'Windows' : 'Linux'
  const architecture = m.groups['arch']?.toLowerCase() as BuildPlatform['architecture']
  const variant = m.groups['variant']?.toLowerCase() as BuildPlatform['variant'] | undefined
  return { os, architecture, ...(variant === undefined ? {} : { variant }) }
}

/** The build inputs: what to build, and how. */
export interface BuildSettings {
  context?: string
  dockerfile?: string
  args: KeyValue[]
  secretArgs: KeyValue[]
  platform?: string
  timeoutSeconds?: number
}

/** What a build needs to know: its settings, the registry's subscription and group, the tags. */
export interface BuildTarget {
  build: BuildSettings
  azure: { subscriptionId?: string; resourceGroup?: string }
  /** The `images` lines: the tags to build. */
  images: string[]
}

/** Checks every build input and returns the plan; throws an InputError naming the input. */
export function planBuild(target: BuildTarget): BuildPlan {
  const { build, azure } = target
  if (build.context === undefined) {
    throw new InputError(
      'build-context',
      'is required with build: a folder in the workspace or a git URL.'
    )
  }
  if (azure.subscriptionId === undefined) {
    throw new InputError(
      'azure-subscription-id',
      "is required with build: the registry's subscription."
    )
  }
  if (!GUID.test(azure.subscriptionId)) {
    throw new InputError('azure-subscription-id', `'${azure.subscriptionId}' is not a GUID.`)
  }
  if (azure.resourceGroup === undefined) {
    throw new InputError('resource-group', "is required with build: the registry's resource group.")
  }
  if (!RESOURCE_GROUP.test(azure.resourceGroup) || azure.resourceGroup.endsWith('.')) {
    throw new InputError('resource-group', `'${azure.resourceGroup}' is not a resource group name.`)
  }
  if (target.images.length === 0) {
    throw new InputError(
      'images',
      'is required with build: the tags to build, e.g. myregistry.azurecr.io/app:v1.'
    )
  }
  const images = target.images.map(parseBuildImage)
  const registries = [...new Set(images.map(i => i.registry))]
  if (registries.length > 1) {
    throw new InputError(
      'images',
      `name ${registries.length} registries (${registries.join(', ')}); an ACR Tasks build pushes to one.`
    )
  }
  const seen = new Set<string>()
  for (const image of images) {
    const key = `${image.repository}:${image.tag}`
    if (seen.has(key)) throw new InputError('images', `'${image.input}' is given twice.`)
    seen.add(key)
  }

  let source: BuildSource
  if (isGitContext(build.context)) {
    const dockerfile = build.dockerfile ?? 'Dockerfile'
    if (dockerfile.startsWith('/') || dockerfile.split(/[\\/]/).includes('..')) {
      throw new InputError('dockerfile', `'${dockerfile}' must be a path inside the build context.`)
    }
    source = { kind: 'git', url: parseGitContext(build.context), dockerfile }
  } else {
    source = {
      kind: 'local',
      context: build.context,
      ...(build.dockerfile === undefined ? {} : { dockerfile: build.dockerfile })
    }
  }

  const argNames = new Set(build.args.map(a => a.key))
  for (const { key } of build.secretArgs) {
    if (argNames.has(key)) {
      throw new InputError('build-secret-args', `'${key}' is also in build-args; give it once.`)
    }
  }
  const args: BuildArgument[] = [
    ...build.args.map(a => ({ name: a.key, value: a.value, isSecret: false })),
    ...build.secretArgs.map(a => ({ name: a.key, value: a.value, isSecret: true }))
  ]

  return {
    subscriptionId: azure.subscriptionId,
    resourceGroup: azure.resourceGroup,
    registry: registries[0] as string,
    images,
    source,
    platform: parsePlatform(build.platform),
    arguments: args,
    ...(build.timeoutSeconds === undefined ? {} : { timeoutSeconds: build.timeoutSeconds })
  }
}

function armEndpointUrl(value: string | undefined): string {
  const raw = value === undefined || value.trim() === '' ? DEFAULT_ARM_ENDPOINT : value.trim()
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new ActionError(`AZURE_RESOURCE_MANAGER_ENDPOINT '${raw}' is not a URL.`)
  }
  if (url.protocol !== 'https:' || url.search !== '' || url.username !== '') {
    throw new ActionError(`AZURE_RESOURCE_MANAGER_ENDPOINT '${raw}' must be a plain https URL.`)
  }
  return url.toString().replace(/\/+$/, '')
}

// ---------------------------------------------------------------------------------------------
// The run.

export interface BuildTiming {
  /** First wait between polls (default 2 s); grows by half each poll up to maxPollMs. */
  pollMs?: number
  /** Longest wait between polls (default 10 s). */
  maxPollMs?: number
  /** Added to build-timeout before the action gives up on the run itself (default 5 min). */
  graceMs?: number
}

export interface BuildOptions {
  target: BuildTarget
  credential: TokenCredential
  /** AZURE_RESOURCE_MANAGER_ENDPOINT; default https://management.azure.com. */
  armEndpoint?: string
  /** Aborting cancels the run (main connects SIGINT/SIGTERM here). */
  signal?: AbortSignal
  /** The folder a local context must stay inside (default GITHUB_WORKSPACE, else the cwd). */
  workspace?: string
  /** Where the packed context is written (main passes the action's private folder). */
  tempDir?: string
  timing?: BuildTiming
}

export interface BuildResult {
  /** The digest of the first image (all tags of one build share it). */
  digest: string
  /** One per `images` line, pinned to the digest the run pushed. */
  images: ResolvedImage[]
  runId: string
}

interface RestErrorLike {
  name: string
  statusCode?: number
  code?: string
  message: string
  request?: { url?: string }
}

function isRestError(error: unknown): error is RestErrorLike {
  return error instanceof Error && error.name === 'RestError'
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')
}

/**
 * What went wrong with an ARM call, in words: the status and ARM's message for an answer; for no
 * answer, the host and the cause (refused, name not found, TLS error and its code, a limit).
 */
function armDetail(error: unknown): string {
  if (error instanceof ArmAnswerError) return error.message
  if (isRestError(error) && error.statusCode !== undefined) {
    const code = error.code === undefined ? '' : ` ${error.code}`
    return `HTTP ${error.statusCode}${code}: ${error.message}`
  }
  const url = isRestError(error) ? error.request?.url : undefined
  return url === undefined ? errorMessage(error) : describeRequestError(error, url)
}

/** An SDK failure as one line the user can act on. */
function armError(what: string, error: unknown): Error {
  if (error instanceof ActionError || error instanceof InputError || isAbort(error)) {
    return error as Error
  }
  const status = isRestError(error) ? (error.statusCode ?? 0) : 0
  let hint = ''
  if (status === 401) {
    hint =
      ' The identity could not sign in to Azure Resource Manager; check the credential and AZURE_RESOURCE_MANAGER_ENDPOINT.'
  } else if (status === 403) {
    hint =
      ' The identity needs a role on the registry that allows ACR Tasks runs (e.g. Contributor), ' +
      'including Microsoft.ContainerRegistry/registries/listBuildSourceUploadUrl/action, ' +
      'scheduleRun/action, runs/read and runs/listLogSasUrl/action.'
  }
  return new ActionError(`${what}: ${armDetail(error)}${hint}`, { cause: error })
}

interface RunLike {
  runId?: string
  status?: string
  runErrorMessage?: string
  outputImages?: { registry?: string; repository?: string; tag?: string; digest?: string }[]
}

/** Streams an append-only log blob: new bytes by range each pull, whole lines to the job log. */
class RunLog {
  private offset = 0
  private readonly decoder = new TextDecoder()
  private partial = ''
  private readonly tail: string[] = []
  private link: string | undefined
  /** Why the log could not be read, when that is not a passing trouble. */
  problem: string | undefined
  private readonly getLink: () => Promise<string>
  private readonly signal: AbortSignal | undefined

  constructor(getLink: () => Promise<string>, signal: AbortSignal | undefined) {
    this.getLink = getLink
    this.signal = signal
  }

  /** Fetches and prints what is new; quiet about transient trouble (the next pull catches up). */
  async pull(final = false): Promise<void> {
    // After a refusal the log stays unread: asking again would only be refused again.
    if (this.problem !== undefined) return
    /** Reads the next range; true when there may be more right away. */
    const attempt = async (): Promise<boolean> => {
      this.link ??= await this.getLink()
      const link = this.link
      // Each read is timed: a log host that stops answering costs its limit, not the whole build.
      const timeout = AbortSignal.timeout(LOG_READ_TIMEOUT_MS)
      const signal = this.signal === undefined ? timeout : AbortSignal.any([this.signal, timeout])
      try {
        const range = `bytes=${this.offset}-${this.offset + LOG_RANGE_BYTES - 1}`
        const response = await fetch(link, {
          headers: { 'x-ms-range': range, 'x-ms-version': '2020-04-08' },
          signal
        })
        if (response.status === 416 || response.status === 404) {
          await response.body?.cancel()
          return false
        }
        if (response.status === 403) {
          // The SAS may have expired: ask for a new link next time.
          this.link = undefined
          await response.body?.cancel()
          throw new TransientError('the log link was refused (HTTP 403)')
        }
        if (isTransientStatus(response.status)) {
          await response.body?.cancel()
          throw new TransientError(
            `HTTP ${response.status}`,
            parseRetryAfter(response.headers.get('retry-after'))
          )
        }
        if (response.status !== 200 && response.status !== 206) {
          await response.body?.cancel()
          throw new ActionError(`reading the run log: HTTP ${response.status}`)
        }
        // A server that ignored the range sends everything: skip what was already printed.
        const skip = response.status === 200 ? this.offset : 0
        const bytes = await readSpan(response, skip, LOG_RANGE_BYTES)
        this.offset += bytes.length
        await this.write(this.decoder.decode(bytes, { stream: true }))
        return bytes.length >= LOG_RANGE_BYTES
      } catch (error) {
        // Not transient: the limit was spent on this read; another would spend it again.
        if (timeout.aborted && !this.signal?.aborted) {
          throw new ActionError(describeRequestError(error, link, LOG_READ_TIMEOUT_MS))
        }
        // fetch says only "fetch failed": the retry line and the warning name the host and cause.
        const ours = error instanceof ActionError || error instanceof TransientError
        if (!ours && !this.signal?.aborted && isTransientError(error)) {
          throw new TransientError(describeRequestError(error, link, LOG_READ_TIMEOUT_MS))
        }
        throw error
      }
    }
    try {
      // Range after range until the end of what is written so far.
      for (let more = true; more;) {
        more = final
          ? await withRetry('Read the ACR Tasks run log', attempt, {
              attempts: 3,
              baseDelayMs: 500,
              maxDelayMs: 2000
            })
          : await attempt()
      }
    } catch (error) {
      if (this.signal?.aborted) throw error
      const detail = this.describe(error)
      core.debug(`reading the run log: ${detail}`)
      const status = isRestError(error) ? error.statusCode : undefined
      const transient =
        isTransientError(error) || (status !== undefined && isTransientStatus(status))
      // A refusal will not pass by itself, and trouble on the last read outlasted its retries:
      // said once, after the log group.
      if (!transient || final) this.problem ??= detail
    }
  }

  /** A failed read in words: ARM's answer for the link, the log host and the cause for the read. */
  private describe(error: unknown): string {
    if (error instanceof ActionError || error instanceof TransientError) return error.message
    if (isRestError(error) || error instanceof ArmAnswerError) return armDetail(error)
    return this.link === undefined
      ? errorMessage(error)
      : describeRequestError(error, this.link, LOG_READ_TIMEOUT_MS)
  }

  private async write(text: string): Promise<void> {
    let pending = this.partial + text
    // A CR at the end may be the first half of a CRLF split across two reads: keep it for the next.
    const heldCr = pending.endsWith('\r')
    if (heldCr) pending = pending.slice(0, -1)
    const lines = splitLines(pending)
    let partial = lines.pop() ?? ''
    // Lines go out in batches of about 64 KiB, one write each (a write per line costs far more than
    // its bytes), and the next batch waits while the reader is behind.
    for (let start = 0; start < lines.length;) {
      let end = start
      for (let size = 0; end < lines.length && size < 64 * 1024; end++) {
        size += (lines[end] as string).length + 1
      }
      this.emit(lines.slice(start, end))
      start = end
      await stdoutDrained()
    }
    // A line that never ends is printed in pieces, not held: memory stays bounded.
    while (partial.length > MAX_LOG_LINE_CHARS) {
      this.emit([partial.slice(0, MAX_LOG_LINE_CHARS)])
      partial = partial.slice(MAX_LOG_LINE_CHARS)
    }
    this.partial = partial + (heldCr ? '\r' : '')
  }

  private emit(lines: string[]): void {
    if (lines.length === 0) return
    // The log is the build's own text (a Dockerfile's RUN echo…): each line inert, see untrusted.ts.
    core.info(lines.map(inertLine).join('\n'))
    this.tail.push(...lines.slice(-TAIL_LINES))
    if (this.tail.length > TAIL_LINES) this.tail.splice(0, this.tail.length - TAIL_LINES)
  }

  /** Prints a last line without its newline, if any. */
  flush(): void {
    const rest = this.partial + this.decoder.decode()
    this.partial = ''
    const lines = splitLines(rest)
    if (lines.at(-1) === '') lines.pop()
    this.emit(lines)
  }

  lastLines(): string[] {
    return [...this.tail]
  }
}

/**
 * The body's bytes after the first `skip`, at most `limit` of them, read as they stream (a server
 * that ignores the range cannot make the action hold the whole log); the rest is not read.
 */
async function readSpan(response: Response, skip: number, limit: number): Promise<Buffer> {
  if (response.body === null) return Buffer.alloc(0)
  const reader = response.body.getReader()
  const parts: Buffer[] = []
  let skipped = 0
  let kept = 0
  try {
    while (kept < limit) {
      const { done, value } = await reader.read()
      if (done) break
      let chunk = Buffer.from(value.buffer, value.byteOffset, value.byteLength)
      if (skipped < skip) {
        const drop = Math.min(skip - skipped, chunk.length)
        skipped += drop
        chunk = chunk.subarray(drop)
      }
      if (chunk.length === 0) continue
      chunk = chunk.subarray(0, limit - kept)
      parts.push(chunk)
      kept += chunk.length
    }
  } finally {
    await reader.cancel().catch(() => undefined)
  }
  return Buffer.concat(parts)
}

/** Waits while stdout holds more than it should: a slow reader slows the log, not memory. */
async function stdoutDrained(): Promise<void> {
  const out = process.stdout
  if (out.writableLength <= STDOUT_HIGH_WATER || out.destroyed) return
  await new Promise<void>(resolve => {
    const done = (): void => {
      out.off('drain', done)
      out.off('close', done)
      resolve()
    }
    out.on('drain', done)
    out.on('close', done)
  })
}

/** PUTs the archive as a block blob, retrying what is transient. The URL is a secret (SAS). */
async function uploadContext(
  url: string,
  body: Buffer,
  signal: AbortSignal | undefined
): Promise<void> {
  const timeoutMs = uploadTimeoutMs(body.length)
  try {
    await withRetry('Upload the build context', async () => {
      const timeout = AbortSignal.timeout(timeoutMs)
      let response: Response
      let text: string
      try {
        response = await fetch(url, {
          method: 'PUT',
          body,
          headers: {
            'x-ms-blob-type': 'BlockBlob',
            'x-ms-version': '2020-04-08',
            'content-type': 'application/gzip'
          },
          signal: signal === undefined ? timeout : AbortSignal.any([signal, timeout])
        })
        // Storage's answers are small XML; a body past 64 KiB is not read.
        text = (await readSpan(response, 0, 64 * 1024)).toString('utf8')
      } catch (error) {
        // Not transient: the limit was spent on this upload; another would spend it again.
        if (timeout.aborted && !signal?.aborted) {
          throw new ActionError(
            `Uploading the build context: ${describeRequestError(error, url, timeoutMs)}.`
          )
        }
        // fetch says only "fetch failed": the retry line and the error name the host and cause.
        if (isTransientError(error) && !signal?.aborted) {
          throw new TransientError(describeRequestError(error, url, timeoutMs))
        }
        throw error
      }
      if (response.status === 201 || response.status === 200) return
      const code =
        response.headers.get('x-ms-error-code') ?? /<Code>([^<]*)<\/Code>/.exec(text)?.[1]
      const detail = `HTTP ${response.status}${code ? ` ${code}` : ''}`
      if (isTransientStatus(response.status)) {
        throw new TransientError(detail, parseRetryAfter(response.headers.get('retry-after')))
      }
      throw new ActionError(`Uploading the build context failed: ${detail}.`)
    })
  } catch (error) {
    if (error instanceof ActionError || signal?.aborted) throw error
    // A network failure, retries spent: the storage host and the cause (never the SAS URL).
    const detail =
      error instanceof TransientError ? error.message : describeRequestError(error, url, timeoutMs)
    throw new ActionError(`Uploading the build context: ${detail}.`, { cause: error })
  }
}

function maskSas(url: string | undefined): void {
  if (url === undefined) return
  try {
    const sig = new URL(url).searchParams.get('sig')
    if (sig) core.setSecret(sig)
  } catch {
    // not a URL: nothing to mask
  }
}

/** Builds with ACR Tasks and returns the pushed digests. See the module comment. */
export async function runBuild(options: BuildOptions): Promise<BuildResult> {
  const plan = planBuild(options.target)
  const endpoint = armEndpointUrl(options.armEndpoint)
  const { signal } = options
  const timing = {
    pollMs: options.timing?.pollMs ?? 2000,
    maxPollMs: options.timing?.maxPollMs ?? 10_000,
    graceMs: options.timing?.graceMs ?? 5 * 60_000
  }
  for (const arg of plan.arguments) if (arg.isSecret && arg.value !== '') core.setSecret(arg.value)

  // Pack before any network call: a bad context or Dockerfile is an input error.
  const packed =
    plan.source.kind === 'local'
      ? await packContext({
          context: plan.source.context,
          ...(plan.source.dockerfile === undefined ? {} : { dockerfile: plan.source.dockerfile }),
          ...(options.workspace === undefined ? {} : { workspace: options.workspace }),
          ...(options.tempDir === undefined ? {} : { tempDir: options.tempDir })
        })
      : undefined
  try {
    if (packed && packed.size > MAX_CONTEXT_BYTES) {
      throw new InputError(
        'build-context',
        `packs to ${Math.round(packed.size / 1024 / 1024)} MiB, more than ${MAX_CONTEXT_BYTES / 1024 / 1024} MiB; leave out what the build does not need with .dockerignore.`
      )
    }
    signal?.throwIfAborted()

    const { ContainerRegistryManagementClient } = await import('@azure/arm-containerregistry')
    const client = new ContainerRegistryManagementClient(options.credential, plan.subscriptionId, {
      endpoint,
      $host: endpoint,
      credentialScopes: [`${endpoint}/.default`],
      ...SDK_CLIENT_OPTIONS,
      // Every ARM answer timed and cut at its limit as it streams (arm-http.ts).
      httpClient: boundedHttpClient(),
      userAgentOptions: { userAgentPrefix: 'notation-akv-action' }
    })
    // scheduleRun is not safe to send twice: an answer lost on the way back (a reset, a body cut
    // short, a gateway 5xx) may follow a run ACR already started, and a resend starts a second one
    // nobody follows or cancels. Its client never retries; scheduleRun() below retries only answers
    // that say the request was not taken.
    const scheduleClient = new ContainerRegistryManagementClient(
      options.credential,
      plan.subscriptionId,
      {
        endpoint,
        $host: endpoint,
        credentialScopes: [`${endpoint}/.default`],
        ...SDK_CLIENT_OPTIONS,
        retryOptions: { ...SDK_CLIENT_OPTIONS.retryOptions, maxRetries: 0 },
        httpClient: boundedHttpClient(),
        userAgentOptions: { userAgentPrefix: 'notation-akv-action' }
      }
    )
    const rg = plan.resourceGroup
    const abort = signal === undefined ? {} : { abortSignal: signal }

    // The registry resource whose login server the images name.
    let registryName: string | undefined
    const seen: string[] = []
    try {
      for await (const registry of client.registries.listByResourceGroup(rg, abort)) {
        const login = registry.loginServer?.toLowerCase()
        if (login !== undefined) seen.push(login)
        if (login === plan.registry && registry.name !== undefined) {
          registryName = registry.name
          break
        }
      }
    } catch (error) {
      throw armError(`Listing the registries of resource group '${rg}'`, error)
    }
    if (registryName === undefined) {
      throw new ActionError(
        `No container registry with login server ${plan.registry} in resource group '${rg}' of subscription ${plan.subscriptionId}` +
          (seen.length > 0
            ? ` (found: ${seen.join(', ')}).`
            : ' (it has none the identity can see).')
      )
    }
    const reg = registryName

    // The source: uploaded archive or git URL.
    let sourceLocation: string
    let dockerFilePath: string
    if (packed) {
      core.info(
        `Packed ${packed.entries.length} entries of ${packed.context} (${(packed.size / 1024).toFixed(1)} KiB, Dockerfile ${packed.dockerfile})` +
          (packed.ignored.length > 0 ? `; left out by .dockerignore: ${packed.ignored.length}` : '')
      )
      let upload: { uploadUrl?: string; relativePath?: string }
      try {
        upload = await client.registries.getBuildSourceUploadUrl(rg, reg, abort)
      } catch (error) {
        throw armError(`Getting an upload URL from registry '${reg}'`, error)
      }
      if (!upload.uploadUrl || !upload.relativePath) {
        throw new ActionError(`Registry '${reg}' returned no upload URL for the build context.`)
      }
      maskSas(upload.uploadUrl)
      await uploadContext(upload.uploadUrl, await readFile(packed.file), signal)
      sourceLocation = upload.relativePath
      dockerFilePath = packed.dockerfile
      logLine(`Uploaded the build context to registry '${reg}'.`)
    } else {
      const git = plan.source as { kind: 'git'; url: string; dockerfile: string }
      sourceLocation = git.url
      dockerFilePath = git.dockerfile
      logLine(`Building from ${git.url}`)
    }

    // Schedule. Not aborted midway: a run the service accepted is canceled below instead.
    const request = {
      type: 'DockerBuildRequest' as const,
      imageNames: plan.images.map(i => `${i.repository}:${i.tag}`),
      isPushEnabled: true,
      noCache: false,
      dockerFilePath,
      sourceLocation,
      platform: plan.platform,
      arguments: plan.arguments.map(a => ({ name: a.name, value: a.value, isSecret: a.isSecret })),
      isArchiveEnabled: false,
      // Always sent: without it ACR applies its own default, not the one the README documents.
      timeout: plan.timeoutSeconds ?? DEFAULT_RUN_TIMEOUT_SECONDS
    }
    const scheduledAt = new Date().toISOString()
    let queued: RunLike
    try {
      queued = await withRetry('Schedule the ACR Tasks run', async () => {
        try {
          const poller = await scheduleClient.registries.beginScheduleRun(rg, reg, request)
          return await poller.pollUntilDone()
        } catch (error) {
          if (notTaken(error)) throw new TransientError(armDetail(error), retryAfterOf(error))
          if (isAbort(error)) throw error
          const status = isRestError(error) ? error.statusCode : undefined
          // A time limit or an answer too large is lost too: the request may have been taken.
          const lost =
            status === undefined
              ? isTransientError(error) || error instanceof ArmAnswerError
              : status >= 500
          if (!lost) throw error
          // The request went out and no usable answer came back: ACR may have started the run.
          const cause = armDetail(error)
          throw new ActionError(
            `Scheduling an ACR Tasks run on registry '${reg}': no usable answer (${cause}). ` +
              `ACR may have started a run at about ${scheduledAt}; it is not sent again (that could start a second run). ` +
              `Look for it with \`az acr task list-runs --registry ${reg}\` and cancel it with \`az acr task cancel-run\` if it is still going.`
          )
        }
      })
    } catch (error) {
      throw armError(`Scheduling an ACR Tasks run on registry '${reg}'`, error)
    }
    const runId = queued.runId
    if (!runId) throw new ActionError(`Registry '${reg}' scheduled a run but returned no run ID.`)
    // ACR run IDs are lowercase letters and digits (ca1, cb2d…). Anything else is not echoed: it is
    // ARM's text, and it would go into log lines, a group title and request paths.
    if (!RUN_ID.test(runId)) {
      throw new ActionError(
        `Registry '${reg}' scheduled a run but returned a run ID that is not lowercase letters and digits (${runId.length} characters); not using it.`
      )
    }
    const secretNames = plan.arguments.filter(a => a.isSecret).map(a => a.name)
    logLine(
      `Queued ACR Tasks run ${runId} on registry '${reg}': ${request.imageNames.join(', ')} for ${platformText(plan.platform)}` +
        (plan.arguments.length > 0
          ? `; build arguments ${plan.arguments.map(a => a.name).join(', ')}` +
            (secretNames.length > 0 ? ` (secret: ${secretNames.join(', ')})` : '')
          : '')
    )

    /**
     * Asks ACR to cancel the run: the request accepted is enough (waiting for the run to reach
     * Canceled could outlast the step). Bounded by CANCEL_TIMEOUT_MS so it ends before the process
     * does; if it does not get through, the warning names the run that may still be going.
     */
    const cancel = async (why: string): Promise<void> => {
      try {
        await client.runs.beginCancel(rg, reg, runId, {
          abortSignal: AbortSignal.timeout(CANCEL_TIMEOUT_MS)
        })
        core.warning(`Canceled ACR Tasks run ${runId} on registry '${reg}' (${why}).`)
      } catch (error) {
        const cause = isAbort(error)
          ? `no answer within ${CANCEL_TIMEOUT_MS / 1000} s`
          : armDetail(error)
        core.warning(
          `Could not cancel ACR Tasks run ${runId} on registry '${reg}' (${cause}): it may still be running. ` +
            `Cancel it with \`az acr task cancel-run --registry ${reg} --run-id ${runId}\`.`
        )
      }
    }

    const log = new RunLog(async () => {
      const result = await client.runs.getLogSasUrl(rg, reg, runId, abort)
      if (!result.logLink) throw new TransientError('no log link yet')
      maskSas(result.logLink)
      return result.logLink
    }, signal)
    const timeoutSeconds = plan.timeoutSeconds ?? DEFAULT_RUN_TIMEOUT_SECONDS
    const deadline = Date.now() + timeoutSeconds * 1000 + timing.graceMs

    let run: RunLike = queued
    /** The last error reading the run's status, when it could not be read poll after poll. */
    let unreadable: unknown
    // No stop-commands window around the log: each line is inert instead, so a secret masked while
    // the log streams (the log link's SAS, a token the SDK renews) is masked (see untrusted.ts).
    const outcome = await core.group(
      `ACR Tasks run ${runId}`,
      async (): Promise<'done' | 'aborted' | 'deadline' | 'unreadable'> => {
        let delay = timing.pollMs
        let failedPolls = 0
        try {
          for (;;) {
            if (signal?.aborted) return 'aborted'
            if (Date.now() > deadline) return 'deadline'
            try {
              run = await client.runs.get(rg, reg, runId, abort)
              failedPolls = 0
            } catch (error) {
              if (isAbort(error) || signal?.aborted) throw error
              const rest = isRestError(error) ? error : undefined
              if (rest && rest.statusCode !== undefined && !isTransientStatus(rest.statusCode)) {
                throw armError(`Reading ACR Tasks run ${runId}`, error)
              }
              core.debug(`reading run ${runId}: ${armDetail(error)}`)
              if (++failedPolls >= MAX_FAILED_POLLS) {
                unreadable = error
                return 'unreadable'
              }
            }
            await log.pull()
            if (FINAL_STATUSES.has((run.status ?? '').toLowerCase())) {
              await log.pull(true)
              log.flush()
              return 'done'
            }
            await sleep(delay, undefined, signal === undefined ? {} : { signal })
            delay = Math.min(Math.round(delay * 1.5), timing.maxPollMs)
          }
        } catch (error) {
          if (signal?.aborted) return 'aborted'
          throw error
        } finally {
          log.flush()
        }
      }
    )

    if (log.problem !== undefined) {
      core.warning(`The log of ACR Tasks run ${runId} could not be read: ${log.problem}`)
    }
    if (outcome === 'aborted') {
      // Why the action stopped (a signal, timeout-minutes) is the reason main aborted with.
      const why = signal?.reason instanceof Error ? signal.reason.message : 'the action was stopped'
      await cancel(why)
      throw new BuildStoppedError(
        `${why.replace(/\.$/, '')}: ACR Tasks run ${runId} on registry '${reg}' was stopped (see the warning above for whether it was canceled).`
      )
    }
    if (outcome === 'unreadable') {
      await cancel('its status could not be read')
      const failed = armError(
        `Reading ACR Tasks run ${runId} on registry '${reg}' failed ${MAX_FAILED_POLLS} polls in a row`,
        unreadable
      )
      throw new ActionError(
        `${failed.message.replace(/\.$/, '')}. See the warning above for whether the run was canceled.`,
        { cause: unreadable }
      )
    }
    if (outcome === 'deadline') {
      await cancel('build-timeout passed')
      throw new ActionError(
        `ACR Tasks run ${runId} did not finish within build-timeout (${timeoutSeconds} s) and a grace period; it was canceled.`
      )
    }

    const status = run.status ?? 'Unknown'
    if (status.toLowerCase() !== 'succeeded') {
      const lines = log.lastLines()
      throw new ActionError(
        `ACR Tasks run ${runId} ended with status ${status}` +
          (run.runErrorMessage ? `: ${run.runErrorMessage}` : '') +
          (status.toLowerCase() === 'timeout' ? ` (build-timeout ${timeoutSeconds} s)` : '') +
          (lines.length > 0 ? `. Last lines of its log:\n${lines.join('\n')}` : '.')
      )
    }
    return result(plan, runId, run)
  } finally {
    await packed?.cleanup()
  }
}

/** The build was stopped from outside (timeout-minutes, a signal); its message says which, and names the run. */
export class BuildStoppedError extends ActionError {
  constructor(message: string) {
    super(message)
    this.name = 'BuildStoppedError'
  }
}

/** An answer that says the request was not taken (throttled, unavailable, never connected): safe to send again. */
function notTaken(error: unknown): boolean {
  if (isRestError(error)) {
    if (error.statusCode === 429 || error.statusCode === 503) return true
    return (
      error.statusCode === undefined &&
      (error.code === 'ECONNREFUSED' || error.code === 'ENOTFOUND')
    )
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  return code === 'ECONNREFUSED' || code === 'ENOTFOUND'
}

function retryAfterOf(error: unknown): number | undefined {
  const response = (error as { response?: { headers?: { get(name: string): string | undefined } } })
    .response
  return parseRetryAfter(response?.headers?.get('retry-after'))
}

function platformText(p: BuildPlatform): string {
  return `${p.os.toLowerCase()}/${p.architecture}${p.variant === undefined ? '' : `/${p.variant}`}`
}

function result(plan: BuildPlan, runId: string, run: RunLike): BuildResult {
  const outputs = run.outputImages ?? []
  const images: ResolvedImage[] = plan.images.map(image => {
    const output = outputs.find(o => o.repository === image.repository && o.tag === image.tag)
    const digest = output?.digest
    if (digest === undefined || !DIGEST.test(digest)) {
      // ARM's text is not echoed: only a digest of the expected form goes anywhere.
      throw new ActionError(
        `ACR Tasks run ${runId} succeeded but reported ${digest === undefined ? 'no digest' : 'a digest that is not sha256:<64 hex> or sha512:<128 hex>'} for ${image.input}.`
      )
    }
    return {
      input: image.input,
      registry: image.registry,
      repository: image.repository,
      digest,
      reference: `${image.registry}/${image.repository}@${digest}`
    }
  })
  const first = images[0] as ResolvedImage
  for (const image of images) core.info(`Built ${image.input} → ${image.reference}`)
  return { digest: first.digest, images, runId }
}
