// What the action writes for verification (trust store and trust policy), read by the real notation
// CLI: `policy show` and `policy import` accept the policy as written, `cert ls` lists exactly the
// store files and `cert show` reads each, and `verify` with that configuration verifies an image
// signed by the trusted certificate and refuses one signed by another. One case per way the action
// builds its configuration: a policy generated from a self-signed Key Vault certificate, from a CA
// chain, a given policy, and several trust store certificates (PEM and DER files).
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import { signerStore, type Inputs } from '../../src/inputs/inputs.ts'
import { preflight } from '../../src/inputs/preflight.ts'
import type { ResolvedImage, SigningCertificate } from '../../src/util/types.ts'
import { prepareTrust, type TrustSetup } from '../../src/notation/verify.ts'
import { issueCertificate, type Issued } from '../stack/pki.ts'
import { captureOutput } from '../support/capture.ts'
import { defaultInputs } from '../support/inputs.ts'
import { requireRealNotation, skipWithoutRealNotation } from '../support/notation-bin.ts'
import { writeTestPlugin } from '../support/notation.ts'

interface Run {
  code: number
  stdout: string
  stderr: string
}

const EC = { kty: 'EC', crv: 'P-256' } as const
const CODE_SIGNING = '1.3.6.1.5.5.7.3.3'
const SUBJECT = 'CN=signer,O=Notation Test,L=Seattle,ST=WA,C=US'
const OTHER_SUBJECT = 'CN=other,O=Notation Test,L=Seattle,ST=WA,C=US'
/** The image the layout holds, as the action would resolve it: verified under SCOPE. */
const SCOPE = '127.0.0.1:5000/app'
const IMAGE: ResolvedImage = {
  input: `${SCOPE}:v1`,
  registry: '127.0.0.1:5000',
  repository: 'app',
  digest: '',
  reference: ''
}

describe('real notation reads the trust store and policy the action writes', async () => {
  const skip = await skipWithoutRealNotation()
  let notationPath = ''
  let root = ''
  let workspace = ''
  let libexec = ''
  let layoutRef = ''
  let rootCa: Issued
  let intermediate: Issued
  let leaf: Issued
  let selfSigned: Issued
  let other: Issued
  let cases = 0

  /** notation with a private HOME and caches; config and plugins as given. */
  function notation(args: string[], configDir: string): Promise<Run> {
    return new Promise(resolve => {
      execFile(
        notationPath,
        args,
        {
          cwd: root,
          timeout: 60_000,
          env: {
            PATH: process.env['PATH'] ?? '',
            HOME: path.join(root, 'home'),
            XDG_CONFIG_HOME: path.join(root, 'xdg'),
            XDG_CACHE_HOME: path.join(root, 'cache'),
            NOTATION_CONFIG: configDir,
            NOTATION_LIBEXEC: libexec,
            NOTATION_EXPERIMENTAL: '1'
          }
        },
        (error, stdout, stderr) => {
          const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1
          resolve({ code, stdout, stderr })
        }
      )
    })
  }

  /** An OCI layout image signed once by each plugin-held key: its digest reference. */
  async function signedLayout(): Promise<string> {
    const layout = path.join(root, 'layout')
    const blobs = path.join(layout, 'blobs', 'sha256')
    await mkdir(blobs, { recursive: true })
    const blob = async (bytes: string): Promise<{ digest: string; size: number }> => {
      const hex = createHash('sha256').update(bytes).digest('hex')
      await writeFile(path.join(blobs, hex), bytes)
      return { digest: `sha256:${hex}`, size: Buffer.byteLength(bytes) }
    }
    const configBlob = await blob('{}')
    const manifest = await blob(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.empty.v1+json', ...configBlob },
        layers: []
      })
    )
    await writeFile(path.join(layout, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}')
    await writeFile(
      path.join(layout, 'index.json'),
      JSON.stringify({
        schemaVersion: 2,
        manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest }]
      })
    )
    return `layout@${manifest.digest}`
  }

  /** The action's own steps: inputs read up front (preflight), then prepareTrust writes. */
  async function actionWrites(
    verify: Partial<Inputs['verify']>,
    certificate?: SigningCertificate
  ): Promise<{ configDir: string; setup: TrustSetup }> {
    const configDir = path.join(root, `config-${++cases}`)
    const base = defaultInputs()
    const inputs: Inputs = {
      ...base,
      commands: ['verify'],
      images: [IMAGE.input],
      verify: { ...base.verify, ...verify },
      // As in a run: the Key Vault certificate is the one the inputs name.
      keyVault: {
        ...base.keyVault,
        ...(certificate?.name === undefined ? {} : { certificate: certificate.name })
      }
    }
    const checked = await preflight(inputs, workspace)
    const { result, error } = await captureOutput(() =>
      prepareTrust([IMAGE], {
        notationPath,
        configDir,
        libexecDir: libexec,
        verify: inputs.verify,
        maxConcurrency: inputs.maxConcurrency,
        store: signerStore(inputs),
        ...(certificate ? { certificate } : {}),
        preflight: checked,
        credentials: new Map(),
        workspace
      })
    )
    if (error) throw error
    return { configDir, setup: result! }
  }

  /** Everything real notation can say about the configuration, and a verify of each signature. */
  async function assertNotationAccepts(configDir: string, setup: TrustSetup): Promise<void> {
    const policyFile = setup.files.at(-1)!
    assert.equal(path.basename(policyFile), 'trustpolicy.json')
    const text = await readFile(policyFile, 'utf8')
    const shown = await notation(['policy', 'show'], configDir)
    assert.equal(shown.code, 0, shown.stderr)
    assert.equal(shown.stdout, text)
    assert.doesNotMatch(shown.stderr, /Error|invalid/i)
    const imported = await notation(
      ['policy', 'import', '--force', policyFile],
      path.join(configDir, 'imported')
    )
    assert.equal(imported.code, 0, imported.stderr)
    assert.match(imported.stdout, /Trust policy configuration imported successfully/)

    const storeFiles = setup.files.slice(0, -1)
    // `cert ls` prints a table: store type, store name, file name.
    const rows = (out: string): string[][] =>
      out
        .split('\n')
        .slice(1)
        .filter(l => l.trim() !== '')
        .map(l => l.trim().split(/\s+/))
    const listed = await notation(['cert', 'ls'], configDir)
    assert.equal(listed.code, 0, listed.stderr)
    assert.match(listed.stdout, /^STORE TYPE\s+STORE NAME\s+CERTIFICATE/)
    const { type, name } = setup.store
    assert.deepEqual(
      rows(listed.stdout).sort(),
      storeFiles.map(f => [type, name, path.basename(f)]).sort(),
      'notation lists exactly the files the action wrote'
    )
    for (const file of storeFiles) {
      assert.equal(path.dirname(file), path.join(configDir, 'truststore', 'x509', type, name))
    }
    const ofStore = await notation(['cert', 'ls', '--type', type, '--store', name], configDir)
    assert.equal(ofStore.stdout, listed.stdout)
    for (const file of storeFiles) {
      const cert = path.basename(file)
      const shownCert = await notation(
        ['cert', 'show', '--type', type, '--store', name, cert],
        configDir
      )
      assert.equal(shownCert.code, 0, `${cert}: ${shownCert.stderr}`)
      // The file is named by the SHA-256 of its certificate: notation reads that certificate.
      const hex = /^notation-akv-action-([0-9a-f]{64})\.pem$/.exec(cert)?.[1]
      assert.ok(hex, cert)
      assert.match(shownCert.stdout, new RegExp(`^SHA256 Thumbprint: ${hex}$`, 'm'))
    }
  }

  /** `notation verify` of the layout's image with this configuration. */
  function verifyWith(configDir: string): Promise<Run> {
    return notation(['verify', '--oci-layout', '--scope', SCOPE, layoutRef], configDir)
  }

  before(async () => {
    if (skip) return
    notationPath = (await requireRealNotation()).path
    root = await mkdtemp(path.join(os.tmpdir(), 'notation-config-'))
    workspace = path.join(root, 'workspace')
    libexec = path.join(root, 'libexec')
    await mkdir(workspace, { recursive: true })
    rootCa = await issueCertificate({
      subject: 'CN=Config Root,O=Notation Test,ST=WA,C=US',
      isCa: true,
      key: EC
    })
    intermediate = await issueCertificate({
      subject: 'CN=Config Intermediate,O=Notation Test,ST=WA,C=US',
      issuer: rootCa,
      isCa: true,
      key: EC
    })
    leaf = await issueCertificate({
      subject: SUBJECT,
      issuer: intermediate,
      key: EC,
      ekus: [CODE_SIGNING]
    })
    selfSigned = await issueCertificate({ subject: SUBJECT, key: EC, ekus: [CODE_SIGNING] })
    other = await issueCertificate({ subject: OTHER_SUBJECT, key: EC, ekus: [CODE_SIGNING] })
    layoutRef = await signedLayout()
  })
  after(async () => {
    if (root) await rm(root, { recursive: true, force: true })
  })

  /** Signs the layout's image with a plugin holding `key` and `chain` (leaf first). */
  async function signWith(name: string, key: Issued, chain: Issued[]): Promise<void> {
    writeTestPlugin(libexec, {
      name,
      keyId: name,
      keyPem: key.keyPem,
      chainPem: chain.map(c => c.pem),
      keySpec: 'EC-256'
    })
    const signed = await notation(
      ['sign', '--oci-layout', '--plugin', name, '--id', name, layoutRef],
      path.join(root, 'signing-config')
    )
    assert.equal(signed.code, 0, signed.stderr)
  }

  const keyVaultCertificate = (chain: Issued[], name: string): SigningCertificate => ({
    vaultUrl: 'https://vault.example',
    name,
    keyId: `https://vault.example/keys/${name}/1`,
    subject: SUBJECT,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 3600_000),
    chain: chain.map(c => c.pem),
    selfSigned: chain.length === 1,
    thumbprint: createHash('sha256').update(chain[0]!.der).digest('hex')
  })

  test('a generated policy for a self-signed Key Vault certificate', { skip }, async () => {
    await signWith('self-signed-signer', selfSigned, [selfSigned])
    const { configDir, setup } = await actionWrites(
      {},
      keyVaultCertificate([selfSigned], 'self-signed')
    )
    assert.deepEqual(setup.store, { type: 'ca', name: 'self-signed' })
    await assertNotationAccepts(configDir, setup)
    const run = await verifyWith(configDir)
    assert.equal(run.code, 0, run.stderr)
    assert.match(run.stdout, /^Successfully verified signature for layout@sha256:/m)
  })

  test(
    'a generated policy for a CA-issued certificate: the chain root is the anchor',
    { skip },
    async () => {
      await signWith('ca-signer', leaf, [leaf, intermediate, rootCa])
      const { configDir, setup } = await actionWrites(
        { verifyTimestamp: 'afterCertExpiry', registryScopes: [SCOPE, '127.0.0.1:5000/other'] },
        keyVaultCertificate([leaf, intermediate, rootCa], 'ca-issued')
      )
      assert.equal(setup.files.length, 2, 'the root, then the policy')
      await assertNotationAccepts(configDir, setup)
      const run = await verifyWith(configDir)
      assert.equal(run.code, 0, run.stderr)
    }
  )

  test(
    'a given policy with a named ca store of several certificates (PEM and DER files)',
    { skip },
    async () => {
      await writeFile(path.join(workspace, 'self-signed.pem'), selfSigned.pem)
      await writeFile(path.join(workspace, 'other.der'), other.der)
      const policy = {
        version: '1.0',
        trustPolicies: [
          {
            name: 'given',
            registryScopes: [SCOPE],
            signatureVerification: { level: 'strict', override: { revocation: 'skip' } },
            trustStores: ['ca:signers'],
            trustedIdentities: [`x509.subject: ${SUBJECT}`, `x509.subject: ${OTHER_SUBJECT}`]
          },
          {
            name: 'everything-else',
            registryScopes: ['*'],
            signatureVerification: { level: 'skip' }
          }
        ]
      }
      await writeFile(path.join(workspace, 'policy.json'), JSON.stringify(policy))
      const { configDir, setup } = await actionWrites({
        trustPolicy: 'policy.json',
        trustStore: { type: 'ca', name: 'signers' },
        trustStoreCertificates: ['self-signed.pem', 'other.der']
      })
      assert.equal(setup.files.length, 3)
      await assertNotationAccepts(configDir, setup)
      const run = await verifyWith(configDir)
      assert.equal(run.code, 0, run.stderr)
    }
  )

  test(
    'a given skip policy: no stores or identities in it, and notation skips',
    { skip },
    async () => {
      // verification-level offers no skip (it could only fail); a given policy may still skip.
      await writeFile(
        path.join(workspace, 'skip-policy.json'),
        JSON.stringify({
          version: '1.0',
          trustPolicies: [
            {
              name: 'skipped',
              registryScopes: ['*'],
              signatureVerification: { level: 'skip' }
            }
          ]
        })
      )
      const { configDir, setup } = await actionWrites(
        { trustPolicy: 'skip-policy.json' },
        keyVaultCertificate([selfSigned], 'skipped')
      )
      assert.equal(setup.policy.trustPolicies[0]?.trustStores, undefined)
      await assertNotationAccepts(configDir, setup)
      const run = await verifyWith(configDir)
      assert.equal(run.code, 0, run.stderr)
      assert.match(run.stdout, /^Trust policy is configured to skip signature verification for /m)
    }
  )

  test(
    'several ca certificates given inline; a store without the signer refuses it',
    { skip },
    async () => {
      const { configDir, setup } = await actionWrites({
        trustedIdentities: [`x509.subject: ${OTHER_SUBJECT}`],
        trustStoreCertificates: [other.pem, intermediate.pem]
          .join('')
          .split('\n')
          .filter(l => l !== '')
      })
      assert.equal(setup.files.length, 3)
      await assertNotationAccepts(configDir, setup)
      // Neither signer of the image is trusted here: notation refuses it.
      const run = await verifyWith(configDir)
      assert.equal(run.code, 1, run.stdout)
    }
  )
})
