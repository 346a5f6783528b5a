// Bounded parallelism with readable logs: at most `limit` items run at once, results keep input
// order, and each item's log lines are held back and printed as one group, in input order, as soon
// as that item and every item before it are done.
import * as core from '@actions/core'
import { logLines } from './untrusted.ts'

/**
 * Runs `fn` over `items` with at most `limit` calls in flight. Every item runs even when others
 * fail; the settled results are in input order.
 */
export async function mapLimit<T, R>(
  items: T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>
): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = new Array<PromiseSettledResult<R>>(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++
      try {
        // Promise.resolve().then: a synchronous throw in fn settles this item, not the pool.
        const value = await Promise.resolve().then(() => fn(items[index] as T, index))
        results[index] = { status: 'fulfilled', value }
      } catch (reason) {
        results[index] = { status: 'rejected', reason }
      }
    }
  }
  const workers = Math.max(1, Math.min(Math.floor(limit) || 1, items.length))
  await Promise.all(Array.from({ length: workers }, worker))
  return results
}

export type LogLevel = 'debug' | 'info' | 'warning' | 'error'

export interface LogLine {
  level: LogLevel
  message: string
}

/** What one item may write; nothing reaches the job log until the item's group is printed. */
export interface ItemLog {
  debug(message: string): void
  info(message: string): void
  warning(message: string): void
  error(message: string): void
}

/**
 * Buffers each item's lines and prints finished items as `core` groups in input order: item 3 is
 * printed only once items 0..3 are all done, so parallel work reads like sequential work.
 */
export class OrderedLog {
  private readonly titles: string[]
  private readonly buffers: LogLine[][]
  private readonly finished: boolean[]
  private printed = 0

  constructor(titles: string[]) {
    this.titles = titles
    this.buffers = titles.map(() => [])
    this.finished = titles.map(() => false)
  }

  for(index: number): ItemLog {
    const push = (level: LogLevel) => (message: string) => {
      this.buffers[index]?.push({ level, message })
    }
    return {
      debug: push('debug'),
      info: push('info'),
      warning: push('warning'),
      error: push('error')
    }
  }

  /** Marks an item done and prints every group that is now ready. */
  done(index: number): void {
    this.finished[index] = true
    while (this.printed < this.titles.length && this.finished[this.printed]) {
      printGroup(this.titles[this.printed] ?? '', this.buffers[this.printed] ?? [])
      this.buffers[this.printed] = []
      this.printed++
    }
  }
}

function printGroup(title: string, lines: LogLine[]): void {
  // startGroup/endGroup rather than core.group: printing must be synchronous so that two items
  // finishing together can never interleave their lines.
  core.startGroup(title)
  try {
    // info carries notation's output and server text: printed inert (the others escape their data).
    for (const { level, message } of lines) {
      if (level === 'info') logLines(message)
      else core[level](message)
    }
  } finally {
    core.endGroup()
  }
}

/** mapLimit with an OrderedLog: `fn` writes to its item's log; groups are titled by `title`. */
export async function mapLimitLogged<T, R>(
  items: T[],
  limit: number,
  title: (item: T, index: number) => string,
  fn: (item: T, index: number, log: ItemLog) => Promise<R>
): Promise<PromiseSettledResult<R>[]> {
  const log = new OrderedLog(items.map(title))
  return mapLimit(items, limit, async (item, index) => {
    try {
      return await fn(item, index, log.for(index))
    } finally {
      log.done(index)
    }
  })
}

/**
 * The first item of each key, and a way back: `expand` turns one result per distinct item into one
 * per item (items sharing a key share the result). `repeats` pairs each later item with the first of
 * its key. Two tags of one image are one piece of work.
 */
export function distinct<T>(
  items: readonly T[],
  key: (item: T) => string
): {
  unique: T[]
  repeats: { item: T; first: T }[]
  expand<R>(results: readonly R[]): R[]
} {
  const first = new Map<string, number>()
  const unique: T[] = []
  const repeats: { item: T; first: T }[] = []
  const slot = items.map(item => {
    const k = key(item)
    let at = first.get(k)
    if (at === undefined) {
      at = unique.push(item) - 1
      first.set(k, at)
    } else {
      repeats.push({ item, first: unique[at] as T })
    }
    return at
  })
  return {
    unique,
    repeats,
    expand: results => slot.map(at => results[at] as (typeof results)[number])
  }
}
