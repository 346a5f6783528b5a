// fetch with a timeout per attempt and bounded retries for what is transient (408, 429, 5xx,
// resets). Every other answer is returned to the caller, which knows what it means.
import { ActionError } from './errors.ts'
import { describeRequestError, formatLimit, hostOf, isTimeout } from './network-error.ts'
import {
  DEFAULT_RETRY,
  TransientError,
  isTransientStatus,
  parseRetryAfter,
  withRetry,
  type RetryOptions
} from './retry.ts'

export interface HttpOptions {
  timeoutMs?: number
  retry?: RetryOptions
  /**
   * A 2xx answer must carry a JSON body: one that does not parse (cut short without a declared
   * length) is transient, like a reset.
   */
  json?: boolean
  /** A bound on the body below the default 16 MiB (e.g. a manifest). */
  maxBytes?: number
}

export const DEFAULT_TIMEOUT_MS = 30_000

/** A response whose body was read (bounded), so retries never leak sockets. */
export interface HttpResponse {
  status: number
  statusText: string
  headers: Headers
  body: Buffer
  url: string
}

const MAX_BODY = 16 * 1024 * 1024

/**
 * Reads the body as it arrives and stops at `max` (the rest is cancelled, never buffered): a
 * hostile or broken server cannot make the action hold more than the limit. A body still arriving
 * when the per-request time limit ends is not retried: an endless stream costs that limit once.
 */
async function readBounded(
  label: string,
  response: Response,
  method: string,
  url: string,
  timeoutMs: number,
  max: number = MAX_BODY
): Promise<Buffer> {
  // HEAD answers declare the length of a body they do not send.
  if (method === 'HEAD' || response.status === 204 || response.status === 304) {
    await response.body?.cancel().catch(() => undefined)
    return Buffer.alloc(0)
  }
  const host = hostOf(url)
  const tooLarge = (bytes: string): ActionError =>
    new ActionError(
      `${label}: ${host} answered with a body too large: ${bytes}, over the ${max}-byte limit; nothing more was read.`
    )
  const declared = Number(response.headers.get('content-length') ?? NaN)
  if (declared > max) {
    await response.body?.cancel().catch(() => undefined)
    throw tooLarge(`${declared} bytes declared`)
  }
  if (!response.body) return Buffer.alloc(0)
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      total += value.byteLength
      if (total > max) {
        await reader.cancel().catch(() => undefined)
        throw tooLarge(`more than ${max} bytes sent`)
      }
      chunks.push(value)
    }
  } catch (error) {
    if (error instanceof ActionError) throw error
    if (isTimeout(error)) {
      // Not transient (no cause chained): the limit was spent on this body; another try would too.
      throw new ActionError(
        `${label}: ${host}: the answer's body did not end within the ${formatLimit(timeoutMs)} limit per request (${total} bytes read).`
      )
    }
    throw error
  }
  const body = Buffer.concat(chunks, total)
  if (!Number.isNaN(declared) && body.length !== declared) {
    throw new TransientError(`body ended after ${body.length} of ${declared} bytes`)
  }
  return body
}

/** A transient status that carries its answer, so the last one can be handed back when retries run out. */
class TransientAnswer extends TransientError {
  readonly response: HttpResponse
  constructor(response: HttpResponse) {
    super(
      `HTTP ${response.status} ${serverMessage(response) ?? response.statusText}`,
      parseRetryAfter(response.headers.get('retry-after'))
    )
    this.response = response
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308])
/** Same-origin redirects a request carrying a credential may take. */
const MAX_CREDENTIAL_REDIRECTS = 5

/** An Authorization header or a body (token forms, passwords): never re-sent to another origin. */
function carriesCredential(init: RequestInit): boolean {
  return init.body != null || new Headers(init.headers).has('authorization')
}

/**
 * fetch for a request that carries a credential: redirects are followed only on its own origin (a
 * few), since fetch re-sends a 307/308 body, token and all, to whatever host the answer names.
 */
async function fetchSameOrigin(label: string, url: string, init: RequestInit): Promise<Response> {
  let current = new URL(url)
  let request: RequestInit = { ...init, redirect: 'manual' }
  for (let hops = 0; ; hops++) {
    const response = await fetch(current, request)
    const location = response.headers.get('location')
    if (!REDIRECTS.has(response.status) || location === null) return response
    await response.body?.cancel()
    const next = new URL(location, current)
    if (next.origin !== current.origin) {
      throw new ActionError(
        `${label}: ${current.origin} redirected a request that carries a credential to ${next.origin}; refusing to follow it to another origin.`
      )
    }
    if (hops >= MAX_CREDENTIAL_REDIRECTS) {
      throw new ActionError(`${label}: more than ${MAX_CREDENTIAL_REDIRECTS} redirects.`)
    }
    // As fetch does: 303, and 301/302 after a POST, go on as a GET without the body.
    const method = (request.method ?? 'GET').toUpperCase()
    if (response.status === 303 || (method === 'POST' && response.status <= 302)) {
      const headers = new Headers(request.headers)
      headers.delete('content-type')
      request = { ...request, method: 'GET', headers, body: null }
    }
    current = next
  }
}

export async function httpRequest(
  label: string,
  url: string,
  init: RequestInit = {},
  options: HttpOptions = {}
): Promise<HttpResponse> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  try {
    return await withRetry(
      label,
      async () => {
        const signal = AbortSignal.timeout(timeoutMs)
        const response = carriesCredential(init)
          ? await fetchSameOrigin(label, url, { ...init, signal })
          : await fetch(url, { ...init, redirect: 'follow', signal })
        const result: HttpResponse = {
          status: response.status,
          statusText: response.statusText,
          headers: response.headers,
          body: await readBounded(
            label,
            response,
            (init.method ?? 'GET').toUpperCase(),
            url,
            timeoutMs,
            options.maxBytes
          ),
          url
        }
        if (isTransientStatus(response.status)) throw new TransientAnswer(result)
        if (options.json && response.status >= 200 && response.status < 300) {
          try {
            JSON.parse(result.body.toString('utf8'))
          } catch {
            throw new TransientError(
              `HTTP ${response.status} with a body that is not JSON (${result.body.length} bytes)`
            )
          }
        }
        return result
      },
      options.retry ?? DEFAULT_RETRY
    )
  } catch (error) {
    // Out of attempts on a transient status: hand back the last answer so the caller can word it.
    if (error instanceof TransientAnswer) return error.response
    if (error instanceof ActionError) throw error
    // A network failure: say which host and why (fetch itself only says "fetch failed"). The
    // original stays the cause, so an outer retry still knows it was transient.
    throw new ActionError(`${label}: ${describeRequestError(error, url, timeoutMs)}`, {
      cause: error
    })
  }
}

/** The server's own words from a JSON error body (registry, ACR, Entra or Azure shapes). */
export function serverMessage(response: Pick<HttpResponse, 'body'>): string | undefined {
  const text = response.body.toString('utf8').slice(0, 4096)
  try {
    const json = JSON.parse(text) as {
      errors?: { code?: string; message?: string }[]
      error?: string | { code?: string; message?: string }
      error_description?: string
      message?: string
    }
    if (Array.isArray(json.errors) && json.errors.length > 0) {
      return json.errors.map(e => [e.code, e.message].filter(Boolean).join(': ')).join('; ')
    }
    if (typeof json.error === 'object' && json.error)
      return [json.error.code, json.error.message].filter(Boolean).join(': ')
    if (typeof json.error_description === 'string') return json.error_description
    if (typeof json.error === 'string') return json.error
    if (typeof json.message === 'string') return json.message
  } catch {
    // not JSON
  }
  const trimmed = text.trim()
  return trimmed === '' ? undefined : trimmed.slice(0, 300)
}
