// The HttpClient the ARM SDK sends through: each request is bounded in time (its headers and its
// body together) and each answer's body in size, cut as it streams. The SDK's own client buffers a
// body whole before anything can look at it, and its requests have no time limit: a hostile or
// broken endpoint could make the action hold gigabytes, or wait until timeout-minutes.
import {
  RestError,
  createDefaultHttpClient,
  type HttpClient,
  type PipelineRequest,
  type PipelineResponse
} from '@azure/core-rest-pipeline'
import { formatLimit, hostOf } from '../util/network-error.ts'

/**
 * ARM gives a resource provider 60 s to answer before it answers 504 itself: an answer that takes
 * longer is not coming.
 */
export const ARM_TIMEOUT_MS = 60_000
/** ARM answers are small JSON documents (a page of registries, a run); 16 MiB is far beyond them. */
export const MAX_ARM_BODY_BYTES = 16 * 1024 * 1024

/**
 * An answer that broke a bound: a body over the limit, or no complete answer in time. Its message
 * names the host and the limit. Not a RestError, so the SDK's retry policies do not send again a
 * request whose limit was already spent.
 */
export class ArmAnswerError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ArmAnswerError'
  }
}

export interface BoundedClientOptions {
  timeoutMs?: number
  maxBytes?: number
  /** The client to wrap (default: the SDK's own). */
  inner?: HttpClient
}

/** Wraps the SDK's HttpClient: every answer read as a stream, capped at `maxBytes`, timed. */
export function boundedHttpClient(options: BoundedClientOptions = {}): HttpClient {
  const timeoutMs = options.timeoutMs ?? ARM_TIMEOUT_MS
  const maxBytes = options.maxBytes ?? MAX_ARM_BODY_BYTES
  const inner = options.inner ?? createDefaultHttpClient()
  return {
    async sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
      const host = hostOf(request.url)
      const callerSignal = request.abortSignal
      const callerStreams = request.streamResponseStatusCodes
      // One controller for the caller's abort and the time limit, so the limit covers the body.
      const controller = new AbortController()
      let timedOut = false
      const timer = setTimeout(() => {
        timedOut = true
        controller.abort()
      }, timeoutMs)
      const onAbort = (): void => controller.abort()
      if (callerSignal?.aborted) controller.abort()
      callerSignal?.addEventListener('abort', onAbort)
      request.abortSignal = controller.signal
      request.streamResponseStatusCodes = new Set([Number.POSITIVE_INFINITY])
      try {
        const response = await inner.sendRequest(request)
        // A caller that asked for the stream reads it itself (the ARM calls here never do).
        if (callerStreams?.has(Number.POSITIVE_INFINITY) || callerStreams?.has(response.status)) {
          return response
        }
        const stream = response.readableStreamBody
        delete response.readableStreamBody
        if (stream) {
          const declared = Number(response.headers.get('content-length') ?? NaN)
          if (declared > maxBytes) {
            destroy(stream)
            throw tooLarge(host, `${declared} bytes declared`, maxBytes)
          }
          response.bodyAsText = await readCapped(stream, host, maxBytes)
        }
        return response
      } catch (error) {
        if (timedOut && !callerSignal?.aborted) {
          throw new ArmAnswerError(
            `${host}: no complete answer within the ${formatLimit(timeoutMs)} limit per request`
          )
        }
        throw error
      } finally {
        clearTimeout(timer)
        callerSignal?.removeEventListener('abort', onAbort)
        if (callerSignal === undefined) delete request.abortSignal
        else request.abortSignal = callerSignal
        if (callerStreams === undefined) delete request.streamResponseStatusCodes
        else request.streamResponseStatusCodes = callerStreams
      }
    }
  }
}

function tooLarge(host: string, what: string, maxBytes: number): ArmAnswerError {
  return new ArmAnswerError(
    `${host} answered with a body too large: ${what}, over the ${maxBytes}-byte limit; nothing more was read`
  )
}

function destroy(stream: NodeJS.ReadableStream): void {
  ;(stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.()
}

/** The body as text, read as it arrives; past `maxBytes` the rest is not read. */
async function readCapped(
  stream: NodeJS.ReadableStream,
  host: string,
  maxBytes: number
): Promise<string> {
  const chunks: Buffer[] = []
  let total = 0
  try {
    for await (const chunk of stream) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer)
      total += bytes.length
      if (total > maxBytes) {
        destroy(stream)
        throw tooLarge(host, `more than ${maxBytes} bytes sent`, maxBytes)
      }
      chunks.push(bytes)
    }
  } catch (error) {
    if (error instanceof ArmAnswerError || (error as Error).name === 'AbortError') throw error
    // As the SDK's own client reports a body cut short (retry.ts turns it into a reset).
    throw new RestError(`Error reading response as text: ${(error as Error).message}`, {
      code: RestError.PARSE_ERROR
    })
  }
  return Buffer.concat(chunks, total).toString('utf8')
}
