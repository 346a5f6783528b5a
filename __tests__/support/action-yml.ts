// Reads action.yml's inputs and outputs (a narrow reader for this file's own layout, not YAML at
// large), and the two other places that list the inputs: the README's Inputs table and .env.example.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { ROOT } from './action.ts'

export interface DeclaredInput {
  description?: string
  default?: string
}

export interface ActionYml {
  inputs: Map<string, DeclaredInput>
  outputs: Map<string, { description?: string }>
  runs: Record<string, string>
}

/** A one-line YAML scalar: plain, 'single-quoted' ('' is a quote) or "double-quoted" (no escapes used). */
function scalar(text: string): string {
  if (text.startsWith("'")) return text.slice(1, -1).replace(/''/g, "'")
  if (text.startsWith('"')) return text.slice(1, -1)
  return text
}

export function readActionYml(): ActionYml {
  const text = readFileSync(path.join(ROOT, 'action.yml'), 'utf8')
  const inputs = new Map<string, DeclaredInput>()
  const outputs = new Map<string, { description?: string }>()
  const runs: Record<string, string> = {}
  let section = ''
  let current: DeclaredInput | undefined
  for (const line of text.split('\n')) {
    const top = /^([a-z]+):/.exec(line)
    if (top?.[1]) {
      section = top[1]
      continue
    }
    const key = /^ {2}([a-z0-9-]+):\s*(.*)$/.exec(line)
    if (key?.[1] !== undefined) {
      current = undefined
      if (section === 'inputs') inputs.set(key[1], (current = {}))
      if (section === 'outputs') outputs.set(key[1], (current = {}))
      if (section === 'runs') runs[key[1]] = key[2] ?? ''
      continue
    }
    const field = /^ {4}(default|description):\s*(.*)$/.exec(line)
    if (field?.[1] !== undefined && field[2] !== undefined && current) {
      current[field[1] as 'default' | 'description'] = scalar(field[2])
    }
  }
  return { inputs, outputs, runs }
}

export interface ReadmeInputRow {
  /** The inputs the row names (a row may name several, e.g. key-type, key-size, key-curve). */
  names: string[]
  /** The default column as written. */
  defaultCell: string
  meaning: string
}

/** The rows of the section's first table. */
function tableRows(section: string): string[][] {
  const lines = section.split('\n')
  const start = lines.findIndex(line => line.startsWith('|'))
  const end = lines.findIndex((line, i) => i > start && !line.startsWith('|'))
  return lines
    .slice(start, end < 0 ? undefined : end)
    .filter(line => line.startsWith('| `'))
    .map(line =>
      line
        .slice(1, -1)
        .split(' | ')
        .map(cell => cell.trim())
    )
}

function readmeSection(heading: string): string {
  const text = readFileSync(path.join(ROOT, 'README.md'), 'utf8')
  const start = text.indexOf(`\n## ${heading}\n`)
  if (start < 0) throw new Error(`README has no "## ${heading}" section`)
  const end = text.indexOf('\n## ', start + 1)
  return text.slice(start, end < 0 ? undefined : end)
}

/** The README's Inputs table, one entry per row. */
export function readReadmeInputs(): ReadmeInputRow[] {
  return tableRows(readmeSection('Inputs')).map(([names = '', defaultCell = '', meaning = '']) => ({
    names: [...names.matchAll(/`([^`]+)`/g)].map(m => m[1] ?? ''),
    defaultCell,
    meaning
  }))
}

/** The README's Outputs table: output name → meaning. */
export function readReadmeOutputs(): Map<string, string> {
  return new Map(
    tableRows(readmeSection('Outputs')).map(([name = '', meaning = '']) => [
      name.replace(/`/g, ''),
      meaning
    ])
  )
}

/**
 * The default a README row states for each of its inputs: a lone literal (`value`) for a one-input
 * row, one literal per input (`RSA`, `2048`, `P-256`) for a row of several. Prose ("latest
 * enabled") and placeholders (`ca:<certificate>`) state a rule, not a value: undefined.
 */
export function readmeDefaults(row: ReadmeInputRow): Map<string, string | undefined> {
  const literal = (cell: string): string | undefined => /^`([^`<>]*)`$/.exec(cell)?.[1]
  if (row.names.length === 1) return new Map([[row.names[0] ?? '', literal(row.defaultCell)]])
  const cells = row.defaultCell === '' ? [] : row.defaultCell.split(/,\s*/)
  if (cells.length !== 0 && cells.length !== row.names.length) {
    throw new Error(
      `README row ${row.names.join(', ')}: give one default per input, or none (got "${row.defaultCell}")`
    )
  }
  return new Map(row.names.map((name, i) => [name, literal(cells[i] ?? '')]))
}

export interface EnvExampleInput {
  value: string
  /** The comment line just above it. */
  comment: string
}

/** .env.example's INPUT_* lines, by input name. */
export function readEnvExample(): Map<string, EnvExampleInput> {
  const lines = readFileSync(path.join(ROOT, '.env.example'), 'utf8').split('\n')
  const inputs = new Map<string, EnvExampleInput>()
  lines.forEach((line, i) => {
    const m = /^INPUT_([A-Z0-9-]+)=(.*)$/.exec(line)
    if (!m?.[1]) return
    const above = lines[i - 1] ?? ''
    inputs.set(m[1].toLowerCase(), {
      value: m[2] ?? '',
      comment: above.startsWith('# ') ? above.slice(2) : ''
    })
  })
  return inputs
}
