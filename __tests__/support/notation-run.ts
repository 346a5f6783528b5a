// Running the real notation CLI directly (not through the action), with a configuration folder of
// the test's own and a private HOME and caches, so nothing of the user's notation is read.
import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

export interface NotationRun {
  code: number
  stdout: string
  stderr: string
}

export interface NotationRunOptions {
  /** NOTATION_CONFIG. */
  configDir: string
  /** NOTATION_LIBEXEC (plugins), when the call needs one. */
  libexecDir?: string
  /** Working directory and home of HOME/XDG folders (default: the config folder's parent). */
  cwd?: string
}

export function runRealNotation(
  binary: string,
  args: string[],
  options: NotationRunOptions
): Promise<NotationRun> {
  const cwd = options.cwd ?? path.dirname(options.configDir)
  return new Promise(resolve => {
    execFile(
      binary,
      args,
      {
        cwd,
        timeout: 60_000,
        env: {
          PATH: process.env['PATH'] ?? '',
          HOME: path.join(cwd, 'home'),
          XDG_CONFIG_HOME: path.join(cwd, 'xdg'),
          XDG_CACHE_HOME: path.join(cwd, 'cache'),
          NOTATION_CONFIG: options.configDir,
          ...(options.libexecDir ? { NOTATION_LIBEXEC: options.libexecDir } : {}),
          NOTATION_EXPERIMENTAL: '1'
        }
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1
        resolve({ code, stdout, stderr })
      }
    )
  })
}

/** `notation policy import --force` of this text into a fresh configuration: its verdict. */
export async function importPolicy(binary: string, text: string): Promise<NotationRun> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'notation-import-'))
  const file = path.join(dir, 'policy.json')
  await writeFile(file, text)
  await mkdir(path.join(dir, 'config'))
  try {
    return await runRealNotation(binary, ['policy', 'import', '--force', file], {
      configDir: path.join(dir, 'config'),
      cwd: dir
    })
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
