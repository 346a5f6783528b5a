// `npm run local-action [env file]`: runs the action's main step (src/main.ts) with
// @github/local-action and the inputs and environment of an env file (default `.env`, e.g. saved
// from `npm run -s stack`). Two things local-action does not do on its own:
// - NODE_EXTRA_CA_CERTS from the file takes effect: Node reads it only at start-up, so it must be in
//   the environment local-action starts with, not loaded later from the file;
// - the exit code says whether the action failed (local-action exits 0 either way).
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import path from 'node:path'

const ROOT = path.resolve(import.meta.dirname, '..')
// What local-action's own bin (bin/local-action.js) runs, without its `npm exec` layer and the dump
// of the child-process error it prints when the action fails.
const LOCAL_ACTION = path.join(ROOT, 'node_modules', '@github', 'local-action', 'src', 'index.ts')
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx')
const ENTRY = path.join('scripts', 'local-action-entry.ts')
/** Read from the file before start-up; everything else local-action loads from the file itself. */
const AT_START_UP = ['NODE_EXTRA_CA_CERTS'] as const

/** KEY=value lines as dotenv reads them (comments, blank and other lines skipped, quotes removed). */
function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {}
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([\w.-]+)\s*=\s*(.*?)\s*$/.exec(line)
    if (!match) continue
    let value = match[2]!
    const quoted = /^(['"`])(.*)\1$/.exec(value)
    if (quoted) value = quoted[2]!
    else value = value.replace(/\s+#.*$/, '')
    env[match[1]!] = value
  }
  return env
}

const envFile = path.resolve(process.argv[2] ?? '.env')
if (!existsSync(envFile)) {
  process.stderr.write(
    `local-action: ${envFile} does not exist. Start the local stack with \`npm run stack > .env\` ` +
      '(and leave it running), or copy .env.example to .env and fill it in.\n'
  )
  process.exit(2)
}
const fromFile = parseEnvFile(readFileSync(envFile, 'utf8'))
const env: NodeJS.ProcessEnv = {
  ...process.env,
  // tsx and what it starts run on the project's Node 24 (node_modules/.bin/node).
  PATH: [path.join(ROOT, 'node_modules', '.bin'), process.env['PATH'] ?? ''].join(path.delimiter)
}
// local-action runs in the project folder: relative paths in the file are relative to it.
for (const name of AT_START_UP) {
  const value = fromFile[name]
  if (!value) continue
  env[name] = path.resolve(ROOT, value)
  if (!existsSync(env[name])) {
    // Typically a .env from `npm run stack` whose stack has stopped (it removes its temp dir).
    process.stderr.write(
      `local-action: ${name} in ${envFile} names ${env[name]}, which does not exist. ` +
        'If `npm run stack` wrote this file, that stack has stopped: start it again.\n'
    )
    process.exit(2)
  }
}
// The summary is written last, even after a failure before the action made any folder.
const summary = fromFile['GITHUB_STEP_SUMMARY']
if (summary) mkdirSync(path.dirname(path.resolve(ROOT, summary)), { recursive: true })

// The environment local-action's bin sets for it: the action folder and its package manager.
env['TARGET_ACTION_PATH'] = ROOT
env['NODE_PACKAGE_MANAGER'] = 'npm'
env['NODE_NO_WARNINGS'] = '1'

const child = spawn(TSX, [LOCAL_ACTION, '--', 'run', ROOT, ENTRY, envFile], {
  cwd: ROOT,
  env,
  stdio: 'inherit'
})
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => child.kill(signal))
}
child.on('close', (code, signal) => {
  if (code !== 0) process.stderr.write(`local-action: the action failed (exit ${code ?? signal})\n`)
  process.exit(code ?? 1)
})
