// Runs the committed bundle as GitHub's runner does: a child process with INPUT_* variables and the
// GITHUB_* command files, then reads back outputs, exported env, PATH additions and saved state.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

export const ROOT = path.resolve(import.meta.dirname, '..', '..')
/** The main step's entry (action.yml `main:`). */
export const BUNDLE = path.join(ROOT, 'dist', 'index.js')
/** The post step's entry (action.yml `post:`). */
export const POST_BUNDLE = path.join(ROOT, 'dist', 'post.js')

export interface RunnerDirs {
  root: string
  temp: string
  toolCache: string
  workspace: string
}

export async function makeRunnerDirs(): Promise<RunnerDirs> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'akv-runner-'))
  const dirs = {
    root,
    temp: path.join(root, 'temp'),
    toolCache: path.join(root, 'toolcache'),
    workspace: path.join(root, 'workspace')
  }
  await Promise.all(
    [dirs.temp, dirs.toolCache, dirs.workspace].map(d => mkdir(d, { recursive: true }))
  )
  return dirs
}

export async function removeRunnerDirs(dirs: RunnerDirs): Promise<void> {
  await rm(dirs.root, { recursive: true, force: true })
}

export interface ActionRun {
  code: number | null
  stdout: string
  stderr: string
  outputs: Record<string, string>
  exportedEnv: Record<string, string>
  addedPaths: string[]
  state: Record<string, string>
  summary: string
  /** `::error::` lines the toolkit printed. */
  errors: string[]
}

/** Parses the GITHUB_OUTPUT/GITHUB_ENV/GITHUB_STATE heredoc format `name<<delim\nvalue\ndelim`. */
export function parseCommandFile(text: string): Record<string, string> {
  const result: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<=]+)<<(.+)$/.exec(lines[i] ?? '')
    if (m && m[1] !== undefined && m[2] !== undefined) {
      const end = lines.indexOf(m[2], i + 1)
      result[m[1]] = lines.slice(i + 1, end).join('\n')
      i = end
    } else {
      const eq = (lines[i] ?? '').indexOf('=')
      if (eq > 0) result[(lines[i] ?? '').slice(0, eq)] = (lines[i] ?? '').slice(eq + 1)
    }
  }
  return result
}

export interface RunOptions {
  inputs: Record<string, string>
  dirs: RunnerDirs
  env?: Record<string, string>
  /**
   * State saved by main: given, the post step runs (its own entry), with each key as `STATE_<key>`
   * applied after `env`, as the runner does.
   */
  state?: Record<string, string>
  timeoutMs?: number
  /** Called with the running child, e.g. to signal it as a runner does on cancel. */
  onSpawn?: (child: ChildProcess) => void
}

export async function runAction(options: RunOptions): Promise<ActionRun> {
  const files = await mkdtemp(path.join(options.dirs.root, 'step-'))
  const names = ['output', 'env', 'path', 'state', 'summary'] as const
  const paths = Object.fromEntries(names.map(n => [n, path.join(files, n)])) as Record<
    (typeof names)[number],
    string
  >
  await Promise.all(names.map(n => writeFile(paths[n], '')))
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '',
    HOME: process.env['HOME'] ?? os.homedir(),
    RUNNER_TEMP: options.dirs.temp,
    RUNNER_TOOL_CACHE: options.dirs.toolCache,
    GITHUB_WORKSPACE: options.dirs.workspace,
    GITHUB_OUTPUT: paths.output,
    GITHUB_ENV: paths.env,
    GITHUB_PATH: paths.path,
    GITHUB_STATE: paths.state,
    GITHUB_STEP_SUMMARY: paths.summary,
    GITHUB_ACTIONS: 'true',
    ...options.env
  }
  for (const [name, value] of Object.entries(options.inputs)) {
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  }
  for (const [name, value] of Object.entries(options.state ?? {})) env[`STATE_${name}`] = value

  const entry = options.state ? POST_BUNDLE : BUNDLE
  const child = spawn(process.execPath, [entry], { env, cwd: options.dirs.workspace })
  options.onSpawn?.(child)
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000)
  const code = await new Promise<number | null>(resolve => child.on('close', resolve))
  clearTimeout(timer)

  const read = async (file: string): Promise<string> => readFile(file, 'utf8')
  const summary = await read(paths.summary)
  return {
    code,
    stdout,
    stderr,
    outputs: parseCommandFile(await read(paths.output)),
    exportedEnv: parseCommandFile(await read(paths.env)),
    addedPaths: (await read(paths.path)).split('\n').filter(Boolean),
    state: parseCommandFile(await read(paths.state)),
    summary,
    errors: stdout
      .split('\n')
      .filter(l => l.startsWith('::error'))
      .map(l => l.replace(/^::error[^:]*::/, ''))
  }
}
