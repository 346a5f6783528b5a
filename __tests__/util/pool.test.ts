// mapLimit and the ordered log: bounded parallelism, input order kept, every item run, and groups
// printed in input order however the items finish. No timing: items finish when the test says.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { distinct, mapLimit, mapLimitLogged, OrderedLog } from '../../src/util/pool.ts'
import { captureOutput } from '../support/capture.ts'

interface Gate {
  promise: Promise<void>
  open(): void
}

function gate(): Gate {
  let open!: () => void
  const promise = new Promise<void>(resolve => (open = resolve))
  return { promise, open }
}

/** Lets every queued microtask and I/O callback run. */
const settle = (): Promise<void> => new Promise(resolve => setImmediate(resolve))

describe('mapLimit', () => {
  test('never runs more than `limit` at once, and does reach the limit', async () => {
    let inFlight = 0
    let maxInFlight = 0
    const gates = Array.from({ length: 10 }, gate)
    const run = mapLimit(gates, 3, async (g, i) => {
      inFlight++
      maxInFlight = Math.max(maxInFlight, inFlight)
      await g.promise
      inFlight--
      return i * 2
    })
    for (const g of gates) {
      await settle()
      assert.ok(inFlight <= 3, `in flight: ${inFlight}`)
      g.open()
    }
    const results = await run
    assert.equal(maxInFlight, 3)
    assert.deepEqual(
      results.map(r => (r.status === 'fulfilled' ? r.value : undefined)),
      [0, 2, 4, 6, 8, 10, 12, 14, 16, 18]
    )
  })

  test('keeps input order when items finish in reverse', async () => {
    const gates = Array.from({ length: 5 }, gate)
    const run = mapLimit(gates, 5, async (g, i) => {
      await g.promise
      return `item ${i}`
    })
    await settle()
    for (const g of [...gates].reverse()) {
      g.open()
      await settle()
    }
    const results = await run
    assert.deepEqual(
      results.map(r => r.status === 'fulfilled' && r.value),
      ['item 0', 'item 1', 'item 2', 'item 3', 'item 4']
    )
  })

  test('runs every item even when some reject or throw synchronously', async () => {
    const seen: number[] = []
    const results = await mapLimit([0, 1, 2, 3, 4], 2, (n: number) => {
      seen.push(n)
      if (n === 1) throw new Error('sync one')
      if (n === 3) return Promise.reject(new Error('async three'))
      return Promise.resolve(n)
    })
    assert.deepEqual(seen.sort(), [0, 1, 2, 3, 4])
    assert.deepEqual(
      results.map(r => r.status),
      ['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled']
    )
    assert.match(String((results[1] as PromiseRejectedResult).reason), /sync one/)
    assert.match(String((results[3] as PromiseRejectedResult).reason), /async three/)
  })

  test('an empty list and odd limits (0, larger than the list) still work', async () => {
    assert.deepEqual(await mapLimit([], 4, async () => 1), [])
    const zero = await mapLimit([1, 2], 0, async n => n + 1)
    assert.deepEqual(
      zero.map(r => r.status === 'fulfilled' && r.value),
      [2, 3]
    )
    const wide = await mapLimit([1, 2], 50, async n => n)
    assert.equal(wide.length, 2)
  })
})

describe('OrderedLog', () => {
  test('prints groups in input order, whatever order the items finish in', async () => {
    const { output } = await captureOutput(async () => {
      const log = new OrderedLog(['first', 'second', 'third'])
      log.for(2).info('third says hi')
      log.done(2)
      log.for(1).warning('second warns')
      log.done(1)
      log.for(0).info('first says hi')
      log.done(0)
    })
    assert.equal(
      output,
      [
        '::group::first',
        'first says hi',
        '::endgroup::',
        '::group::second',
        '::warning::second warns',
        '::endgroup::',
        '::group::third',
        'third says hi',
        '::endgroup::',
        ''
      ].join('\n')
    )
  })

  test('nothing is printed for an item until every earlier item is done', async () => {
    const snapshots: string[] = []
    const { output } = await captureOutput(async () => {
      const chunks: string[] = []
      const write = process.stdout.write.bind(process.stdout)
      process.stdout.write = ((chunk: string) => {
        chunks.push(chunk)
        return write(chunk)
      }) as typeof process.stdout.write
      try {
        const log = new OrderedLog(['a', 'b'])
        log.for(1).info('b done first')
        log.done(1)
        snapshots.push(chunks.join(''))
        log.for(0).info('a done')
        log.done(0)
        snapshots.push(chunks.join(''))
      } finally {
        process.stdout.write = write
      }
    })
    assert.equal(snapshots[0], '', 'b waits for a')
    assert.match(snapshots[1]!, /::group::a\na done\n::endgroup::\n::group::b\nb done first\n/)
    assert.equal(output, snapshots[1])
  })

  test('mapLimitLogged: concurrent items, readable output in input order', async () => {
    const gates = Array.from({ length: 4 }, gate)
    const { result, output } = await captureOutput(async () => {
      const run = mapLimitLogged(
        gates,
        4,
        (_g, i) => `image ${i}`,
        async (g, i, log) => {
          log.info(`start ${i}`)
          await g.promise
          log.info(`end ${i}`)
          if (i === 2) throw new Error('boom')
          return i
        }
      )
      await settle()
      for (const i of [3, 1, 2, 0]) {
        gates[i]!.open()
        await settle()
      }
      return run
    })
    assert.deepEqual(
      result?.map(r => r.status),
      ['fulfilled', 'fulfilled', 'rejected', 'fulfilled']
    )
    const groups = [...output.matchAll(/::group::(.*)\n((?:(?!::endgroup::).*\n)*)::endgroup::/g)]
    assert.deepEqual(
      groups.map(g => g[1]),
      ['image 0', 'image 1', 'image 2', 'image 3']
    )
    assert.deepEqual(
      groups.map(g => g[2]),
      ['start 0\nend 0\n', 'start 1\nend 1\n', 'start 2\nend 2\n', 'start 3\nend 3\n']
    )
  })
})

describe('distinct', () => {
  test('one item per key, first seen first; results expand back to every item in order', () => {
    const items = ['app:v1', 'other:v1', 'app:latest', 'app:v1', 'other:v2']
    const repository = (item: string): string => item.split(':')[0]!
    const { unique, repeats, expand } = distinct(items, repository)
    assert.deepEqual(unique, ['app:v1', 'other:v1'])
    assert.deepEqual(repeats, [
      { item: 'app:latest', first: 'app:v1' },
      { item: 'app:v1', first: 'app:v1' },
      { item: 'other:v2', first: 'other:v1' }
    ])
    assert.deepEqual(expand(['A', 'O']), ['A', 'O', 'A', 'A', 'O'])
    assert.deepEqual(distinct([], repository).unique, [])
    assert.deepEqual(distinct([], repository).expand([]), [])
  })
})
