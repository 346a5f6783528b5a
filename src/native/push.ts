// Pushes a signature as notation does, with the action's own registry client: the envelope blob,
// the `{}` config blob (when missing), the signature manifest by digest, and, unless the registry
// keeps referrers itself, the signature's entry in the `sha256-<hex>` tag index. That index is read,
// changed and written back: updates for one subject run one at a time (concurrent updates lose
// entries), updates for different subjects run at once.
import { createHash } from 'node:crypto'
import { ActionError } from '../util/errors.ts'
import { serverMessage, type HttpResponse } from '../util/http.ts'
import {
  MANIFEST_MEDIA_TYPES,
  MAX_MANIFEST_BYTES,
  manifestMediaType,
  type RegistryClient
} from '../registry/registry.ts'
import type { Descriptor } from './envelope.ts'
import {
  OCI_INDEX,
  OCI_MANIFEST,
  SIGNATURE_ARTIFACT_TYPE,
  SIGNATURE_CONFIG,
  appendToIndex,
  describeBytes,
  indexEntry,
  referrersTag,
  sha256Digest
} from './manifest.ts'
import type { GoMap } from './go-json.ts'

function describe(response: HttpResponse): string {
  const message = serverMessage(response)
  return `HTTP ${response.status}${message ? `: ${message}` : ''}`
}

/** What became of the tag index for one signature. */
export type IndexOutcome =
  'referrers-api' | 'tag-index-created' | 'tag-index-updated' | 'tag-index-listed-already'

export interface PushResult {
  manifest: Descriptor
  index: IndexOutcome
  /** Trouble that did not stop the signature (the old index could not be deleted). */
  warnings: string[]
}

export class SignatureRegistry {
  private readonly client: RegistryClient
  private readonly repository: string
  private readonly scope: string
  private configPushed: Promise<void> | undefined
  private readonly subjectQueues = new Map<string, Promise<unknown>>()

  constructor(client: RegistryClient, repository: string) {
    this.client = client
    this.repository = repository
    this.scope = `repository:${repository}:pull,push`
  }

  private request(
    method: string,
    path: string,
    headers: Record<string, string> = {},
    body?: Buffer,
    maxBytes?: number
  ): Promise<HttpResponse> {
    return this.client.request(method, path, this.scope, headers, maxBytes, body)
  }

  private get where(): string {
    return `${this.client.registry}/${this.repository}`
  }

  /**
   * The descriptor notation signs: the manifest's media type (Content-Type), digest and size. The
   * bytes are read and hashed: the digest is what they prove, not what a header says.
   */
  async describeManifest(digest: string): Promise<Descriptor> {
    const response = await this.request(
      'GET',
      `/v2/${this.repository}/manifests/${digest}`,
      { accept: MANIFEST_MEDIA_TYPES.join(', ') },
      undefined,
      MAX_MANIFEST_BYTES
    )
    if (response.status !== 200) {
      throw new ActionError(`Reading ${this.where}@${digest} failed: ${describe(response)}.`)
    }
    const algorithm = digest.startsWith('sha512:') ? 'sha512' : 'sha256'
    const hashed = `${algorithm}:${createHash(algorithm).update(response.body).digest('hex')}`
    if (hashed !== digest) {
      throw new ActionError(
        `${this.client.registry} served ${this.where}@${digest} as bytes that hash to ${hashed}; not signing.`
      )
    }
    const mediaType = manifestMediaType(response.headers.get('content-type'))
    if (!mediaType) {
      throw new ActionError(
        `${this.client.registry} served ${this.where}@${digest} without a Content-Type.`
      )
    }
    return { mediaType, digest, size: response.body.length }
  }

  private async blobExists(digest: string): Promise<boolean> {
    const response = await this.request('HEAD', `/v2/${this.repository}/blobs/${digest}`)
    if (response.status === 200) return true
    if (response.status === 404) return false
    throw new ActionError(`Checking blob ${digest} in ${this.where} failed: ${describe(response)}.`)
  }

  /** POST to open an upload, PUT the bytes to the Location it names (on this registry only). */
  private async pushBlob(bytes: Buffer): Promise<string> {
    const digest = sha256Digest(bytes)
    const opened = await this.request('POST', `/v2/${this.repository}/blobs/uploads/`, {
      'content-length': '0'
    })
    const location = opened.headers.get('location')
    if (opened.status !== 202 || !location) {
      throw new ActionError(`Starting a blob upload to ${this.where} failed: ${describe(opened)}.`)
    }
    const target = new URL(location, `${this.client.origin}/v2/${this.repository}/blobs/uploads/`)
    if (target.origin !== this.client.origin) {
      // The registry's credentials go only to the registry itself.
      throw new ActionError(
        `${this.client.registry} named an upload location on another host (${target.host}); not sending the signature there.`
      )
    }
    target.searchParams.set('digest', digest)
    const put = await this.request(
      'PUT',
      `${target.pathname}${target.search}`,
      { 'content-type': 'application/octet-stream' },
      bytes
    )
    if (put.status !== 201) {
      throw new ActionError(`Uploading blob ${digest} to ${this.where} failed: ${describe(put)}.`)
    }
    return digest
  }

  /** The `{}` config, pushed once per repository per run when the registry lacks it. */
  private ensureConfig(): Promise<void> {
    this.configPushed ??= (async () => {
      const { digest } = describeBytes(SIGNATURE_ARTIFACT_TYPE, SIGNATURE_CONFIG)
      if (!(await this.blobExists(digest))) await this.pushBlob(SIGNATURE_CONFIG)
    })().catch((error: unknown) => {
      this.configPushed = undefined
      throw error
    })
    return this.configPushed
  }

  /** Whether the registry answers the referrers API (OCI distribution 1.1). */
  private async hasReferrersApi(subject: string): Promise<boolean> {
    const response = await this.request(
      'GET',
      `/v2/${this.repository}/referrers/${subject}`,
      { accept: OCI_INDEX },
      undefined,
      MAX_MANIFEST_BYTES
    )
    if (response.status === 404) return false
    const type = manifestMediaType(response.headers.get('content-type'))
    if (response.status === 200 && type === OCI_INDEX) return true
    if (response.status === 200) return false
    throw new ActionError(
      `Asking ${this.where} for the referrers of ${subject} failed: ${describe(response)}.`
    )
  }

  private async readIndex(tag: string): Promise<{ bytes: Buffer; digest: string } | undefined> {
    const response = await this.request(
      'GET',
      `/v2/${this.repository}/manifests/${tag}`,
      { accept: OCI_INDEX },
      undefined,
      MAX_MANIFEST_BYTES
    )
    if (response.status === 404) return undefined
    if (response.status !== 200) {
      throw new ActionError(
        `Reading the referrers tag ${tag} of ${this.where} failed: ${describe(response)}.`
      )
    }
    const type = manifestMediaType(response.headers.get('content-type'))
    if (type !== OCI_INDEX) {
      throw new ActionError(
        `The referrers tag ${tag} of ${this.where} is a ${type ?? 'manifest of no type'}, not an OCI image index; not replacing it.`
      )
    }
    return { bytes: response.body, digest: sha256Digest(response.body) }
  }

  /** Runs `work` after every earlier update of the same subject has ended. */
  private serialized<T>(subject: string, work: () => Promise<T>): Promise<T> {
    const previous = this.subjectQueues.get(subject) ?? Promise.resolve()
    const next = previous.then(work, work)
    const tail = next.catch(() => undefined)
    this.subjectQueues.set(subject, tail)
    void tail.then(() => {
      if (this.subjectQueues.get(subject) === tail) this.subjectQueues.delete(subject)
    })
    return next
  }

  private async updateTagIndex(
    subject: string,
    manifest: Descriptor,
    annotations: GoMap,
    warnings: string[]
  ): Promise<IndexOutcome> {
    return this.serialized(subject, async () => {
      const tag = referrersTag(subject)
      const old = await this.readIndex(tag)
      const updated = appendToIndex(old?.bytes, indexEntry(manifest, annotations), manifest.digest)
      if (updated === undefined) return 'tag-index-listed-already'
      const put = await this.request(
        'PUT',
        `/v2/${this.repository}/manifests/${tag}`,
        { 'content-type': OCI_INDEX },
        updated
      )
      if (put.status !== 201) {
        throw new ActionError(
          `Writing the referrers tag ${tag} of ${this.where} failed: ${describe(put)}.`
        )
      }
      if (!old) return 'tag-index-created'
      // As notation: the old index is deleted, and a refusal is only a warning.
      const removed = await this.request('DELETE', `/v2/${this.repository}/manifests/${old.digest}`)
      if (removed.status !== 202 && removed.status !== 404) {
        warnings.push(
          `The previous referrers index ${old.digest} of ${this.where} was not deleted (${describe(removed)}); it stays as an untagged manifest.`
        )
      }
      return 'tag-index-updated'
    })
  }

  /**
   * Pushes one signature: envelope blob, config, manifest by digest, then the tag index when the
   * registry does not keep referrers itself (or always, with forceReferrersTag, as notation).
   */
  async push(options: {
    envelope: { mediaType: string; bytes: Buffer }
    subject: Descriptor
    annotations: GoMap
    manifest: (envelope: Descriptor) => Buffer
    forceReferrersTag: boolean
  }): Promise<PushResult> {
    const warnings: string[] = []
    const envelope = describeBytes(options.envelope.mediaType, options.envelope.bytes)
    await this.pushBlob(options.envelope.bytes)
    await this.ensureConfig()
    const bytes = options.manifest(envelope)
    const manifest = describeBytes(OCI_MANIFEST, bytes)
    const put = await this.request(
      'PUT',
      `/v2/${this.repository}/manifests/${manifest.digest}`,
      { 'content-type': OCI_MANIFEST },
      bytes
    )
    if (put.status !== 201) {
      throw new ActionError(
        `Pushing the signature manifest to ${this.where} failed: ${describe(put)}.`
      )
    }
    const subject = options.subject.digest
    if (!options.forceReferrersTag) {
      // The registry says it indexed the subject, or answers the referrers API: nothing to tag.
      if (put.headers.get('oci-subject') === subject) {
        return { manifest, index: 'referrers-api', warnings }
      }
      if (await this.hasReferrersApi(subject)) return { manifest, index: 'referrers-api', warnings }
    }
    const index = await this.updateTagIndex(subject, manifest, options.annotations, warnings)
    return { manifest, index, warnings }
  }
}
