// An RFC 3161 time-stamping authority for the local stack: its own root CA and a TSA certificate
// (extendedKeyUsage id-kp-timeStamping only, critical, as RFC 3161 2.3 requires), answering
// `POST application/timestamp-query` over HTTPS. The answer is OpenSSL's own TSA (`openssl ts
// -reply`), so requests are judged as a real TSA judges them: an unsupported hash, version,
// policy or extension, or a body that is no TimeStampReq, gets a rejection (status 2) with the
// failure info; a nonce is echoed; the TSA certificate is included only when certReq asks for it;
// the signer is named by ESS signingCertificateV2 (SHA-256), which notation's tspclient requires.
import { execFile, execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { Route, StackRequest, StackResponse } from './http.ts'
import { issueCertificate, x509, type Issued } from './pki.ts'

export const TIMESTAMP_QUERY = 'application/timestamp-query'
export const TIMESTAMP_REPLY = 'application/timestamp-reply'
/** The TSA's policy: an OID under the arc reserved for examples (2.999). */
export const TSA_POLICY = '2.999.3161.1'
/** What this TSA accepts as message imprints (RFC 3161 lets a TSA refuse others: badAlg). */
const DIGESTS = {
  '2.16.840.1.101.3.4.2.1': 'SHA-256',
  '2.16.840.1.101.3.4.2.2': 'SHA-384',
  '2.16.840.1.101.3.4.2.3': 'SHA-512'
} as const
const MAX_QUERY_BYTES = 64 * 1024

/** One query as the TSA read it, and what it answered. */
export interface TimestampQuery {
  /** The message imprint's hash (SHA-256/384/512, or the OID when it is another). */
  hash?: string
  /** Bytes of the hashed message. */
  imprintLength?: number
  /** Whether the query carried a nonce (notation always sends one). */
  nonce: boolean
  certReq: boolean
  /** PKIStatus of the answer: 0 granted, 2 rejection; undefined when not answered with a TimeStampResp. */
  status?: number
  /** HTTP status sent. */
  httpStatus: number
}

export interface Tsa {
  /** The TSA's root CA: what `timestamp-root-cert` and a tsa trust store hold. */
  readonly root: Issued
  /** The TSA certificate (issued by root) that signs the tokens. */
  readonly signer: Issued
  readonly routes: Route[]
  /** Every query, oldest first. */
  readonly queries: TimestampQuery[]
}

let opensslFound: boolean | undefined

/** Whether `openssl` (with its `ts` command) is on PATH; the stack has no TSA without it. */
export function hasOpenssl(): boolean {
  if (opensslFound === undefined) {
    try {
      execFileSync('openssl', ['ts', '-help'], { stdio: 'ignore', timeout: 10_000 })
      opensslFound = true
    } catch (error) {
      // `openssl ts -help` exits 0 on 3.x and 1 on 1.1.x; only a missing binary means no openssl.
      opensslFound = (error as NodeJS.ErrnoException).code !== 'ENOENT'
    }
  }
  return opensslFound
}

/** A TSA keeping its keys, OpenSSL configuration and serial file under `dir`. */
export async function createTsa(options: { dir: string }): Promise<Tsa> {
  const dir = options.dir
  await mkdir(dir, { recursive: true, mode: 0o700 })
  const root = await issueCertificate({
    subject: 'CN=notation-akv-action test TSA root,O=Notation Test,ST=WA,C=US',
    isCa: true,
    key: { kty: 'EC', crv: 'P-256' }
  })
  const signer = await issueCertificate({
    subject: 'CN=notation-akv-action test TSA,O=Notation Test,ST=WA,C=US',
    issuer: root,
    key: { kty: 'EC', crv: 'P-256' },
    ekus: [x509.ExtendedKeyUsage.timeStamping],
    ekuCritical: true
  })
  await writeFile(path.join(dir, 'signer.pem'), signer.pem)
  await writeFile(path.join(dir, 'signer.key'), signer.keyPem, { mode: 0o600 })
  await writeFile(path.join(dir, 'serial'), '01\n')
  const config = path.join(dir, 'tsa.cnf')
  await writeFile(
    config,
    [
      '[ tsa ]',
      'default_tsa = tsa_config',
      '[ tsa_config ]',
      `serial = ${path.join(dir, 'serial')}`,
      'crypto_device = builtin',
      `signer_cert = ${path.join(dir, 'signer.pem')}`,
      `signer_key = ${path.join(dir, 'signer.key')}`,
      'signer_digest = sha256',
      `default_policy = ${TSA_POLICY}`,
      'digests = sha256, sha384, sha512',
      'accuracy = secs:1',
      'clock_precision_digits = 0',
      'ordering = no',
      'tsa_name = no',
      'ess_cert_id_chain = no',
      'ess_cert_id_alg = sha256',
      ''
    ].join('\n')
  )

  const queries: TimestampQuery[] = []
  // OpenSSL increments the serial file per answer: one answer at a time.
  let queue: Promise<unknown> = Promise.resolve()
  const reply = (query: Buffer): Promise<Buffer> => {
    const run = queue.then(async () => {
      const work = await mkdtemp(path.join(dir, 'q-'))
      try {
        await writeFile(path.join(work, 'query.tsq'), query)
        await new Promise<void>((resolve, reject) => {
          execFile(
            'openssl',
            [
              'ts',
              '-reply',
              '-config',
              config,
              '-queryfile',
              path.join(work, 'query.tsq'),
              '-out',
              path.join(work, 'reply.tsr')
            ],
            { timeout: 30_000 },
            error => (error ? reject(error) : resolve())
          )
        })
        return await readFile(path.join(work, 'reply.tsr'))
      } finally {
        await rm(work, { recursive: true, force: true })
      }
    })
    queue = run.catch(() => undefined)
    return run
  }

  const handler = async (req: StackRequest): Promise<StackResponse> => {
    const record = (httpStatus: number, extra: Partial<TimestampQuery> = {}): void => {
      queries.push({
        nonce: false,
        certReq: false,
        ...describeQuery(req.body),
        ...extra,
        httpStatus
      })
    }
    const type = String(req.headers['content-type'] ?? '')
      .split(';')[0]
      ?.trim()
      .toLowerCase()
    if (type !== TIMESTAMP_QUERY) {
      record(415)
      return { status: 415, body: `Content-Type must be ${TIMESTAMP_QUERY}\n` }
    }
    if (req.body.length === 0 || req.body.length > MAX_QUERY_BYTES) {
      record(400)
      return { status: 400, body: 'a TimeStampReq is expected\n' }
    }
    let answer: Buffer
    try {
      answer = await reply(req.body)
    } catch {
      record(500)
      return { status: 500, body: 'the TSA failed to answer\n' }
    }
    const status = responseStatus(answer)
    record(200, status === undefined ? {} : { status })
    return { status: 200, headers: { 'content-type': TIMESTAMP_REPLY }, body: answer }
  }

  return {
    root,
    signer,
    queries,
    routes: [
      { name: 'timestamp', method: 'POST', path: /^\/(timestamp)?$/, handler },
      {
        name: 'timestamp-method',
        method: '*',
        path: /^\/(timestamp)?$/,
        handler: () => ({ status: 405, headers: { allow: 'POST' }, body: 'POST a TimeStampReq\n' })
      }
    ]
  }
}

// ---------------------------------------------------------------------------------------------
// Reading just enough DER to record what a query asked for and what the answer said.

interface Tlv {
  tag: number
  start: number
  end: number
  /** Offset of the content. */
  content: number
}

function readTlv(data: Buffer, offset: number): Tlv | undefined {
  const tag = data[offset]
  const first = data[offset + 1]
  if (tag === undefined || first === undefined) return undefined
  let length = first
  let header = 2
  if (first & 0x80) {
    const count = first & 0x7f
    if (count === 0 || count > 4) return undefined
    length = 0
    for (let i = 0; i < count; i++) length = length * 256 + (data[offset + 2 + i] ?? 0)
    header += count
  }
  const end = offset + header + length
  return end > data.length ? undefined : { tag, start: offset, end, content: offset + header }
}

function children(data: Buffer, parent: Tlv): Tlv[] {
  const out: Tlv[] = []
  for (let at = parent.content; at < parent.end;) {
    const child = readTlv(data, at)
    if (!child) break
    out.push(child)
    at = child.end
  }
  return out
}

function decodeOid(bytes: Buffer): string {
  const parts: number[] = []
  let value = 0
  for (const byte of bytes) {
    value = value * 128 + (byte & 0x7f)
    if ((byte & 0x80) === 0) {
      parts.push(value)
      value = 0
    }
  }
  const first = parts.shift() ?? 0
  const head = first < 80 ? [Math.floor(first / 40), first % 40] : [2, first - 80]
  return [...head, ...parts].join('.')
}

/** TimeStampReq ::= SEQUENCE { version, messageImprint, reqPolicy?, nonce?, certReq?, [0] extensions? } */
function describeQuery(body: Buffer): Partial<TimestampQuery> {
  const top = readTlv(body, 0)
  if (!top || top.tag !== 0x30) return {}
  const fields = children(body, top)
  const imprint = fields[1]
  const result: Partial<TimestampQuery> = {
    nonce: fields.slice(2).some(f => f.tag === 0x02),
    certReq: fields.slice(2).some(f => f.tag === 0x01 && body[f.content] !== 0)
  }
  if (imprint?.tag === 0x30) {
    const [algorithm, hashed] = children(body, imprint)
    const oid = algorithm ? children(body, algorithm)[0] : undefined
    if (oid?.tag === 0x06) {
      const dotted = decodeOid(body.subarray(oid.content, oid.end))
      result.hash = DIGESTS[dotted as keyof typeof DIGESTS] ?? dotted
    }
    if (hashed?.tag === 0x04) result.imprintLength = hashed.end - hashed.content
  }
  return result
}

/** TimeStampResp ::= SEQUENCE { status PKIStatusInfo ::= SEQUENCE { status INTEGER, … }, … } */
function responseStatus(answer: Buffer): number | undefined {
  const top = readTlv(answer, 0)
  const info = top ? children(answer, top)[0] : undefined
  const status = info ? children(answer, info)[0] : undefined
  return status?.tag === 0x02 ? answer[status.content] : undefined
}
