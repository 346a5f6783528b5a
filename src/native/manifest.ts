// The signature manifest and its entry in the referrers tag index, byte for byte as notation 1.3
// (oras-go 2.5) writes them: an OCI image manifest with the 2-byte `{}` config of media type
// application/vnd.cncf.notary.signature, one envelope layer, the signed manifest as subject, and
// the chain thumbprints and creation time as annotations.
import { createHash } from 'node:crypto'
import type { Descriptor } from './envelope.ts'
import { rfc3339 } from './envelope.ts'
import { GoMap, goJson, type GoJson } from './go-json.ts'

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json'
export const SIGNATURE_ARTIFACT_TYPE = 'application/vnd.cncf.notary.signature'
export const THUMBPRINT_ANNOTATION = 'io.cncf.notary.x509chain.thumbprint#S256'
export const CREATED_ANNOTATION = 'org.opencontainers.image.created'

/** The config blob: the two bytes `{}`. */
export const SIGNATURE_CONFIG = Buffer.from('{}')

export const sha256Digest = (bytes: Buffer): string =>
  `sha256:${createHash('sha256').update(bytes).digest('hex')}`

export function describeBytes(mediaType: string, bytes: Buffer): Descriptor {
  return { mediaType, digest: sha256Digest(bytes), size: bytes.length }
}

const descriptorJson = (d: Descriptor): GoJson => ({
  mediaType: d.mediaType,
  digest: d.digest,
  size: d.size
})

/** The manifest's annotations (a Go map: keys sorted). */
export function signatureAnnotations(chain: readonly Buffer[], signingTime: Date): GoMap {
  const thumbprints = chain.map(der => createHash('sha256').update(der).digest('hex'))
  return new GoMap([
    [THUMBPRINT_ANNOTATION, goJson(thumbprints)],
    [CREATED_ANNOTATION, rfc3339(signingTime)]
  ])
}

export function signatureManifest(
  envelope: Descriptor,
  subject: Descriptor,
  annotations: GoMap
): Buffer {
  // ocispec.Manifest's field order; no artifactType (notation 1.x writes the config media type).
  const manifest: GoJson = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: descriptorJson(describeBytes(SIGNATURE_ARTIFACT_TYPE, SIGNATURE_CONFIG)),
    layers: [descriptorJson(envelope)],
    subject: descriptorJson(subject),
    annotations
  }
  return Buffer.from(goJson(manifest), 'utf8')
}

/** The signature manifest as the tag index lists it. */
export function indexEntry(manifest: Descriptor, annotations: GoMap): GoJson {
  return {
    ...(descriptorJson(manifest) as object),
    annotations,
    artifactType: SIGNATURE_ARTIFACT_TYPE
  }
}

/** The tag of the referrers tag schema: `sha256-<hex>`. */
export function referrersTag(digest: string): string {
  // sha512-<128 hex> would be longer than a tag may be (128 characters).
  if (!/^sha256:[0-9a-f]{64}$/.test(digest)) {
    throw new Error(`The referrers tag schema has no tag for ${digest}: only sha256 subjects.`)
  }
  return digest.replace(':', '-')
}

/** An existing index entry re-marshalled as oras-go does: ocispec.Descriptor fields, in order. */
function reencodeEntry(entry: Record<string, unknown>): GoJson {
  const out: Record<string, GoJson> = {}
  const strings = (v: unknown): v is Record<string, string> =>
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    Object.values(v).every(s => typeof s === 'string')
  if (typeof entry['mediaType'] === 'string') out['mediaType'] = entry['mediaType']
  if (typeof entry['digest'] === 'string') out['digest'] = entry['digest']
  out['size'] = typeof entry['size'] === 'number' ? entry['size'] : 0
  if (Array.isArray(entry['urls']) && entry['urls'].every(u => typeof u === 'string'))
    out['urls'] = entry['urls'] as string[]
  if (strings(entry['annotations']))
    out['annotations'] = new GoMap(Object.entries(entry['annotations']))
  if (typeof entry['data'] === 'string') out['data'] = entry['data']
  const platform = entry['platform']
  if (typeof platform === 'object' && platform !== null) {
    const p = platform as Record<string, unknown>
    const field: Record<string, GoJson> = {}
    for (const key of ['architecture', 'os', 'os.version'] as const)
      if (typeof p[key] === 'string') field[key] = p[key]
    if (Array.isArray(p['os.features'])) field['os.features'] = p['os.features'] as string[]
    if (typeof p['variant'] === 'string') field['variant'] = p['variant']
    out['platform'] = field
  }
  if (typeof entry['artifactType'] === 'string') out['artifactType'] = entry['artifactType']
  return out
}

/**
 * The tag index with `entry` appended (nothing changes when it is listed already): existing
 * entries kept, in order, re-marshalled as oras-go does.
 */
export function appendToIndex(
  existing: Buffer | undefined,
  entry: GoJson,
  entryDigest: string
): Buffer | undefined {
  let manifests: Record<string, unknown>[] = []
  if (existing !== undefined) {
    const parsed = JSON.parse(existing.toString('utf8')) as { manifests?: unknown }
    if (!Array.isArray(parsed.manifests))
      throw new Error('the referrers tag index has no manifests list')
    manifests = parsed.manifests.filter(
      (m): m is Record<string, unknown> => typeof m === 'object' && m !== null
    )
  }
  if (manifests.some(m => m['digest'] === entryDigest)) return undefined
  const index: GoJson = {
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: [...manifests.map(reencodeEntry), entry]
  }
  return Buffer.from(goJson(index), 'utf8')
}
