// Files named by inputs are read only from inside the workspace; files the action writes are
// written whole or not at all.
import { randomBytes } from 'node:crypto'
import { lstat, readFile, realpath, rename, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { InputError } from './errors.ts'

/**
 * Reads a file named by an input, relative to the workspace: refused when it resolves outside the
 * workspace (also through a symlinked folder), is itself a symlink, or is not a regular file.
 */
export async function readWorkspaceFile(
  input: string,
  file: string,
  workspace: string,
  maxBytes: number
): Promise<Buffer> {
  const root = await realpath(workspace).catch(() => {
    throw new InputError(input, `the workspace '${workspace}' does not exist.`)
  })
  const target = path.resolve(root, file)
  if (!isInside(root, target)) {
    throw new InputError(input, `'${file}' is outside the workspace; use a path inside it.`)
  }
  const info = await lstat(target).catch((error: NodeJS.ErrnoException) => {
    throw new InputError(
      input,
      error.code === 'ENOENT'
        ? `'${file}' does not exist in the workspace.`
        : `'${file}' can't be read: ${error.message}`
    )
  })
  if (info.isSymbolicLink()) {
    throw new InputError(input, `'${file}' is a symlink; name the file itself.`)
  }
  if (!info.isFile()) throw new InputError(input, `'${file}' is not a regular file.`)
  if (!isInside(root, await realpath(target))) {
    throw new InputError(input, `'${file}' resolves outside the workspace (a symlinked folder).`)
  }
  if (info.size > maxBytes) {
    throw new InputError(input, `'${file}' is ${info.size} bytes; at most ${maxBytes} are read.`)
  }
  return readFile(target)
}

function isInside(root: string, target: string): boolean {
  const relative = path.relative(root, target)
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative))
}

/** Temp file (0600, never an existing file) in the target's folder, then rename over the target. */
export async function writeAtomically(target: string, content: string | Buffer): Promise<void> {
  const temp = path.join(
    path.dirname(target),
    `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`
  )
  try {
    await writeFile(temp, content, { mode: 0o600, flag: 'wx' })
    await rename(temp, target)
  } catch (error) {
    await rm(temp, { force: true })
    throw error
  }
}
