// Screenshots of the job summary as a reader sees it, for the README (run by hand, not in CI):
//
//   node_modules/.bin/node scripts/summary-screenshots.ts   # needs Debian's chromium
//   … --details-open   # the same with <details> opened, into docs/*-open.png (to look, not to commit)
//
// Builds the summary with the action's own code (src/report/summary.ts) from fabricated results, for one
// image and for 20 images with one failure, puts it in a page styled like GitHub's run summary
// (a small stylesheet modelled on github-markdown-css, a job list on the left as on the run page),
// and has headless Chromium take a 1280 px wide screenshot of each into docs/.
//
// The summary is HTML only, with no blank line, so GitHub renders it as one HTML block: the page
// holds it as written. GitHub's sanitizer drops style and class attributes; the summary has none.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { signArgs } from '../src/notation/sign.ts'
import { writeSummary, type SummaryInfo } from '../src/report/summary.ts'
import { policyWarnings } from '../src/trust/trust-policy.ts'
import type { ImageResult, SigningCertificate } from '../src/util/types.ts'

const root = path.resolve(import.meta.dirname, '..')
const chromium = process.env['CHROMIUM'] ?? 'chromium'
const detailsOpen = process.argv.includes('--details-open')

const certificate: SigningCertificate = {
  vaultUrl: 'https://contoso-signing.vault.azure.net',
  name: 'wabbit-networks-io',
  version: '4f1c2d3e5a6b7c8d9e0f1a2b3c4d5e6f',
  keyId:
    'https://contoso-signing.vault.azure.net/keys/wabbit-networks-io/4f1c2d3e5a6b7c8d9e0f1a2b3c4d5e6f',
  subject: 'CN=wabbit-networks.io,O=Notation,L=Seattle,ST=WA,C=US',
  notBefore: new Date('2026-01-05T00:00:00Z'),
  notAfter: new Date('2027-01-05T00:00:00Z'),
  chain: [],
  selfSigned: true,
  thumbprint: '0'.repeat(64)
}

const digestOf = (seed: string): string =>
  `sha256:${createHash('sha256').update(seed).digest('hex')}`

const signCommand = `notation ${signArgs('<registry>/<repository>@<digest>', {
  signatureFormat: 'cose',
  keyId: certificate.keyId,
  selfSigned: true,
  credentialType: 'workloadid',
  pluginConfig: [],
  userMetadata: [{ key: 'commit', value: '9f8e7d6' }],
  forceReferrersTag: true
}).join(' ')}`
const verifyCommand = 'notation verify <registry>/<repository>@<digest>'

function image(name: string, tag: string, index: number): ImageResult {
  const digest = digestOf(`${name}:${tag}`)
  const reference = `contoso.azurecr.io/${name}@${digest}`
  return {
    input: `contoso.azurecr.io/${name}:${tag}`,
    reference,
    digest,
    signed: true,
    alreadySigned: false,
    signatureDigest: digestOf(`signature of ${reference}`),
    verified: true,
    verification: 'verified',
    signMs: 1800 + ((index * 370) % 900),
    verifyMs: 600 + ((index * 130) % 400)
  }
}

const SERVICES = [
  'net-monitor',
  'shop/cart',
  'shop/catalog',
  'shop/checkout',
  'shop/payments',
  'shop/search',
  'shop/recommendations',
  'identity/login',
  'identity/profile',
  'identity/tokens',
  'ledger/api',
  'ledger/worker',
  'ledger/reports',
  'notifications/email',
  'notifications/push',
  'platform/gateway',
  'platform/config',
  'platform/metrics',
  'platform/audit-log',
  'tools/migrate'
]

function twentyImages(): ImageResult[] {
  const results = SERVICES.map((name, i) => image(name, i % 3 === 0 ? 'v2.4.1' : '2026.11.29', i))
  // One signing failure, worded as notation words a refused signature push.
  const failed = results[10]!
  results[10] = {
    input: failed.input,
    reference: failed.reference!,
    digest: failed.digest!,
    signMs: 2400,
    error: `failed to sign ${failed.reference}: failed to push signature: PUT "https://contoso.azurecr.io/v2/ledger/api/manifests/sha256:3b0c…": response status code 403: denied: client with IP '20.61.4.17' is not allowed access. Refer https://aka.ms/acr/firewall to grant access.`
  }
  return results
}

const STYLE = `
* { box-sizing: border-box; }
body { margin: 0; background: #f6f8fa; color: #1f2328;
  font: 14px/1.5 -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif,
    "Apple Color Emoji", "Segoe UI Emoji", "Noto Color Emoji"; }
.page { display: flex; gap: 24px; padding: 24px; }
.jobs { flex: 0 0 256px; color: #59636e; font-size: 14px; }
.jobs div { padding: 6px 8px; border-radius: 6px; }
.jobs .current { background: #e6eaef; color: #1f2328; font-weight: 600; }
.main { flex: 1; min-width: 0; }
.box { background: #fff; border: 1px solid #d1d9e0; border-radius: 6px; }
.box-header { padding: 16px; border-bottom: 1px solid #d1d9e0; font-weight: 600; }
/* github-markdown-css, the parts the summary uses */
.markdown-body { padding: 16px 32px 24px; word-wrap: break-word; }
.markdown-body > :first-child { margin-top: 0 !important; }
.markdown-body h2 { margin: 24px 0 16px; padding-bottom: .3em; font-size: 1.5em; font-weight: 600;
  line-height: 1.25; border-bottom: 1px solid #d1d9e0b3; }
.markdown-body p, .markdown-body ul, .markdown-body table, .markdown-body pre,
.markdown-body details { margin-top: 0; margin-bottom: 16px; }
.markdown-body ul { padding-left: 2em; }
.markdown-body code { padding: .2em .4em; margin: 0; font-size: 85%; white-space: break-spaces;
  background: #818b981f; border-radius: 6px;
  font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", "DejaVu Sans Mono", monospace; }
.markdown-body pre { padding: 16px; overflow: auto; font-size: 85%; line-height: 1.45;
  background: #f6f8fa; border-radius: 6px; }
.markdown-body pre code { padding: 0; font-size: 100%; white-space: pre; background: transparent; }
.markdown-body table { display: block; width: max-content; max-width: 100%; overflow: auto;
  border-spacing: 0; border-collapse: collapse; font-variant: tabular-nums; }
.markdown-body th { font-weight: 600; }
.markdown-body th, .markdown-body td { padding: 6px 13px; border: 1px solid #d1d9e0; }
.markdown-body tr { background: #fff; border-top: 1px solid #d1d9e0b3; }
.markdown-body tr:nth-child(2n) { background: #f6f8fa; }
.markdown-body details summary { cursor: pointer; }
`

function page(summary: string, job: string): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><style>${STYLE}</style></head>
<body><div class="page">
<div class="jobs"><div>Summary</div><div>Jobs</div><div class="current">${job}</div><div>Run details</div></div>
<div class="main"><div class="box"><div class="box-header">${job} summary</div>
<div class="markdown-body">
${summary}
</div></div></div></div></body></html>
`
}

async function render(
  dir: string,
  name: string,
  height: number,
  results: ImageResult[],
  info: SummaryInfo
): Promise<void> {
  const summaryFile = path.join(dir, 'summary.md')
  await writeFile(summaryFile, '')
  await writeSummary(results, info)
  const htmlFile = path.join(dir, `${name}.html`)
  let summary = await readFile(summaryFile, 'utf8')
  if (detailsOpen) summary = summary.replace(/<details>/g, '<details open>')
  await writeFile(htmlFile, page(summary, 'sign'))
  const png = path.join(root, 'docs', `${name}${detailsOpen ? '-open' : ''}.png`)
  execFileSync(
    chromium,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--hide-scrollbars',
      '--force-device-scale-factor=1',
      // Opened details need about twice the height.
      `--window-size=1280,${detailsOpen ? 2 * height : height}`,
      `--screenshot=${png}`,
      `file://${htmlFile}`
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] }
  )
  process.stdout.write(`${path.relative(root, png)}\n`)
}

const dir = await mkdtemp(path.join(tmpdir(), 'summary-screenshots-'))
// core.summary keeps the first path it reads: one file, emptied before each summary.
process.env['GITHUB_STEP_SUMMARY'] = path.join(dir, 'summary.md')
const ran = { sign: true, verify: true }
const commands = [signCommand, verifyCommand]
try {
  await render(dir, 'summary-1-image', 440, [image('net-monitor', 'v1', 0)], {
    certificate,
    ran,
    signatureFormat: 'cose',
    commands
  })
  await render(dir, 'summary-20-images', 1240, twentyImages(), {
    certificate,
    ran,
    signatureFormat: 'cose',
    commands,
    // The warning the action gives for a permissive policy, from its own rule.
    warnings: policyWarnings({
      version: '1.0',
      trustPolicies: [
        {
          name: 'notation-akv-action',
          registryScopes: ['contoso.azurecr.io/ledger/api'],
          signatureVerification: { level: 'permissive' },
          trustStores: ['ca:wabbit-networks-io'],
          trustedIdentities: [`x509.subject: ${certificate.subject}`]
        }
      ]
    })
  })
} finally {
  await rm(dir, { recursive: true, force: true })
}
