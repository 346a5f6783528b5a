// The job summary's structure (read at a glance: the signer once, one row per image, long parts
// collapsed, failures with notation's reason as inert text, warnings in view), and what a
// verify-only run says about its certificate, through the committed bundle with real notation.
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import { imagesOutput, writeSummary, type SummaryInfo } from '../../src/report/summary.ts'
import type { ImageResult, SigningCertificate } from '../../src/util/types.ts'
import { startE2E, type E2E } from '../support/e2e.ts'
import { skipWithoutRealNotation } from '../support/notation-bin.ts'
import { registryDescribe } from '../support/stack-env.ts'

const SUBJECT = 'CN=summary.example,O=Example,L=Seattle,ST=WA,C=US'
const KEY_ID = 'https://summary-vault.vault.azure.net/keys/signer/0123456789abcdef0123456789abcdef'
const certificate: SigningCertificate = {
  vaultUrl: 'https://summary-vault.vault.azure.net',
  keyId: KEY_ID,
  subject: SUBJECT,
  notBefore: new Date('2026-01-01T00:00:00Z'),
  notAfter: new Date('2027-01-01T00:00:00Z'),
  chain: [],
  selfSigned: true,
  thumbprint: '0'.repeat(64)
}

const digestOf = (seed: string): string =>
  `sha256:${createHash('sha256').update(seed).digest('hex')}`

/** notation's reason, made hostile: line breaks, workflow commands, HTML, a Markdown link. */
const HOSTILE_REASON =
  'signature push refused\n\n::add-mask::x\r::error::forged\u2028##[warning]also <script>alert(1)</script> [click](https://evil.example)'

function results(count: number, failedIndex?: number): ImageResult[] {
  return Array.from({ length: count }, (_, i) => {
    const digest = digestOf(`image ${i}`)
    const reference = `registry.example/team/app-${i}@${digest}`
    if (i === failedIndex) {
      return {
        input: `registry.example/team/app-${i}:v1`,
        reference,
        digest,
        error: HOSTILE_REASON
      }
    }
    return {
      input: `registry.example/team/app-${i}:v1`,
      reference,
      digest,
      signed: true,
      alreadySigned: false,
      signatureDigest: digestOf(`signature ${i}`),
      verified: true,
      verification: 'verified' as const,
      signMs: 1500,
      verifyMs: 500
    }
  })
}

/** The text outside any <details>: what a reader sees without clicking. */
function visible(html: string): string {
  return html.replace(/<details>[\s\S]*?<\/details>/g, '')
}

/** The `<tr>`s of the first table (the images table). */
function mainRows(html: string): string[] {
  const table = /<table>([\s\S]*?)<\/table>/.exec(html)?.[1] ?? ''
  return table.match(/<tr>[\s\S]*?<\/tr>/g) ?? []
}

describe('job summary structure', () => {
  let dir: string
  let file: string
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'summary-test-'))
    file = path.join(dir, 'summary.md')
    // @actions/core keeps the first path it reads: one file, emptied before each summary.
    process.env['GITHUB_STEP_SUMMARY'] = file
  })
  after(async () => {
    delete process.env['GITHUB_STEP_SUMMARY']
    await rm(dir, { recursive: true, force: true })
  })

  async function render(rs: ImageResult[], info: SummaryInfo): Promise<string> {
    await writeFile(file, '')
    await writeSummary(rs, info)
    return readFile(file, 'utf8')
  }

  const signAndVerify: SummaryInfo = {
    certificate,
    ran: { sign: true, verify: true },
    signatureFormat: 'cose',
    commands: [
      `notation sign --signature-format=cose --id=${KEY_ID} <registry>/<repository>@<digest>`
    ],
    warnings: ['statement "notation-akv-action": level "permissive" only logs <expiry> failures.']
  }

  test('20 images, one failed: signer once, one row per image, details collapsed', async () => {
    const rs = results(20, 7)
    const html = await render(rs, signAndVerify)
    const shown = visible(html)

    // The signer: once, above the table, with subject, key ID, vault and format.
    assert.equal(html.split(SUBJECT).length - 1, 1, 'the subject appears once')
    assert.equal(shown.split(KEY_ID).length - 1, 1, 'the key ID appears once outside details')
    const signer = /<p><b>Signed with<\/b>[\s\S]*?<\/p>/.exec(shown)?.[0] ?? ''
    assert.ok(signer.includes(`<code>${KEY_ID}</code>`), signer)
    assert.ok(signer.includes('<code>summary-vault.vault.azure.net</code>'), signer)
    assert.ok(signer.includes('Signature format <code>cose</code>'), signer)
    assert.ok(shown.indexOf(SUBJECT) < shown.indexOf('<table>'), 'the signer is above the table')

    // The headline counts the failure.
    assert.match(shown, /❌ <b>1 of 20 images failed<\/b>/)

    // One row per image (plus the header, plus one reason row under the failed image).
    const rows = mainRows(html)
    const imageRows = rows.slice(1).filter(r => !r.includes('colspan'))
    assert.equal(imageRows.length, 20)
    assert.match(rows[0] ?? '', /<th>Image in <code>registry\.example<\/code><\/th>/)
    assert.deepEqual(
      rows[0]?.match(/<th>[^<]*/g)?.slice(1),
      ['<th>Signing', '<th>Verification', '<th>Signature', '<th>Time'],
      'five columns'
    )
    rs.forEach((r, i) => {
      const row = imageRows[i] ?? ''
      assert.ok(row.includes(`<code>team/app-${i}:v1</code>`), row)
      // The short digest shows, the full one is on hover.
      assert.ok(row.includes(`<code title="${r.digest}">${r.digest!.slice(7, 19)}</code>`), row)
    })
    assert.match(imageRows[0] ?? '', /✅&nbsp;signed.*✅&nbsp;verified.*2\.0 s/)
    assert.match(imageRows[7] ?? '', /❌&nbsp;failed/)

    // Full digests show only in the collapsed details (and on hover), with the commands.
    const shownText = shown.replace(/<[^>]*>/g, '')
    for (const r of rs) {
      assert.ok(!shownText.includes(r.digest!), 'no full digest shown outside details')
      assert.ok(html.includes(`\n  image      ${r.digest}\n`), 'the full digest is in details')
    }
    const details = html.match(/<details[^>]*>/g) ?? []
    assert.deepEqual(details, ['<details>'], 'one <details>, collapsed')
    assert.ok(
      html.includes(`\n  signature  ${rs[0]!.signatureDigest}\n`),
      'and the signature digest'
    )
    assert.match(html, /<details><summary>Full digests and notation commands<\/summary>/)
    assert.match(html, /<pre><code>notation sign \\\n {4}--signature-format=cose \\\n/)

    // Warnings: visible, above the table, escaped.
    assert.ok(shown.includes('⚠️ <b>Warnings</b>'))
    assert.ok(shown.includes('level &quot;permissive&quot; only logs &lt;expiry&gt; failures.'))
    assert.ok(shown.indexOf('Warnings') < shown.indexOf('<table>'))
  })

  test("a failure shows notation's reason under its row, as inert text", async () => {
    const html = await render(results(3, 1), signAndVerify)
    const rows = mainRows(html)
    const reason = rows.find(r => r.includes('colspan')) ?? ''
    assert.equal(rows.indexOf(reason), 3, 'right under the failed image (header, image 0, image 1)')
    assert.match(reason, /^<tr><td colspan="5">↳ signature push refused /)
    // Escaped: no element from the reason, no Markdown (the file is one HTML block: no blank line).
    assert.ok(!html.includes('<script>'))
    assert.ok(reason.includes('&lt;script&gt;alert(1)&lt;/script&gt;'))
    assert.ok(!/\n\s*\n/.test(html.trimEnd()), 'no blank line ends the HTML block')
    assert.ok(!/[\r\u0085\u2028\u2029]/.test(html))
    // Inert: no line starts a workflow command, no ##[ anywhere.
    for (const line of html.split('\n')) assert.ok(!/^\s*::/.test(line), line)
    assert.ok(!/##\[/.test(html))
    assert.ok(reason.includes('## [warning]also'), 'the old form is broken by a space')
    assert.ok(reason.includes('[click](https://evil.example)'), 'shown as text')
  })

  // From the allowlist of html-pipeline's SanitizationFilter (gjtorikian/html-pipeline,
  // lib/html/pipeline/sanitization_filter.rb): h2 p b br code pre ul li table tr th td details summary
  // are among its elements; title and colspan among the attributes it keeps on all of them.
  test("only elements and attributes GitHub's sanitizer keeps", async () => {
    const html = await render(results(4, 2), signAndVerify)
    const allowed = new Set([
      'h2',
      'p',
      'b',
      'br',
      'code',
      'pre',
      'ul',
      'li',
      'table',
      'tr',
      'th',
      'td',
      'details',
      'summary'
    ])
    for (const [, name, attributes] of html.matchAll(/<\/?([a-z0-9]+)([^>]*)>/g)) {
      assert.ok(allowed.has(name!), `element ${name}`)
      for (const [, attribute] of attributes!.matchAll(/\s([a-z-]+)=/g)) {
        assert.ok(['title', 'colspan'].includes(attribute!), `attribute ${attribute}`)
      }
    }
  })

  test('verify alone: "Trusted certificate", no signature format, no signing column', async () => {
    const rs = results(2)
    const html = await render(rs, {
      certificate,
      ran: { sign: false, verify: true },
      commands: ['notation verify <registry>/<repository>@<digest>']
    })
    assert.match(html, /<p><b>Trusted certificate<\/b> <code>CN=summary\.example/)
    assert.ok(!html.includes('Signed with'))
    assert.ok(!html.includes('Signature format'))
    assert.ok(!html.includes('<th>Signing</th>'))
    assert.match(html, /✅ <b>2 images verified<\/b>/)
  })

  test('the headline counts images found already signed', async () => {
    const rs = results(3).map((r, i) =>
      i === 0 ? { ...r, signed: false, alreadySigned: true } : r
    )
    const html = await render(rs, signAndVerify)
    assert.match(html, /<p>✅ <b>3 images signed and verified<\/b> \(1 already signed\)<\/p>/)
    assert.match(mainRows(html)[1] ?? '', /✅&nbsp;already&nbsp;signed/)
  })

  test('verify with trust from the inputs names no certificate', async () => {
    const html = await render(results(1), { ran: { sign: false, verify: true }, commands: [] })
    assert.match(html, /<b>Trusted:<\/b> the trust policy and trust store certificates given/)
    assert.match(html, /<details><summary>Full digests<\/summary>/)
  })

  test('the images output keeps its shape', () => {
    const [ok, failed] = results(2, 1)
    assert.deepEqual(JSON.parse(imagesOutput([ok!, failed!])), [
      {
        input: ok!.input,
        reference: ok!.reference,
        digest: ok!.digest,
        signed: true,
        alreadySigned: false,
        signatureDigest: ok!.signatureDigest,
        verified: true,
        verification: 'verified',
        error: null
      },
      {
        input: failed!.input,
        reference: failed!.reference,
        digest: failed!.digest,
        signed: false,
        alreadySigned: false,
        signatureDigest: null,
        verified: null,
        verification: null,
        error: HOSTILE_REASON
      }
    ])
  })
})

registryDescribe('the summary and the log of a run, through the bundle', async () => {
  const skip = await skipWithoutRealNotation()
  let e2e: E2E
  let signed: string
  let unsigned: string
  let kid: string
  const SIGNER = 'CN=summary-e2e.example,O=Example,L=Seattle,ST=WA,C=US'
  before(async () => {
    if (skip) return
    e2e = await startE2E({ notation: 'real' })
    kid = (await e2e.stack.keyVault.vault.seedSelfSigned('summary-signer', { subject: SIGNER })).kid
    const a = await e2e.stack.registry.pushImage('summary-app', { tag: 'v1' })
    const b = await e2e.stack.registry.pushImage('summary-app', {
      tag: 'unsigned',
      content: 'an image nobody signed'
    })
    signed = `${e2e.stack.registry.host}/summary-app:v1`
    unsigned = `${e2e.stack.registry.host}/summary-app@${b.digest}`
    assert.ok(a.digest)
  })
  after(() => e2e?.stop())

  test(
    'sign: "Signing certificate" in the log, the signer and its format in the summary',
    {
      skip
    },
    async () => {
      const run = await e2e.run({
        ...e2e.azureInputs,
        command: 'sign',
        certificate: 'summary-signer',
        images: signed
      })
      assert.equal(run.code, 0, run.stdout)
      assert.match(run.stdout, /^Signing certificate CN=summary-e2e\.example.* \(key https:/m)
      assert.equal(run.outputs['key-id'], kid)
      assert.match(run.summary, /<b>Signed with<\/b> <code>CN=summary-e2e\.example/)
      assert.match(run.summary, /Signature format <code>cose<\/code>/)
      assert.match(run.summary, /<code>summary-app:v1<\/code>.*✅&nbsp;signed/)
      assert.equal(mainRows(run.summary).length, 2, 'header and one image')
    }
  )

  test(
    'verify alone: "Trusted certificate", no signature format, the failure with its reason',
    {
      skip
    },
    async () => {
      const run = await e2e.run({
        ...e2e.azureInputs,
        command: 'verify',
        certificate: 'summary-signer',
        images: `${signed}\n${unsigned}`
      })
      assert.equal(run.code, 1, run.stdout)
      assert.match(run.stdout, /^Trusted certificate CN=summary-e2e\.example.* \(key https:/m)
      assert.ok(!run.stdout.includes('Signing certificate'), 'nothing was signed')
      assert.equal(run.outputs['key-id'], kid, 'key-id: the key of the trusted certificate')
      assert.match(run.summary, /<b>Trusted certificate<\/b> <code>CN=summary-e2e\.example/)
      assert.ok(!run.summary.includes('Signed with'))
      assert.ok(!run.summary.includes('Signature format'), 'no format: nothing was signed')
      assert.match(run.summary, /❌ <b>1 of 2 images failed<\/b>/)
      const rows = mainRows(run.summary)
      assert.equal(rows.filter(r => !r.includes('colspan')).length, 3, 'header and two images')
      assert.match(rows[1] ?? '', /summary-app:v1.*✅&nbsp;verified/)
      assert.match(rows[2] ?? '', /summary-app<\/code>.*❌&nbsp;failed/)
      // notation's own reason, under the failed row.
      assert.match(rows[3] ?? '', /colspan.*↳ .*no signature is associated with/)
      assert.match(run.summary, /<details><summary>Full digests and notation commands<\/summary>/)
    }
  )
})
