// Notary Project signature envelopes, byte for byte as notation 1.3 writes them: COSE_Sign1_Tagged
// (application/cose) and JWS flattened JSON (application/jose+json), over the payload
// {"targetArtifact": <descriptor>}. The signature itself comes from a DigestSigner (Key Vault's
// `sign` in the action): the envelope is hashed here, and only the digest leaves the runner.
import { X509Certificate, createHash, verify as verifySignature, constants } from 'node:crypto'
import { CborMap, CborTag, encodeCbor, type CborValue } from './cbor.ts'
import { GoMap, goJson, goSorted, type GoJson } from './go-json.ts'

export type SignatureFormat = 'cose' | 'jws'

export const ENVELOPE_MEDIA_TYPE: Readonly<Record<SignatureFormat, string>> = {
  cose: 'application/cose',
  jws: 'application/jose+json'
}

export const PAYLOAD_CONTENT_TYPE = 'application/vnd.cncf.notary.payload.v1+json'
export const SIGNING_SCHEME = 'notary.x509'

const SIGNING_SCHEME_HEADER = 'io.cncf.notary.signingScheme'
const SIGNING_TIME_HEADER = 'io.cncf.notary.signingTime'
const EXPIRY_HEADER = 'io.cncf.notary.expiry'
const SIGNING_AGENT_HEADER = 'io.cncf.notary.signingAgent'

/** The signing algorithms notation allows, named as JOSE and Key Vault name them. */
export type SigningAlgorithm = 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512'

const ALGORITHMS: Readonly<
  Record<SigningAlgorithm, { cose: number; hash: 'sha256' | 'sha384' | 'sha512'; rsa: boolean }>
> = {
  PS256: { cose: -37, hash: 'sha256', rsa: true },
  PS384: { cose: -38, hash: 'sha384', rsa: true },
  PS512: { cose: -39, hash: 'sha512', rsa: true },
  ES256: { cose: -7, hash: 'sha256', rsa: false },
  ES384: { cose: -35, hash: 'sha384', rsa: false },
  ES512: { cose: -36, hash: 'sha512', rsa: false }
}

/** What notation's signature algorithm for a key is: PS by RSA key size, ES by curve. */
export function algorithmFor(leaf: X509Certificate): SigningAlgorithm {
  const key = leaf.publicKey
  const details = key.asymmetricKeyDetails
  if (key.asymmetricKeyType === 'rsa') {
    const byBits: Record<number, SigningAlgorithm> = { 2048: 'PS256', 3072: 'PS384', 4096: 'PS512' }
    const alg = byBits[details?.modulusLength ?? 0]
    if (alg) return alg
    throw new Error(
      `The certificate's RSA key has ${details?.modulusLength ?? 'an unknown number of'} bits; notation accepts RSA 2048, 3072 or 4096.`
    )
  }
  if (key.asymmetricKeyType === 'ec') {
    const byCurve: Record<string, SigningAlgorithm> = {
      prime256v1: 'ES256',
      secp384r1: 'ES384',
      secp521r1: 'ES512'
    }
    const alg = byCurve[details?.namedCurve ?? '']
    if (alg) return alg
    throw new Error(
      `The certificate's EC key is on curve ${details?.namedCurve ?? 'unknown'}; notation accepts P-256, P-384 or P-521.`
    )
  }
  throw new Error(
    `The certificate's key is ${key.asymmetricKeyType ?? 'of an unknown type'}; notation signs with RSA or EC keys.`
  )
}

export function hashFor(algorithm: SigningAlgorithm): 'sha256' | 'sha384' | 'sha512' {
  return ALGORITHMS[algorithm].hash
}

/** Signs a precomputed digest (Key Vault's `sign`): RSASSA-PSS with salt = hash length, or ECDSA r‖s. */
export type DigestSigner = (algorithm: SigningAlgorithm, digest: Buffer) => Promise<Buffer>

/** An OCI descriptor as notation signs it: the manifest's media type, digest and size. */
export interface Descriptor {
  mediaType: string
  digest: string
  size: number
}

export interface EnvelopeRequest {
  format: SignatureFormat
  /** The manifest signed. */
  subject: Descriptor
  /** user-metadata: signed into the payload as the descriptor's annotations. */
  userMetadata: readonly (readonly [string, string])[]
  /** Whole seconds are used (notation truncates). */
  signingTime: Date
  expiry?: Date
  /** DER certificates, leaf first. */
  chain: readonly Buffer[]
  signingAgent: string
}

export interface Envelope {
  mediaType: string
  bytes: Buffer
  /** The signed payload bytes and protected header bytes, as they are in the envelope. */
  payload: Buffer
  protectedHeader: Buffer
}

const seconds = (time: Date): number => Math.floor(time.getTime() / 1000)

/** RFC 3339 in whole seconds, UTC (`Z`), as notation writes times when the runner is on UTC. */
export function rfc3339(time: Date): string {
  return new Date(seconds(time) * 1000).toISOString().replace('.000Z', 'Z')
}

function descriptorJson(
  subject: Descriptor,
  userMetadata: EnvelopeRequest['userMetadata']
): GoJson {
  // ocispec.Descriptor's field order: mediaType, digest, size, …, annotations (omitted when empty).
  return {
    mediaType: subject.mediaType,
    digest: subject.digest,
    size: subject.size,
    ...(userMetadata.length > 0 ? { annotations: new GoMap(userMetadata) } : {})
  }
}

/**
 * The payload bytes. COSE: Go struct order. JWS: notation round-trips the payload through
 * jwt.MapClaims, so every key comes out sorted.
 */
export function payloadBytes(
  format: SignatureFormat,
  subject: Descriptor,
  userMetadata: EnvelopeRequest['userMetadata']
): Buffer {
  const payload: GoJson = { targetArtifact: descriptorJson(subject, userMetadata) }
  return Buffer.from(goJson(format === 'jws' ? goSorted(payload) : payload), 'utf8')
}

function criticalHeaders(expiry: Date | undefined): string[] {
  return expiry === undefined ? [SIGNING_SCHEME_HEADER] : [SIGNING_SCHEME_HEADER, EXPIRY_HEADER]
}

export function coseProtectedHeader(
  algorithm: SigningAlgorithm,
  signingTime: Date,
  expiry?: Date
): Buffer {
  // Times are tag 1 (epoch seconds): notation refuses an untagged integer.
  const entries: [CborValue, CborValue][] = [
    [1, ALGORITHMS[algorithm].cose],
    [2, criticalHeaders(expiry)],
    [3, PAYLOAD_CONTENT_TYPE],
    [SIGNING_SCHEME_HEADER, SIGNING_SCHEME],
    [SIGNING_TIME_HEADER, new CborTag(1, seconds(signingTime))]
  ]
  if (expiry !== undefined) entries.push([EXPIRY_HEADER, new CborTag(1, seconds(expiry))])
  return encodeCbor(new CborMap(entries))
}

export function jwsProtectedHeader(
  algorithm: SigningAlgorithm,
  signingTime: Date,
  expiry?: Date
): Buffer {
  const header = new GoMap([
    ['alg', algorithm],
    ['crit', criticalHeaders(expiry)],
    ['cty', PAYLOAD_CONTENT_TYPE],
    [SIGNING_SCHEME_HEADER, SIGNING_SCHEME],
    [SIGNING_TIME_HEADER, rfc3339(signingTime)],
    ...(expiry === undefined ? [] : [[EXPIRY_HEADER, rfc3339(expiry)] as const])
  ])
  return Buffer.from(goJson(header), 'utf8')
}

/** COSE's Sig_structure for a COSE_Sign1: ["Signature1", protected, h'', payload]. */
export function coseToBeSigned(protectedHeader: Buffer, payload: Buffer): Buffer {
  return encodeCbor(['Signature1', protectedHeader, Buffer.alloc(0), payload])
}

const b64url = (bytes: Buffer): string => bytes.toString('base64url')

/**
 * Checks a signature against the leaf's public key before it is pushed: a Key Vault key that is not
 * the certificate's would otherwise become a signature no verifier accepts.
 */
function checkSignature(
  algorithm: SigningAlgorithm,
  leaf: X509Certificate,
  signed: Buffer,
  signature: Buffer
): void {
  const { hash, rsa } = ALGORITHMS[algorithm]
  const ok = rsa
    ? verifySignature(
        hash,
        signed,
        {
          key: leaf.publicKey,
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength: constants.RSA_PSS_SALTLEN_DIGEST
        },
        signature
      )
    : verifySignature(hash, signed, { key: leaf.publicKey, dsaEncoding: 'ieee-p1363' }, signature)
  if (!ok) {
    throw new Error(
      `The ${algorithm} signature Key Vault returned does not verify with the certificate's public key: the key signed with is not the certificate's.`
    )
  }
}

/** Builds and signs one envelope. */
export async function buildEnvelope(
  request: EnvelopeRequest,
  signDigest: DigestSigner
): Promise<Envelope> {
  const leafDer = request.chain[0]
  if (!leafDer) throw new Error('Bug: an empty certificate chain.')
  const leaf = new X509Certificate(leafDer)
  const algorithm = algorithmFor(leaf)
  const { hash } = ALGORITHMS[algorithm]
  const payload = payloadBytes(request.format, request.subject, request.userMetadata)
  const sign = async (signed: Buffer): Promise<Buffer> => {
    const signature = await signDigest(algorithm, createHash(hash).update(signed).digest())
    checkSignature(algorithm, leaf, signed, signature)
    return signature
  }
  if (request.format === 'cose') {
    const protectedHeader = coseProtectedHeader(algorithm, request.signingTime, request.expiry)
    const signature = await sign(coseToBeSigned(protectedHeader, payload))
    // No tags outside the protected bstr: go-cose decodes the body with tags forbidden. x5chain is
    // an array even for one certificate.
    const unprotected = new CborMap([
      [33, [...request.chain]],
      [SIGNING_AGENT_HEADER, request.signingAgent]
    ])
    const bytes = encodeCbor(new CborTag(18, [protectedHeader, unprotected, payload, signature]))
    return { mediaType: ENVELOPE_MEDIA_TYPE.cose, bytes, payload, protectedHeader }
  }
  const protectedHeader = jwsProtectedHeader(algorithm, request.signingTime, request.expiry)
  const signingInput = `${b64url(protectedHeader)}.${b64url(payload)}`
  const signature = await sign(Buffer.from(signingInput, 'ascii'))
  // x5c is standard padded base64 (base64url fails in notation); the rest is unpadded base64url.
  const envelope = {
    payload: b64url(payload),
    protected: b64url(protectedHeader),
    header: {
      x5c: request.chain.map(der => der.toString('base64')),
      [SIGNING_AGENT_HEADER]: request.signingAgent
    },
    signature: b64url(signature)
  }
  return {
    mediaType: ENVELOPE_MEDIA_TYPE.jws,
    bytes: Buffer.from(JSON.stringify(envelope), 'utf8'),
    payload,
    protectedHeader
  }
}
