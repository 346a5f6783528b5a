// Builds release-like archives byte by byte, so tests control every entry (including hostile ones).
import { createHash } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { gzipSync, crc32 } from 'node:zlib'

export interface Entry {
  path: string
  /** Defaults to a regular file. */
  type?: 'file' | 'directory' | 'symlink' | 'hardlink'
  content?: string | Buffer
  mode?: number
  linkTarget?: string
}

const TAR_TYPE = { file: '0', hardlink: '1', symlink: '2', directory: '5' } as const

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0'
}

function tarHeader(entry: Entry, size: number): Buffer {
  const header = Buffer.alloc(512)
  header.write(entry.path, 0, 100, 'utf8')
  header.write(octal(entry.mode ?? (entry.type === 'directory' ? 0o755 : 0o755), 8), 100)
  header.write(octal(0, 8), 108)
  header.write(octal(0, 8), 116)
  header.write(octal(size, 12), 124)
  header.write(octal(1_700_000_000, 12), 136)
  header.write('        ', 148) // checksum placeholder: eight spaces
  header.write(TAR_TYPE[entry.type ?? 'file'], 156)
  if (entry.linkTarget !== undefined) header.write(entry.linkTarget, 157, 100, 'utf8')
  header.write('ustar\0', 257)
  header.write('00', 263)
  let sum = 0
  for (const byte of header) sum += byte
  header.write(octal(sum, 7) + ' ', 148)
  return header
}

export function tarGz(entries: Entry[]): Buffer {
  const blocks: Buffer[] = []
  for (const entry of entries) {
    const body =
      entry.type === undefined || entry.type === 'file'
        ? Buffer.from(entry.content ?? '')
        : Buffer.alloc(0)
    blocks.push(
      tarHeader(entry, body.length),
      body,
      Buffer.alloc((512 - (body.length % 512)) % 512)
    )
  }
  blocks.push(Buffer.alloc(1024))
  return gzipSync(Buffer.concat(blocks))
}

/** A stored (uncompressed) zip; symlinks carry the unix S_IFLNK mode as real zips do. */
export function zip(entries: Entry[]): Buffer {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const entry of entries) {
    const name = Buffer.from(
      entry.type === 'directory' && !entry.path.endsWith('/') ? `${entry.path}/` : entry.path
    )
    const data = Buffer.from(
      entry.type === 'symlink' ? (entry.linkTarget ?? '') : (entry.content ?? '')
    )
    const crc = crc32(data)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(data.length, 18)
    local.writeUInt32LE(data.length, 22)
    local.writeUInt16LE(name.length, 26)
    locals.push(local, name, data)
    const mode =
      entry.type === 'symlink' ? 0o120777 : entry.type === 'directory' ? 0o040755 : 0o100755
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE((3 << 8) | 20, 4) // made by unix
    central.writeUInt16LE(20, 6)
    central.writeUInt32LE(crc, 16)
    central.writeUInt32LE(data.length, 20)
    central.writeUInt32LE(data.length, 24)
    central.writeUInt16LE(name.length, 28)
    central.writeUInt32LE((mode << 16) >>> 0, 38)
    central.writeUInt32LE(offset, 42)
    centrals.push(central, name)
    offset += local.length + name.length + data.length
  }
  const centralSize = centrals.reduce((n, b) => n + b.length, 0)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(entries.length, 8)
  end.writeUInt16LE(entries.length, 10)
  end.writeUInt32LE(centralSize, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, ...centrals, end])
}

/** A shell script that answers `version` the way notation 1.x prints it. */
export function fakeNotation(version: string): string {
  return [
    '#!/bin/sh',
    'if [ "$1" = "version" ]; then',
    `  printf 'Notation - a tool to sign and verify artifacts.\\n\\nVersion:     %s\\nGo version:  go1.23.8\\nOS/Arch:     linux/amd64\\n' '${version}'`,
    '  exit 0',
    'fi',
    'echo "Error: this test binary only answers version" >&2',
    'exit 1',
    ''
  ].join('\n')
}

export function fakePlugin(): string {
  return '#!/bin/sh\necho \'{"name":"azure-kv","version":"1.2.1"}\'\n'
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex')
}

export async function writeArchive(
  file: string,
  data: Buffer
): Promise<{ file: string; sha256: string }> {
  await writeFile(file, data)
  return { file, sha256: sha256(data) }
}
