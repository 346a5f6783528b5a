// The job summary table and the `images` output. Both hold only what is safe to show: references,
// digests, the certificate's subject and key ID, notation's error lines. Never a credential.
import * as core from '@actions/core'
import type { ImageResult, SigningCertificate } from '../util/types.ts'
import { oneLine } from '../util/untrusted.ts'

export interface SummaryInfo {
  certificate?: SigningCertificate
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

const MAX_CELL = 300

/** The summary is HTML: escape everything notation, a registry or a user wrote. */
export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
}

/**
 * A table cell: escaped, on one line (every CR, LF, U+0085, U+2028, U+2029 folded: a lone CR is a
 * line break to the Markdown reader, and a blank line ends the HTML table), at most MAX_CELL
 * characters.
 */
function cell(value: string): string {
  const line = oneLine(value)
  return escapeHtml(line.length > MAX_CELL ? `${line.slice(0, MAX_CELL - 1)}…` : line)
}

const code = (value: string | undefined): string =>
  value === undefined || value === '' ? '–' : `<code>${cell(value)}</code>`

function status(r: ImageResult): string {
  if (r.alreadySigned) return 'already signed'
  if (r.signed) return 'signed'
  if (r.error !== undefined) return `❌ ${cell(r.error)}`
  return '–'
}

function verifyCell(r: ImageResult): string {
  switch (r.verification) {
    case 'verified':
      return '✅ verified'
    case 'skipped':
      return 'skipped (policy)'
    case 'failed':
      return `❌ ${cell(r.error ?? 'failed')}`
    default:
      return '–'
  }
}

function seconds(ms: number | undefined): string {
  return ms === undefined ? '–' : `${(ms / 1000).toFixed(1)} s`
}

type Cell = { data: string; header?: boolean }

/** The table rows (header first): exported for tests. */
export function summaryRows(results: ImageResult[], info: SummaryInfo): Cell[][] {
  const withVerify = results.some(r => r.verification !== undefined)
  const header = [
    'Image',
    'Digest',
    'Result',
    'Signature digest',
    'Format',
    'Certificate subject',
    'Key ID',
    'Time',
    ...(withVerify ? ['Verification'] : [])
  ].map(data => ({ data, header: true }))
  const subject = info.certificate?.subject
  const keyId = info.certificate?.keyId
  const rows = results.map(r => [
    code(r.reference ?? r.input),
    code(r.digest),
    status(r),
    code(r.signatureDigest),
    cell(info.signatureFormat ?? '–'),
    subject === undefined ? '–' : cell(subject),
    code(keyId),
    seconds(
      r.signMs === undefined && r.verifyMs === undefined
        ? undefined
        : (r.signMs ?? 0) + (r.verifyMs ?? 0)
    ),
    ...(withVerify ? [verifyCell(r)] : [])
  ])
  return [header, ...rows.map(row => row.map(data => ({ data })))]
}

/** Writes the job summary: a heading, the table, the notation commands and any warnings. */
export async function writeSummary(results: ImageResult[], info: SummaryInfo): Promise<void> {
  const failedCount = results.filter(r => r.error !== undefined).length
  const summary = core.summary
    .addHeading('Notation signing with Azure Key Vault', 2)
    .addRaw(
      `${results.length} image${results.length === 1 ? '' : 's'}` +
        (failedCount > 0 ? `, ${failedCount} failed` : '') +
        '.',
      true
    )
    .addTable(summaryRows(results, info))
  if (info.commands.length > 0) {
    summary.addHeading('Commands', 3).addCodeBlock(escapeHtml(info.commands.join('\n')), 'sh')
  }
  if (info.warnings && info.warnings.length > 0) {
    summary.addHeading('Warnings', 3).addList(info.warnings.map(cell))
  }
  await summary.write()
}
