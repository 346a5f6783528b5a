// Real X.509 for the local stack: the test CA behind its TLS, the certificates its Key Vault issues,
// and CA chains for the signing tests. Keys are WebCrypto keys; PEM and DER are what clients see.
import { webcrypto, createPrivateKey, type KeyObject } from 'node:crypto'

type CryptoKeyPair = webcrypto.CryptoKeyPair
type CryptoKey = webcrypto.CryptoKey
type Algorithm = webcrypto.Algorithm
type EcdsaParams = webcrypto.EcdsaParams
import 'reflect-metadata'
import * as x509 from '@peculiar/x509'

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0])

export type KeySpec =
  { kty: 'RSA'; size: 2048 | 3072 | 4096 } | { kty: 'EC'; crv: 'P-256' | 'P-384' | 'P-521' }

export interface Issued {
  cert: x509.X509Certificate
  keys: CryptoKeyPair
  /** The certificate as PEM. */
  pem: string
  /** The certificate as DER. */
  der: Buffer
  /** The private key as a node KeyObject (for TLS and for signing digests). */
  privateKey: KeyObject
  /** The private key as PKCS#8 PEM. */
  keyPem: string
}

export interface CertOptions {
  subject: string
  /** Signs the new certificate; omitted means self-signed. */
  issuer?: Issued
  key?: KeySpec
  /** Reuse an existing key pair instead of generating one. */
  keys?: CryptoKeyPair
  isCa?: boolean
  /** KeyUsageFlags bits; defaults: CA → keyCertSign|cRLSign, leaf → digitalSignature. */
  keyUsage?: number
  keyUsageCritical?: boolean
  ekus?: string[]
  /** Mark extendedKeyUsage critical (RFC 3161 requires it of a TSA certificate). */
  ekuCritical?: boolean
  dnsNames?: string[]
  ipAddresses?: string[]
  notBefore?: Date
  notAfter?: Date
  /** Leave out basicConstraints entirely (some leaf certificates do). */
  omitBasicConstraints?: boolean
}

const HASH_FOR: Record<string, string> = {
  '2048': 'SHA-256',
  '3072': 'SHA-384',
  '4096': 'SHA-512',
  'P-256': 'SHA-256',
  'P-384': 'SHA-384',
  'P-521': 'SHA-512'
}

export function keyAlgorithm(
  spec: KeySpec
): webcrypto.RsaHashedKeyGenParams | webcrypto.EcKeyGenParams {
  if (spec.kty === 'RSA') {
    return {
      name: 'RSASSA-PKCS1-v1_5',
      modulusLength: spec.size,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: HASH_FOR[String(spec.size)] ?? 'SHA-256'
    }
  }
  return { name: 'ECDSA', namedCurve: spec.crv }
}

export async function generateKeys(spec: KeySpec): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(keyAlgorithm(spec), true, [
    'sign',
    'verify'
  ])) as CryptoKeyPair
}

function signingAlgorithmFor(key: CryptoKey): Algorithm | EcdsaParams {
  const alg = key.algorithm as webcrypto.RsaHashedKeyAlgorithm & webcrypto.EcKeyAlgorithm
  if (alg.name === 'ECDSA') {
    return { name: 'ECDSA', hash: HASH_FOR[alg.namedCurve] ?? 'SHA-256' } as EcdsaParams
  }
  // WebCrypto binds an RSA key to the hash it was generated with; sign with that one.
  return { name: 'RSASSA-PKCS1-v1_5', hash: alg.hash?.name ?? 'SHA-256' } as Algorithm
}

export async function issueCertificate(options: CertOptions): Promise<Issued> {
  const keys = options.keys ?? (await generateKeys(options.key ?? { kty: 'RSA', size: 2048 }))
  const isCa = options.isCa ?? false
  const notBefore = options.notBefore ?? new Date(Date.now() - 60_000)
  const notAfter = options.notAfter ?? new Date(Date.now() + 365 * 24 * 3600_000)
  const extensions: x509.Extension[] = []
  if (!options.omitBasicConstraints || isCa) {
    extensions.push(new x509.BasicConstraintsExtension(isCa, undefined, true))
  }
  const usage =
    options.keyUsage ??
    (isCa
      ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign
      : x509.KeyUsageFlags.digitalSignature)
  extensions.push(new x509.KeyUsagesExtension(usage, options.keyUsageCritical ?? true))
  if (options.ekus && options.ekus.length > 0) {
    extensions.push(new x509.ExtendedKeyUsageExtension(options.ekus, options.ekuCritical ?? false))
  }
  const names = [
    ...(options.dnsNames ?? []).map(value => ({ type: 'dns' as const, value })),
    ...(options.ipAddresses ?? []).map(value => ({ type: 'ip' as const, value }))
  ]
  if (names.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(names))
  extensions.push(await x509.SubjectKeyIdentifierExtension.create(keys.publicKey))

  const serialNumber = Buffer.from(webcrypto.getRandomValues(new Uint8Array(16)))
  serialNumber[0] = (serialNumber[0] ?? 0) & 0x7f
  let cert: x509.X509Certificate
  if (options.issuer) {
    extensions.push(
      await x509.AuthorityKeyIdentifierExtension.create(options.issuer.keys.publicKey)
    )
    cert = await x509.X509CertificateGenerator.create({
      serialNumber: serialNumber.toString('hex'),
      subject: options.subject,
      issuer: options.issuer.cert.subject,
      notBefore,
      notAfter,
      publicKey: keys.publicKey,
      signingKey: options.issuer.keys.privateKey,
      signingAlgorithm: signingAlgorithmFor(options.issuer.keys.privateKey),
      extensions
    })
  } else {
    cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: serialNumber.toString('hex'),
      name: options.subject,
      notBefore,
      notAfter,
      keys,
      signingAlgorithm: signingAlgorithmFor(keys.privateKey),
      extensions
    })
  }
  return describe(cert, keys)
}

async function describe(cert: x509.X509Certificate, keys: CryptoKeyPair): Promise<Issued> {
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey))
  const privateKey = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' })
  return {
    cert,
    keys,
    pem: cert.toString('pem') + '\n',
    der: Buffer.from(cert.rawData),
    privateKey,
    keyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()
  }
}

export interface TestPki {
  ca: Issued
  /** A TLS server certificate for 127.0.0.1, localhost and the given names. */
  server: Issued
}

/** A test CA and a TLS certificate for the stack's HTTPS servers. */
export async function createTestPki(extraNames: string[] = []): Promise<TestPki> {
  const ca = await issueCertificate({
    subject: 'CN=notation-akv-action test CA,O=Notation Test,ST=WA,C=US',
    isCa: true,
    key: { kty: 'EC', crv: 'P-256' }
  })
  const server = await issueCertificate({
    subject: 'CN=127.0.0.1',
    issuer: ca,
    key: { kty: 'EC', crv: 'P-256' },
    ekus: [x509.ExtendedKeyUsage.serverAuth],
    dnsNames: ['localhost', ...extraNames],
    ipAddresses: ['127.0.0.1']
  })
  return { ca, server }
}

export { x509 }
