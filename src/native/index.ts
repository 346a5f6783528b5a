// The native signer's entry: the certificate the run resolved, one Key Vault key client, and the
// images. See sign.ts for the per-image work and envelope.ts / manifest.ts for the bytes.
import type { TokenCredential } from '@azure/core-auth'
import type {
  ImageResult,
  RegistryCredential,
  ResolvedImage,
  SigningCertificate
} from '../util/types.ts'
import type { SignatureFormat } from './envelope.ts'
import { keyVaultSigner } from './keyvault-signer.ts'
import { signImagesNative } from './sign.ts'

export interface NativeSignerOptions {
  /** The certificate resolved from Key Vault: its key signs, its chain goes in the envelope. */
  certificate: Pick<SigningCertificate, 'keyId' | 'chain'>
  /** The run's Azure credential (tokens for Key Vault). */
  credential: TokenCredential
  /** Registry host → its credential (undefined: anonymous). */
  credentials: ReadonlyMap<string, RegistryCredential | undefined>
  format: SignatureFormat
  userMetadata: readonly (readonly [string, string])[]
  /** `24h`, `30m`, `3h20m`. */
  expiry?: string
  forceReferrersTag: boolean
  maxConcurrency: number
  /** Aborting (timeout-minutes, a cancelled job) stops the Key Vault calls in flight. */
  signal?: AbortSignal
  /**
   * skip-if-signed: the images (by digest reference) already signed by this certificate, as
   * verification proved, or why that is unknown (the image then fails). Omitted: sign every image.
   */
  alreadySigned?: (
    images: readonly ResolvedImage[]
  ) => Promise<ReadonlyMap<string, { signatureDigest: string } | { error: string }>>
}

/** Signs every image natively; one result per image, in order (failures as results, not thrown). */
export async function signNative(
  images: readonly ResolvedImage[],
  options: NativeSignerOptions
): Promise<ImageResult[]> {
  const known = options.alreadySigned ? await options.alreadySigned(images) : new Map()
  const toSign = images.filter(image => !known.has(image.reference))
  const signed = toSign.length === 0 ? [] : await signWithKeyVault(toSign, options)
  return images.map(image => {
    const found = known.get(image.reference)
    const base = { input: image.input, reference: image.reference, digest: image.digest }
    if (found === undefined) return signed[toSign.indexOf(image)]!
    return 'error' in found
      ? { ...base, signed: false, alreadySigned: false, error: found.error }
      : { ...base, signed: false, alreadySigned: true, signatureDigest: found.signatureDigest }
  })
}

async function signWithKeyVault(
  images: readonly ResolvedImage[],
  options: NativeSignerOptions
): Promise<ImageResult[]> {
  const signDigest = await keyVaultSigner(options.certificate.keyId, options.credential, {
    ...(options.signal ? { signal: options.signal } : {})
  })
  return signImagesNative(images, {
    format: options.format,
    userMetadata: options.userMetadata,
    ...(options.expiry === undefined ? {} : { expiry: options.expiry }),
    forceReferrersTag: options.forceReferrersTag,
    maxConcurrency: options.maxConcurrency,
    chain: options.certificate.chain,
    signDigest,
    credentials: options.credentials
  })
}
