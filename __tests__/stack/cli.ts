// `npm run stack`: the whole local stack in the foreground. Prints the environment a local run
// needs as KEY=value lines on stdout (notes go to stderr): the stack's endpoints and test CA, and
// ready-to-use INPUT_* and runner lines, so that saved as `.env` they let `npm run local-action`
// sign and verify the seeded image with no edits and no network beyond loopback. It seeds a signing
// certificate and a sample image, serves the real notation CLI and the azure-kv plugin stand-in as
// release archives on loopback, and stays up until SIGINT/SIGTERM, then tears everything down.
//
//   npm run stack > .env                         # or: node __tests__/stack/cli.ts --no-registry
//   options: --no-registry  --client-secret (adds AZURE_CLIENT_SECRET)
//
// Notation is found as the tests find it (support/notation-bin.ts): NOTATION_BIN, the shared test
// build, or the official release downloaded once by its pinned checksum into a cache. With none of
// them (offline on first use, or NOTATION_TESTS_OFFLINE set with no local copy) the stack does not
// start and says how to name one: there is no stand-in to fall back on.
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { packAzureKvStandin } from '../support/azure-kv.ts'
import { packRealNotationArchive, realNotation } from '../support/notation-bin.ts'
import { startStack, type Stack } from './stack.ts'

const { values } = parseArgs({
  options: {
    'no-registry': { type: 'boolean', default: false },
    'client-secret': { type: 'boolean', default: false },
    certificate: { type: 'string', default: 'wabbit-networks-io' }
  }
})

const note = (line: string) => process.stderr.write(`${line}\n`)

// Before anything starts: without a notation a local run cannot sign, so the stack is of no use.
// A NOTATION_BIN that does not run is an error there; here it is one more reason to name.
const found = await realNotation().catch((error: Error) => error.message)
if (typeof found === 'string') {
  note(`stack: no notation to serve: ${found}`)
  note(
    'stack: set NOTATION_BIN to a notation executable, or run once with network access ' +
      '(the official release is downloaded by its pinned checksum and cached)'
  )
  process.exit(2)
}
const notationFound = found

/**
 * The real notation and the azure-kv plugin stand-in packed as release archives, served by the
 * stack over HTTPS on loopback (the action's custom-URL install path), with the inputs that install
 * them.
 */
async function serveArchives(stack: Stack, dir: string): Promise<Record<string, string>> {
  const notation = await packRealNotationArchive(
    dir,
    notationFound,
    path.join(dir, 'notation-calls')
  )
  note(`stack: serving ${notationFound.label}`)
  const plugin = await packAzureKvStandin(dir)
  const files = new Map([
    ['notation.tar.gz', await readFile(notation.file)],
    ['notation-azure-kv.tar.gz', await readFile(plugin.file)]
  ])
  const downloads = await stack.serve('downloads', [
    {
      name: 'download',
      method: 'GET',
      path: /^\/(?<file>[^/]+)$/,
      handler: req => {
        const body = files.get(req.params['file'] ?? '')
        return body ? { status: 200, body } : { status: 404, body: 'not found' }
      }
    }
  ])
  return {
    'INPUT_NOTATION-URL': `${downloads.origin}/notation.tar.gz`,
    'INPUT_NOTATION-CHECKSUM': notation.sha256,
    'INPUT_PLUGIN-URL': `${downloads.origin}/notation-azure-kv.tar.gz`,
    'INPUT_PLUGIN-CHECKSUM': plugin.sha256
  }
}

/** The runner's folders and files for a local run, inside the stack's temp dir. */
async function runnerEnv(dir: string): Promise<Record<string, string>> {
  const env = {
    RUNNER_TEMP: path.join(dir, 'runner', 'temp'),
    RUNNER_TOOL_CACHE: path.join(dir, 'runner', 'toolcache'),
    GITHUB_WORKSPACE: path.join(dir, 'workspace')
  }
  for (const folder of Object.values(env)) await mkdir(folder, { recursive: true })
  const summary = path.join(dir, 'step-summary.md')
  await writeFile(summary, '')
  return { ...env, GITHUB_STEP_SUMMARY: summary }
}

const stack = await startStack({ registry: !values['no-registry'] })
let stopping = false
const stop = async (signal: string) => {
  if (stopping) return
  stopping = true
  note(`stack: ${signal}, stopping`)
  try {
    await stack.stop()
    process.exit(signal === 'error' ? 1 : 0)
  } catch (error) {
    note(`stack: stop failed: ${(error as Error).message}`)
    process.exit(1)
  }
}
process.on('SIGINT', () => void stop('SIGINT'))
process.on('SIGTERM', () => void stop('SIGTERM'))

try {
  const env: Record<string, string> = stack.env({ clientSecret: values['client-secret'] })
  const certificate = values.certificate
  const seeded = await stack.keyVault.vault.seedSelfSigned(certificate, {
    subject: 'CN=wabbit-networks.io,O=Notation,L=Seattle,ST=WA,C=US'
  })
  // The stack's Entra is on loopback: a local run names it as its own authority.
  env['INPUT_AZURE-AUTHORITY-HOST'] = stack.authorityHost
  env.STACK_CERTIFICATE = certificate
  env.STACK_KEY_ID = seeded.kid
  // A local run (npm run local-action): the stack's identity, vault and certificate as inputs.
  env.INPUT_COMMAND = 'sign verify'
  env['INPUT_AZURE-CLIENT-ID'] = stack.clientId
  env['INPUT_AZURE-TENANT-ID'] = stack.tenantId
  env['INPUT_KEY-VAULT'] = stack.keyVault.url
  env.INPUT_CERTIFICATE = certificate
  if (stack.hasRegistry) {
    const image = await stack.registry.pushImage('net-monitor', { tag: 'v1' })
    env.STACK_IMAGE = image.reference
    // The stack's registry stands in for an ACR on loopback: a local run names it as one.
    env['INPUT_ACR-REGISTRIES'] = stack.registry.host
    // By tag, as a workflow names it: the action resolves it to the digest it signs.
    env.INPUT_IMAGES = `${stack.registry.host}/net-monitor:v1`
  }
  Object.assign(env, await serveArchives(stack, path.join(stack.dir, 'downloads')))
  Object.assign(env, await runnerEnv(path.join(stack.dir, 'local-run')))
  for (const [key, value] of Object.entries(env)) process.stdout.write(`${key}=${value}\n`)
  note(`stack: up (temp dir ${stack.dir}); Ctrl-C to stop`)
  for (const server of stack.servers) note(`stack:   ${server.name.padEnd(20)} ${server.origin}`)
  note('stack: faults and call logs: POST/DELETE <origin>/_stack/faults, GET <origin>/_stack/calls')
  note('stack: saved as .env, `npm run local-action` signs and verifies INPUT_IMAGES')
} catch (error) {
  note(`stack: setup failed: ${(error as Error).message}`)
  await stop('error')
}

// Stay up until a signal arrives, or until the parent goes away: `npm run` wraps node in `sh -c`,
// and a SIGTERM to npm ends that shell without reaching node, which would orphan the registry.
const parent = process.ppid
setInterval(() => {
  if (process.ppid !== parent) void stop('parent exited')
}, 500)
