// Azure Resource Manager for ACR Tasks quick runs, as @azure/arm-containerregistry 11.x speaks it:
// list registries in a resource group, hand out a source upload URL (a SAS-like link to this
// server's blob route), schedule a DockerBuildRequest, answer run polls Queued → Running → a final
// status the test chose, grow a log blob across polls (ranged reads), cancel runs; on success the
// run really pushes a small image to the registry under each tag, so its digest exists.
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto'
import { gunzipSync } from 'node:zlib'
import type { Route, StackRequest, StackResponse } from './http.ts'
import { buildImage, pushBlob, putManifest, type Platform } from './images.ts'
import type { Registry } from './registry.ts'

export const ARM_AUDIENCE = 'https://management.azure.com'
/** Tasks and runs answer only this api-version family in the 11.x SDK. */
export const TASKS_API_VERSION = '2019-06-01-preview'
export const RUN_STATUSES = [
  'Queued',
  'Started',
  'Running',
  'Succeeded',
  'Failed',
  'Canceled',
  'Error',
  'Timeout'
] as const
export type RunStatus = (typeof RUN_STATUSES)[number]
export type FinalStatus = 'Succeeded' | 'Failed' | 'Canceled' | 'Error' | 'Timeout'

export interface OutputImage {
  registry: string
  repository: string
  tag: string
  digest: string
}

export interface ArmRegistry {
  name: string
  /** The registry host clients use (`127.0.0.1:PORT` for the stack's). */
  loginServer: string
  location?: string
  /** Pushes an image under every `repository:tag`; returns the manifest digest. */
  push?: (
    images: { repository: string; tag: string }[],
    platform: Platform,
    runId: string
  ) => Promise<string>
}

/** What a run does, decided by the test before it is scheduled. */
export interface RunScript {
  /** Polls answered Queued first (default 1). */
  queuedPolls?: number
  /** Polls answered Running before the final status (default 2). */
  runningPolls?: number
  /** Default Succeeded. */
  final?: FinalStatus
  /** Log text appended one chunk per Running poll (the rest with the final status). */
  logChunks?: string[]
  /** `runErrorMessage` for a run that did not succeed. */
  errorMessage?: string
  /** Called on each GET of the run, after its status for this poll is set. */
  onPoll?: (poll: number, run: StoredRun) => void | Promise<void>
  /** A hostile ARM: answer with this run ID instead of one like ACR's (`ca1`, lowercase alphanumeric). */
  runId?: string
}

export interface BuildArgument {
  name: string
  value: string
  isSecret?: boolean
}

export interface DockerBuildRequestBody {
  type: 'DockerBuildRequest'
  imageNames: string[]
  isPushEnabled?: boolean
  noCache?: boolean
  dockerFilePath: string
  sourceLocation: string
  platform: { os: string; architecture?: string; variant?: string }
  arguments?: BuildArgument[]
  timeout?: number
  isArchiveEnabled?: boolean
  target?: string
}

export interface LogRead {
  /** Bytes of log the reader asked from. */
  start: number
  /** Bytes returned. */
  length: number
  /** The run's status when the read happened. */
  status: RunStatus
}

export interface StoredRun {
  runId: string
  registry: string
  request: DockerBuildRequestBody
  status: RunStatus
  polls: number
  log: string
  logReads: LogRead[]
  outputImages: OutputImage[]
  /** Archive entries of an uploaded source (undefined for git sources). */
  sourceEntries?: string[]
  canceled: boolean
  createTime: string
  finishTime?: string
  script: RunScript
  /** The audience of the token that scheduled it. */
  audience: string
}

export interface Upload {
  relativePath: string
  bytes: Buffer
  headers: Record<string, string | string[] | undefined>
}

export interface ArmOptions {
  /** Checks a bearer header for an audience (Entra's verifyAccessToken). */
  verifyToken: (authorization: string | undefined, audience: string) => Promise<unknown>
  subscriptionId?: string
  resourceGroup?: string
  /** Accepted token audiences besides this server's own origin (default: ARM's). */
  audiences?: string[]
}

export interface Arm {
  readonly routes: Route[]
  bindUrl(origin: string): void
  readonly origin: string
  readonly subscriptionId: string
  readonly resourceGroup: string
  readonly registries: Map<string, ArmRegistry>
  addRegistry(registry: ArmRegistry): void
  readonly uploads: Map<string, Upload>
  readonly runs: Map<string, StoredRun>
  /** The script the next scheduled run follows (a queue; default: succeed after 1+2 polls). */
  scriptNextRun(script: RunScript): void
  /** Audiences of the tokens ARM calls carried, in order. */
  readonly audiencesSeen: string[]
  /** The `sig` of every SAS URL handed out (upload and log links), oldest first: for leak scans. */
  readonly issuedSasSignatures: readonly string[]
  /**
   * Another origin for the upload or log links handed out (a storage host that refuses, presents a
   * bad certificate or hangs); unset: this server's own blob routes. Cleared by reset().
   */
  readonly blobOrigins: { upload?: string; log?: string }
  /** Forgets uploads, runs, queued scripts and blob origins. */
  reset(): void
}

const ARCHITECTURES = new Set(['amd64', 'x86', '386', 'arm', 'arm64'])
const VARIANTS = new Set(['v6', 'v7', 'v8'])
const IMAGE_NAME =
  /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::\w[\w.-]{0,127})?$/
const GIT_URL = /^(?:https?:\/\/\S+(?:\.git|\/_git\/[^/#\s]+)(?:#\S*)?|git@\S+)$/i
const API_VERSION = /^\d{4}-\d{2}-\d{2}(?:-preview)?$/
const FINAL: ReadonlySet<RunStatus> = new Set([
  'Succeeded',
  'Failed',
  'Canceled',
  'Error',
  'Timeout'
])

function armError(status: number, code: string, message: string): StackResponse {
  return {
    status,
    headers: { 'x-ms-failure-cause': 'gateway' },
    body: { error: { code, message } }
  }
}

function storageError(status: number, code: string, message: string): StackResponse {
  return {
    status,
    headers: { 'content-type': 'application/xml', 'x-ms-error-code': code },
    body: `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}\nRequestId:${randomUUID()}\nTime:${new Date().toISOString()}</Message></Error>`
  }
}

/** Names of the entries of a .tar.gz (a small reader: ustar and pax paths). */
export function listArchive(gz: Buffer): string[] {
  const tar = gunzipSync(gz)
  const names: string[] = []
  let paxPath: string | undefined
  for (let offset = 0; offset + 512 <= tar.length;) {
    const header = tar.subarray(offset, offset + 512)
    if (header.every(b => b === 0)) break
    const field = (start: number, length: number) =>
      header
        .subarray(start, start + length)
        .toString('utf8')
        .replace(/\0.*$/s, '')
    const size = parseInt(field(124, 12).trim() || '0', 8)
    const type = field(156, 1)
    const prefix = field(345, 155)
    const name = prefix ? `${prefix}/${field(0, 100)}` : field(0, 100)
    const body = tar.subarray(offset + 512, offset + 512 + size)
    if (type === 'x') {
      const m = /\d+ path=([^\n]*)\n/.exec(body.toString('utf8'))
      if (m?.[1] !== undefined) paxPath = m[1]
    } else if (type !== 'g') {
      names.push(paxPath ?? name)
      paxPath = undefined
    }
    offset += 512 + Math.ceil(size / 512) * 512
  }
  return names
}

/** An ArmRegistry backed by the stack's real registry: a run's push is a real push. */
export function stackRegistry(name: string, registry: Registry): ArmRegistry {
  return {
    name,
    loginServer: registry.host,
    async push(images, platform, runId) {
      const image = buildImage({ platform, content: `built by ACR Tasks run ${runId}\n` })
      let digest = ''
      for (const { repository, tag } of images) {
        const target = await registry.target(repository)
        for (const blob of image.blobs) await pushBlob(target, repository, blob.bytes, blob.digest)
        digest = await putManifest(
          target,
          repository,
          tag,
          image.manifestDescriptor.mediaType,
          image.manifest
        )
      }
      return digest
    }
  }
}

const PROVIDER = '/providers/Microsoft\\.ContainerRegistry/registries'
const SCOPE = `^/subscriptions/(?<sub>[^/]+)/resourceGroups/(?<rg>[^/]+)${PROVIDER}`

export function createArm(options: ArmOptions): Arm {
  const subscriptionId = options.subscriptionId ?? randomUUID()
  const resourceGroup = options.resourceGroup ?? 'notation-akv-rg'
  const sasKey = randomBytes(32)
  const registries = new Map<string, ArmRegistry>()
  const uploads = new Map<string, Upload>()
  const runs = new Map<string, StoredRun>()
  const scripts: RunScript[] = []
  const audiencesSeen: string[] = []
  const issuedSasSignatures: string[] = []
  let origin = ''
  let runCounter = 0

  const sign = (path: string, permissions: string): string =>
    createHmac('sha256', sasKey).update(`${permissions}\n${path}`).digest('base64url')

  const blobOrigins: { upload?: string; log?: string } = {}

  const sasUrl = (path: string, permissions: string, base = origin): string => {
    const expiry = new Date(Date.now() + 3600_000).toISOString().replace(/\.\d+Z$/, 'Z')
    const query = new URLSearchParams({
      sv: '2019-02-02',
      sr: 'b',
      se: expiry,
      sp: permissions,
      sig: sign(path, permissions)
    })
    issuedSasSignatures.push(query.get('sig') ?? '')
    return `${base}${path}?${query.toString()}`
  }

  const checkSas = (req: StackRequest, permission: string): StackResponse | undefined => {
    const sig = req.url.searchParams.get('sig') ?? ''
    const sp = req.url.searchParams.get('sp') ?? ''
    const expected = Buffer.from(sign(req.url.pathname, sp))
    const given = Buffer.from(sig)
    if (
      !sp.includes(permission) ||
      given.length !== expected.length ||
      !timingSafeEqual(given, expected)
    ) {
      return storageError(
        403,
        'AuthenticationFailed',
        'Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.'
      )
    }
    return undefined
  }

  const registryId = (name: string): string =>
    `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.ContainerRegistry/registries/${name}`

  /** Auth, api-version, subscription, resource group, registry: the checks every ARM call gets. */
  const arm = async (
    req: StackRequest,
    tasksApi: boolean
  ): Promise<{ error: StackResponse } | { registry?: ArmRegistry; audience: string }> => {
    const accepted = [...(options.audiences ?? [ARM_AUDIENCE]), origin]
    let audience: string | undefined
    for (const candidate of accepted) {
      if (await options.verifyToken(req.headers.authorization, candidate)) {
        audience = candidate
        break
      }
    }
    if (audience === undefined) {
      const error = armError(
        401,
        req.headers.authorization ? 'InvalidAuthenticationToken' : 'AuthenticationFailed',
        req.headers.authorization
          ? 'The access token is invalid or has an audience this endpoint does not accept.'
          : "Authentication failed. The 'Authorization' header is missing."
      )
      error.headers = {
        ...error.headers,
        'www-authenticate': `Bearer authorization_uri="https://login.windows.net/", error="invalid_token", error_description="The access token is invalid."`
      }
      return { error }
    }
    audiencesSeen.push(audience)
    const version = req.url.searchParams.get('api-version')
    if (version === null) {
      return {
        error: armError(
          400,
          'MissingApiVersionParameter',
          'The api-version query parameter (?api-version=) is required for all requests.'
        )
      }
    }
    if (!API_VERSION.test(version) || (tasksApi && version !== TASKS_API_VERSION)) {
      return {
        error: armError(
          400,
          'InvalidApiVersionParameter',
          `The api-version '${version}' is invalid for this operation; supported: ${tasksApi ? TASKS_API_VERSION : 'a dated version'}.`
        )
      }
    }
    if ((req.params.sub ?? '').toLowerCase() !== subscriptionId.toLowerCase()) {
      return {
        error: armError(
          404,
          'SubscriptionNotFound',
          `The subscription '${req.params.sub}' could not be found.`
        )
      }
    }
    if ((req.params.rg ?? '').toLowerCase() !== resourceGroup.toLowerCase()) {
      return {
        error: armError(
          404,
          'ResourceGroupNotFound',
          `Resource group '${req.params.rg}' could not be found.`
        )
      }
    }
    if (req.params.reg === undefined) return { audience }
    const registry = [...registries.values()].find(
      r => r.name.toLowerCase() === req.params.reg?.toLowerCase()
    )
    if (!registry) {
      return {
        error: armError(
          404,
          'ResourceNotFound',
          `The Resource 'Microsoft.ContainerRegistry/registries/${req.params.reg}' under resource group '${req.params.rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`
        )
      }
    }
    return { registry, audience }
  }

  const registryJson = (r: ArmRegistry) => ({
    id: registryId(r.name),
    name: r.name,
    type: 'Microsoft.ContainerRegistry/registries',
    location: r.location ?? 'westeurope',
    tags: {},
    sku: { name: 'Standard', tier: 'Standard' },
    properties: {
      loginServer: r.loginServer,
      creationDate: '2024-01-01T00:00:00.0000000Z',
      provisioningState: 'Succeeded',
      adminUserEnabled: false,
      publicNetworkAccess: 'Enabled',
      zoneRedundancy: 'Disabled'
    }
  })

  const runJson = (run: StoredRun) => ({
    id: `${registryId(run.registry)}/runs/${run.runId}`,
    name: run.runId,
    type: 'Microsoft.ContainerRegistry/registries/runs',
    properties: {
      runId: run.runId,
      status: run.status,
      lastUpdatedTime: new Date().toISOString(),
      runType: 'QuickRun',
      createTime: run.createTime,
      ...(run.status === 'Queued' ? {} : { startTime: run.createTime }),
      ...(run.finishTime === undefined ? {} : { finishTime: run.finishTime }),
      ...(run.outputImages.length > 0 ? { outputImages: run.outputImages } : {}),
      platform: run.request.platform,
      agentConfiguration: { cpu: 2 },
      provisioningState: 'Succeeded',
      isArchiveEnabled: false,
      ...(run.status !== 'Succeeded' && FINAL.has(run.status) && run.script.errorMessage
        ? { runErrorMessage: run.script.errorMessage }
        : {})
    }
  })

  const validate = (body: unknown): string | undefined => {
    if (typeof body !== 'object' || body === null) return 'The request body must be a JSON object.'
    const b = body as Partial<DockerBuildRequestBody>
    if (b.type !== 'DockerBuildRequest') return `Unsupported run request type '${String(b.type)}'.`
    if (!Array.isArray(b.imageNames) || b.imageNames.length === 0) {
      return 'imageNames must be a non-empty array.'
    }
    for (const name of b.imageNames) {
      if (typeof name !== 'string' || !IMAGE_NAME.test(name) || name.split('/')[0]?.includes('.')) {
        return `Invalid image name '${String(name)}': use repository:tag, relative to the registry.`
      }
    }
    if (b.isPushEnabled !== undefined && typeof b.isPushEnabled !== 'boolean') {
      return 'isPushEnabled must be a boolean.'
    }
    if (
      typeof b.dockerFilePath !== 'string' ||
      b.dockerFilePath === '' ||
      b.dockerFilePath.startsWith('/') ||
      b.dockerFilePath.split('/').includes('..')
    ) {
      return 'dockerFilePath must be a relative path inside the source.'
    }
    if (typeof b.sourceLocation !== 'string' || b.sourceLocation === '') {
      return 'sourceLocation is required.'
    }
    if (!uploads.has(b.sourceLocation) && !GIT_URL.test(b.sourceLocation)) {
      return `The source location '${b.sourceLocation}' is neither an uploaded source nor a git URL.`
    }
    const p = b.platform
    if (typeof p !== 'object' || p === null || typeof p.os !== 'string') {
      return 'platform.os is required.'
    }
    if (!['linux', 'windows'].includes(p.os.toLowerCase())) return `Invalid platform.os '${p.os}'.`
    if (p.architecture !== undefined && !ARCHITECTURES.has(p.architecture)) {
      return `Invalid platform.architecture '${p.architecture}'.`
    }
    if (p.variant !== undefined && !VARIANTS.has(p.variant)) {
      return `Invalid platform.variant '${p.variant}'.`
    }
    if (b.arguments !== undefined) {
      if (!Array.isArray(b.arguments)) return 'arguments must be an array.'
      for (const a of b.arguments) {
        if (typeof a?.name !== 'string' || a.name === '' || typeof a.value !== 'string') {
          return 'Each argument needs a name and a string value.'
        }
        if (a.isSecret !== undefined && typeof a.isSecret !== 'boolean') {
          return `Argument '${a.name}': isSecret must be a boolean.`
        }
      }
    }
    if (
      b.timeout !== undefined &&
      (!Number.isInteger(b.timeout) || b.timeout < 300 || b.timeout > 28800)
    ) {
      return 'timeout must be an integer from 300 to 28800 seconds.'
    }
    return undefined
  }

  const defaultChunks = (run: StoredRun): string[] => {
    const args = (run.request.arguments ?? []).map(a =>
      a.isSecret ? `--build-arg ${a.name}` : `--build-arg ${a.name}=${a.value}`
    )
    return [
      `Downloading source code...\nFinished downloading source code\n`,
      `Building ${run.request.imageNames.join(', ')} from ${run.request.dockerFilePath}` +
        (args.length > 0 ? ` ${args.join(' ')}` : '') +
        '\n'
    ]
  }

  /** The log text a run adds with its final status. */
  const finalText = async (run: StoredRun, final: FinalStatus): Promise<string> => {
    const registry = registries.get(run.registry)
    if (final === 'Succeeded') {
      const images = run.request.imageNames.map(n => {
        const colon = n.lastIndexOf(':')
        return colon < 0
          ? { repository: n, tag: 'latest' }
          : { repository: n.slice(0, colon), tag: n.slice(colon + 1) }
      })
      if (run.request.isPushEnabled !== false && registry) {
        const platform: Platform = {
          os: run.request.platform.os.toLowerCase(),
          architecture: run.request.platform.architecture ?? 'amd64',
          ...(run.request.platform.variant === undefined
            ? {}
            : { variant: run.request.platform.variant })
        }
        const digest = registry.push
          ? await registry.push(images, platform, run.runId)
          : `sha256:${createHmac('sha256', sasKey).update(run.runId).digest('hex')}`
        run.outputImages = images.map(i => ({ registry: registry.loginServer, ...i, digest }))
      }
      return (
        run.outputImages
          .map(o => `Successfully pushed image: ${o.registry}/${o.repository}:${o.tag}\n`)
          .join('') + `Run ID: ${run.runId} was successful after 3s\n`
      )
    }
    if (final === 'Timeout')
      return `Run ID: ${run.runId} failed after 3s. Error: context deadline exceeded\n`
    if (final === 'Canceled') return `Run ID: ${run.runId} was canceled\n`
    return (
      (run.script.errorMessage ? `error: ${run.script.errorMessage}\n` : '') +
      `Run ID: ${run.runId} ${final === 'Error' ? 'errored' : 'failed'} after 3s. Error: failed during run, err: exit status 1\n`
    )
  }

  const advance = async (run: StoredRun): Promise<void> => {
    if (FINAL.has(run.status)) return
    run.polls++
    const queued = run.script.queuedPolls ?? 1
    const running = run.script.runningPolls ?? 2
    const chunks = run.script.logChunks ?? defaultChunks(run)
    if (run.polls <= queued) {
      run.status = 'Queued'
      return
    }
    if (run.polls <= queued + running) {
      run.status = 'Running'
      const chunk = chunks[run.polls - queued - 1]
      if (chunk !== undefined) run.log += chunk
      return
    }
    run.log += chunks.slice(running).join('')
    let final = run.script.final ?? 'Succeeded'
    if (
      final === 'Succeeded' &&
      run.sourceEntries &&
      !run.sourceEntries.includes(run.request.dockerFilePath)
    ) {
      run.script.errorMessage = `unable to find ${run.request.dockerFilePath} in the source`
      final = 'Failed'
    }
    run.log += await finalText(run, final)
    run.status = final
    run.finishTime = new Date().toISOString()
  }

  const paramsPath = (suffix: string): RegExp => new RegExp(`${SCOPE}${suffix}$`, 'i')

  const routes: Route[] = [
    {
      name: 'arm.registries.list',
      method: 'GET',
      path: paramsPath('/?'),
      handler: async req => {
        const checked = await arm(req, false)
        if ('error' in checked) return checked.error
        return { status: 200, body: { value: [...registries.values()].map(registryJson) } }
      }
    },
    {
      name: 'arm.registries.listBuildSourceUploadUrl',
      method: 'POST',
      path: paramsPath('/(?<reg>[^/]+)/listBuildSourceUploadUrl'),
      handler: async req => {
        const checked = await arm(req, true)
        if ('error' in checked) return checked.error
        const day = new Date().toISOString().slice(0, 10).replace(/-/g, '')
        const relativePath = `source/${day}/${randomUUID()}.tar.gz`
        return {
          status: 200,
          body: {
            uploadUrl: sasUrl(`/blob/${relativePath}`, 'cw', blobOrigins.upload),
            relativePath
          }
        }
      }
    },
    {
      name: 'arm.registries.scheduleRun',
      method: 'POST',
      path: paramsPath('/(?<reg>[^/]+)/scheduleRun'),
      handler: async req => {
        const checked = await arm(req, true)
        if ('error' in checked) return checked.error
        let body: unknown
        try {
          body = JSON.parse(req.body.toString())
        } catch {
          return armError(
            400,
            'InvalidRequestContent',
            'The request content was invalid and could not be deserialized.'
          )
        }
        const problem = validate(body)
        if (problem) return armError(400, 'InvalidParameter', problem)
        const request = body as DockerBuildRequestBody
        const upload = uploads.get(request.sourceLocation)
        const script = { ...(scripts.shift() ?? {}) }
        const generated = `c${String.fromCharCode(97 + (runCounter % 26))}${++runCounter}`
        const runId = script.runId ?? generated
        const run: StoredRun = {
          runId,
          registry: checked.registry?.name ?? '',
          request,
          status: 'Queued',
          polls: 0,
          log: '',
          logReads: [],
          outputImages: [],
          canceled: false,
          createTime: new Date().toISOString(),
          script,
          audience: checked.audience,
          ...(upload ? { sourceEntries: listArchive(upload.bytes) } : {})
        }
        runs.set(runId, run)
        return { status: 200, body: runJson(run) }
      }
    },
    {
      name: 'arm.runs.get',
      method: 'GET',
      path: paramsPath('/(?<reg>[^/]+)/runs/(?<run>[^/]+)'),
      handler: async req => {
        const checked = await arm(req, true)
        if ('error' in checked) return checked.error
        const run = runs.get(req.params.run ?? '')
        if (!run || run.registry !== checked.registry?.name) {
          return armError(404, 'ResourceNotFound', `Run '${req.params.run}' was not found.`)
        }
        await advance(run)
        await run.script.onPoll?.(run.polls, run)
        return { status: 200, body: runJson(run) }
      }
    },
    {
      name: 'arm.runs.listLogSasUrl',
      method: 'POST',
      path: paramsPath('/(?<reg>[^/]+)/runs/(?<run>[^/]+)/listLogSasUrl'),
      handler: async req => {
        const checked = await arm(req, true)
        if ('error' in checked) return checked.error
        const run = runs.get(req.params.run ?? '')
        if (!run) return armError(404, 'ResourceNotFound', `Run '${req.params.run}' was not found.`)
        return {
          status: 200,
          body: { logLink: sasUrl(`/blob/logs/${run.runId}/rawtext.log`, 'r', blobOrigins.log) }
        }
      }
    },
    {
      name: 'arm.runs.cancel',
      method: 'POST',
      path: paramsPath('/(?<reg>[^/]+)/runs/(?<run>[^/]+)/cancel'),
      handler: async req => {
        const checked = await arm(req, true)
        if ('error' in checked) return checked.error
        const run = runs.get(req.params.run ?? '')
        if (!run) return armError(404, 'ResourceNotFound', `Run '${req.params.run}' was not found.`)
        if (!FINAL.has(run.status)) {
          run.canceled = true
          run.log += await finalText(run, 'Canceled')
          run.status = 'Canceled'
          run.finishTime = new Date().toISOString()
        }
        return { status: 202 }
      }
    },
    {
      name: 'blob.put',
      method: 'PUT',
      path: /^\/blob\/(?<path>source\/.+)$/,
      handler: req => {
        const denied = checkSas(req, 'w')
        if (denied) return denied
        if (req.headers['x-ms-blob-type'] !== 'BlockBlob') {
          return storageError(
            400,
            'MissingRequiredHeader',
            "An HTTP header that's mandatory for this request is not specified."
          )
        }
        const relativePath = req.params.path ?? ''
        uploads.set(relativePath, { relativePath, bytes: req.body, headers: { ...req.headers } })
        return {
          status: 201,
          headers: {
            etag: `"0x${randomBytes(8).toString('hex').toUpperCase()}"`,
            'x-ms-request-id': randomUUID(),
            'x-ms-version': '2019-02-02',
            'x-ms-request-server-encrypted': 'true'
          }
        }
      }
    },
    {
      name: 'blob.log',
      method: 'GET',
      path: /^\/blob\/logs\/(?<run>[^/]+)\/rawtext\.log$/,
      handler: req => {
        const denied = checkSas(req, 'r')
        if (denied) return denied
        const run = runs.get(req.params.run ?? '')
        if (!run) return storageError(404, 'BlobNotFound', 'The specified blob does not exist.')
        const bytes = Buffer.from(run.log)
        const headers: Record<string, string> = {
          'content-type': 'text/plain; charset=utf-8',
          'x-ms-blob-type': 'AppendBlob',
          'accept-ranges': 'bytes',
          'x-ms-version': '2019-02-02'
        }
        if (FINAL.has(run.status)) {
          headers['x-ms-meta-Complete'] = run.status === 'Succeeded' ? 'successful' : 'failed'
        }
        const range = (req.headers['x-ms-range'] ?? req.headers.range) as string | undefined
        if (range === undefined) {
          run.logReads.push({ start: 0, length: bytes.length, status: run.status })
          return { status: 200, headers, body: bytes }
        }
        const m = /^bytes=(\d+)-(\d*)$/.exec(range)
        if (!m) return storageError(400, 'InvalidHeaderValue', `The range '${range}' is invalid.`)
        const start = Number(m[1])
        const end = m[2] === '' ? bytes.length - 1 : Math.min(Number(m[2]), bytes.length - 1)
        if (start >= bytes.length) {
          run.logReads.push({ start, length: 0, status: run.status })
          const error = storageError(
            416,
            'InvalidRange',
            'The range specified is invalid for the current size of the resource.'
          )
          error.headers = { ...error.headers, 'content-range': `bytes */${bytes.length}` }
          return error
        }
        const body = bytes.subarray(start, end + 1)
        run.logReads.push({ start, length: body.length, status: run.status })
        return {
          status: 206,
          headers: { ...headers, 'content-range': `bytes ${start}-${end}/${bytes.length}` },
          body
        }
      }
    }
  ]

  return {
    routes,
    bindUrl(o: string) {
      origin = o
    },
    get origin() {
      if (!origin) throw new Error('arm: bindUrl() has not been called')
      return origin
    },
    subscriptionId,
    resourceGroup,
    registries,
    addRegistry(registry) {
      registries.set(registry.name, registry)
    },
    uploads,
    runs,
    scriptNextRun(script) {
      scripts.push(script)
    },
    audiencesSeen,
    issuedSasSignatures,
    blobOrigins,
    reset() {
      delete blobOrigins.upload
      delete blobOrigins.log
      uploads.clear()
      runs.clear()
      scripts.length = 0
      audiencesSeen.length = 0
    }
  }
}
