import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import {
  TransientError,
  backoffDelay,
  isTransientError,
  parseRetryAfter,
  withRetry
} from '../../src/util/retry.ts'

const instant = { attempts: 4, baseDelayMs: 100, maxDelayMs: 1000 }

describe('withRetry', () => {
  test('retries transient failures with growing, jittered, bounded delays', async () => {
    const slept: number[] = []
    let calls = 0
    const value = await withRetry(
      'op',
      async () => {
        if (++calls < 4) throw new TransientError('HTTP 503')
        return 'done'
      },
      { ...instant, sleep: async ms => void slept.push(ms), random: () => 1 }
    )
    assert.equal(value, 'done')
    assert.deepEqual(slept, [100, 200, 400])
  })
  test('honours Retry-After when it is longer than the back-off', async () => {
    const slept: number[] = []
    let calls = 0
    await withRetry(
      'op',
      async () => {
        if (++calls === 1) throw new TransientError('HTTP 429', 2000)
      },
      { ...instant, sleep: async ms => void slept.push(ms), random: () => 0 }
    )
    assert.deepEqual(slept, [2000])
  })
  test('stops after the last attempt with the last error', async () => {
    let calls = 0
    await assert.rejects(
      withRetry(
        'op',
        async () => {
          calls++
          throw new TransientError(`HTTP 500 #${calls}`)
        },
        { ...instant, sleep: async () => {} }
      ),
      /HTTP 500 #4/
    )
    assert.equal(calls, 4)
  })
  test('a permanent error fails at once', async () => {
    let calls = 0
    await assert.rejects(
      withRetry(
        'op',
        async () => {
          calls++
          throw new Error('HTTP 403 Forbidden')
        },
        { ...instant, sleep: async () => {} }
      ),
      /403/
    )
    assert.equal(calls, 1)
  })
})

describe('helpers', () => {
  test('connection resets and cut bodies are transient; other errors are not', () => {
    assert.equal(isTransientError(Object.assign(new Error('x'), { code: 'ECONNRESET' })), true)
    assert.equal(
      isTransientError(
        new TypeError('fetch failed', {
          cause: Object.assign(new Error('s'), { code: 'UND_ERR_SOCKET' })
        })
      ),
      true
    )
    assert.equal(isTransientError(new Error('terminated')), true)
    assert.equal(isTransientError(new Error('bad input')), false)
  })
  test('Retry-After in seconds or as a date, capped at a minute', () => {
    assert.equal(parseRetryAfter('3'), 3000)
    assert.equal(parseRetryAfter('86400'), 60_000)
    assert.equal(parseRetryAfter(new Date(10_000).toUTCString(), 5_000), 5_000)
    assert.equal(parseRetryAfter('soon'), undefined)
    assert.equal(parseRetryAfter(null), undefined)
  })
  test('back-off never exceeds its ceiling', () => {
    for (let attempt = 1; attempt < 20; attempt++) {
      assert.ok(backoffDelay(attempt, { ...instant, random: () => 0.999 }) <= 1000)
    }
  })
})
