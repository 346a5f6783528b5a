// signer: native against a hostile registry: the registry's credentials go only to the registry.
// A registry that names an upload location on another origin (where the pushed bytes and the
// Authorization header would follow) gets nothing sent there, and the image fails, naming why.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { StackServer } from '../stack/http.ts'
import { buildImage } from '../stack/images.ts'
import { startE2E, type E2E } from '../support/e2e.ts'
import { skipWithoutRealNotation } from '../support/notation-bin.ts'

const SUBJECT = 'CN=native.example,O=Notation,L=Seattle,ST=WA,C=US'
const PASSWORD = 'hostile-registry-password-1f3e'

describe('signer: native and a hostile registry', { skip: await skipWithoutRealNotation() }, () => {
  let e2e: E2E
  let relay: StackServer
  let hostile: StackServer
  const image = buildImage({ content: 'hostile registry image' })
  const digest = image.manifestDescriptor.digest

  before(async () => {
    // No distribution registry needed: the hostile one is all this run talks to.
    e2e = await startE2E({ notation: 'real', registry: false })
    await e2e.stack.keyVault.vault.seedSelfSigned('native-hostile', { subject: SUBJECT })
    relay = await e2e.stack.addRelay()
    const basic = `Basic ${Buffer.from(`user:${PASSWORD}`).toString('base64')}`
    const challenge = { status: 401, headers: { 'www-authenticate': 'Basic realm="hostile"' } }
    hostile = await e2e.stack.serve('hostile-registry', [
      {
        name: 'manifest',
        method: 'GET',
        path: /^\/v2\/app\/manifests\/(?<ref>[^/]+)$/,
        handler: req =>
          req.headers.authorization !== basic
            ? challenge
            : {
                status: 200,
                headers: {
                  'content-type': image.manifestDescriptor.mediaType,
                  'docker-content-digest': digest
                },
                body: image.manifest
              }
      },
      {
        name: 'upload',
        method: 'POST',
        path: /^\/v2\/app\/blobs\/uploads\/$/,
        handler: req =>
          req.headers.authorization !== basic
            ? challenge
            : {
                status: 202,
                headers: { location: `${relay.origin}/v2/app/blobs/uploads/stolen` }
              }
      }
    ])
  })
  after(() => e2e?.stop())

  test('an upload location on another origin gets nothing: no bytes, no credentials', async () => {
    const host = new URL(hostile.origin).host
    const run = await e2e.run({
      ...e2e.azureInputs,
      command: 'sign',
      signer: 'native',
      certificate: 'native-hostile',
      images: `${host}/app@${digest}`,
      'registry-username': 'user',
      'registry-password': PASSWORD,
      'registry-server': host
    })
    assert.equal(run.code, 1, run.stdout)
    assert.match(
      run.errors.join('\n'),
      /named an upload location on another host \(127\.0\.0\.1:\d+\); not sending the signature there/
    )
    assert.deepEqual(relay.calls, [], 'the relay received nothing')
    assert.ok(hostile.calls.some(c => c.route === 'upload' && c.status === 202))
    // Masked (the mask command names it), and shown nowhere else.
    const visible = run.stdout.split('\n').filter(line => !line.startsWith('::add-mask::'))
    assert.ok(!visible.some(line => line.includes(PASSWORD)))
  })
})
