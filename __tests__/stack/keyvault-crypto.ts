// Key Vault's key operations over a precomputed digest, done with node:crypto: the service never
// hashes what it is given, so neither may we (crypto.sign would hash again). Also the JWK view of a
// public key and the PKCS#12 container the service hands out as a certificate's secret.
import {
  constants,
  createECDH,
  createHash,
  createHmac,
  privateEncrypt,
  randomBytes,
  type KeyObject
} from 'node:crypto'

export type SignAlgorithm =
  'PS256' | 'PS384' | 'PS512' | 'RS256' | 'RS384' | 'RS512' | 'ES256' | 'ES384' | 'ES512'

type Hash = 'sha256' | 'sha384' | 'sha512'

export const SIGN_ALGORITHMS: Record<
  SignAlgorithm,
  { kty: 'RSA' | 'EC'; hash: Hash; digestLength: number; pss?: true; crv?: string }
> = {
  PS256: { kty: 'RSA', hash: 'sha256', digestLength: 32, pss: true },
  PS384: { kty: 'RSA', hash: 'sha384', digestLength: 48, pss: true },
  PS512: { kty: 'RSA', hash: 'sha512', digestLength: 64, pss: true },
  RS256: { kty: 'RSA', hash: 'sha256', digestLength: 32 },
  RS384: { kty: 'RSA', hash: 'sha384', digestLength: 48 },
  RS512: { kty: 'RSA', hash: 'sha512', digestLength: 64 },
  ES256: { kty: 'EC', hash: 'sha256', digestLength: 32, crv: 'P-256' },
  ES384: { kty: 'EC', hash: 'sha384', digestLength: 48, crv: 'P-384' },
  ES512: { kty: 'EC', hash: 'sha512', digestLength: 64, crv: 'P-521' }
}

export function isSignAlgorithm(alg: unknown): alg is SignAlgorithm {
  return typeof alg === 'string' && Object.hasOwn(SIGN_ALGORITHMS, alg)
}

/** DER DigestInfo prefixes (RFC 8017 §9.2 note 1) for EMSA-PKCS1-v1_5. */
const DIGEST_INFO: Record<Hash, string> = {
  sha256: '3031300d060960864801650304020105000420',
  sha384: '3041300d060960864801650304020205000430',
  sha512: '3051300d060960864801650304020305000440'
}

function mgf1(seed: Buffer, length: number, hash: Hash): Buffer {
  const out: Buffer[] = []
  let size = 0
  for (let counter = 0; size < length; counter++) {
    const c = Buffer.alloc(4)
    c.writeUInt32BE(counter)
    const block = createHash(hash).update(seed).update(c).digest()
    out.push(block)
    size += block.length
  }
  return Buffer.concat(out).subarray(0, length)
}

/** EMSA-PSS-ENCODE (RFC 8017 §9.1.1) with salt length = hash length and MGF1 over the same hash. */
function emsaPssEncode(mHash: Buffer, modBits: number, hash: Hash): Buffer {
  const hLen = mHash.length
  const emBits = modBits - 1
  const emLen = Math.ceil(emBits / 8)
  const sLen = hLen
  if (emLen < hLen + sLen + 2) throw new Error('encoding error: modulus too small')
  const salt = randomBytes(sLen)
  const mPrime = Buffer.concat([Buffer.alloc(8), mHash, salt])
  const h = createHash(hash).update(mPrime).digest()
  const db = Buffer.concat([Buffer.alloc(emLen - sLen - hLen - 2), Buffer.from([1]), salt])
  const mask = mgf1(h, emLen - hLen - 1, hash)
  for (let i = 0; i < db.length; i++) db[i] = (db[i] ?? 0) ^ (mask[i] ?? 0)
  db[0] = (db[0] ?? 0) & (0xff >> (8 * emLen - emBits))
  return Buffer.concat([db, h, Buffer.from([0xbc])])
}

// Group orders of the NIST curves (SEC 2 / FIPS 186-4).
const CURVES: Record<string, { ecdh: string; n: bigint; size: number }> = {
  'P-256': {
    ecdh: 'prime256v1',
    n: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
    size: 32
  },
  'P-384': {
    ecdh: 'secp384r1',
    n: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
    size: 48
  },
  'P-521': {
    ecdh: 'secp521r1',
    n: 0x01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409n,
    size: 66
  }
}

function toBigInt(bytes: Buffer): bigint {
  return bytes.length === 0 ? 0n : BigInt('0x' + bytes.toString('hex'))
}

function toFixed(value: bigint, size: number): Buffer {
  return Buffer.from(value.toString(16).padStart(size * 2, '0'), 'hex')
}

function mod(a: bigint, n: bigint): bigint {
  const r = a % n
  return r < 0n ? r + n : r
}

function modInverse(a: bigint, n: bigint): bigint {
  let [oldR, r] = [mod(a, n), n]
  let [oldS, s] = [1n, 0n]
  while (r !== 0n) {
    const q = oldR / r
    ;[oldR, r] = [r, oldR - q * r]
    ;[oldS, s] = [s, oldS - q * s]
  }
  if (oldR !== 1n) throw new Error('not invertible')
  return mod(oldS, n)
}

function randomScalar(n: bigint, size: number): bigint {
  for (;;) {
    const bytes = randomBytes(size)
    // Trim to the bit length of n so rejection sampling terminates quickly.
    const excess = size * 8 - n.toString(2).length
    bytes[0] = (bytes[0] ?? 0) & (0xff >> excess)
    const k = toBigInt(bytes)
    if (k > 0n && k < n) return k
  }
}

/**
 * ECDSA over a digest (SEC 1 §4.1.3): the curve's scalar multiplication k·G comes from node's ECDH
 * (a public key is exactly k·G), the rest is arithmetic mod n. Signature as r||s (IEEE P1363).
 */
function ecdsaSignDigest(privateKey: KeyObject, digest: Buffer): Buffer {
  const jwk = privateKey.export({ format: 'jwk' })
  const curve = jwk.crv ? CURVES[jwk.crv] : undefined
  if (!curve || !jwk.d) throw new Error(`unsupported EC key (${jwk.crv ?? 'no curve'})`)
  const { n, size } = curve
  const d = toBigInt(Buffer.from(jwk.d, 'base64url'))
  const nBits = n.toString(2).length
  let e = toBigInt(digest)
  if (digest.length * 8 > nBits) e >>= BigInt(digest.length * 8 - nBits)
  for (;;) {
    const k = randomScalar(n, size)
    const ecdh = createECDH(curve.ecdh)
    ecdh.setPrivateKey(toFixed(k, size))
    const point = ecdh.getPublicKey() // 04 || X || Y
    const r = mod(toBigInt(point.subarray(1, 1 + size)), n)
    if (r === 0n) continue
    const s = mod(modInverse(k, n) * (e + r * d), n)
    if (s === 0n) continue
    return Buffer.concat([toFixed(r, size), toFixed(s, size)])
  }
}

/** Signs a precomputed digest exactly as Key Vault's /sign does. */
export function signDigest(privateKey: KeyObject, alg: SignAlgorithm, digest: Buffer): Buffer {
  const spec = SIGN_ALGORITHMS[alg]
  if (digest.length !== spec.digestLength) throw new Error('digest length does not match alg')
  if (spec.kty === 'EC') return ecdsaSignDigest(privateKey, digest)
  const modBits = privateKey.asymmetricKeyDetails?.modulusLength
  if (!modBits) throw new Error('not an RSA key')
  const k = Math.ceil(modBits / 8)
  if (spec.pss) {
    const em = emsaPssEncode(digest, modBits, spec.hash)
    const block = Buffer.concat([Buffer.alloc(k - em.length), em])
    return privateEncrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, block)
  }
  const digestInfo = Buffer.concat([Buffer.from(DIGEST_INFO[spec.hash], 'hex'), digest])
  return privateEncrypt({ key: privateKey, padding: constants.RSA_PKCS1_PADDING }, digestInfo)
}

/** Key Vault's JSON Web Key of a public key (RFC 7517 members, base64url without padding). */
export function publicJwk(
  key: KeyObject
): { kty: 'RSA'; n: string; e: string } | { kty: 'EC'; crv: string; x: string; y: string } {
  const jwk = key.export({ format: 'jwk' })
  if (jwk.kty === 'RSA' && jwk.n && jwk.e) return { kty: 'RSA', n: jwk.n, e: jwk.e }
  if (jwk.kty === 'EC' && jwk.crv && jwk.x && jwk.y) {
    return { kty: 'EC', crv: jwk.crv, x: jwk.x, y: jwk.y }
  }
  throw new Error(`unsupported key type ${String(jwk.kty)}`)
}

// ---- PKCS#12 (RFC 7292) ------------------------------------------------------------------------

function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length])
  const bytes: number[] = []
  for (let l = length; l > 0; l >>= 8) bytes.unshift(l & 0xff)
  return Buffer.from([0x80 | bytes.length, ...bytes])
}

function der(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content)
  return Buffer.concat([Buffer.from([tag]), derLength(body.length), body])
}

const seq = (...c: Buffer[]): Buffer => der(0x30, ...c)
const set = (...c: Buffer[]): Buffer => der(0x31, ...c)
const octets = (b: Buffer): Buffer => der(0x04, b)
const explicit0 = (...c: Buffer[]): Buffer => der(0xa0, ...c)

function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number)
  const bytes: number[] = [40 * (parts[0] ?? 0) + (parts[1] ?? 0)]
  for (const part of parts.slice(2)) {
    const chunk: number[] = [part & 0x7f]
    for (let v = part >>> 7; v > 0; v >>>= 7) chunk.unshift(0x80 | (v & 0x7f))
    bytes.push(...chunk)
  }
  return der(0x06, Buffer.from(bytes))
}

function integer(value: number): Buffer {
  const bytes: number[] = []
  let v = value
  do {
    bytes.unshift(v & 0xff)
    v >>= 8
  } while (v > 0)
  if ((bytes[0] ?? 0) & 0x80) bytes.unshift(0)
  return der(0x02, Buffer.from(bytes))
}

const OID_DATA = '1.2.840.113549.1.7.1'
const OID_KEY_BAG = '1.2.840.113549.1.12.10.1.1'
const OID_CERT_BAG = '1.2.840.113549.1.12.10.1.3'
const OID_X509_CERT = '1.2.840.113549.1.9.22.1'
const OID_LOCAL_KEY_ID = '1.2.840.113549.1.9.21'
const OID_SHA256 = '2.16.840.1.101.3.4.2.1'

/** The PKCS#12 key derivation (RFC 7292 appendix B.2) with SHA-256 (u = 32, v = 64). */
function pkcs12Kdf(password: string, salt: Buffer, id: number, iterations: number, n: number) {
  const u = 32
  const v = 64
  const pw = Buffer.alloc((password.length + 1) * 2)
  for (let i = 0; i < password.length; i++) pw.writeUInt16BE(password.charCodeAt(i), i * 2)
  const fill = (src: Buffer): Buffer => {
    if (src.length === 0) return Buffer.alloc(0)
    const out = Buffer.alloc(v * Math.ceil(src.length / v))
    for (let i = 0; i < out.length; i++) out[i] = src[i % src.length] ?? 0
    return out
  }
  const D = Buffer.alloc(v, id)
  const I = Buffer.concat([fill(salt), fill(pw)])
  const out: Buffer[] = []
  for (let produced = 0; produced < n; produced += u) {
    let A = createHash('sha256').update(D).update(I).digest()
    for (let r = 1; r < iterations; r++) A = createHash('sha256').update(A).digest()
    out.push(A)
    const B = toBigInt(fill(A))
    const modulus = 1n << BigInt(v * 8)
    for (let j = 0; j < I.length; j += v) {
      const Ij = toBigInt(I.subarray(j, j + v))
      toFixed((Ij + B + 1n) % modulus, v).copy(I, j)
    }
  }
  return Buffer.concat(out).subarray(0, n)
}

/**
 * A PFX as Key Vault returns a certificate's secret: certificates leaf first, the private key
 * (PKCS#8) only when given (exportable keys), unencrypted bags, an HMAC-SHA256 integrity MAC under
 * the empty password.
 */
export function buildPkcs12(certificates: Buffer[], privateKeyPkcs8?: Buffer): Buffer {
  const localKeyId = createHash('sha1')
    .update(certificates[0] ?? Buffer.alloc(0))
    .digest()
  const keyIdAttr = set(seq(oid(OID_LOCAL_KEY_ID), set(octets(localKeyId))))
  const bags: Buffer[] = certificates.map((cert, i) =>
    seq(
      oid(OID_CERT_BAG),
      explicit0(seq(oid(OID_X509_CERT), explicit0(octets(cert)))),
      ...(i === 0 && privateKeyPkcs8 ? [keyIdAttr] : [])
    )
  )
  const contents: Buffer[] = [seq(...bags)]
  if (privateKeyPkcs8) {
    contents.push(seq(seq(oid(OID_KEY_BAG), explicit0(privateKeyPkcs8), keyIdAttr)))
  }
  const authSafe = seq(
    ...contents.map(safeContents => seq(oid(OID_DATA), explicit0(octets(safeContents))))
  )
  const salt = randomBytes(16)
  const iterations = 2048
  const macKey = pkcs12Kdf('', salt, 3, iterations, 32)
  const mac = createHmac('sha256', macKey).update(authSafe).digest()
  const macData = seq(
    seq(seq(oid(OID_SHA256), der(0x05)), octets(mac)),
    octets(salt),
    integer(iterations)
  )
  return seq(integer(3), seq(oid(OID_DATA), explicit0(octets(authSafe))), macData)
}

/** Random for request ids and versions: 32 lowercase hex digits, like Key Vault's. */
export function newVersionId(): string {
  return randomBytes(16).toString('hex')
}
