// Extracts release archives (tar.gz, zip) only after every entry was checked: an entry whose path
// or link target would land outside the target folder, or that is not a plain file or folder, makes
// the whole archive fail before anything is written.
import { createWriteStream } from 'node:fs'
import { chmod, mkdir } from 'node:fs/promises'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import type yauzl from 'yauzl'
import { ActionError } from '../util/errors.ts'

export interface ArchiveEntry {
  path: string
  type: 'file' | 'directory' | 'symlink' | 'hardlink' | 'other'
  linkTarget?: string
}

/** Why an entry is unsafe to extract, or undefined when it is fine. Pure; tested on its own. */
export function unsafeEntryReason(entry: ArchiveEntry): string | undefined {
  const name = entry.path.replace(/\\/g, '/')
  if (name === '' || name.includes('\0')) return 'has an empty or invalid name'
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return 'has an absolute path'
  const normalized = path.posix.normalize(name)
  if (normalized === '..' || normalized.startsWith('../') || name.split('/').includes('..')) {
    return 'escapes the target folder (..)'
  }
  if (entry.type === 'other') return 'is not a regular file or folder'
  if (entry.type === 'symlink' || entry.type === 'hardlink') {
    const target = (entry.linkTarget ?? '').replace(/\\/g, '/')
    if (target === '' || target.startsWith('/') || /^[A-Za-z]:/.test(target)) {
      return `is a link to an absolute path (${target || 'empty'})`
    }
    // Symlinks resolve from their own folder; hard links from the archive root.
    const base = entry.type === 'symlink' ? path.posix.dirname(normalized) : '.'
    const resolved = path.posix.normalize(path.posix.join(base, target))
    if (resolved === '..' || resolved.startsWith('../'))
      return `is a link pointing outside the target folder (${target})`
  }
  return undefined
}

function assertSafe(label: string, entries: ArchiveEntry[]): void {
  for (const entry of entries) {
    const reason = unsafeEntryReason(entry)
    if (reason !== undefined) {
      throw new ActionError(`Refusing to extract ${label}: entry '${entry.path}' ${reason}.`)
    }
  }
}

function tarType(type: string): ArchiveEntry['type'] {
  switch (type) {
    case 'File':
    case 'OldFile':
    case 'ContiguousFile':
      return 'file'
    case 'Directory':
      return 'directory'
    case 'SymbolicLink':
      return 'symlink'
    case 'Link':
      return 'hardlink'
    default:
      return 'other'
  }
}

export async function listTarGz(
  file: string,
  label = path.basename(file)
): Promise<ArchiveEntry[]> {
  const entries: ArchiveEntry[] = []
  // Loaded on first use: a warm setup never extracts anything.
  const tar = await import('tar')
  try {
    await tar.t({
      file,
      strict: true,
      onReadEntry: entry => {
        // pax/gnu extended headers are folded into the entry by tar; skip metadata-only records.
        if (
          [
            'ExtendedHeader',
            'GlobalExtendedHeader',
            'NextFileHasLongPath',
            'NextFileHasLongLinkpath'
          ].includes(entry.type)
        ) {
          return
        }
        entries.push({
          path: entry.path,
          type: tarType(entry.type),
          ...(entry.linkpath ? { linkTarget: entry.linkpath } : {})
        })
      }
    })
  } catch (error) {
    throw new ActionError(`${label} is not a readable tar.gz archive: ${(error as Error).message}`)
  }
  return entries
}

async function extractTarGz(file: string, dest: string, label: string): Promise<void> {
  assertSafe(label, await listTarGz(file, label))
  const tar = await import('tar')
  await tar.x({ file, cwd: dest, strict: true, preservePaths: false, noChmod: false })
}

async function openZip(file: string): Promise<yauzl.ZipFile> {
  const { default: yauzl } = await import('yauzl')
  return new Promise((resolve, reject) => {
    yauzl.open(
      file,
      { lazyEntries: true, validateEntrySizes: true, strictFileNames: false },
      (error, zip) => (error ? reject(error) : resolve(zip))
    )
  })
}

/** Walks a zip's central directory; `onEntry` runs one entry at a time. */
async function walkZip(
  file: string,
  onEntry: (zip: yauzl.ZipFile, entry: yauzl.Entry) => Promise<void>
): Promise<void> {
  const zip = await openZip(file)
  await new Promise<void>((resolve, reject) => {
    zip.on('error', reject)
    zip.on('end', resolve)
    zip.on('entry', (entry: yauzl.Entry) => {
      onEntry(zip, entry).then(
        () => zip.readEntry(),
        error => {
          zip.close()
          reject(error)
        }
      )
    })
    zip.readEntry()
  })
}

function zipType(entry: yauzl.Entry): ArchiveEntry['type'] {
  const unixMode = (entry.externalFileAttributes >>> 16) & 0o170000
  if (unixMode === 0o120000) return 'symlink'
  if (entry.fileName.endsWith('/')) return 'directory'
  if (unixMode === 0 || unixMode === 0o100000) return 'file'
  return 'other'
}

export async function listZip(file: string, label = path.basename(file)): Promise<ArchiveEntry[]> {
  const entries: ArchiveEntry[] = []
  try {
    await walkZip(file, async (_zip, entry) => {
      entries.push({ path: entry.fileName, type: zipType(entry) })
    })
  } catch (error) {
    throw new ActionError(`${label} is not a readable zip archive: ${(error as Error).message}`)
  }
  return entries
}

async function extractZip(file: string, dest: string, label: string): Promise<void> {
  assertSafe(label, await listZip(file, label))
  await walkZip(file, async (zip, entry) => {
    const target = path.join(dest, entry.fileName)
    if (zipType(entry) === 'directory') {
      await mkdir(target, { recursive: true })
      return
    }
    await mkdir(path.dirname(target), { recursive: true })
    const stream = await new Promise<NodeJS.ReadableStream>((resolve, reject) =>
      zip.openReadStream(entry, (error, s) => (error ? reject(error) : resolve(s)))
    )
    await pipeline(stream, createWriteStream(target, { mode: 0o755 }))
    await chmod(target, 0o755)
  })
}

/** Extracts into `dest` (which must exist), refusing unsafe archives before writing anything. */
export async function extractArchive(
  file: string,
  dest: string,
  kind: 'zip' | 'tar.gz',
  label = path.basename(file)
): Promise<void> {
  if (kind === 'zip') await extractZip(file, dest, label)
  else await extractTarGz(file, dest, label)
}
