// Installs and packs the azure-kv plugin stand-in (__tests__/fixtures/azure-kv/plugin.ts), and runs
// it by the plugin protocol for tests that talk to it directly.
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { readFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import * as tar from 'tar'

/** Absolute path of the stand-in's entry point. */
export const AZURE_KV_STANDIN_ENTRY = fileURLToPath(
  new URL('../fixtures/azure-kv/plugin.ts', import.meta.url)
)
export const AZURE_KV_PLUGIN_NAME = 'azure-kv'
export const AZURE_KV_EXECUTABLE = 'notation-azure-kv'
export const AZURE_KV_STANDIN_VERSION = '1.2.1'

export interface AzureKvStandinOptions {
  /** The version `get-plugin-metadata` reports (default 1.2.1). */
  version?: string
  /**
   * Environment defaults baked into the wrapper (e.g. AZURE_KV_STANDIN_LOG); a variable the caller
   * sets wins.
   */
  env?: Record<string, string>
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`
}

/**
 * The executable notation runs: a shell script exec-ing this Node (24, with type stripping) on the
 * stand-in. `--no-warnings` keeps Node's warnings off stderr, which notation parses as the error JSON.
 */
export function azureKvWrapperScript(options: AzureKvStandinOptions = {}): string {
  const env: Record<string, string> = { ...(options.env ?? {}) }
  if (options.version !== undefined) env.AZURE_KV_STANDIN_VERSION = options.version
  const lines = ['#!/bin/sh']
  for (const [name, value] of Object.entries(env)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`bad variable name: ${name}`)
    lines.push(`[ -n "\${${name}+x}" ] || ${name}=${shellQuote(value)}; export ${name}`)
  }
  lines.push(
    `exec ${shellQuote(process.execPath)} --no-warnings ${shellQuote(AZURE_KV_STANDIN_ENTRY)} "$@"`
  )
  return lines.join('\n') + '\n'
}

/**
 * Writes `<libexecDir>/plugins/azure-kv/notation-azure-kv` (mode 0755), where notation (with
 * NOTATION_LIBEXEC=<libexecDir>) looks for the plugin. Returns the executable's path.
 */
export async function installAzureKvStandin(
  libexecDir: string,
  options: AzureKvStandinOptions = {}
): Promise<string> {
  const dir = path.join(libexecDir, 'plugins', AZURE_KV_PLUGIN_NAME)
  await mkdir(dir, { recursive: true, mode: 0o700 })
  const file = path.join(dir, AZURE_KV_EXECUTABLE)
  await writeFile(file, azureKvWrapperScript(options), { mode: 0o755 })
  await chmod(file, 0o755)
  return file
}

export interface PackOptions extends AzureKvStandinOptions {
  os?: string
  arch?: string
}

export interface PackedPlugin {
  /** Absolute path of the archive. */
  file: string
  /** Its base name, as the release asset is named (`notation-azure-kv_1.2.1_linux_amd64.tar.gz`). */
  name: string
  /** Lowercase hex SHA-256 of the archive. */
  sha256: string
}

/**
 * Packs the stand-in like a release asset: a `.tar.gz` with `notation-azure-kv` (the wrapper,
 * 0755) and `LICENSE`, for `notation plugin install --file|--url … --sha256sum …` tests.
 */
export async function packAzureKvStandin(
  outDir: string,
  options: PackOptions = {}
): Promise<PackedPlugin> {
  const version = options.version ?? AZURE_KV_STANDIN_VERSION
  const name = `${AZURE_KV_EXECUTABLE}_${version}_${options.os ?? 'linux'}_${options.arch ?? 'amd64'}.tar.gz`
  await mkdir(outDir, { recursive: true })
  const staging = await mkdtemp(path.join(os.tmpdir(), 'azure-kv-pack-'))
  try {
    await writeFile(path.join(staging, AZURE_KV_EXECUTABLE), azureKvWrapperScript(options), {
      mode: 0o755
    })
    await chmod(path.join(staging, AZURE_KV_EXECUTABLE), 0o755)
    await writeFile(
      path.join(staging, 'LICENSE'),
      'MIT License\n\nTest stand-in for the Azure Key Vault notation plugin (not the real plugin).\n',
      { mode: 0o644 }
    )
    const file = path.join(path.resolve(outDir), name)
    await tar.create({ gzip: true, file, cwd: staging, portable: true }, [
      AZURE_KV_EXECUTABLE,
      'LICENSE'
    ])
    const sha256 = createHash('sha256')
      .update(await readFile(file))
      .digest('hex')
    return { file, name, sha256 }
  } finally {
    await rm(staging, { recursive: true, force: true })
  }
}

export interface PluginRun {
  code: number | null
  stdout: string
  stderr: string
  /** stdout parsed on success, stderr parsed on failure (undefined when not JSON). */
  json: Record<string, unknown> | undefined
}

/**
 * Runs an installed stand-in (or any plugin executable) as notation does: command as argument,
 * the request as one JSON line on stdin, with exactly the given environment.
 */
export async function runPlugin(
  executable: string,
  command: string,
  request: unknown,
  env: Record<string, string>
): Promise<PluginRun> {
  const child = spawn(executable, [command], { env, stdio: ['pipe', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
  child.stdin.end(request === undefined ? '' : JSON.stringify(request) + '\n')
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', c => resolve(c))
  })
  const text = code === 0 ? stdout : stderr
  let json: Record<string, unknown> | undefined
  try {
    json = JSON.parse(text) as Record<string, unknown>
  } catch {
    json = undefined
  }
  return { code, stdout, stderr, json }
}

/** One line of the AZURE_KV_STANDIN_LOG file. */
export interface AzureKvCall {
  command: string
  pluginConfigKeys?: string[]
  keyId?: string
  /** `credential_type` as asked (lowercased), or `default`. */
  credentialType?: string
  /** The credential that produced a token (for `default`, the chain member that did). */
  credentialUsed?: string
  /** Names (never values) of the credential, proxy and CA environment variables present. */
  env: string[]
  /** AZURE_AUTHORITY_HOST and AZURE_CLIENT_ID as the plugin got them. */
  authorityHost?: string
  clientId?: string
  /** `ok`, `help`, or the errorCode returned. */
  outcome?: string
  keySpec?: string
  signingAlgorithm?: string
  chainLength?: number
}

export function readAzureKvLog(file: string): AzureKvCall[] {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return []
  }
  return text
    .split('\n')
    .filter(line => line.trim() !== '')
    .map(line => JSON.parse(line) as AzureKvCall)
}
