// notation's x509 trust store, written by the action itself: certificates from the
// `trust-store-certificates` input (inline PEM or workspace files), checked as notation-go 1.3.2
// checks a store, then written as <config>/truststore/x509/<type>/<name>/<fingerprint>.pem. Writing
// the files directly (not `notation cert add`, which refuses a file that already exists) keeps
// re-runs and repeated invocations in one job idempotent.
import { X509Certificate, createHash } from 'node:crypto'
import { lstat, mkdir, readFile, readdir, rm } from 'node:fs/promises'
import path from 'node:path'
import { InputError } from '../util/errors.ts'
import { TRUST_STORE_TYPES, type TrustStoreType } from './trust-policy.ts'
import {
  formatDistinguishedName,
  parseDistinguishedName,
  type RelativeDN
} from './distinguished-name.ts'
import { readWorkspaceFile, writeAtomically } from '../util/workspace-files.ts'
import { derToPem, isSelfSigned } from './x509.ts'

const INPUT = 'trust-store-certificates'
const STORE_NAME = /^[a-zA-Z0-9_.-]+$/
/** Files this action writes in a store; only these are ever removed. */
const OWN_FILE = /^notation-akv-action-[0-9a-f]{64}\.pem$/
/** Temporary files of an interrupted write (see writeAtomically). */
const OWN_TEMP = /^\.notation-akv-action-[0-9a-f]{64}\.pem\.[0-9a-f]+\.tmp$/
const MAX_CERT_FILE_BYTES = 1024 * 1024

export interface LoadedCertificate {
  certificate: X509Certificate
  /** Where it came from: a workspace path, or `inline certificate <n>`. */
  source: string
}

/**
 * Every certificate in PEM (any number of CERTIFICATE blocks; text around them is ignored) or DER
 * (one or more concatenated certificates) data. Throws an Error naming `source` when the data is
 * neither, a PEM block is not a certificate, or nothing is found.
 */
export function parseCertificates(input: string | Buffer, source: string): X509Certificate[] {
  const text = typeof input === 'string' ? input : input.toString('latin1')
  if (text.includes('-----BEGIN ')) return parsePem(text, source)
  if (typeof input === 'string') {
    throw new Error(`${source}: no PEM block (-----BEGIN CERTIFICATE-----) found.`)
  }
  if (input.length === 0) throw new Error(`${source}: the file is empty.`)
  let ders: Buffer[]
  try {
    ders = splitDer(input)
  } catch (error) {
    throw new Error(
      `${source}: neither PEM nor DER certificate data (${(error as Error).message}).`
    )
  }
  return ders.map((der, index) =>
    parseDer(der, ders.length > 1 ? `${source} (certificate ${index + 1})` : source)
  )
}

function parsePem(text: string, source: string): X509Certificate[] {
  const blocks = [
    ...text.matchAll(/-----BEGIN ([^\r\n]*?)-----([\s\S]*?)-----END ([^\r\n]*?)-----/g)
  ]
  const begins = text.split('-----BEGIN ').length - 1
  if (begins !== blocks.length) {
    throw new Error(`${source}: a PEM block has no matching -----END line.`)
  }
  return blocks.map((block, index) => {
    const where = blocks.length > 1 ? `${source} (PEM block ${index + 1})` : source
    const [, label, body = '', endLabel] = block
    if (label !== endLabel) {
      throw new Error(`${where}: BEGIN ${label} is closed by END ${endLabel}.`)
    }
    if (label !== 'CERTIFICATE') {
      throw new Error(
        `${where}: a ${label} block, not a CERTIFICATE; a trust store holds only certificates.`
      )
    }
    // RFC 1421 headers (Key: value lines before a blank line) are allowed before the base64.
    const base64 = body
      .split(/\r?\n/)
      .filter(line => !/^[A-Za-z-]+:/.test(line.trim()))
      .join('')
      .replace(/\s+/g, '')
    if (base64 === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) {
      throw new Error(`${where}: the CERTIFICATE block is not valid base64.`)
    }
    const der = Buffer.from(base64, 'base64')
    let parts: Buffer[]
    try {
      parts = splitDer(der)
    } catch (error) {
      throw new Error(`${where}: not a certificate (${(error as Error).message}).`)
    }
    if (parts.length !== 1) throw new Error(`${where}: data follows the certificate.`)
    return parseDer(der, where)
  })
}

function parseDer(der: Buffer, source: string): X509Certificate {
  try {
    return new X509Certificate(der)
  } catch (error) {
    throw new Error(`${source}: not an X.509 certificate (${(error as Error).message}).`)
  }
}

/** Splits concatenated DER SEQUENCEs by their length headers. */
function splitDer(data: Buffer): Buffer[] {
  const parts: Buffer[] = []
  let offset = 0
  while (offset < data.length) {
    if (data[offset] !== 0x30) throw new Error(`no ASN.1 SEQUENCE at byte ${offset}`)
    const first = data[offset + 1]
    if (first === undefined) throw new Error('truncated length')
    let length = first
    let header = 2
    if (first & 0x80) {
      const count = first & 0x7f
      if (count === 0 || count > 4) throw new Error(`unsupported length encoding at byte ${offset}`)
      length = 0
      for (let i = 0; i < count; i++) {
        const byte = data[offset + 2 + i]
        if (byte === undefined) throw new Error('truncated length')
        length = length * 256 + byte
      }
      header += count
    }
    const end = offset + header + length
    if (end > data.length) throw new Error(`truncated: ${end - data.length} bytes missing`)
    parts.push(data.subarray(offset, end))
    offset = end
  }
  return parts
}

/**
 * Certificates from a multiline input: PEM blocks written inline (over several lines) and, on the
 * other lines, files in the workspace (PEM or DER). Errors are InputErrors naming `input`.
 */
export async function loadCertificates(
  input: string,
  lines: readonly string[],
  workspace: string
): Promise<LoadedCertificate[]> {
  const loaded: LoadedCertificate[] = []
  let block: string[] | undefined
  let inline = 0
  const parse = (data: string | Buffer, source: string): void => {
    try {
      for (const certificate of parseCertificates(data, source)) {
        loaded.push({ certificate, source })
      }
    } catch (error) {
      if (error instanceof InputError) throw error
      throw new InputError(input, (error as Error).message)
    }
  }
  for (const raw of lines) {
    const line = raw.trim()
    if (line === '') continue
    if (block === undefined && !line.includes('-----BEGIN ')) {
      parse(await readWorkspaceFile(input, line, workspace, MAX_CERT_FILE_BYTES), line)
      continue
    }
    if (block !== undefined && line.includes('-----BEGIN ')) {
      throw new InputError(
        input,
        `inline certificate ${inline} has no -----END line before the next block.`
      )
    }
    if (block === undefined) {
      inline++
      block = []
    }
    block.push(line)
    if (line.includes('-----END ')) {
      parse(block.join('\n'), `inline certificate ${inline}`)
      block = undefined
    }
  }
  if (block !== undefined) {
    throw new InputError(
      input,
      `inline certificate ${inline} has no -----END CERTIFICATE----- line.`
    )
  }
  return loaded
}

/** The `trust-store-certificates` input. */
export function loadTrustStoreCertificates(
  lines: readonly string[],
  workspace: string
): Promise<LoadedCertificate[]> {
  return loadCertificates(INPUT, lines, workspace)
}

/**
 * What notation would refuse in a store of this type: no certificates; in ca/signingAuthority a
 * certificate that is neither a CA nor self-signed; in tsa anything but a self-signed root CA.
 * Throws one InputError listing each; returns warnings (certificates outside their validity).
 */
export function checkTrustStoreCertificates(
  type: TrustStoreType,
  certs: readonly LoadedCertificate[],
  now: Date = new Date()
): string[] {
  if (certs.length === 0) {
    throw new InputError(
      INPUT,
      `gives no certificates: notation refuses an empty ${type} trust store.`
    )
  }
  const problems: string[] = []
  const warnings: string[] = []
  for (const { certificate, source } of certs) {
    const what = `certificate "${certificateSubject(certificate)}" (${source})`
    const signedBySelf = verifiesItself(certificate)
    if (type === 'tsa') {
      if (!certificate.ca) {
        problems.push(
          `${what} is not a CA certificate; a tsa store holds root CA certificates only.`
        )
      } else if (certificate.subject !== certificate.issuer || !signedBySelf) {
        problems.push(
          `${what} is issued by "${formatNodeName(certificate.issuer)}", not by itself; a tsa store holds root CA certificates only.`
        )
      }
    } else if (!certificate.ca && !signedBySelf) {
      problems.push(
        `${what} is neither a CA certificate nor self-signed; notation refuses it in a ${type} store (add the root CA instead).`
      )
    }
    if (now < certificate.validFromDate) {
      warnings.push(`${what} is not valid until ${certificate.validFromDate.toISOString()}.`)
    } else if (now > certificate.validToDate) {
      warnings.push(`${what} expired on ${certificate.validToDate.toISOString()}.`)
    }
  }
  if (problems.length > 0) {
    throw new InputError(
      INPUT,
      problems.length === 1 ? problems[0]! : `\n- ${problems.join('\n- ')}`
    )
  }
  return warnings
}

function verifiesItself(certificate: X509Certificate): boolean {
  try {
    return certificate.verify(certificate.publicKey)
  } catch {
    return false
  }
}

/**
 * Writes the certificates into `<configDir>/truststore/x509/<type>/<name>/` as
 * `notation-akv-action-<sha256 of DER>.pem` (files 0600, new folders 0700), each atomically, and
 * removes files of that pattern no longer wanted. Refuses symlinked folders on the way, and a store
 * holding folders or symlinks (notation refuses those). Returns the certificate paths, sorted.
 */
export async function writeTrustStore(
  configDir: string,
  store: { type: TrustStoreType; name: string },
  certs: readonly X509Certificate[]
): Promise<string[]> {
  if (!TRUST_STORE_TYPES.includes(store.type)) {
    throw new InputError(
      'trust-store',
      `type "${store.type}" is not one of ${TRUST_STORE_TYPES.join(', ')}.`
    )
  }
  if (!STORE_NAME.test(store.name) || store.name === '.' || store.name === '..') {
    throw new InputError(
      'trust-store',
      `name "${store.name}" must use letters, digits and _ . - only.`
    )
  }
  await mkdir(configDir, { recursive: true, mode: 0o700 })
  let dir = configDir
  for (const part of ['truststore', 'x509', store.type, store.name]) {
    dir = path.join(dir, part)
    await ensureRealDirectory(dir)
  }

  const wanted = new Map<string, string>()
  for (const certificate of certs) {
    wanted.set(`notation-akv-action-${sha256(certificate)}.pem`, toPem(certificate))
  }
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (OWN_FILE.test(entry.name) || OWN_TEMP.test(entry.name)) continue
    if (entry.isDirectory() || entry.isSymbolicLink()) {
      throw new InputError(
        'trust-store',
        `${path.join(dir, entry.name)} is a ${entry.isDirectory() ? 'folder' : 'symlink'}; notation refuses a store holding one. Remove it.`
      )
    }
  }

  const written: string[] = []
  for (const [file, pem] of wanted) {
    const target = path.join(dir, file)
    const info = await lstat(target).catch(() => undefined)
    if (info?.isDirectory()) {
      throw new InputError(
        'trust-store',
        `${target} is a folder; notation refuses a store holding one.`
      )
    }
    const same =
      info?.isFile() === true &&
      (process.platform === 'win32' || (info.mode & 0o777) === 0o600) &&
      (await readFile(target, 'utf8')) === pem
    if (!same) await writeAtomically(target, pem)
    written.push(target)
  }
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const own = OWN_FILE.test(entry.name) || OWN_TEMP.test(entry.name)
    if (own && !wanted.has(entry.name) && !entry.isDirectory()) {
      await rm(path.join(dir, entry.name), { force: true })
    }
  }
  return written.sort()
}

async function ensureRealDirectory(dir: string): Promise<void> {
  let info = await lstat(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined
    throw error
  })
  if (info === undefined) {
    await mkdir(dir, { mode: 0o700 }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error
    })
    info = await lstat(dir)
  }
  if (info.isSymbolicLink()) {
    throw new InputError(
      'trust-store',
      `${dir} is a symlink; the trust store is not written through one.`
    )
  }
  if (!info.isDirectory()) {
    throw new InputError('trust-store', `${dir} exists and is not a folder.`)
  }
}

function sha256(certificate: X509Certificate): string {
  return createHash('sha256').update(certificate.raw).digest('hex')
}

function toPem(certificate: X509Certificate): string {
  const lines = certificate.raw.toString('base64').match(/.{1,64}/g) ?? []
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`
}

// ---------------------------------------------------------------------------------------------
// Subjects

/** OpenSSL short names → the names Go's pkix.Name.String() (and so notation) uses. */
const GO_NAMES: Readonly<Record<string, string>> = {
  C: 'C',
  ST: 'ST',
  L: 'L',
  street: 'STREET',
  postalCode: 'POSTALCODE',
  O: 'O',
  OU: 'OU',
  CN: 'CN',
  serialNumber: 'SERIALNUMBER'
}
/** Go's String() order (most specific first); Go keeps only the last CN and SERIALNUMBER. */
const GO_ORDER = ['SERIALNUMBER', 'CN', 'OU', 'O', 'POSTALCODE', 'STREET', 'L', 'ST', 'C']
const SINGLE_VALUED = new Set(['CN', 'SERIALNUMBER'])

/**
 * The subject as RFC 4514 (`CN=…,O=…,L=…,ST=…,C=…`) the way notation sees it: Go's attribute
 * names and order, repeated attributes of one type joined into one RDN (`OU=a+OU=b`), others
 * (emailAddress, DC, OIDs) last under OpenSSL's name. Values are escaped for parseDistinguishedName.
 */
export function certificateSubject(certificate: X509Certificate): string {
  return formatNodeName(certificate.subject)
}

function formatNodeName(name: string): string {
  // Node prints one RDN per line in certificate order, values escaped as RFC 2253 (control
  // characters as \XX), attributes of a multi-valued RDN joined by " + ".
  let rdns: RelativeDN[]
  try {
    rdns = parseDistinguishedName(
      name
        .split('\n')
        .filter(l => l !== '')
        .join(',')
    )
  } catch {
    return name.split('\n').reverse().join(',')
  }
  const known = new Map<string, string[]>()
  const others: RelativeDN[] = []
  for (const { type, value } of rdns.flat()) {
    const goName = GO_NAMES[type]
    if (goName === undefined) {
      others.push([{ type, value }])
      continue
    }
    const values = known.get(goName) ?? []
    known.set(goName, SINGLE_VALUED.has(goName) ? [value] : [...values, value])
  }
  const ordered: RelativeDN[] = GO_ORDER.filter(type => known.has(type)).map(type =>
    (known.get(type) ?? []).map(value => ({ type, value }))
  )
  return formatDistinguishedName([...ordered, ...others.reverse()])
}

/** timestamp-root-cert (inline PEM or a workspace file): exactly one self-signed root CA, as PEM. */
export async function loadTimestampRoot(value: string, workspace: string): Promise<string> {
  const roots = await loadCertificates('timestamp-root-cert', value.split(/\r?\n/), workspace)
  const root = roots[0]
  if (roots.length !== 1 || !root) {
    throw new InputError(
      'timestamp-root-cert',
      `must hold exactly one certificate (found ${roots.length}).`
    )
  }
  if (!root.certificate.ca || !isSelfSigned(root.certificate)) {
    throw new InputError(
      'timestamp-root-cert',
      `'${root.source}' is not a self-signed root CA certificate.`
    )
  }
  return derToPem(root.certificate.raw)
}
