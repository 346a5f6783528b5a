// The job summary and the `images` output. Both hold only what is safe to show: references,
// digests, the certificate's subject and key ID, notation's error lines. Never a credential.
//
// The summary is read at a glance in a browser about 1280 px wide: who signed (once, above the
// table), one short row per image, and the long parts (full digests, the notation commands) in a
// collapsed <details>. It is written as HTML only, one element per line and never a blank line, so
// GitHub reads the whole file as one HTML block: no Markdown runs inside it, and text from notation
// or a server (escaped, on one line, inert) can neither end a table nor start Markdown of its own.
// Only elements and attributes GitHub's sanitizer keeps are used (no style, no class).
import * as core from '@actions/core'
import type { ImageResult, SigningCertificate } from '../util/types.ts'
import { inertLine, oneLine } from '../util/untrusted.ts'

export interface SummaryInfo {
  certificate?: SigningCertificate
  /** Which notation steps ran; the table shows a column for each. */
  ran?: { sign: boolean; verify: boolean }
  /** Given only when the run signed: a verify-only run has no format to report. */
  signatureFormat?: string
  /** notation command lines run (placeholders for files and references). */
  commands: string[]
  warnings?: string[]
}

/** One element of the `images` output; every key is always present. */
export interface ImageOutput {
  /** The `images` input line; rows of two tags of one image differ only here. */
  input: string
  reference: string
  digest: string | null
  signed: boolean
  alreadySigned: boolean
  signatureDigest: string | null
  verified: boolean | null
  verification: ImageResult['verification'] | null
  error: string | null
}

export function imageOutput(r: ImageResult): ImageOutput {
  return {
    input: r.input,
    reference: r.reference ?? r.input,
    digest: r.digest ?? null,
    signed: r.signed ?? false,
    alreadySigned: r.alreadySigned ?? false,
    signatureDigest: r.signatureDigest ?? null,
    verified: r.verified ?? null,
    verification: r.verification ?? null,
    error: r.error ?? null
  }
}

/** The `images` output: a JSON array, one object per image in input order. */
export function imagesOutput(results: ImageResult[]): string {
  return JSON.stringify(results.map(imageOutput))
}

const MAX_TEXT = 300
/** Hex digits of a digest shown in the table, as `docker images` shortens IDs. */
const SHORT_HEX = 12

/** The summary is HTML: escape everything notation, a registry or a user wrote. */
export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}

/**
 * Text from outside (notation, a server, an input): on one line (every CR, LF, U+0085, U+2028,
 * U+2029 folded: a blank line would end the HTML block), inert as a workflow command should anyone
 * paste it into a log, at most MAX_TEXT characters, escaped.
 */
export function text(value: string, max = MAX_TEXT): string {
  const line = inertLine(oneLine(value))
  return escapeHtml(line.length > max ? `${line.slice(0, max - 1)}…` : line)
}

/** A notation command line, one option per line (continued with `\`) so it reads without scrolling. */
function commandBlock(command: string): string {
  return text(command, 4 * MAX_TEXT).replace(/ (?=--)/g, ' \\\n    ')
}

const code = (value: string): string => `<code>${text(value)}</code>`

/** The first hex digits (as `docker images` shortens IDs), the full digest on hover. */
function shortDigest(digest: string | undefined): string {
  if (digest === undefined || digest === '') return '–'
  const hex = digest.slice(digest.indexOf(':') + 1)
  return `<code title="${text(digest)}">${text(hex.slice(0, SHORT_HEX))}</code>`
}

const registryOf = (r: ImageResult): string => (r.reference ?? r.input).split('/')[0] ?? ''

/** The registry every image is in, named once in the table's header; undefined when they differ. */
function sharedRegistry(results: ImageResult[]): string | undefined {
  const registries = new Set(results.map(registryOf))
  return registries.size === 1 ? [...registries][0] : undefined
}

/**
 * `repository` (after `registry/` when the images are in several) and, when the input line named
 * one, its tag: what a reader recognises. Two tags of one image differ only in the input.
 */
function imageName(r: ImageResult, registry: string | undefined): string {
  const reference = r.reference ?? r.input
  const at = reference.indexOf('@')
  const repository = at < 0 ? reference : reference.slice(0, at)
  const tag = tagOf(r.input, repository)
  const name = tag === undefined ? repository : `${repository}:${tag}`
  return registry !== undefined && name.startsWith(`${registry}/`)
    ? name.slice(registry.length + 1)
    : name
}

/** The tag of an input line `repository:tag[@digest]`, if it has one. */
function tagOf(input: string, repository: string): string | undefined {
  const withoutDigest = input.split('@')[0] ?? input
  if (!withoutDigest.startsWith(`${repository}:`)) return undefined
  return withoutDigest.slice(repository.length + 1)
}

// A non-breaking space keeps each mark with its word in a narrow column.
const mark = (symbol: string, words: string): string =>
  `${symbol}&nbsp;${words.replace(/ /g, '&nbsp;')}`
const FAILED = mark('❌', 'failed')

function signCell(r: ImageResult): string {
  if (r.alreadySigned) return mark('✅', 'already signed')
  if (r.signed) return mark('✅', 'signed')
  if (r.error !== undefined && r.verification === undefined) return FAILED
  return '–'
}

function verifyCell(r: ImageResult): string {
  switch (r.verification) {
    case 'verified':
      return mark('✅', 'verified')
    case 'skipped':
      return mark('⚠️', 'skipped (policy)')
    case 'failed':
      return FAILED
    default:
      return '–'
  }
}

function seconds(r: ImageResult): string {
  if (r.signMs === undefined && r.verifyMs === undefined) return '–'
  return `${(((r.signMs ?? 0) + (r.verifyMs ?? 0)) / 1000).toFixed(1)} s`
}

/** Which steps ran: as given, else as the results show. */
function stepsRun(results: ImageResult[], info: SummaryInfo): { sign: boolean; verify: boolean } {
  return (
    info.ran ?? {
      sign: results.some(r => r.signed !== undefined || r.alreadySigned !== undefined),
      verify: results.some(r => r.verification !== undefined)
    }
  )
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`
}

/** One line above everything: the outcome in words. */
export function headline(results: ImageResult[], info: SummaryInfo): string {
  const ran = stepsRun(results, info)
  const failed = results.filter(r => r.error !== undefined).length
  const done = [...(ran.sign ? ['signed'] : []), ...(ran.verify ? ['verified'] : [])].join(' and ')
  const images = plural(results.length, 'image')
  if (failed > 0) return `❌ <b>${failed} of ${images} failed</b>`
  if (done === '') return `${images} resolved.`
  if (results.some(r => r.verification === 'skipped')) return `⚠️ ${images}: verification skipped`
  // Already signed images count as signed (skip-if-signed found this certificate's signature).
  const already = results.filter(r => r.alreadySigned === true).length
  return `✅ <b>${images} ${done}</b>${already > 0 ? ` (${already} already signed)` : ''}`
}

/** The certificate, once: who signed, or what verification trusted. */
export function signerBlock(results: ImageResult[], info: SummaryInfo): string | undefined {
  const ran = stepsRun(results, info)
  const cert = info.certificate
  if (cert === undefined) {
    return ran.verify
      ? '<p><b>Trusted:</b> the trust policy and trust store certificates given in the inputs</p>'
      : undefined
  }
  const role = ran.sign ? 'Signed with' : 'Trusted certificate'
  const vault = hostOf(cert.vaultUrl)
  const lines = [
    `<b>${role}</b> ${code(cert.subject)}`,
    `Key ID ${code(cert.keyId)}`,
    [
      ...(vault ? [`Vault ${code(vault)}`] : []),
      `valid until ${text(cert.notAfter.toISOString().slice(0, 10))}`,
      ...(ran.sign && info.signatureFormat
        ? [`Signature format ${code(info.signatureFormat)}`]
        : [])
    ].join(' · ')
  ]
  return `<p>${lines.join('<br>')}</p>`
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host
  } catch {
    return undefined
  }
}

type Cell = { data: string; header?: boolean; colspan?: string }

/**
 * The table rows (header first): one row per image, and under a failed image a row across the
 * table with notation's reason (in the image's cell it would widen the table past the page).
 * Exported for tests.
 */
export function summaryRows(results: ImageResult[], info: SummaryInfo): Cell[][] {
  const ran = stepsRun(results, info)
  const registry = sharedRegistry(results)
  const header = [
    registry === undefined ? 'Image' : `Image in ${code(registry)}`,
    ...(ran.sign ? ['Signing'] : []),
    ...(ran.verify ? ['Verification'] : []),
    ...(ran.sign || ran.verify ? ['Signature', 'Time'] : [])
  ].map(data => ({ data, header: true }))
  const rows = results.flatMap(r => {
    const row = [
      `${code(imageName(r, registry))} ${shortDigest(r.digest)}`,
      ...(ran.sign ? [signCell(r)] : []),
      ...(ran.verify ? [verifyCell(r)] : []),
      ...(ran.sign || ran.verify ? [shortDigest(r.signatureDigest), seconds(r)] : [])
    ].map(data => ({ data }))
    if (r.error === undefined) return [row]
    return [row, [{ data: `↳ ${text(r.error, 2 * MAX_TEXT)}`, colspan: String(header.length) }]]
  })
  return [header, ...rows]
}

/**
 * Full digests, three lines per image (input, image digest, signature digest): a table of them
 * would be wider than the page. For the collapsed details.
 */
function digestLines(results: ImageResult[]): string[] {
  return results.flatMap(r => [
    text(r.input, 4 * MAX_TEXT),
    `  image      ${r.digest ? text(r.digest) : '–'}`,
    ...(r.signatureDigest ? [`  signature  ${text(r.signatureDigest)}`] : [])
  ])
}

/** Writes the job summary: headline, signer, warnings, the table, then the details collapsed. */
export async function writeSummary(results: ImageResult[], info: SummaryInfo): Promise<void> {
  const summary = core.summary
    .addHeading('Notation signing with Azure Key Vault', 2)
    .addRaw(`<p>${headline(results, info)}</p>`, true)
  const signer = signerBlock(results, info)
  if (signer !== undefined) summary.addRaw(signer, true)
  if (info.warnings && info.warnings.length > 0) {
    // Visible, never collapsed: they qualify what "verified" means.
    summary
      .addRaw('<p>⚠️ <b>Warnings</b></p>', true)
      .addList(info.warnings.map(warning => text(warning)))
  }
  summary.addTable(summaryRows(results, info))
  const commands = info.commands.map(commandBlock)
  const details = [
    '<p><b>Digests</b></p>',
    `<pre><code>${digestLines(results).join('\n')}</code></pre>`,
    ...(commands.length > 0
      ? ['<p><b>notation commands</b></p>', `<pre><code>${commands.join('\n')}</code></pre>`]
      : [])
  ].join('')
  summary.addDetails(
    commands.length > 0 ? 'Full digests and notation commands' : 'Full digests',
    details
  )
  await summary.write()
}
