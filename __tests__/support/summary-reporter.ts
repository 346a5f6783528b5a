// A node:test reporter that ends the run with the plain line CI reads: "N passed, N failed, N skipped".
// A skipped `describe` never runs its body, so its tests are unknown: the suite counts as one
// skipped. Above the closing line: why things were skipped (each reason once, with its count) and
// which notation the tests ran (the real CLI the tests' finder picks, or why there is none).
import type { TestEvent } from 'node:test/reporters'
import { realNotation } from './notation-bin.ts'

type Kind = 'suite' | 'test'

function plural(count: number, kind: Kind): string {
  return `${count} ${kind}${count === 1 ? '' : 's'}`
}

/** "13 suites skipped: <reason>" per reason, in first-seen order. */
function skipLines(skips: Map<string, Record<Kind, number>>): string[] {
  const lines: string[] = []
  for (const [reason, counts] of skips) {
    const parts = (['suite', 'test'] as const)
      .filter(kind => counts[kind] > 0)
      .map(kind => plural(counts[kind], kind))
    lines.push(`${parts.join(' and ')} skipped: ${reason}`)
  }
  return lines
}

async function notationLine(): Promise<string> {
  try {
    const notation = await realNotation()
    return typeof notation === 'string'
      ? `notation: no real notation CLI (${notation}); tests that need it were skipped`
      : `notation: ${notation.label}`
  } catch (error) {
    return `notation: NOTATION_BIN does not work: ${(error as Error).message.split('\n')[0]}`
  }
}

export default async function* summaryReporter(
  source: AsyncIterable<TestEvent>
): AsyncGenerator<string> {
  let passed = 0
  let failed = 0
  let skipped = 0
  const skips = new Map<string, Record<Kind, number>>()
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue
    const data = event.data
    const kind: Kind = data.details.type === 'suite' ? 'suite' : 'test'
    const skip = data.skip !== undefined && data.skip !== false
    const todo = data.todo !== undefined && data.todo !== false
    if (skip || todo) {
      skipped++
      const reason = skip
        ? data.skip === true
          ? 'skipped'
          : String(data.skip)
        : `todo${data.todo === true ? '' : `: ${String(data.todo)}`}`
      const counts = skips.get(reason) ?? { suite: 0, test: 0 }
      counts[kind]++
      skips.set(reason, counts)
    }
    // A suite that ran reports too, after its tests: only a skipped one (body never run) counts.
    else if (kind === 'suite') continue
    else if (event.type === 'test:pass') passed++
    else failed++
  }
  const lines = [...skipLines(skips), await notationLine()]
  yield `\n${lines.join('\n')}\n${passed} passed, ${failed} failed, ${skipped} skipped\n`
}
