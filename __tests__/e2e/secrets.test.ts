// No secret leaks, end to end: every command of the committed bundle runs against the stack (setup;
// build sign verify from a local context; sign; verify; OIDC, and the client secret from the
// environment), main and post. Then everything a person or a later step could read is searched for
// every secret the stack issued: stdout and stderr, the job summary, saved state, outputs, exported
// env and PATH, and every file left in RUNNER_TEMP, the tool cache and the workspace. stdout and
// stderr are read as the runner reads them (support/runner-commands.ts): a `::add-mask::` line it
// acts on is consumed, not printed, so its value does not count; one inside a stop-commands window
// is printed in the clear and never registered, so it counts like any other text. A control plants
// known secrets (one in such a window) and must find each of them. Figures go to
// .tmp/reliability/secrets.json.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { lstat, mkdir, readFile, readdir, readlink, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { after, before, test } from 'node:test'
import { ACR_TOKEN_USERNAME } from '../stack/acr.ts'
import { ROOT, runAction, type ActionRun } from '../support/action.ts'
import { readAsRunner } from '../support/runner-commands.ts'
import { startE2E, type E2E } from '../support/e2e.ts'
import { e2eDescribe } from '../support/stack-env.ts'

const SUBJECT = 'CN=wabbit-networks.io,O=Notation,L=Seattle,ST=WA,C=US'
const CA_SUBJECT = 'CN=ca-issued.wabbit-networks.io,O=Notation,L=Seattle,ST=WA,C=US'
const RESULT_FILE = path.join(ROOT, '.tmp', 'reliability', 'secrets.json')

interface Secret {
  kind: string
  value: string
}

/** One searchable form of a secret: the value, or a form it could be written in. */
interface Needle {
  kind: string
  variant: 'value' | 'jwt-signature' | 'base64' | 'basic-auth'
  text: string
}

interface Hit {
  place: string
  kind: string
  variant: Needle['variant']
  /** Where in the text, and the line around it with the secret cut out. */
  offset: number
  context: string
}

/** Every form of every secret worth looking for; forms shorter than 16 characters are left out. */
function needlesOf(secrets: Secret[]): Needle[] {
  const needles: Needle[] = []
  const add = (kind: string, variant: Needle['variant'], text: string): void => {
    if (text.length >= 16 && !needles.some(n => n.text === text)) {
      needles.push({ kind, variant, text })
    }
  }
  const base64 = (s: string): string => {
    // Only whole 4-character groups: the encoding of the value wherever it starts on a boundary.
    const b = Buffer.from(s).toString('base64').replace(/=+$/, '')
    return b.slice(0, b.length - (b.length % 4))
  }
  for (const { kind, value } of secrets) {
    add(kind, 'value', value)
    const parts = value.split('.')
    if (parts.length === 3 && parts.every(p => /^[\w-]+$/.test(p))) {
      add(kind, 'jwt-signature', parts[2]!)
    }
    add(kind, 'base64', base64(value))
    add(kind, 'basic-auth', base64(`${ACR_TOKEN_USERNAME}:${value}`))
  }
  return needles
}

/** Each line the runner reads (split at CRLF, CR, LF) with its offset in `text`. */
function runnerLinesAt(text: string): { line: string; offset: number }[] {
  const out: { line: string; offset: number }[] = []
  let start = 0
  for (const m of text.matchAll(/\r\n|\r|\n/g)) {
    out.push({ line: text.slice(start, m.index), offset: start })
    start = m.index + m[0].length
  }
  if (start < text.length) out.push({ line: text.slice(start), offset: start })
  return out
}

/**
 * Hits of `needles` in `text`. With `log`, the text is read as the runner reads a step's output: the
 * `::add-mask::` lines it registers are consumed (not printed); every other line is text.
 */
function scanText(place: string, text: string, needles: Needle[], log = false): Hit[] {
  const hits: Hit[] = []
  const reading = log ? readAsRunner(text) : undefined
  const registersMask = new Set(
    reading?.commands.filter(c => c.name.toLowerCase() === 'add-mask').map(c => c.line)
  )
  const lines = log ? runnerLinesAt(text) : [{ line: text, offset: 0 }]
  lines.forEach(({ line, offset: base }, index) => {
    if (!registersMask.has(index)) {
      for (const needle of needles) {
        for (let at = line.indexOf(needle.text); at >= 0; at = line.indexOf(needle.text, at + 1)) {
          // The line around the hit, with every secret in it cut out (the report is a file too).
          const context = needles.reduce(
            (c, n) => c.replaceAll(n.text, `<${n.kind}>`),
            line.slice(Math.max(0, at - 80), at + needle.text.length + 80)
          )
          hits.push({
            place,
            kind: needle.kind,
            variant: needle.variant,
            offset: base + at,
            context
          })
        }
      }
    }
  })
  return hits
}

/** Every file under `root`, symlinks included (not followed). */
async function filesUnder(root: string): Promise<string[]> {
  const out: string[] = []
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name)
      if (entry.isDirectory()) await walk(full)
      else out.push(full)
    }
  }
  await walk(root)
  return out.sort()
}

interface Scan {
  places: string[]
  files: number
  bytes: number
  hits: Hit[]
}

/** Scans a run's streams and command files (`runs`) and every file under the runner folders. */
async function scanAll(
  runs: { name: string; run: ActionRun }[],
  roots: Record<string, string>,
  needles: Needle[],
  prefix = ''
): Promise<Scan> {
  const scan: Scan = { places: [], files: 0, bytes: 0, hits: [] }
  const text = (place: string, value: string, log = false): void => {
    scan.places.push(place)
    scan.bytes += Buffer.byteLength(value)
    scan.hits.push(...scanText(place, value, needles, log))
  }
  for (const { name, run } of runs) {
    text(`${name}: stdout`, run.stdout, true)
    text(`${name}: stderr`, run.stderr, true)
    text(`${name}: job summary`, run.summary)
    text(`${name}: saved state`, JSON.stringify(run.state))
    text(`${name}: outputs`, JSON.stringify(run.outputs))
    text(`${name}: exported env`, JSON.stringify(run.exportedEnv))
    text(`${name}: PATH additions`, run.addedPaths.join('\n'))
  }
  for (const [label, root] of Object.entries(roots)) {
    for (const file of await filesUnder(root)) {
      const info = await lstat(file)
      const content = info.isSymbolicLink() ? await readlink(file) : await readFile(file, 'latin1')
      text(`${prefix}${label}/${path.relative(root, file)}`, content)
      scan.files++
    }
  }
  return scan
}

e2eDescribe('no secret leaks: every command end to end', () => {
  let e2e: E2E
  /** Every run's streams and command files, main and post. */
  const runs: { name: string; run: ActionRun }[] = []
  /** Scans of the runner folders between a main step and its post: what later steps could read. */
  const between: Scan[] = []
  /** Secrets the test hands the action itself (not issued by the stack). */
  const userSecrets: Secret[] = [
    { kind: 'build-secret-arg', value: `bsa-${randomBytes(18).toString('base64url')}` }
  ]
  let privateKeys: Secret[] = []
  const result: Record<string, unknown> = {}

  before(async () => {
    e2e = await startE2E()
    const vault = e2e.stack.keyVault.vault
    const selfSigned = await vault.seedSelfSigned('wabbit-networks-io', { subject: SUBJECT })
    const caIssued = await vault.seedCaIssued('ca-issued', { subject: CA_SUBJECT })
    // The signing keys never leave the vault: a line of each key's PEM body must appear nowhere.
    privateKeys = [selfSigned, caIssued].map(s => ({
      kind: 'key-vault-private-key',
      value: s.leaf.keyPem.split('\n')[3] ?? ''
    }))
    const app = path.join(e2e.dirs.workspace, 'app')
    await mkdir(app, { recursive: true })
    await writeFile(path.join(app, 'Dockerfile'), 'FROM scratch\nCOPY main.txt /\n')
    await writeFile(path.join(app, 'main.txt'), 'hello\n')
  })
  after(async () => {
    await e2e?.stop()
    await mkdir(path.dirname(RESULT_FILE), { recursive: true })
    await writeFile(RESULT_FILE, `${JSON.stringify(result, null, 2)}\n`)
  })

  const runnerRoots = (): Record<string, string> => ({
    RUNNER_TEMP: e2e.dirs.temp,
    RUNNER_TOOL_CACHE: e2e.dirs.toolCache,
    GITHUB_WORKSPACE: e2e.dirs.workspace
  })

  /** Runs main, scans the runner folders with every secret issued so far, then runs post. */
  async function step(
    name: string,
    inputs: Record<string, string>,
    env: Record<string, string> = {}
  ): Promise<ActionRun> {
    const main = await e2e.run(inputs, { env })
    assert.equal(main.code, 0, `${name}:\n${main.stdout}${main.stderr}`)
    between.push(await scanAll([], runnerRoots(), needlesOf(allSecrets()), `after ${name} main: `))
    const post = await runAction({
      inputs: { ...e2e.installInputs, ...inputs },
      dirs: e2e.dirs,
      env: { ...e2e.stack.env(), ...env },
      state: main.state
    })
    assert.equal(post.code, 0, `${name} post:\n${post.stdout}${post.stderr}`)
    runs.push({ name, run: main }, { name: `${name} post`, run: post })
    return main
  }

  const allSecrets = (): Secret[] => [...e2e.stack.issuedSecrets(), ...userSecrets, ...privateKeys]

  test('every command runs', async () => {
    const { stack } = e2e
    const host = stack.registry.host
    const oidc = { ...e2e.azureInputs, 'azure-credential': 'oidc' }

    await step('setup', { command: 'setup' })

    const built = await step('build sign verify (oidc)', {
      ...oidc,
      command: 'build sign verify',
      certificate: 'wabbit-networks-io',
      images: `${host}/built/app:v1`,
      'build-context': 'app',
      'build-secret-args': `NPM_TOKEN=${userSecrets[0]!.value}`,
      'azure-subscription-id': stack.arm.subscriptionId,
      'resource-group': stack.arm.resourceGroup
    })
    assert.match(built.outputs['digest'] ?? '', /^sha256:/)
    assert.equal(JSON.parse(built.outputs['images'] ?? '[]')[0]?.verified, true)
    assert.ok(stack.arm.issuedSasSignatures.length >= 2, 'upload and log links were issued')

    const pushed = await stack.registry.pushImage('net-monitor', { tag: 'v1' })
    const reference = `${host}/net-monitor@${pushed.digest}`
    const signed = await step('sign (oidc, CA-issued certificate)', {
      ...oidc,
      command: 'sign',
      certificate: 'ca-issued',
      images: `${host}/net-monitor:v1`
    })
    assert.equal(JSON.parse(signed.outputs['images'] ?? '[]')[0]?.signed, true)
    const sign = e2e.notationCalls().findLast(c => c.argv[0] === 'sign')
    assert.ok(
      sign?.argv.some(a => a.startsWith('--plugin-config=ca_certs=')),
      'a CA chain file'
    )
    assert.equal(sign?.env['AZURE_FEDERATED_TOKEN_FILE'], true, 'an OIDC token file')

    const verified = await step('verify (oidc, cleanup: false)', {
      ...oidc,
      command: 'verify',
      certificate: 'ca-issued',
      images: reference,
      cleanup: 'false'
    })
    assert.equal(JSON.parse(verified.outputs['images'] ?? '[]')[0]?.verified, true)

    const other = await stack.registry.pushImage('net-monitor', { tag: 'v2', content: 'v2' })
    const secretRun = await step(
      'sign verify (environment: client secret)',
      {
        ...e2e.azureInputs,
        'azure-credential': 'environment',
        command: 'sign verify',
        certificate: 'wabbit-networks-io',
        images: `${host}/net-monitor@${other.digest}`
      },
      { AZURE_CLIENT_SECRET: stack.clientSecret }
    )
    assert.equal(JSON.parse(secretRun.outputs['images'] ?? '[]')[0]?.verified, true)
    const plugin = e2e.notationCalls().findLast(c => c.argv[0] === 'sign')
    assert.ok(plugin?.argv.includes('--plugin-config=credential_type=environment'))
  })

  test('no secret the stack issued shows anywhere', async () => {
    assert.equal(runs.length, 10, 'every command ran, main and post')
    const secrets = allSecrets()
    const kinds = count(secrets.map(s => s.kind))
    // Each kind the flow must have produced is present: a scan of nothing would prove nothing.
    for (const kind of [
      'client-secret',
      'github-oidc-request-token',
      'github-oidc-token',
      'entra-access-token',
      'acr-refresh-token',
      'acr-access-token',
      'sas-signature'
    ]) {
      assert.ok((kinds[kind] ?? 0) > 0, `the stack issued a ${kind}`)
    }
    assert.ok(
      runs.some(r => r.run.stdout.includes('::add-mask::')),
      'the action announced masks'
    )
    const needles = needlesOf(secrets)
    const { root } = e2e.dirs
    const stepDirs = (await readdir(root)).filter(name => name.startsWith('step-'))
    assert.equal(stepDirs.length, runs.length, 'one set of command files per main and post')
    const final = await scanAll(
      runs,
      {
        ...runnerRoots(),
        ...Object.fromEntries(stepDirs.map(name => [`step files/${name}`, path.join(root, name)]))
      },
      needles
    )
    const notationLog = JSON.stringify(e2e.notationCalls())
    // notation's own output reaches the log through the action (scanned above); its call log holds
    // the arguments, working directory and variable names each run was given.
    final.places.push('notation call log (arguments, working directory, variable names)')
    final.bytes += Buffer.byteLength(notationLog)
    final.hits.push(...scanText('notation call log', notationLog, needles))
    // What cleanup: false left for later steps is among the files scanned.
    assert.ok(final.places.some(p => /^RUNNER_TEMP\/notation-akv-.*trustpolicy\.json$/.test(p)))

    const scans = [...between, final]
    const hits = scans.flatMap(s => s.hits)
    // A mask issued while commands are stopped is printed, never registered (issue 11, item 9).
    const masksInWindow = runs.flatMap(({ name, run }) =>
      [run.stdout, run.stderr].flatMap(text =>
        readAsRunner(text).masksInWindow.map(() => `${name}: a mask inside a stop-commands window`)
      )
    )
    Object.assign(result, {
      secretsIssued: kinds,
      secrets: secrets.length,
      formsSearched: needles.length,
      runs: runs.map(r => r.name),
      placesScanned: scans.reduce((n, s) => n + s.places.length, 0),
      filesScanned: scans.reduce((n, s) => n + s.files, 0),
      bytesScanned: scans.reduce((n, s) => n + s.bytes, 0),
      places: {
        streams: final.places.filter(p => / (stdout|stderr)$/.test(p)).length,
        commandFiles: stepDirs.length * 5,
        filesBetweenMainAndPost: between.reduce((n, s) => n + s.files, 0),
        filesAtEnd: final.files - stepDirs.length * 5
      },
      hitCount: hits.length,
      hits,
      masksInWindow: masksInWindow.length
    })
    assert.deepEqual(masksInWindow, [], 'every mask is issued while commands run')
    assert.deepEqual(hits, [], 'no secret in any output or file')
  })

  test('control: the scan finds planted secrets (and ignores registered mask lines)', async () => {
    const issued = e2e.stack.issuedSecrets()
    const refresh = issued.find(s => s.kind === 'acr-refresh-token')!
    const oidc = issued.find(s => s.kind === 'github-oidc-token')!
    const sas = issued.find(s => s.kind === 'sas-signature')!
    const needles = needlesOf([refresh, oidc, sas])
    // Planted where the real scan looks, and scanned by the same code.
    const plantDir = path.join(e2e.dirs.temp, 'planted')
    await mkdir(plantDir, { recursive: true })
    await writeFile(path.join(plantDir, 'token'), `token=${oidc.value}\n`)
    const auth = Buffer.from(`${ACR_TOKEN_USERNAME}:${refresh.value}`).toString('base64')
    await writeFile(path.join(plantDir, 'config.json'), JSON.stringify({ auths: { x: { auth } } }))
    await writeFile(path.join(plantDir, 'sig-only'), `…${oidc.value.split('.')[2]}…`)
    const planted: ActionRun = {
      code: 0,
      stdout:
        `::add-mask::${refresh.value}\nupload to https://x/blob?sig=${sas.value}\n` +
        // Read as the runner does: inside the window the mask is text, printed in the clear.
        `::stop-commands::planted-token\n::add-mask::${sas.value}\n::planted-token::\n`,
      stderr: '',
      outputs: {},
      exportedEnv: {},
      addedPaths: [],
      state: {},
      summary: '',
      errors: []
    }
    const scan = await scanAll([{ name: 'planted', run: planted }], runnerRoots(), needles)
    const found = scan.hits.map(h => `${h.place} ${h.kind} ${h.variant}`).sort()
    assert.deepEqual(found, [
      'RUNNER_TEMP/planted/config.json acr-refresh-token basic-auth',
      'RUNNER_TEMP/planted/sig-only github-oidc-token jwt-signature',
      'RUNNER_TEMP/planted/token github-oidc-token jwt-signature',
      'RUNNER_TEMP/planted/token github-oidc-token value',
      'planted: stdout sas-signature value',
      'planted: stdout sas-signature value'
    ])
    assert.ok(
      scan.hits.every(h => !h.context.includes(oidc.value)),
      'the report cuts secrets out'
    )
    result['control'] = { planted: 5, plantedInMaskLine: 1, plantedInStopWindow: 1, found }
  })
})

function count(values: string[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const v of values) out[v] = (out[v] ?? 0) + 1
  return out
}
