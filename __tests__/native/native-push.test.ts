// The tag index is read, changed and written back; concurrent updates of one subject would lose
// entries (8 concurrent notation processes kept 3 of 8). The native signer's pushes for one subject
// run one after another: 8 pushed at once all end up listed.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import path from 'node:path'
import { after, before, test } from 'node:test'
import { referrersTag } from '../../src/native/manifest.ts'
import { fetchManifest } from '../stack/images.ts'
import { startStack, type Stack } from '../stack/stack.ts'
import { registryDescribe } from '../support/stack-env.ts'

const SCRIPT = path.join(import.meta.dirname, 'fixtures', 'push-same-subject.ts')

registryDescribe('native pushes for one subject', () => {
  let stack: Stack
  before(async () => {
    stack = await startStack()
  })
  after(() => stack?.stop())

  test('8 signatures pushed at once for one subject are all in the tag index', async () => {
    const pushed = await stack.registry.pushImage('native/push', { content: 'one subject' })
    const { username, password } = await stack.registry.credentials({ subject: 'stack-admin' })
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        [
          SCRIPT,
          stack.registry.host,
          'native/push',
          pushed.digest,
          pushed.mediaType,
          String(pushed.size),
          username,
          password,
          '8'
        ],
        { env: { PATH: process.env['PATH'] ?? '', NODE_EXTRA_CA_CERTS: stack.caFile } },
        (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out))
      )
    })
    // The last line (the registry client masks its tokens with ::add-mask:: lines first).
    const digests = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as string[]
    assert.equal(new Set(digests).size, 8)
    const target = await stack.registry.target('native/push')
    const index = await fetchManifest(target, 'native/push', referrersTag(pushed.digest))
    const listed = (
      JSON.parse(index.body.toString('utf8')) as { manifests: { digest: string }[] }
    ).manifests.map(m => m.digest)
    assert.deepEqual([...listed].sort(), [...digests].sort())
  })
})
