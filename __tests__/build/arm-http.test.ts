// The bounded HttpClient under the ARM SDK (src/arm-http.ts), against a local plain-HTTP server:
// bodies cut at the limit (after decompression too), the time limit covering the body, a body cut
// short reported as the SDK's own client does, the caller's abort and streams left alone.
import assert from 'node:assert/strict'
import http from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { gzipSync } from 'node:zlib'
import { after, before, describe, test } from 'node:test'
import { createHttpHeaders, createPipelineRequest } from '@azure/core-rest-pipeline'
import { ArmAnswerError, boundedHttpClient } from '../../src/build/arm-http.ts'

let origin = ''
const sockets = new Set<Socket>()
const server = http.createServer((req, res) => {
  switch (req.url) {
    case '/small':
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}')
      return
    case '/declared-large':
      res.writeHead(200, { 'content-length': String(64 * 1024) }).end(Buffer.alloc(64 * 1024))
      return
    case '/chunked-large': {
      res.writeHead(200, { 'content-type': 'application/json' })
      for (let i = 0; i < 16; i++) res.write(Buffer.alloc(8 * 1024, 0x20))
      res.end()
      return
    }
    case '/gzip-bomb':
      // 1 MiB of spaces, a kilobyte on the wire.
      res
        .writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'application/json' })
        .end(gzipSync(Buffer.alloc(1024 * 1024, 0x20)))
      return
    case '/cut-short':
      res.writeHead(200, { 'content-length': '100' })
      res.write('{"partial":', () => res.destroy())
      return
    case '/slow-body':
      res.writeHead(200, { 'content-type': 'application/json' })
      res.write(' ')
      // never ends
      return
    default:
      res.writeHead(404).end()
  }
})
server.on('connection', socket => {
  sockets.add(socket)
  socket.on('close', () => sockets.delete(socket))
})

before(async () => {
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
after(async () => {
  for (const socket of sockets) socket.destroy()
  await new Promise(resolve => server.close(resolve))
})

const request = (path: string, extra: Parameters<typeof createPipelineRequest>[0] | object = {}) =>
  createPipelineRequest({
    url: `${origin}${path}`,
    allowInsecureConnection: true,
    headers: createHttpHeaders({ 'accept-encoding': 'gzip' }),
    ...extra
  })

describe('boundedHttpClient', () => {
  const client = boundedHttpClient({ maxBytes: 32 * 1024, timeoutMs: 1500 })

  test('a small answer arrives as bodyAsText, with no stream left open', async () => {
    const response = await client.sendRequest(request('/small'))
    assert.equal(response.status, 200)
    assert.equal(response.bodyAsText, '{"ok":true}')
    assert.equal(response.readableStreamBody, undefined)
  })

  test('a declared length over the limit is refused before reading, naming the host', async () => {
    await assert.rejects(
      client.sendRequest(request('/declared-large')),
      (error: Error) =>
        error instanceof ArmAnswerError &&
        error.message.includes(`${new URL(origin).host} answered with a body too large`) &&
        error.message.includes('65536 bytes declared')
    )
  })

  test('a chunked body is cut at the limit as it streams', async () => {
    await assert.rejects(
      client.sendRequest(request('/chunked-large')),
      (error: Error) =>
        error instanceof ArmAnswerError && /more than 32768 bytes sent/.test(error.message)
    )
  })

  test('a compressed body is measured after decompression', async () => {
    await assert.rejects(
      client.sendRequest(request('/gzip-bomb')),
      (error: Error) => error instanceof ArmAnswerError && /too large/.test(error.message)
    )
  })

  test('a body cut short is a RestError PARSE_ERROR, as the SDK reports it (and retries it)', async () => {
    await assert.rejects(
      client.sendRequest(request('/cut-short')),
      (error: Error & { code?: string }) =>
        error.name === 'RestError' && error.code === 'PARSE_ERROR'
    )
  })

  test('the time limit covers the body, and names the host and the limit', async () => {
    const started = Date.now()
    await assert.rejects(
      client.sendRequest(request('/slow-body')),
      (error: Error) =>
        error instanceof ArmAnswerError &&
        error.message ===
          `${new URL(origin).host}: no complete answer within the 1500 ms limit per request`
    )
    assert.ok(Date.now() - started < 5000)
  })

  test("the caller's abort stays an abort, not a time limit", async () => {
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 100)
    await assert.rejects(
      client.sendRequest(request('/slow-body', { abortSignal: controller.signal })),
      (error: Error) => error.name === 'AbortError'
    )
  })

  test('a caller that asks for the stream gets it, and its request is left as it was', async () => {
    const streams = new Set([200])
    const req = request('/small', { streamResponseStatusCodes: streams })
    const response = await client.sendRequest(req)
    assert.ok(response.readableStreamBody)
    let text = ''
    for await (const chunk of response.readableStreamBody) text += String(chunk)
    assert.equal(text, '{"ok":true}')
    assert.equal(req.streamResponseStatusCodes, streams)
    assert.equal(req.abortSignal, undefined)
  })
})
