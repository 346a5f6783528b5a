import assert from 'node:assert/strict'
import { test } from 'node:test'
import { resolveSource, parseNotationVersion } from '../../src/install/install.ts'
import { detectPlatform } from '../../src/install/platform.ts'
import { NOTATION_CHECKSUMS, PLUGIN_CHECKSUMS, releaseUrl } from '../../src/install/releases.ts'

test('maps node platforms to release names', () => {
  assert.deepEqual(detectPlatform('linux', 'x64'), { os: 'linux', arch: 'amd64' })
  assert.deepEqual(detectPlatform('darwin', 'arm64'), { os: 'darwin', arch: 'arm64' })
  assert.deepEqual(detectPlatform('win32', 'x64'), { os: 'windows', arch: 'amd64' })
})

test('an unsupported platform is a clear error', () => {
  assert.throws(
    () => detectPlatform('freebsd', 'x64'),
    /Unsupported platform freebsd\/x64: notation and the azure-kv plugin are published for linux, darwin and windows on x64 and arm64/
  )
  assert.throws(() => detectPlatform('linux', 'ia32'), /Unsupported platform linux\/ia32/)
})

test('a platform a release was not built for names the way out', () => {
  assert.throws(
    () => resolveSource('notation', { version: '1.3.2' }, detectPlatform('win32', 'arm64')),
    /notation 1\.3\.2 is not published for windows\/arm64; give notation-url and notation-checksum/
  )
})

test('the pinned table covers every published platform of the default versions', () => {
  for (const table of [NOTATION_CHECKSUMS, PLUGIN_CHECKSUMS]) {
    for (const sums of Object.values(table)) {
      assert.deepEqual(Object.keys(sums).sort(), [
        'darwin_amd64',
        'darwin_arm64',
        'linux_amd64',
        'linux_arm64',
        'windows_amd64'
      ])
      for (const sum of Object.values(sums)) assert.match(sum ?? '', /^[0-9a-f]{64}$/)
    }
  }
})

test("release URLs follow the projects' asset names", () => {
  assert.equal(
    releaseUrl('notation', '1.3.2', { os: 'linux', arch: 'amd64' }),
    'https://github.com/notaryproject/notation/releases/download/v1.3.2/notation_1.3.2_linux_amd64.tar.gz'
  )
  assert.equal(
    releaseUrl('azure-kv', '1.2.1', { os: 'windows', arch: 'amd64' }),
    'https://github.com/Azure/notation-azure-kv/releases/download/v1.2.1/notation-azure-kv_1.2.1_windows_amd64.zip'
  )
  const custom = resolveSource(
    'notation',
    { version: '1.3.2', custom: { url: 'https://m/n', sha256: 'ab'.repeat(32) } },
    { os: 'linux', arch: 'amd64' }
  )
  assert.equal(
    custom.cacheVersion,
    '1.3.2-sha256-abababababab',
    'custom archives never share the pinned cache slot'
  )
})

test('parses notation version output', () => {
  assert.equal(
    parseNotationVersion('Notation - a tool\n\nVersion:     v1.3.2\nGo version:  go1.23\n'),
    '1.3.2'
  )
  assert.equal(parseNotationVersion('Version:     1.3.2\n'), '1.3.2')
  assert.equal(parseNotationVersion('nothing'), undefined)
})
