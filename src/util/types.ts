// Values that travel between phases: resolve → build → sign → verify → outputs and summary.

/** One `key=value` line of a list input (user metadata, plugin config, build arguments). */
export interface KeyValue {
  key: string
  value: string
}

/** A parsed image reference; exactly what the user wrote, split. */
export interface ImageReference {
  /** Registry host, with port if any (e.g. myacr.azurecr.io, 127.0.0.1:5000). */
  registry: string
  repository: string
  tag?: string
  digest?: string
}

/** An image pinned to its manifest digest: the only form that is signed or verified. */
export interface ResolvedImage {
  /** The line from the `images` input (or the build's output image). */
  input: string
  registry: string
  repository: string
  /** `sha256:<64 hex>` */
  digest: string
  /** `registry/repository@digest` */
  reference: string
  mediaType?: string
  /** The manifest's size in bytes, when its bytes were read (and hashed) to resolve it. */
  size?: number
}

/** The signing certificate as read from Key Vault (or given by key ID). */
export interface SigningCertificate {
  vaultUrl: string
  /** Certificate name and version, when known. */
  name?: string
  version?: string
  /** Key Vault key ID passed to the plugin as `--id`. */
  keyId: string
  /** RFC 4514-style subject, e.g. `CN=wabbit-networks.io,O=Notation,L=Seattle,ST=WA,C=US`. */
  subject: string
  notBefore: Date
  notAfter: Date
  /** PEM certificates, leaf first; a self-signed certificate is a chain of one. */
  chain: string[]
  selfSigned: boolean
  /** SHA-256 (hex, lowercase) of the leaf's DER: what notation records as the x509chain thumbprint. */
  thumbprint: string
}

/** Credentials notation gets for one registry, through NOTATION_USERNAME / NOTATION_PASSWORD only. */
export interface RegistryCredential {
  username: string
  /** A password, token, or (ACR) refresh token. Always masked. */
  password: string
}

/** One row of the `images` output and of the job summary. */
export interface ImageResult {
  /** The `images` input line. */
  input: string
  /** `registry/repository@digest`, once resolved. */
  reference?: string
  digest?: string
  signed?: boolean
  /** Skipped by skip-if-signed: a signature from the same certificate was already there. */
  alreadySigned?: boolean
  signatureDigest?: string
  verified?: boolean
  /** How verify ended: 'verified', 'skipped' (policy level skip) or 'failed'. */
  verification?: 'verified' | 'skipped' | 'failed'
  error?: string
  signMs?: number
  verifyMs?: number
}
