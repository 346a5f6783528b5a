// A node:test reporter that ends the run with the plain line CI reads: "N passed, N failed, N skipped".
import type { TestEvent } from 'node:test/reporters'

export default async function* summaryReporter(
  source: AsyncIterable<TestEvent>
): AsyncGenerator<string> {
  let passed = 0
  let failed = 0
  let skipped = 0
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue
    const data = event.data
    // Suites report too; count only the tests themselves.
    if (data.details.type === 'suite') continue
    if (data.skip !== undefined && data.skip !== false) skipped++
    else if (data.todo !== undefined && data.todo !== false) skipped++
    else if (event.type === 'test:pass') passed++
    else failed++
  }
  yield `\n${passed} passed, ${failed} failed, ${skipped} skipped\n`
}
