// Fails when files under src/ import each other in a circle (static, type-only or dynamic imports
// alike): a circle means two concerns cannot be read, tested or changed apart. `.ci/run` runs it;
// `node scripts/import-cycles.ts [dir]` prints each circle it finds.
import { readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import ts from 'typescript'

const root = path.resolve(process.argv[2] ?? 'src')

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(full)
    return entry.name.endsWith('.ts') ? [full] : []
  })
}

const files = sourceFiles(root)
const known = new Set(files)
const edges = new Map<string, string[]>()
for (const file of files) {
  // preProcessFile reads import/export declarations, `import type` and `import()` calls alike.
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true)
  const targets = importedFiles
    .map(i => i.fileName)
    .filter(spec => spec.startsWith('.'))
    .map(spec => path.resolve(path.dirname(file), spec))
    .filter(target => known.has(target))
  edges.set(file, [...new Set(targets)])
}

// Tarjan's strongly connected components: every component of two or more files is a circle, as
// is a file that imports itself.
let counter = 0
const index = new Map<string, number>()
const low = new Map<string, number>()
const stack: string[] = []
const onStack = new Set<string>()
const circles: string[][] = []

function connect(file: string): void {
  index.set(file, counter)
  low.set(file, counter)
  counter += 1
  stack.push(file)
  onStack.add(file)
  for (const next of edges.get(file) ?? []) {
    if (!index.has(next)) {
      connect(next)
      low.set(file, Math.min(low.get(file)!, low.get(next)!))
    } else if (onStack.has(next)) {
      low.set(file, Math.min(low.get(file)!, index.get(next)!))
    }
  }
  if (low.get(file) !== index.get(file)) return
  const component: string[] = []
  let member: string
  do {
    member = stack.pop()!
    onStack.delete(member)
    component.push(member)
  } while (member !== file)
  if (component.length > 1 || (edges.get(file) ?? []).includes(file)) circles.push(component)
}

for (const file of files) if (!index.has(file)) connect(file)

const shown = (file: string): string => path.relative(process.cwd(), file)
if (circles.length === 0) {
  process.stdout.write(`no import circles among ${files.length} files under ${shown(root)}\n`)
} else {
  for (const circle of circles) {
    process.stdout.write(`import circle of ${circle.length} files:\n`)
    for (const file of circle.sort()) {
      const inside = (edges.get(file) ?? []).filter(t => circle.includes(t)).map(shown)
      process.stdout.write(`  ${shown(file)} -> ${inside.join(', ')}\n`)
    }
  }
  process.exitCode = 1
}
