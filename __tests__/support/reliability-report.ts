// The fault table the fault tests measure: one row per (network path, fault), written as JSON to
// .tmp/reliability/faults.json. Run this file to print the table as Markdown:
//   node __tests__/support/reliability-report.ts [file]
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'

export const REPORT_FILE = path.resolve(
  import.meta.dirname,
  '..',
  '..',
  '.tmp',
  'reliability',
  'faults.json'
)

export type Outcome =
  /** The run succeeded after the fault (retried, or waited out). */
  | 'recovered'
  /** The run failed at the first refusal, with the server's message. */
  | 'failed-fast'
  /** The run failed (a transient fault that nothing retried). */
  | 'failed'
  /** timeout-minutes ended the run. */
  | 'timed-out'

export interface FaultRow {
  /** The network path, e.g. `Entra token`. */
  path: string
  /** The stack route the fault was injected on. */
  route: string
  /** `latency 1500 ms`, `429 Retry-After: 1`, `500 then 503`, `reset`, `truncate`, `403 …`. */
  fault: string
  outcome: Outcome
  /** Calls the faulted request took, as the server saw them (faulted ones and the answer). */
  attempts: number
  /** All calls on the route during the faulted run (other requests included), when measured. */
  calls?: number
  /** What the request takes without faults (a refusal's allowance: 2 for a HEAD asked again by GET). */
  baseline?: number
  /** Wall time of the run (shared by the rows of one run), for orientation only. */
  runMs?: number
  /** Who retried (the action, an SDK, the plugin), or why nothing did. */
  note?: string
}

export async function writeReport(rows: FaultRow[], file = REPORT_FILE): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true })
  const report = { generated: new Date().toISOString(), rows }
  await writeFile(file, JSON.stringify(report, null, 2) + '\n')
}

export function formatTable(rows: FaultRow[]): string {
  const header = [
    'path',
    'route',
    'fault',
    'outcome',
    'attempts',
    'calls on route',
    'run ms',
    'note'
  ]
  const lines = rows.map(r => [
    r.path,
    r.route,
    r.fault,
    r.outcome,
    String(r.attempts),
    r.calls === undefined ? '' : String(r.calls),
    r.runMs === undefined ? '' : String(r.runMs),
    (r.note ?? '').replace(/\s+/g, ' ')
  ])
  const all = [header, ...lines]
  const widths = header.map((_, i) => Math.max(...all.map(l => (l[i] ?? '').length)))
  const row = (l: string[]): string =>
    `| ${l.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`
  return [row(header), `| ${widths.map(w => '-'.repeat(w)).join(' | ')} |`, ...lines.map(row)]
    .map(l => l.trimEnd())
    .join('\n')
}

if (import.meta.main) {
  const file = process.argv[2] ?? REPORT_FILE
  const { rows } = JSON.parse(await readFile(file, 'utf8')) as { rows: FaultRow[] }
  process.stdout.write(formatTable(rows) + '\n')
}
