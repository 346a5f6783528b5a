// Prints what the reliability tests measured (issue "prove it holds"): the fault table, the bad-input
// corpus count and the secret-scan result, from the JSON files the tests write under
// .tmp/reliability/. `.ci/run` calls it after the tests; a missing file is reported, not fatal.
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { formatTable, type FaultRow } from '../__tests__/support/reliability-report.ts'

const dir = path.resolve(import.meta.dirname, '..', '.tmp', 'reliability')

async function read<T>(name: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path.join(dir, name), 'utf8')) as T
  } catch {
    process.stdout.write(`(no ${name}: its tests did not run or did not finish)\n`)
    return undefined
  }
}

const out = (line = ''): boolean => process.stdout.write(`${line}\n`)

out('## Reliability (measured by this run)')
const faults = await read<{ generated: string; rows: FaultRow[] }>('faults.json')
if (faults) {
  const recovered = faults.rows.filter(r => r.outcome === 'recovered').length
  const fast = faults.rows.filter(r => r.outcome === 'failed-fast').length
  out(
    `Faults: ${faults.rows.length} (path × fault) runs: ${recovered} recovered, ${fast} failed fast, ` +
      `${faults.rows.length - recovered - fast} other`
  )
  out(formatTable(faults.rows))
}
const corpus = await read<{
  total: number
  passed: number
  byInput: Record<string, { total: number }>
}>('bad-inputs.json')
if (corpus) {
  out(
    `Bad-input corpus: ${corpus.passed} of ${corpus.total} refused with an error naming the input, ` +
      `before any download, token request, file write or notation call (${Object.keys(corpus.byInput).length} inputs covered)`
  )
}
const secrets = await read<{
  secrets?: number
  secretsIssued?: number
  placesScanned?: number
  bytesScanned?: number
  hitCount?: number
}>('secrets.json')
if (secrets) {
  out(
    `Secret scan: ${secrets.secrets ?? secrets.secretsIssued ?? '?'} secrets the stack issued, searched in ` +
      `${secrets.placesScanned ?? '?'} places (${secrets.bytesScanned ?? '?'} bytes): ${secrets.hitCount ?? '?'} hits`
  )
}
