// Small real images, pushed over the distribution API: a gzip'd tar layer, an image config, an OCI
// or Docker v2 schema 2 manifest, and image indexes. Digests are sha256 of the exact bytes sent.
import { createHash } from 'node:crypto'
import https from 'node:https'
import type { IncomingHttpHeaders } from 'node:http'
import { gzipSync } from 'node:zlib'

export const MEDIA_TYPES = {
  oci: {
    manifest: 'application/vnd.oci.image.manifest.v1+json',
    index: 'application/vnd.oci.image.index.v1+json',
    config: 'application/vnd.oci.image.config.v1+json',
    layer: 'application/vnd.oci.image.layer.v1.tar+gzip'
  },
  docker: {
    manifest: 'application/vnd.docker.distribution.manifest.v2+json',
    index: 'application/vnd.docker.distribution.manifest.list.v2+json',
    config: 'application/vnd.docker.container.image.v1+json',
    layer: 'application/vnd.docker.image.rootfs.diff.tar.gzip'
  }
} as const

export type ImageFormat = keyof typeof MEDIA_TYPES

export const MANIFEST_ACCEPT = [
  MEDIA_TYPES.oci.manifest,
  MEDIA_TYPES.oci.index,
  MEDIA_TYPES.docker.manifest,
  MEDIA_TYPES.docker.index
].join(', ')

export interface HttpResult {
  status: number
  headers: IncomingHttpHeaders
  body: Buffer
}

export interface HttpOptions {
  method?: string
  headers?: Record<string, string>
  body?: Buffer | string
  /** PEM CA(s) to trust (only these). */
  ca?: string
}

/** One HTTPS request with an explicit trust anchor; no global TLS state, no keep-alive. */
export function httpsRequest(url: string | URL, options: HttpOptions = {}): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const body = options.body === undefined ? undefined : Buffer.from(options.body)
    const headers: Record<string, string> = { ...options.headers }
    if (body) headers['content-length'] = String(body.length)
    const req = https.request(
      url,
      {
        method: options.method ?? 'GET',
        headers,
        agent: false,
        ...(options.ca === undefined ? {} : { ca: options.ca })
      },
      res => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks)
          })
        )
        res.on('error', reject)
      }
    )
    req.on('error', reject)
    req.end(body)
  })
}

export function sha256Digest(bytes: Buffer | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`
}

export interface Descriptor {
  mediaType: string
  digest: string
  size: number
  platform?: Platform
  annotations?: Record<string, string>
}

export interface Platform {
  os: string
  architecture: string
  variant?: string
}

/** A one-file ustar archive (what a real layer is, uncompressed). */
export function tarOneFile(name: string, content: Buffer | string): Buffer {
  const data = Buffer.from(content)
  const header = Buffer.alloc(512)
  const field = (value: string, offset: number, length: number) =>
    header.write(value, offset, length, 'ascii')
  const octal = (n: number, length: number) => n.toString(8).padStart(length - 1, '0') + '\0'
  field(name, 0, 100)
  field(octal(0o644, 8), 100, 8)
  field(octal(0, 8), 108, 8)
  field(octal(0, 8), 116, 8)
  field(octal(data.length, 12), 124, 12)
  field(octal(1700000000, 12), 136, 12)
  field('        ', 148, 8)
  field('0', 156, 1)
  field('ustar\0', 257, 6)
  field('00', 263, 2)
  let sum = 0
  for (const b of header) sum += b
  field(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8)
  const padding = Buffer.alloc((512 - (data.length % 512)) % 512)
  return Buffer.concat([header, data, padding, Buffer.alloc(1024)])
}

export interface ImageContent {
  manifest: Buffer
  manifestDescriptor: Descriptor
  config: Buffer
  layers: Buffer[]
  blobs: { digest: string; bytes: Buffer }[]
}

export interface ImageSpec {
  format?: ImageFormat
  platform?: Platform
  /** Text of the single file in the single layer (default: something unique). */
  content?: string
  /** Number of layers (default 1). */
  layerCount?: number
  annotations?: Record<string, string>
}

/** Build the bytes of a small image (nothing is sent). */
export function buildImage(spec: ImageSpec = {}): ImageContent {
  const format = spec.format ?? 'oci'
  const types = MEDIA_TYPES[format]
  const platform = spec.platform ?? { os: 'linux', architecture: 'amd64' }
  const unique =
    spec.content ?? `hello from the stack ${process.hrtime.bigint()} ${Math.random()}\n`
  const layers: Buffer[] = []
  const diffIds: string[] = []
  for (let i = 0; i < (spec.layerCount ?? 1); i++) {
    const tar = tarOneFile(`layer${i}.txt`, `${unique}layer ${i}\n`)
    diffIds.push(sha256Digest(tar))
    layers.push(gzipSync(tar))
  }
  const config = Buffer.from(
    JSON.stringify({
      architecture: platform.architecture,
      os: platform.os,
      ...(platform.variant === undefined ? {} : { variant: platform.variant }),
      created: '2024-01-01T00:00:00Z',
      config: { Cmd: ['/bin/true'] },
      rootfs: { type: 'layers', diff_ids: diffIds },
      history: diffIds.map(() => ({ created: '2024-01-01T00:00:00Z', created_by: 'stack' }))
    })
  )
  const manifestJson: Record<string, unknown> = {
    schemaVersion: 2,
    mediaType: types.manifest,
    config: { mediaType: types.config, digest: sha256Digest(config), size: config.length },
    layers: layers.map(l => ({ mediaType: types.layer, digest: sha256Digest(l), size: l.length }))
  }
  if (spec.annotations && format === 'oci') manifestJson.annotations = spec.annotations
  const manifest = Buffer.from(JSON.stringify(manifestJson))
  return {
    manifest,
    manifestDescriptor: {
      mediaType: types.manifest,
      digest: sha256Digest(manifest),
      size: manifest.length,
      platform
    },
    config,
    layers,
    blobs: [
      { digest: sha256Digest(config), bytes: config },
      ...layers.map(bytes => ({ digest: sha256Digest(bytes), bytes }))
    ]
  }
}

export interface RegistryTarget {
  /** `https://127.0.0.1:PORT` */
  origin: string
  /** PEM of the CA behind the registry's TLS. */
  ca: string
  /** A full Authorization header value for the repository (pull,push), or undefined. */
  authorization?: string
}

export class RegistryError extends Error {
  readonly status: number
  readonly body: string
  constructor(message: string, status: number, body: string) {
    super(`${message}: HTTP ${status} ${body.slice(0, 300)}`)
    this.status = status
    this.body = body
  }
}

function authHeaders(target: RegistryTarget): Record<string, string> {
  return target.authorization === undefined ? {} : { authorization: target.authorization }
}

export async function pushBlob(
  target: RegistryTarget,
  repository: string,
  bytes: Buffer,
  digest = sha256Digest(bytes)
): Promise<string> {
  const head = await httpsRequest(`${target.origin}/v2/${repository}/blobs/${digest}`, {
    method: 'HEAD',
    headers: authHeaders(target),
    ca: target.ca
  })
  if (head.status === 200) return digest
  const start = await httpsRequest(`${target.origin}/v2/${repository}/blobs/uploads/`, {
    method: 'POST',
    headers: authHeaders(target),
    ca: target.ca
  })
  if (start.status !== 202)
    throw new RegistryError(`start upload to ${repository}`, start.status, start.body.toString())
  const location = new URL(String(start.headers.location ?? ''), target.origin)
  location.searchParams.set('digest', digest)
  const put = await httpsRequest(location, {
    method: 'PUT',
    headers: { ...authHeaders(target), 'content-type': 'application/octet-stream' },
    body: bytes,
    ca: target.ca
  })
  if (put.status !== 201)
    throw new RegistryError(`upload ${digest}`, put.status, put.body.toString())
  return digest
}

export async function putManifest(
  target: RegistryTarget,
  repository: string,
  reference: string,
  mediaType: string,
  bytes: Buffer
): Promise<string> {
  const res = await httpsRequest(`${target.origin}/v2/${repository}/manifests/${reference}`, {
    method: 'PUT',
    headers: { ...authHeaders(target), 'content-type': mediaType },
    body: bytes,
    ca: target.ca
  })
  if (res.status !== 201)
    throw new RegistryError(
      `put manifest ${repository}:${reference}`,
      res.status,
      res.body.toString()
    )
  const digest = String(res.headers['docker-content-digest'] ?? '')
  if (digest !== sha256Digest(bytes)) {
    throw new Error(`registry answered digest ${digest}, expected ${sha256Digest(bytes)}`)
  }
  return digest
}

export interface PushedImage {
  repository: string
  /** The manifest digest. */
  digest: string
  mediaType: string
  size: number
  tag?: string
  /** `<host>/<repository>@<digest>` */
  reference: string
  manifest: Buffer
  config: Buffer
  blobs: string[]
  platform: Platform
}

export interface PushImageOptions extends ImageSpec {
  /** Tag the manifest; omitted: pushed by digest only. */
  tag?: string
}

export async function pushImage(
  target: RegistryTarget,
  repository: string,
  options: PushImageOptions = {}
): Promise<PushedImage> {
  const image = buildImage(options)
  for (const blob of image.blobs) await pushBlob(target, repository, blob.bytes, blob.digest)
  const reference = options.tag ?? image.manifestDescriptor.digest
  const digest = await putManifest(
    target,
    repository,
    reference,
    image.manifestDescriptor.mediaType,
    image.manifest
  )
  const host = new URL(target.origin).host
  const pushed: PushedImage = {
    repository,
    digest,
    mediaType: image.manifestDescriptor.mediaType,
    size: image.manifest.length,
    reference: `${host}/${repository}@${digest}`,
    manifest: image.manifest,
    config: image.config,
    blobs: image.blobs.map(b => b.digest),
    platform: image.manifestDescriptor.platform ?? { os: 'linux', architecture: 'amd64' }
  }
  if (options.tag !== undefined) pushed.tag = options.tag
  return pushed
}

export interface PushedIndex {
  repository: string
  digest: string
  mediaType: string
  tag?: string
  reference: string
  index: Buffer
  manifests: PushedImage[]
}

export interface PushIndexOptions {
  format?: ImageFormat
  tag?: string
  /** Default linux/amd64 and linux/arm64. */
  platforms?: Platform[]
}

/** Push one image per platform (by digest), then an index naming them. */
export async function pushIndex(
  target: RegistryTarget,
  repository: string,
  options: PushIndexOptions = {}
): Promise<PushedIndex> {
  const format = options.format ?? 'oci'
  const platforms = options.platforms ?? [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64', variant: 'v8' }
  ]
  const manifests: PushedImage[] = []
  for (const platform of platforms)
    manifests.push(await pushImage(target, repository, { format, platform }))
  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES[format].index,
      manifests: manifests.map(m => ({
        mediaType: m.mediaType,
        digest: m.digest,
        size: m.size,
        platform: m.platform
      }))
    })
  )
  const digest = await putManifest(
    target,
    repository,
    options.tag ?? sha256Digest(index),
    MEDIA_TYPES[format].index,
    index
  )
  const host = new URL(target.origin).host
  const pushed: PushedIndex = {
    repository,
    digest,
    mediaType: MEDIA_TYPES[format].index,
    reference: `${host}/${repository}@${digest}`,
    index,
    manifests
  }
  if (options.tag !== undefined) pushed.tag = options.tag
  return pushed
}

export interface FetchedManifest {
  status: number
  digest?: string
  mediaType?: string
  body: Buffer
}

/** GET (or HEAD) a manifest by tag or digest, accepting every manifest type. */
export async function fetchManifest(
  target: RegistryTarget,
  repository: string,
  reference: string,
  method: 'GET' | 'HEAD' = 'GET'
): Promise<FetchedManifest> {
  const res = await httpsRequest(`${target.origin}/v2/${repository}/manifests/${reference}`, {
    method,
    headers: { ...authHeaders(target), accept: MANIFEST_ACCEPT },
    ca: target.ca
  })
  const out: FetchedManifest = { status: res.status, body: res.body }
  const digest = res.headers['docker-content-digest']
  if (typeof digest === 'string') out.digest = digest
  const type = res.headers['content-type']
  if (typeof type === 'string') out.mediaType = type
  return out
}

export async function fetchBlob(
  target: RegistryTarget,
  repository: string,
  digest: string
): Promise<HttpResult> {
  return httpsRequest(`${target.origin}/v2/${repository}/blobs/${digest}`, {
    headers: authHeaders(target),
    ca: target.ca
  })
}
