// Words for a network failure: the host and the cause (refused, name not found, TLS error and its
// code, a time limit and its length), never a bare "fetch failed". undici puts the cause on
// `error.cause`, node's http client and the Azure SDKs on the error itself; both are walked.

/** The codes worth naming in plain words; any other code is shown as it is. */
const CAUSES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'name not found',
  EAI_AGAIN: 'name lookup failed (temporary DNS failure)',
  EAI_NONAME: 'name not found',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  EPIPE: 'connection closed while sending',
  UND_ERR_SOCKET: 'connection closed by the server',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_HEADERS_TIMEOUT: 'no answer headers in time',
  UND_ERR_BODY_TIMEOUT: 'the body stalled',
  ERR_STREAM_PREMATURE_CLOSE: 'connection closed before the body ended'
}

/** TLS failures carry an OpenSSL-style code (CERT_HAS_EXPIRED, ERR_TLS_CERT_ALTNAME_INVALID, …). */
function isTlsCode(code: string): boolean {
  return (
    /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|SELF_SIGNED|DEPTH_ZERO|HOSTNAME_MISMATCH)/.test(code) ||
    code.startsWith('ERR_OSSL')
  )
}

/** Errors along the cause chain, the outer one first (bounded: a cause may point at itself). */
function causeChain(error: unknown): Error[] {
  const chain: Error[] = []
  for (let e: unknown = error; e instanceof Error && chain.length < 6; e = e.cause) {
    if (chain.includes(e)) break
    chain.push(e)
  }
  return chain
}

/** Whether a time limit (AbortSignal.timeout, a socket timeout) ended the request. */
export function isTimeout(error: unknown): boolean {
  return causeChain(error).some(
    e => e.name === 'TimeoutError' || (e as { timedOut?: boolean }).timedOut === true
  )
}

/**
 * The cause of a network failure in words, or undefined when the error is not one. `timeoutMs` is
 * the per-request limit the caller set, named when that limit ended the request.
 */
export function networkCause(error: unknown, timeoutMs?: number): string | undefined {
  const chain = causeChain(error)
  if (isTimeout(error)) {
    return timeoutMs !== undefined
      ? `no complete answer within the ${formatLimit(timeoutMs)} limit per request`
      : 'timed out'
  }
  for (const e of chain) {
    const code = (e as NodeJS.ErrnoException).code
    if (typeof code !== 'string') continue
    // Node's altname message ends in a list that may be empty ("…not in the cert's list: ").
    if (isTlsCode(code)) return `TLS error ${code}: ${e.message.replace(/[\s:]+$/, '')}`
    // OpenSSL's protocol errors (a plain-HTTP port answering TLS, say): its reason in words.
    if (code === 'EPROTO') {
      const reason = /SSL routines:[^:]*:([^:\n]+)/.exec(e.message)?.[1]?.trim()
      return `TLS error EPROTO${reason ? `: ${reason}` : ''}`
    }
    const words = CAUSES[code]
    if (words) return `${words} (${code})`
  }
  for (const e of chain) {
    if (e.message === 'terminated' || e.message === 'socket hang up' || e.message === 'aborted')
      return 'connection closed before the answer ended'
  }
  return undefined
}

export function formatLimit(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`
}

/** The host (and port) a URL names, for messages. */
export function hostOf(url: string | URL): string {
  try {
    return new URL(url).host
  } catch {
    return String(url)
  }
}

/**
 * A one-line description of a failed request to `url`: "<host>: <cause>", or the error's own
 * message (with its first cause when that is only "fetch failed") when it is not a network error.
 */
export function describeRequestError(
  error: unknown,
  url: string | URL,
  timeoutMs?: number
): string {
  const host = hostOf(url)
  const cause = networkCause(error, timeoutMs)
  if (cause) return `${host}: ${cause}`
  const chain = causeChain(error)
  const words = chain
    .map(e => e.message)
    .filter(m => m !== '' && m !== 'fetch failed')
    .slice(0, 2)
  return `${host}: ${words.length > 0 ? words.join(': ') : 'request failed'}`
}

/**
 * Whether `url` can be reached at all: undefined when it answers (any status), else "<host>:
 * <cause>". For SDKs that hide the network error (MSAL reports an unreachable authority only as
 * `endpoints_resolution_error`).
 */
export async function probeReach(url: string, timeoutMs = 10_000): Promise<string | undefined> {
  try {
    const response = await fetch(url, {
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs)
    })
    await response.body?.cancel().catch(() => undefined)
    return undefined
  } catch (error) {
    return describeRequestError(error, url, timeoutMs)
  }
}
