// The native signer: each image's manifest is read and hashed, its envelope built here and signed
// by Key Vault on the digest, and the signature pushed by the action's registry client. No notation,
// no plugin, no process per image; one certificate (read by the caller) and one key client per run.
import * as core from '@actions/core'
import { X509Certificate } from 'node:crypto'
import { errorMessage } from '../util/errors.ts'
import { distinct, mapLimitLogged } from '../util/pool.ts'
import { RegistryClient } from '../registry/registry.ts'
import type { ImageResult, RegistryCredential, ResolvedImage } from '../util/types.ts'
import { buildEnvelope, type DigestSigner, type SignatureFormat } from './envelope.ts'
import { signatureAnnotations, signatureManifest } from './manifest.ts'
import { SignatureRegistry } from './push.ts'

/** What notation records as the signing agent is its own name; this is the action's. */
export const SIGNING_AGENT = 'notation-akv-action/native'

export interface NativeSignOptions {
  format: SignatureFormat
  /** key → value, signed into the payload. */
  userMetadata: readonly (readonly [string, string])[]
  /** notation's --expiry as the `expiry` input takes it: `24h`, `30m`, `3h20m`. */
  expiry?: string
  forceReferrersTag: boolean
  maxConcurrency: number
  /** PEM certificates, leaf first (the chain the envelope carries). */
  chain: readonly string[]
  signDigest: DigestSigner
  /** Registry host → its credential (undefined: anonymous). */
  credentials: ReadonlyMap<string, RegistryCredential | undefined>
  signingAgent?: string
  /** The clock (tests fix the signing time). */
  now?: () => Date
}

/** `3h20m` → milliseconds (the input is validated by getInputs). */
export function expiryMs(expiry: string): number {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?$/.exec(expiry)
  if (!m || (m[1] === undefined && m[2] === undefined)) {
    throw new Error(`Bug: expiry '${expiry}' is not hours and minutes.`)
  }
  return (Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0)) * 60_000
}

/** Signs every distinct image, at most maxConcurrency at once; one result per image, in order. */
export async function signImagesNative(
  images: readonly ResolvedImage[],
  options: NativeSignOptions
): Promise<ImageResult[]> {
  const chain = options.chain.map(pem => Buffer.from(new X509Certificate(pem).raw))
  const clients = new Map<string, RegistryClient>()
  const repositories = new Map<string, SignatureRegistry>()
  const repositoryFor = (image: ResolvedImage): SignatureRegistry => {
    const key = `${image.registry}/${image.repository}`
    let repository = repositories.get(key)
    if (!repository) {
      let client = clients.get(image.registry)
      if (!client) {
        const credential = options.credentials.get(image.registry)
        client = new RegistryClient(image.registry, credential ? { credential } : {})
        clients.set(image.registry, client)
      }
      repository = new SignatureRegistry(client, image.repository)
      repositories.set(key, repository)
    }
    return repository
  }
  const now = options.now ?? (() => new Date())
  const { unique, repeats, expand } = distinct(images, image => image.reference)
  for (const { item, first } of repeats) {
    core.info(
      `'${item.input}' is the same image as '${first.input}' (${item.reference}): signed once, reported on both.`
    )
  }
  const settled = await mapLimitLogged(
    unique,
    options.maxConcurrency,
    image => `Sign ${image.reference}`,
    async (image, _index, log): Promise<ImageResult> => {
      const started = performance.now()
      const base = { input: image.input, reference: image.reference, digest: image.digest }
      try {
        const registry = repositoryFor(image)
        // The resolve step read and hashed the manifest already; read it again only when it did
        // not (a build's output image).
        const subject =
          image.mediaType !== undefined && image.size !== undefined
            ? { mediaType: image.mediaType, digest: image.digest, size: image.size }
            : await registry.describeManifest(image.digest)
        const signingTime = new Date(Math.floor(now().getTime() / 1000) * 1000)
        const expiry =
          options.expiry === undefined
            ? undefined
            : new Date(signingTime.getTime() + expiryMs(options.expiry))
        const envelope = await buildEnvelope(
          {
            format: options.format,
            subject,
            userMetadata: options.userMetadata,
            signingTime,
            ...(expiry ? { expiry } : {}),
            chain,
            signingAgent: options.signingAgent ?? SIGNING_AGENT
          },
          options.signDigest
        )
        const annotations = signatureAnnotations(chain, signingTime)
        const pushed = await registry.push({
          envelope,
          subject,
          annotations,
          manifest: layer => signatureManifest(layer, subject, annotations),
          forceReferrersTag: options.forceReferrersTag
        })
        pushed.warnings.forEach(w => log.warning(w))
        log.info(`Signature ${pushed.manifest.digest} (${envelope.mediaType}, ${pushed.index})`)
        return {
          ...base,
          signed: true,
          alreadySigned: false,
          signatureDigest: pushed.manifest.digest,
          signMs: Math.round(performance.now() - started)
        }
      } catch (error) {
        log.error(`Signing ${image.reference} failed: ${errorMessage(error)}`)
        return {
          ...base,
          signed: false,
          alreadySigned: false,
          error: errorMessage(error),
          signMs: Math.round(performance.now() - started)
        }
      }
    }
  )
  const results = settled.map((s, i) =>
    s.status === 'fulfilled'
      ? s.value
      : {
          input: unique[i]!.input,
          reference: unique[i]!.reference,
          digest: unique[i]!.digest,
          signed: false,
          alreadySigned: false,
          error: errorMessage(s.reason)
        }
  )
  return expand(results).map((result, i) => ({ ...result, input: images[i]!.input }))
}
