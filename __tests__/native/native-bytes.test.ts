// The native signer's bytes against real notation 1.3.2's: notation signs (through a local test
// plugin holding the key), and for the same key, inputs and signing time (read back from notation's
// envelope) the native encoder must write the same envelope, given notation's signature (which then
// verifies over the native to-be-signed bytes), the same signature manifest and the same tag index.
import assert from 'node:assert/strict'
import { X509Certificate } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import {
  buildEnvelope,
  coseProtectedHeader,
  jwsProtectedHeader,
  payloadBytes,
  type Descriptor,
  type SignatureFormat
} from '../../src/native/envelope.ts'
import { goJson } from '../../src/native/go-json.ts'
import {
  OCI_MANIFEST,
  appendToIndex,
  describeBytes,
  indexEntry,
  referrersTag,
  signatureAnnotations,
  signatureManifest
} from '../../src/native/manifest.ts'
import { fetchBlob, fetchManifest } from '../stack/images.ts'
import { issueCertificate, type Issued, type KeySpec } from '../stack/pki.ts'
import { startStack, type Stack } from '../stack/stack.ts'
import { writeTestPlugin } from '../support/notation.ts'
import { requireRealNotation, skipWithoutRealNotation } from '../support/notation-bin.ts'
import { registrySkip } from '../support/stack-env.ts'
import { decodeCbor, notationHome, type Decoded, type NotationHome } from './notation-run.ts'

const SUBJECT = 'CN=bytes.example,O=Notation,L=Seattle,ST=WA,C=US'
const REPOSITORY = 'bytes'

interface Case {
  name: string
  format: SignatureFormat
  key: KeySpec
  keySpec: string
  caIssued?: boolean
  metadata: [string, string][]
  expiryHours?: number
}

const CASES: Case[] = [
  {
    name: 'COSE, RSA-2048 self-signed, user metadata (HTML-escaped characters) and expiry',
    format: 'cose',
    key: { kty: 'RSA', size: 2048 },
    keySpec: 'RSA-2048',
    metadata: [
      ['build', '42'],
      ['note', 'a<b&c>d'],
      ['10', 'ten'],
      ['9', 'nine']
    ],
    expiryHours: 2
  },
  {
    name: 'JWS, EC P-256 self-signed, user metadata and expiry',
    format: 'jws',
    key: { kty: 'EC', crv: 'P-256' },
    keySpec: 'EC-256',
    metadata: [
      ['build', '42'],
      ['note', 'a<b&c>d']
    ],
    expiryHours: 24
  },
  {
    name: 'COSE, EC P-384 issued by a CA chain (leaf, intermediate, root)',
    format: 'cose',
    key: { kty: 'EC', crv: 'P-384' },
    keySpec: 'EC-384',
    caIssued: true,
    metadata: []
  },
  {
    name: 'JWS, RSA-3072 self-signed, nothing optional',
    format: 'jws',
    key: { kty: 'RSA', size: 3072 },
    keySpec: 'RSA-3072',
    metadata: []
  }
]

interface NotationEnvelope {
  bytes: Buffer
  payload: Buffer
  protectedHeader: Buffer
  signature: Buffer
  signingAgent: string
  signingTime: Date
}

function mapGet(map: Decoded, key: Decoded): Decoded | undefined {
  assert.ok(map instanceof Map)
  return map.get(key)
}

function readEnvelope(format: SignatureFormat, bytes: Buffer): NotationEnvelope {
  if (format === 'cose') {
    const tagged = decodeCbor(bytes) as { tag: number; value: Decoded[] }
    assert.equal(tagged.tag, 18)
    const [protectedHeader, unprotected, payload, signature] = tagged.value as [
      Buffer,
      Decoded,
      Buffer,
      Buffer
    ]
    const time = mapGet(decodeCbor(protectedHeader), 'io.cncf.notary.signingTime') as {
      tag: number
      value: number
    }
    return {
      bytes,
      payload,
      protectedHeader,
      signature,
      signingAgent: mapGet(unprotected, 'io.cncf.notary.signingAgent') as string,
      signingTime: new Date(time.value * 1000)
    }
  }
  const jws = JSON.parse(bytes.toString('utf8')) as {
    payload: string
    protected: string
    header: Record<string, string>
    signature: string
  }
  const protectedHeader = Buffer.from(jws.protected, 'base64url')
  const header = JSON.parse(protectedHeader.toString('utf8')) as Record<string, string>
  return {
    bytes,
    payload: Buffer.from(jws.payload, 'base64url'),
    protectedHeader,
    signature: Buffer.from(jws.signature, 'base64url'),
    signingAgent: jws.header['io.cncf.notary.signingAgent'] ?? '',
    signingTime: new Date(header['io.cncf.notary.signingTime'] ?? '')
  }
}

async function chainFor(c: Case): Promise<Issued[]> {
  if (!c.caIssued) return [await issueCertificate({ subject: SUBJECT, key: c.key })]
  const root = await issueCertificate({
    subject: 'CN=Bytes Root,O=Notation,L=Seattle,ST=WA,C=US',
    isCa: true,
    key: { kty: 'EC', crv: 'P-384' }
  })
  const intermediate = await issueCertificate({
    subject: 'CN=Bytes Intermediate,O=Notation,L=Seattle,ST=WA,C=US',
    isCa: true,
    issuer: root,
    key: { kty: 'EC', crv: 'P-384' }
  })
  const leaf = await issueCertificate({ subject: SUBJECT, issuer: intermediate, key: c.key })
  return [leaf, intermediate, root]
}

// Needs the real notation CLI and docker-registry (on CI a missing registry fails, see stack-env.ts).
const skip = (await skipWithoutRealNotation()) || registrySkip().skip || false

describe('native bytes equal real notation 1.3.2 bytes', { skip }, () => {
  let stack: Stack
  let root: string
  let home: NotationHome
  let subject: Descriptor
  let reference: string

  before(async () => {
    const notation = await requireRealNotation()
    stack = await startStack()
    root = await mkdtemp(path.join(os.tmpdir(), 'native-bytes-'))
    const credentials = await stack.registry.credentials({ subject: 'stack-admin' })
    home = await notationHome(notation.path, root, { caFile: stack.caFile, ...credentials })
    const pushed = await stack.registry.pushImage(REPOSITORY, { content: 'bytes test image' })
    subject = { mediaType: pushed.mediaType, digest: pushed.digest, size: pushed.size }
    reference = pushed.reference
  })
  after(async () => {
    await stack?.stop()
    if (root) await rm(root, { recursive: true, force: true })
  })

  /** The tag index now (undefined: none yet). */
  async function tagIndex(): Promise<Buffer | undefined> {
    const target = await stack.registry.target(REPOSITORY)
    const index = await fetchManifest(target, REPOSITORY, referrersTag(subject.digest))
    if (index.status === 404) return undefined
    assert.equal(index.status, 200)
    return index.body
  }

  for (const [i, c] of CASES.entries()) {
    test(c.name, async () => {
      const chain = await chainFor(c)
      const plugin = writeTestPlugin(home.libexecDir, {
        name: `bytes-${i}`,
        keyId: `key-${i}`,
        keyPem: chain[0]!.keyPem,
        chainPem: chain.map(cert => cert.pem),
        keySpec: c.keySpec
      })
      const before = await tagIndex()
      const signed = await home.run([
        'sign',
        `--signature-format=${c.format}`,
        `--id=key-${i}`,
        `--plugin=${plugin.name}`,
        ...c.metadata.map(([k, v]) => `--user-metadata=${k}=${v}`),
        ...(c.expiryHours === undefined ? [] : [`--expiry=${c.expiryHours}h`]),
        reference
      ])
      assert.equal(signed.code, 0, signed.stderr)

      const target = await stack.registry.target(REPOSITORY)
      const after = await tagIndex()
      assert.ok(after, 'notation wrote the tag index')
      const listed = (JSON.parse(after.toString('utf8')) as { manifests: { digest: string }[] })
        .manifests
      const manifestDigest = listed.at(-1)!.digest
      const manifest = await fetchManifest(target, REPOSITORY, manifestDigest)
      assert.equal(manifest.status, 200)
      const layer = (JSON.parse(manifest.body.toString('utf8')) as { layers: Descriptor[] })
        .layers[0]!
      const blob = await fetchBlob(target, REPOSITORY, layer.digest)
      assert.equal(blob.status, 200)
      const theirs = readEnvelope(c.format, blob.body)

      const time = theirs.signingTime
      const expiry =
        c.expiryHours === undefined
          ? undefined
          : new Date(time.getTime() + c.expiryHours * 3600_000)
      const ders = chain.map(cert => cert.der)
      const alg = (
        { 'RSA-2048': 'PS256', 'RSA-3072': 'PS384', 'EC-256': 'ES256', 'EC-384': 'ES384' } as const
      )[c.keySpec as 'RSA-2048']

      // The signed parts, one by one (clearer failures), then the whole envelope.
      assert.equal(
        payloadBytes(c.format, subject, c.metadata).toString('utf8'),
        theirs.payload.toString('utf8'),
        'payload'
      )
      const protectedHeader =
        c.format === 'cose'
          ? coseProtectedHeader(alg, time, expiry)
          : jwsProtectedHeader(alg, time, expiry)
      assert.equal(
        protectedHeader.toString('hex'),
        theirs.protectedHeader.toString('hex'),
        'protected header'
      )
      // notation's signature verifies over the native to-be-signed bytes (buildEnvelope checks
      // it against the leaf's key before using it), and the envelopes are then identical.
      const ours = await buildEnvelope(
        {
          format: c.format,
          subject,
          userMetadata: c.metadata,
          signingTime: time,
          ...(expiry ? { expiry } : {}),
          chain: ders,
          signingAgent: theirs.signingAgent
        },
        async () => theirs.signature
      )
      assert.equal(ours.mediaType, layer.mediaType)
      assert.equal(ours.bytes.toString('hex'), theirs.bytes.toString('hex'), 'envelope')

      // Signature manifest: same envelope descriptor, subject, chain and time → same bytes.
      const annotations = signatureAnnotations(ders, time)
      const ourManifest = signatureManifest(
        describeBytes(ours.mediaType, theirs.bytes),
        subject,
        annotations
      )
      assert.equal(ourManifest.toString('utf8'), manifest.body.toString('utf8'), 'manifest')

      // The tag index: notation's previous index with the native entry appended.
      const entry = indexEntry(describeBytes(OCI_MANIFEST, manifest.body), annotations)
      const ourIndex = appendToIndex(before, entry, manifestDigest)
      assert.ok(ourIndex)
      assert.equal(ourIndex.toString('utf8'), after.toString('utf8'), 'tag index')
      assert.ok(after.toString('utf8').includes(goJson(entry)), 'index entry')
      assert.equal(new X509Certificate(chain[0]!.pem).subject.includes('bytes.example'), true)
    })
  }
})
