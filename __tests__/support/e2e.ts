// End-to-end harness: the local stack, the real notation CLI and the azure-kv stand-in packed as
// release archives and served over HTTP, and the committed bundle run as a runner runs it.
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { StackServer } from '../stack/http.ts'
import { startStack, type Stack, type StackOptions } from '../stack/stack.ts'
import {
  makeRunnerDirs,
  removeRunnerDirs,
  runAction,
  type ActionRun,
  type RunOptions,
  type RunnerDirs
} from './action.ts'
import { packAzureKvStandin, readAzureKvLog, type AzureKvCall } from './azure-kv.ts'
import type { Call } from './notation.ts'
import { packRealNotationArchive, readRealCalls, requireRealNotation } from './notation-bin.ts'

export interface E2E {
  stack: Stack
  dirs: RunnerDirs
  /** The server the archives are downloaded from (its `calls` log every download). */
  downloads: StackServer
  /** Inputs that install notation and the plugin from the local download server. */
  installInputs: Record<string, string>
  /** Inputs for the OIDC identity and the stack's vault. */
  azureInputs: Record<string, string>
  /** Which notation the action installs: `notation 1.3.2 (real, …)`. */
  notationLabel: string
  /**
   * Every notation run, oldest first. With the real CLI only what the logging wrapper sees
   * (argv, cwd, variable names, username, the files in NOTATION_CONFIG); exit code and output
   * are the action's to report.
   */
  notationCalls(): Call[]
  /** Every run of the azure-kv stand-in (through notation), oldest first. */
  pluginCalls(): AzureKvCall[]
  /** Runs the bundle's main step (and, with `post`, its post step) with the stack's env. */
  run(
    inputs: Record<string, string>,
    options?: {
      env?: Record<string, string>
      post?: boolean
      onSpawn?: RunOptions['onSpawn']
      /** When the run is killed (default 60 s). */
      timeoutMs?: number
    }
  ): Promise<ActionRun>
  /** Fresh runner folders (tool cache, temp) for the next run. */
  resetRunner(): Promise<void>
  stop(): Promise<void>
}

export interface E2EOptions extends StackOptions {
  /**
   * Always the real notation CLI (see support/notation-bin.ts; suites declared with `e2eDescribe`
   * skip when there is none). Kept as an option so that call sites can say so.
   */
  notation?: 'real'
  /**
   * Shell lines the packed wrapper runs before it becomes the real notation (see
   * packRealNotationArchive): e.g. to report another version. Say why where used.
   */
  notationPrelude?: readonly string[]
}

export async function startE2E(options: E2EOptions = {}): Promise<E2E> {
  // `notation` is always 'real'; the stack ignores it.
  const { notationPrelude = [], ...stackOptions } = options
  const real = await requireRealNotation()
  const stack = await startStack(stackOptions)
  const work = await mkdtemp(path.join(os.tmpdir(), 'akv-e2e-'))
  const realLogDir = path.join(work, 'notation-calls')
  const notation = await packRealNotationArchive(work, real, realLogDir, notationPrelude)
  const pluginLog = path.join(work, 'azure-kv-calls.jsonl')
  const plugin = await packAzureKvStandin(work, { env: { AZURE_KV_STANDIN_LOG: pluginLog } })
  const files = new Map([
    ['notation.tar.gz', await readFile(notation.file)],
    ['plugin.tar.gz', await readFile(plugin.file)]
  ])
  const downloads = new StackServer({
    name: 'downloads',
    routes: [
      {
        name: 'download',
        method: 'GET',
        path: /^\/(?<file>[^/]+)$/,
        handler: req => {
          const body = files.get(req.params['file'] ?? '')
          return body ? { status: 200, body } : { status: 404, body: 'not found' }
        }
      }
    ]
  })
  await downloads.listen()
  let dirs = await makeRunnerDirs()
  const installInputs = {
    'notation-url': `${downloads.origin}/notation.tar.gz`,
    'notation-checksum': notation.sha256,
    'plugin-url': `${downloads.origin}/plugin.tar.gz`,
    'plugin-checksum': plugin.sha256
  }
  const azureInputs: Record<string, string> = {
    'azure-client-id': stack.clientId,
    'azure-tenant-id': stack.tenantId,
    // The stack's env sets AZURE_AUTHORITY_HOST to its loopback Entra; the step names it as its own.
    'azure-authority-host': stack.authorityHost,
    'key-vault': stack.keyVault.url,
    // The stack's registry stands in for an ACR on 127.0.0.1: named as one, as a user would.
    ...(stack.hasRegistry ? { 'acr-registries': stack.registry.host } : {})
  }
  const e2e: E2E = {
    stack,
    downloads,
    get dirs() {
      return dirs
    },
    installInputs,
    azureInputs,
    notationLabel: real.label,
    notationCalls: () => readRealCalls(realLogDir),
    pluginCalls: () => readAzureKvLog(pluginLog),
    async run(inputs, runOptions = {}) {
      const env = { ...stack.env(), ...runOptions.env }
      const main = await runAction({
        inputs: { ...installInputs, ...inputs },
        dirs,
        env,
        ...(runOptions.onSpawn ? { onSpawn: runOptions.onSpawn } : {}),
        ...(runOptions.timeoutMs === undefined ? {} : { timeoutMs: runOptions.timeoutMs })
      })
      if (!runOptions.post) return main
      const post = await runAction({
        inputs: { ...installInputs, ...inputs },
        dirs,
        env,
        state: main.state
      })
      return { ...main, stdout: main.stdout + post.stdout, stderr: main.stderr + post.stderr }
    },
    async resetRunner() {
      await removeRunnerDirs(dirs)
      dirs = await makeRunnerDirs()
    },
    async stop() {
      await downloads.close()
      await removeRunnerDirs(dirs)
      await rm(work, { recursive: true, force: true })
      await stack.stop()
    }
  }
  return e2e
}
