// `npm run stack`: the whole local stack in the foreground. Prints the environment a local run
// needs as KEY=value lines on stdout (notes go to stderr), seeds a signing certificate and a sample
// image, and stays up until SIGINT/SIGTERM, then tears everything down.
//
//   npm run stack --silent > .env.stack          # or: node __tests__/stack/cli.ts --no-registry
//   options: --no-registry  --client-secret (adds AZURE_CLIENT_SECRET)
import { parseArgs } from 'node:util'
import { startStack } from './stack.ts'

const { values } = parseArgs({
  options: {
    'no-registry': { type: 'boolean', default: false },
    'client-secret': { type: 'boolean', default: false },
    certificate: { type: 'string', default: 'wabbit-networks-io' }
  }
})

const note = (line: string) => process.stderr.write(`${line}\n`)

const stack = await startStack({ registry: !values['no-registry'] })
let stopping = false
const stop = async (signal: string) => {
  if (stopping) return
  stopping = true
  note(`stack: ${signal}, stopping`)
  try {
    await stack.stop()
    process.exit(0)
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
  if (stack.hasRegistry) {
    const image = await stack.registry.pushImage('net-monitor', { tag: 'v1' })
    env.STACK_IMAGE = image.reference
    // The stack's registry stands in for an ACR on loopback: a local run names it as one.
    env['INPUT_ACR-REGISTRIES'] = stack.registry.host
  }
  for (const [key, value] of Object.entries(env)) process.stdout.write(`${key}=${value}\n`)
  note(`stack: up (temp dir ${stack.dir}); Ctrl-C to stop`)
  for (const server of stack.servers) note(`stack:   ${server.name.padEnd(20)} ${server.origin}`)
  note('stack: faults and call logs: POST/DELETE <origin>/_stack/faults, GET <origin>/_stack/calls')
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
