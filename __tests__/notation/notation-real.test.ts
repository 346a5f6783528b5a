// The real notation 1.3.2 CLI on trust policies whose keys Go's encoding/json reads differently
// from every other reader: what notation enforces for such a document (the threat the action's
// refusals answer), that its key matching is goFoldName's, and that the trust policy the action
// writes for a valid given policy is one real notation imports and shows as written.
// The binary is the one the other tests run (support/notation-bin.ts: NOTATION_BIN, the copy built
// from notation's public source for tests, or the official release by its pinned checksum), used by
// path, never copied into the repository. Without one these tests are skipped, saying why.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import { goFoldName } from '../../src/util/go-json.ts'
import {
  assertValidTrustPolicy,
  canonicalTrustPolicy,
  parseTrustPolicy,
  writeTrustPolicy
} from '../../src/trust/trust-policy.ts'
import { realNotation } from '../support/notation-bin.ts'

const found = await realNotation()
const NOTATION = typeof found === 'string' ? undefined : found.path
const SKIP = typeof found === 'string' ? found : false

interface Run {
  code: number
  stdout: string
  stderr: string
}

const SIGNER_SUBJECT = 'x509.subject: CN=visible,O=Notary,L=Seattle,ST=WA,C=US'

describe('real notation 1.3.2 reads trust policy keys as Go does', { skip: SKIP }, () => {
  let root: string
  let config: string
  let layoutRef: string

  /** notation with a private config, HOME and cache, from `cwd` (the temp root). */
  function notation(args: string[], configDir = config): Promise<Run> {
    return new Promise(resolve => {
      execFile(
        NOTATION!,
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

  async function writePolicy(text: string, configDir = config): Promise<void> {
    await mkdir(configDir, { recursive: true })
    await writeFile(path.join(configDir, 'trustpolicy.json'), text, { mode: 0o600 })
  }

  function statement(name: string, level: string, scopes: string[], identities: string[]): string {
    return JSON.stringify({
      name,
      registryScopes: scopes,
      signatureVerification: { level },
      trustStores: ['ca:visible'],
      trustedIdentities: identities
    })
  }
  /** Only the `visible` signer, strictly, for the layout's scope. */
  const VISIBLE = statement('visible-strict', 'strict', ['local/app'], [SIGNER_SUBJECT])

  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'notation-real-'))
    config = path.join(root, 'config')
    const version = await notation(['version'])
    assert.match(version.stdout, /Version:\s+1\.3\.2\b/, version.stdout + version.stderr)

    // An OCI image layout holding one empty image.
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
    layoutRef = `layout@${manifest.digest}`

    // Two test signers, each with a trust store of its own: the image is signed by `other`, whom
    // the visible statement does not trust (its store `ca:visible` holds only `visible`).
    for (const args of [['visible'], ['--default', 'other']]) {
      const made = await notation(['cert', 'generate-test', ...args])
      assert.equal(made.code, 0, made.stderr)
    }
    const signed = await notation(['sign', '--oci-layout', layoutRef])
    assert.equal(signed.code, 0, signed.stderr)
  })
  after(async () => {
    if (root) await rm(root, { recursive: true, force: true })
  })

  const verify = (): Promise<Run> =>
    notation(['verify', '--oci-layout', '--scope', 'local/app', layoutRef])

  test('the visible strict statement alone refuses the other signer', async () => {
    await writePolicy(`{"version": "1.0", "trustPolicies": [${VISIBLE}]}`)
    const run = await verify()
    assert.equal(run.code, 1, run.stdout)
    assert.match(run.stderr, /signature verification failed for all the signatures/)
  })

  test('a later TrustPolicies (audit, "*") is what notation enforces: it passes; the action refuses it', async () => {
    const hidden = statement('hidden-audit', 'audit', ['*'], ['*'])
    const text = `{"version": "1.0", "trustPolicies": [${VISIBLE}], "TrustPolicies": [${hidden}]}`
    await writePolicy(text)
    const run = await verify()
    assert.equal(run.code, 0, run.stderr)
    assert.match(run.stdout, /^Successfully verified signature for layout@sha256:/m)
    assert.match(run.stderr, /authenticity was set to "log" and failed/)
    // `policy show` prints the text as it is and finds nothing wrong with what it decoded.
    const shown = await notation(['policy', 'show'])
    assert.equal(shown.stdout, text)
    assert.doesNotMatch(shown.stderr, /Error/)
    // The action's reading refuses the document, naming both keys.
    await assert.rejects(parseTrustPolicy(text), /keys "trustPolicies" and "TrustPolicies"/)
  })

  test('so does a later \u017fignatureVerification inside the visible statement', async () => {
    const text = `{"version": "1.0", "trustPolicies": [${VISIBLE.replace(
      '"trustStores"',
      '"\\u017fignatureVerification": {"level": "audit"}, "trustStores"'
    )}]}`
    await writePolicy(text)
    const run = await verify()
    assert.equal(run.code, 0, run.stderr)
    assert.match(run.stdout, /^Successfully verified signature/m)
    await assert.rejects(parseTrustPolicy(text), /"\\u017fignatureVerification"/)
  })

  test('notation matches keys exactly as goFoldName says, and the last duplicate wins', async () => {
    const importable = async (text: string): Promise<Run> => {
      const file = path.join(root, 'import.json')
      await writeFile(file, text)
      return notation(['policy', 'import', '--force', file], path.join(root, 'import-config'))
    }
    const skip = JSON.stringify({
      name: 'a',
      registryScopes: ['*'],
      signatureVerification: { level: 'skip' }
    })
    const keys = [
      'trustPolicies',
      'TrustPolicies',
      'TRUSTPOLICIES',
      'tru\u017ftPolicies', // ſ folds to s
      'trustPol\u0131c\u0131es', // dotless ı does not fold to i in Go
      'trustPol\u0130c\u0130es', // nor does dotted İ
      'trust_policies'
    ]
    for (const key of keys) {
      const run = await importable(`{"version": "1.0", ${JSON.stringify(key)}: [${skip}]}`)
      const matched = run.code === 0
      if (!matched) assert.match(run.stderr, /zero trust policy statements/)
      assert.equal(
        matched,
        goFoldName(key) === goFoldName('trustPolicies'),
        `${JSON.stringify(key)}: notation ${matched ? 'matched' : 'ignored'} it`
      )
    }
    // JSON.parse shows only the last "version"; so does Go decode it, over the first.
    const last = await importable(
      `{"version": "2.0", "trustPolicies": [${skip}], "version": "1.0"}`
    )
    assert.equal(last.code, 0, last.stderr)
    const first = await importable(
      `{"version": "1.0", "trustPolicies": [${skip}], "version": "2.0"}`
    )
    assert.match(first.stderr, /unsupported version "2\.0"/)
  })

  test('what the action writes for a valid policy, notation imports and shows as written', async () => {
    const given = ` {
      "trustPolicies" : [ { "trustedIdentities": ["${SIGNER_SUBJECT}"], "comment": "ignored",
        "trustStores": ["ca:visible"], "signatureVerification": { "override": {"revocation": "skip"},
        "level": "strict", "verifyTimestamp": "afterCertExpiry" }, "registryScopes": ["local/app"],
        "name": "mine" } ],
      "$schema": "https://example.invalid/schema.json", "version" : "1.0" } `
    const { document } = await parseTrustPolicy(given)
    assertValidTrustPolicy(document)
    const written = await writeTrustPolicy(path.join(root, 'written'), document)
    const text = await readFile(written, 'utf8')
    assert.equal(text, `${JSON.stringify(canonicalTrustPolicy(document), null, 2)}\n`)
    assert.doesNotMatch(text, /comment|\$schema/)

    const target = path.join(root, 'imported')
    const imported = await notation(['policy', 'import', '--force', written], target)
    assert.equal(imported.code, 0, imported.stderr)
    assert.match(imported.stdout, /Trust policy configuration imported successfully/)
    const shown = await notation(['policy', 'show'], target)
    assert.equal(shown.code, 0, shown.stderr)
    assert.equal(shown.stdout, text)
    assert.doesNotMatch(shown.stderr, /Error/)
    // And it verifies with it: the image is signed by `other`, whom this policy does not trust.
    await writePolicy(text)
    const run = await verify()
    assert.equal(run.code, 1, run.stdout)
  })
})
