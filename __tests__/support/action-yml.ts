// Reads action.yml's inputs and outputs (a narrow reader for this file's own layout, not YAML at large).
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { ROOT } from './action.ts'

export interface ActionYml {
  inputs: Map<string, { default?: string }>
  outputs: Set<string>
  runs: Record<string, string>
}

export function readActionYml(): ActionYml {
  const text = readFileSync(path.join(ROOT, 'action.yml'), 'utf8')
  const inputs = new Map<string, { default?: string }>()
  const outputs = new Set<string>()
  const runs: Record<string, string> = {}
  let section = ''
  let current: { default?: string } | undefined
  for (const line of text.split('\n')) {
    const top = /^([a-z]+):/.exec(line)
    if (top?.[1]) {
      section = top[1]
      continue
    }
    const key = /^ {2}([a-z0-9-]+):\s*(.*)$/.exec(line)
    if (key?.[1] !== undefined) {
      if (section === 'inputs') inputs.set(key[1], (current = {}))
      if (section === 'outputs') outputs.add(key[1])
      if (section === 'runs') runs[key[1]] = key[2] ?? ''
      continue
    }
    const def = /^ {4}default:\s*(.*)$/.exec(line)
    if (def?.[1] !== undefined && section === 'inputs' && current) {
      current.default = def[1].replace(/^'(.*)'$/, '$1')
    }
  }
  return { inputs, outputs, runs }
}
