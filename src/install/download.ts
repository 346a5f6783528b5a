// Downloads a release archive to a file, hashing it on the way, with a timeout per attempt and
// bounded retries for transient failures. It runs on node's http client with the toolkit's agent
// (@actions/http-client, as @actions/tool-cache's downloadTool does: the runner's proxy settings
// apply); undici's fetch could crash the process (assert(!this.paused)) on HTTP/1.0 bodies ended by
// the connection's close, and when a parallel download was abandoned mid-stream.
import { HttpClient } from '@actions/http-client'
import { createHash } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { rm } from 'node:fs/promises'
import http, { type IncomingMessage } from 'node:http'
import https from 'node:https'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { ActionError } from '../util/errors.ts'
import { describeRequestError } from '../util/network-error.ts'
import {
  DEFAULT_RETRY,
  TransientError,
  isTransientStatus,
  parseRetryAfter,
  withRetry,
  type RetryOptions
} from '../util/retry.ts'

export interface DownloadOptions {
  /** Per attempt, headers to the last byte. */
  timeoutMs?: number
  retry?: RetryOptions
  /** Refuse anything larger: release archives are tens of MB. */
  maxBytes?: number
  /** Stops the download (e.g. the other download failed); the file is removed. */
  signal?: AbortSignal
}

export interface Downloaded {
  file: string
  sha256: string
  bytes: number
}

const DEFAULT_TIMEOUT_MS = 120_000
const DEFAULT_MAX_BYTES = 512 * 1024 * 1024
const MAX_REDIRECTS = 10
const REDIRECTS = new Set([301, 302, 303, 307, 308])
const USER_AGENT = 'notation-akv-action'

/** One GET: resolves with the answer's headers (the body still to read) or rejects; never throws later. */
function get(url: URL, signal: AbortSignal): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      reject(new ActionError(`Download refused: ${url.href} is not an http(s) URL.`))
      return
    }
    // A fresh client per hop: its agent is cached per client, and a redirect may change scheme.
    const agent = new HttpClient(USER_AGENT).getAgent(url.href)
    const request = (url.protocol === 'https:' ? https : http).request(url, {
      method: 'GET',
      agent,
      signal,
      headers: { 'user-agent': USER_AGENT, accept: '*/*' }
    })
    // An error after the answer arrived surfaces on the response stream; this listener keeps it
    // from ever becoming an uncaught exception.
    request.on('error', reject)
    request.on('response', resolve)
    request.end()
  })
}

/** Follows redirects (a CDN) up to a bound; the answer returned is not a redirect. */
async function getFollowing(start: string, signal: AbortSignal): Promise<IncomingMessage> {
  let current = new URL(start)
  for (let hops = 0; ; hops++) {
    const response = await get(current, signal)
    const location = response.headers.location
    if (!REDIRECTS.has(response.statusCode ?? 0) || location === undefined) return response
    response.resume()
    response.destroy()
    if (hops >= MAX_REDIRECTS)
      throw new ActionError(`Download failed: ${start}: more than ${MAX_REDIRECTS} redirects.`)
    current = new URL(location, current)
  }
}

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
        options.signal?.throwIfAborted()
        const signals = [AbortSignal.timeout(timeoutMs)]
        if (options.signal) signals.push(options.signal)
        const signal = AbortSignal.any(signals)
        const response = await getFollowing(url, signal)
        const status = response.statusCode ?? 0
        if (status < 200 || status > 299) {
          const detail = `HTTP ${status} ${response.statusMessage ?? ''}`.trim() + ` from ${url}`
          response.destroy()
          if (isTransientStatus(status)) {
            const retryAfter = response.headers['retry-after']
            throw new TransientError(detail, parseRetryAfter(retryAfter))
          }
          throw new ActionError(`Download failed: ${detail}`)
        }
        const declared = Number(response.headers['content-length'] ?? NaN)
        if (declared > maxBytes) {
          response.destroy()
          throw new ActionError(`Download refused: ${url} is ${declared} bytes, over ${maxBytes}.`)
        }
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
        await pipeline(response, meter, createWriteStream(file, { mode: 0o600 }), { signal })
        // A body the connection's close ended early (HTTP/1.0, or a declared length unmet).
        if (!response.complete || (!Number.isNaN(declared) && bytes !== declared)) {
          throw new TransientError(
            `${url} ended after ${bytes}${Number.isNaN(declared) ? '' : ` of ${declared}`} bytes`
          )
        }
        return { file, sha256: hash.digest('hex'), bytes }
      },
      options.retry ?? DEFAULT_RETRY
    )
  } catch (error) {
    await rm(file, { force: true })
    if (error instanceof ActionError) throw error
    if (error instanceof TransientError) {
      throw new ActionError(`Download failed: ${url}: ${error.message}`, { cause: error })
    }
    throw new ActionError(
      `Download failed: ${url}: ${describeRequestError(error, url, timeoutMs)}`,
      { cause: error }
    )
  }
}
