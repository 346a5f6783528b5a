// Bounded, jittered retries for network calls. What is transient (timeouts, resets, 408, 429, 5xx)
// is retried; anything else fails at once with the server's message.
import type { PipelinePolicy } from '@azure/core-rest-pipeline'
import { logLine } from './untrusted.ts'

export interface RetryOptions {
  /** Attempts in all, the first included. */
  attempts: number
  /** The first back-off; doubles each time, with full jitter. */
  baseDelayMs: number
  maxDelayMs: number
  /** Injectable for tests. */
  sleep?: (ms: number) => Promise<void>
  random?: () => number
}

/**
 * The first back-off, 1 s. NOTATION_AKV_RETRY_BASE_MS (undocumented, read once at start-up) lowers
 * it for the fault tests, which would otherwise spend most of their time asleep.
 */
function baseDelayFromEnv(): number {
  const value = Number(process.env['NOTATION_AKV_RETRY_BASE_MS'])
  return Number.isInteger(value) && value > 0 && value <= 1000 ? value : 1000
}

export const RETRY_BASE_MS = baseDelayFromEnv()

export const DEFAULT_RETRY: RetryOptions = {
  attempts: 4,
  baseDelayMs: RETRY_BASE_MS,
  maxDelayMs: 15_000
}

/**
 * The same policy for the Azure SDKs' own retry policies (exponential with jitter, Retry-After on
 * 429 and 503, resets): three retries after the first attempt.
 */
export const SDK_RETRY_OPTIONS = {
  maxRetries: DEFAULT_RETRY.attempts - 1,
  retryDelayInMs: RETRY_BASE_MS,
  maxRetryDelayInMs: DEFAULT_RETRY.maxDelayMs
}

/**
 * The SDK pipeline reports a body cut short as PARSE_ERROR ("Error reading response as text:
 * aborted"), which its retry policies leave alone; below them (per retry), this policy gives such
 * an error the code of a reset, which they retry.
 */
const cutShortBodyPolicy: PipelinePolicy = {
  name: 'notationAkvCutShortBody',
  async sendRequest(request, next) {
    try {
      return await next(request)
    } catch (error) {
      const e = error as { code?: string; message?: string }
      if (e.code === 'PARSE_ERROR' && /reading response/i.test(e.message ?? ''))
        e.code = 'ECONNRESET'
      throw error
    }
  }
}

/** Options for every Azure SDK client and credential the action creates. */
export const SDK_CLIENT_OPTIONS = {
  retryOptions: SDK_RETRY_OPTIONS,
  additionalPolicies: [{ policy: cutShortBodyPolicy, position: 'perRetry' as const }]
}

/** An HTTP answer worth another try; may carry the server's Retry-After. */
export class TransientError extends Error {
  readonly retryAfterMs: number | undefined
  constructor(message: string, retryAfterMs?: number) {
    super(message)
    this.name = 'TransientError'
    this.retryAfterMs = retryAfterMs
  }
}

const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ERR_STREAM_PREMATURE_CLOSE'
])

export function isTransientStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500
}

/** Network-level failures: resets, refused connections, timeouts, bodies cut short. */
export function isTransientError(error: unknown): boolean {
  if (error instanceof TransientError) return true
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; depth++) {
    const code = (e as NodeJS.ErrnoException).code
    if (code !== undefined && TRANSIENT_CODES.has(code)) return true
    if (e.name === 'TimeoutError' || e.message === 'terminated' || e.message === 'fetch failed')
      return true
    e = e.cause
  }
  return false
}

/** Retry-After as seconds or an HTTP date, capped so a hostile server cannot park the job. */
export function parseRetryAfter(
  value: string | null | undefined,
  now = Date.now()
): number | undefined {
  if (!value) return undefined
  if (/^\d+$/.test(value.trim())) return Math.min(Number(value) * 1000, 60_000)
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.min(Math.max(date - now, 0), 60_000)
}

export function backoffDelay(
  attempt: number,
  options: RetryOptions,
  retryAfterMs?: number
): number {
  const random = options.random ?? Math.random
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1))
  const jittered = Math.round(random() * ceiling)
  return retryAfterMs !== undefined ? Math.max(retryAfterMs, jittered) : jittered
}

const realSleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

/** Runs `fn` until it succeeds, fails with a permanent error, or runs out of attempts. */
export async function withRetry<T>(
  label: string,
  fn: (attempt: number) => Promise<T>,
  options: RetryOptions = DEFAULT_RETRY
): Promise<T> {
  const sleep = options.sleep ?? realSleep
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt)
    } catch (error) {
      if (attempt >= options.attempts || !isTransientError(error)) throw error
      const retryAfter = error instanceof TransientError ? error.retryAfterMs : undefined
      const delay = backoffDelay(attempt, options, retryAfter)
      // The message may carry a server's words (an error body): printed inert, on one line.
      logLine(
        `${label}: ${(error as Error).message}; retrying in ${delay} ms (attempt ${attempt + 1} of ${options.attempts})`
      )
      await sleep(delay)
    }
  }
}
