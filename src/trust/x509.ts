// Certificates through node:crypto only (no ASN.1 library in the bundle).
import type { X509Certificate } from 'node:crypto'
import { createHash } from 'node:crypto'

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g

/** Every CERTIFICATE block in a PEM text, in order. */
export function pemBlocks(text: string): string[] {
  return [...text.matchAll(PEM_BLOCK)].map(m => `${m[0].replace(/\r\n/g, '\n')}\n`)
}

export function derToPem(der: Uint8Array): string {
  const b64 = Buffer.from(der)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '')
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`
}

/**
 * Subject equals issuer and the certificate verifies with its own key. (OpenSSL's checkIssued also
 * wants keyCertSign, which a code-signing leaf rightly lacks.)
 */
export function isSelfSigned(cert: X509Certificate): boolean {
  return cert.subject === cert.issuer && cert.verify(cert.publicKey)
}

/** SHA-256 of the DER, lowercase hex: notation's x509chain thumbprint. */
export function thumbprint(cert: X509Certificate): string {
  return createHash('sha256').update(cert.raw).digest('hex')
}
