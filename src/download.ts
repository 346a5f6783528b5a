// Downloads a release archive to a file, hashing it on the way, with a timeout per attempt and
// bounded retries for transient failures.
import { createHash } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { rm } from 'node:fs/promises'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { ActionError } from './errors.ts'
import {
  DEFAULT_RETRY,
  TransientError,
  isTransientStatus,
  parseRetryAfter,
  withRetry,
  type RetryOptions
} from './retry.ts'

export interface DownloadOptions {
  /** Per attempt, headers to the last byte. */
  timeoutMs?: number
  retry?: RetryOptions
  /** Refuse anything larger: release archives are tens of MB. */
  maxBytes?: number
}

export interface Downloaded {
  file: string
  sha256: string
  bytes: number
}

const DEFAULT_TIMEOUT_MS = 120_000
const DEFAULT_MAX_BYTES = 512 * 1024 * 1024

/** Fetches `url` into `file`; the file is removed again on any failure. */
export async function download(
  url: string,
  file: string,
  options: DownloadOptions = {}
): Promise<Downloaded> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES
  try {
    return await withRetry(
      `Download ${url}`,
      async () => {
        const response = await fetch(url, {
          redirect: 'follow',
          signal: AbortSignal.timeout(timeoutMs),
          headers: { 'user-agent': 'notation-akv-action' }
        })
        if (!response.ok) {
          const detail = `HTTP ${response.status} ${response.statusText} from ${url}`
          await response.body?.cancel()
          if (isTransientStatus(response.status)) {
            throw new TransientError(detail, parseRetryAfter(response.headers.get('retry-after')))
          }
          throw new ActionError(`Download failed: ${detail}`)
        }
        if (!response.body) throw new TransientError(`empty response from ${url}`)
        const declared = Number(response.headers.get('content-length') ?? NaN)
        if (declared > maxBytes)
          throw new ActionError(`Download refused: ${url} is ${declared} bytes, over ${maxBytes}.`)
        const hash = createHash('sha256')
        let bytes = 0
        const meter = new Transform({
          transform(chunk: Buffer, _encoding, callback) {
            bytes += chunk.length
            if (bytes > maxBytes) {
              callback(
                new ActionError(`Download refused: ${url} is larger than ${maxBytes} bytes.`)
              )
              return
            }
            hash.update(chunk)
            callback(null, chunk)
          }
        })
        await pipeline(
          Readable.fromWeb(response.body),
          meter,
          createWriteStream(file, { mode: 0o600 })
        )
        if (!Number.isNaN(declared) && bytes !== declared) {
          throw new TransientError(`${url} ended after ${bytes} of ${declared} bytes`)
        }
        return { file, sha256: hash.digest('hex'), bytes }
      },
      options.retry ?? DEFAULT_RETRY
    )
  } catch (error) {
    await rm(file, { force: true })
    if (error instanceof ActionError) throw error
    throw new ActionError(`Download failed: ${url}: ${(error as Error).message}`, { cause: error })
  }
}
