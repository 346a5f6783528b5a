import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { parseReference, registryOrigin } from '../../src/registry/reference.ts'

const digest = `sha256:${'a'.repeat(64)}`

describe('parseReference', () => {
  test('splits registry, repository, tag and digest', () => {
    assert.deepEqual(parseReference('myacr.azurecr.io/net-monitor:v1'), {
      registry: 'myacr.azurecr.io',
      repository: 'net-monitor',
      tag: 'v1'
    })
    assert.deepEqual(parseReference(`127.0.0.1:5000/a/b/c@${digest}`), {
      registry: '127.0.0.1:5000',
      repository: 'a/b/c',
      digest
    })
    assert.deepEqual(parseReference(`localhost:5000/app:1.0@${digest}`), {
      registry: 'localhost:5000',
      repository: 'app',
      tag: '1.0',
      digest
    })
    assert.deepEqual(parseReference('ghcr.io/org/my_app__x-y.z:latest'), {
      registry: 'ghcr.io',
      repository: 'org/my_app__x-y.z',
      tag: 'latest'
    })
  })
  const bad: [string, RegExp][] = [
    ['nginx:latest', /must name its registry/],
    ['docker.io/library/nginx', /needs a tag or a digest/],
    ['myacr.azurecr.io/App:v1', /invalid repository name/],
    ['myacr.azurecr.io/app:v1;rm -rf /', /white space/],
    ['myacr.azurecr.io/app:$(id)', /invalid tag/],
    ['myacr.azurecr.io/app:v1\n--id=evil', /white space/],
    ['--id=https://evil/keys/k', /starts with "-"/],
    ['myacr.azurecr.io/app@sha256:abc', /malformed digest/],
    [`myacr.azurecr.io/app@SHA256:${'A'.repeat(64)}`, /malformed digest/],
    ['myacr.azurecr.io/app:' + 'x'.repeat(129), /invalid tag/],
    ['https://myacr.azurecr.io/app:v1', /registry host/],
    ['my_acr/app:v1', /registry host/],
    ['myacr.azurecr.io/../app:v1', /invalid repository/],
    ['myacr.azurecr.io//app:v1', /invalid repository/]
  ]
  for (const [value, why] of bad) {
    test(`refuses ${JSON.stringify(value)}`, () => {
      assert.throws(
        () => parseReference(value),
        (error: Error) => {
          assert.match(error.message, /^Input 'images': /)
          assert.match(error.message, why)
          return true
        }
      )
    })
  }
})

test('localhost is plain HTTP like notation; everything else is HTTPS', () => {
  assert.equal(registryOrigin('localhost:5000'), 'http://localhost:5000')
  assert.equal(registryOrigin('127.0.0.1:5000'), 'https://127.0.0.1:5000')
  assert.equal(registryOrigin('myacr.azurecr.io'), 'https://myacr.azurecr.io')
})
