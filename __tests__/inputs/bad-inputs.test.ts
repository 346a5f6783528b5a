// The bad-input corpus (__tests__/data/bad-inputs.json) through the committed bundle, as a runner
// runs it: every entry is a valid baseline with one input made malformed or hostile. Each must end
// with exit code 1 and exactly one `::error::Input '<input>': …` matching the entry's message, and
// nothing may have happened first: no notation call, no request to any stack server (Entra, OIDC,
// Key Vault, registry, ARM) nor to the download server, and nothing written to RUNNER_TEMP, the
// tool cache or the workspace. Two controls run the unchanged baselines to prove that each of those
// observations does see a run that gets going. Writes .tmp/reliability/bad-inputs.json.
//
// Entry fields: name, baseline ('sign', the default: sign verify; or 'build': build sign verify
// from the workspace folder `app`), inputs (an object or array value is written as JSON; '' removes
// a baseline input), files and links (workspace path → content, or → symlink target), env, input
// (the input the error names) and message (a regex). Strings may use {{registry}}, {{vault}},
// {{vaultHost}}, {{subscription}}, {{resourceGroup}}, {{outside}} (a folder outside the workspace
// holding policy.json, ca.pem, Dockerfile and dir/), {{pem:ca}} (a self-signed root CA),
// {{pem:intermediate}} (a CA issued by it), {{pem:leaf}} (a non-CA leaf issued by it) and
// {{repeat:N:text}}.
import assert from 'node:assert/strict'
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, before, test } from 'node:test'
import { issueCertificate, createTestPki } from '../stack/pki.ts'
import { readActionYml } from '../support/action-yml.ts'
import { ROOT, type ActionRun } from '../support/action.ts'
import { startE2E, type E2E } from '../support/e2e.ts'
import { e2eDescribe } from '../support/stack-env.ts'

interface Entry {
  name: string
  baseline?: 'sign' | 'build'
  inputs: Record<string, unknown>
  files?: Record<string, unknown>
  links?: Record<string, string>
  env?: Record<string, string>
  input: string
  message: string
}

const CORPUS_FILE = path.join(import.meta.dirname, '..', 'data', 'bad-inputs.json')
const REPORT_FILE = path.join(ROOT, '.tmp', 'reliability', 'bad-inputs.json')
const corpus = JSON.parse(await readFile(CORPUS_FILE, 'utf8')) as Entry[]

const SUBJECT = 'CN=signer.example,O=Example,L=Seattle,ST=WA,C=US'

/** Every file and folder under `dir`, relative, sorted (symlinks are listed, not followed). */
async function listTree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => [])
  return entries.map(e => path.relative(dir, path.join(e.parentPath, e.name))).sort()
}

/** `::error::` text as written, with the toolkit's %-escapes decoded. */
function decode(error: string): string {
  return error.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
}

test('the corpus is well formed: 60+ entries, unique names, declared inputs, valid regexes', () => {
  const declared = readActionYml().inputs
  assert.ok(corpus.length >= 60, `${corpus.length} entries`)
  const names = corpus.map(e => e.name)
  assert.deepEqual(
    names.filter((n, i) => names.indexOf(n) !== i),
    [],
    'names are unique'
  )
  for (const entry of corpus) {
    assert.ok(declared.has(entry.input), `${entry.name}: '${entry.input}' is an action input`)
    for (const name of Object.keys(entry.inputs)) {
      assert.ok(declared.has(name), `${entry.name}: '${name}' is an action input`)
    }
    assert.ok(Object.keys(entry.inputs).length > 0, `${entry.name}: sets an input`)
    assert.doesNotThrow(() => new RegExp(entry.message), entry.name)
    assert.ok([undefined, 'sign', 'build'].includes(entry.baseline), entry.name)
  }
})

e2eDescribe('bad inputs are refused before anything happens', () => {
  let e2e: E2E
  let outside: string
  let values: Record<string, string>
  const results = new Map<string, boolean>()

  before(async () => {
    e2e = await startE2E()
    await e2e.stack.keyVault.vault.seedSelfSigned('signer', { subject: SUBJECT })
    await e2e.stack.registry.pushImage('app', { tag: 'v1' })
    const pki = await createTestPki()
    const intermediate = await issueCertificate({
      subject: 'CN=intermediate,O=Example,ST=WA,C=US',
      issuer: pki.ca,
      isCa: true
    })
    outside = await mkdtemp(path.join(os.tmpdir(), 'akv-outside-'))
    await writeFile(path.join(outside, 'ca.pem'), pki.ca.pem)
    await writeFile(path.join(outside, 'Dockerfile'), 'FROM scratch\n')
    await mkdir(path.join(outside, 'dir'))
    await writeFile(path.join(outside, 'dir', 'Dockerfile'), 'FROM scratch\n')
    const policy = {
      version: '1.0',
      trustPolicies: [
        {
          name: 'p',
          registryScopes: ['*'],
          signatureVerification: { level: 'strict' },
          trustStores: ['ca:signer'],
          trustedIdentities: [`x509.subject: ${SUBJECT}`]
        }
      ]
    }
    await writeFile(path.join(outside, 'policy.json'), JSON.stringify(policy))
    await writeFile(path.join(outside, 'dir', 'policy.json'), JSON.stringify(policy))
    const env = e2e.stack.env()
    values = {
      registry: e2e.stack.registry.host,
      vault: e2e.stack.keyVault.url,
      vaultHost: new URL(e2e.stack.keyVault.url).host,
      subscription: env['STACK_SUBSCRIPTION_ID'] ?? '',
      resourceGroup: env['STACK_RESOURCE_GROUP'] ?? '',
      outside,
      'pem:ca': pki.ca.pem.trim(),
      'pem:intermediate': intermediate.pem.trim(),
      'pem:leaf': pki.server.pem.trim()
    }
  })
  after(async () => {
    const byInput: Record<string, { total: number; passed: number }> = {}
    for (const entry of corpus) {
      const row = (byInput[entry.input] ??= { total: 0, passed: 0 })
      row.total++
      if (results.get(entry.name) === true) row.passed++
    }
    const passed = [...results.values()].filter(Boolean).length
    await mkdir(path.dirname(REPORT_FILE), { recursive: true })
    await writeFile(
      REPORT_FILE,
      JSON.stringify({ total: corpus.length, passed, byInput }, null, 2) + '\n'
    )
    await e2e?.stop()
    if (outside) await rm(outside, { recursive: true, force: true })
  })

  const fill = (text: string): string =>
    text
      .replace(/\{\{([\w:]+)\}\}/g, (whole, key: string) => values[key] ?? whole)
      .replace(/\{\{repeat:(\d+):([\s\S]*?)\}\}/g, (_, n: string, s: string) => s.repeat(Number(n)))
  const value = (v: unknown): string => fill(typeof v === 'string' ? v : JSON.stringify(v))

  function baseline(kind: Entry['baseline']): Record<string, string> {
    const common = { ...e2e.azureInputs, certificate: 'signer' }
    if (kind === 'build') {
      return {
        ...common,
        command: 'build sign verify',
        images: `${values['registry']}/built:v1`,
        'build-context': 'app',
        'azure-subscription-id': values['subscription'] ?? '',
        'resource-group': values['resourceGroup'] ?? ''
      }
    }
    return { ...common, command: 'sign verify', images: `${values['registry']}/app:v1` }
  }

  /** A fresh workspace: the build baseline's folder, then the entry's files and symlinks. */
  async function prepareWorkspace(entry: Pick<Entry, 'files' | 'links'>): Promise<void> {
    const workspace = e2e.dirs.workspace
    for (const name of await readdir(workspace)) {
      await rm(path.join(workspace, name), { recursive: true, force: true })
    }
    await mkdir(path.join(workspace, 'app'))
    await writeFile(path.join(workspace, 'app', 'Dockerfile'), 'FROM scratch\nCOPY hello.txt /\n')
    await writeFile(path.join(workspace, 'app', 'hello.txt'), 'hello\n')
    for (const [file, content] of Object.entries(entry.files ?? {})) {
      const target = path.join(workspace, file)
      await mkdir(path.dirname(target), { recursive: true })
      await writeFile(target, value(content))
    }
    for (const [file, target] of Object.entries(entry.links ?? {})) {
      const link = path.join(workspace, file)
      await mkdir(path.dirname(link), { recursive: true })
      await symlink(fill(target), link)
    }
  }

  interface Observation {
    calls: number[]
    downloads: number
    notation: number
    temp: string[]
    toolCache: string[]
    workspace: string[]
  }
  async function observe(): Promise<Observation> {
    return {
      calls: e2e.stack.servers.map(s => s.calls.length),
      downloads: e2e.downloads.calls.length,
      notation: e2e.notationCalls().length,
      temp: await listTree(e2e.dirs.temp),
      toolCache: await listTree(e2e.dirs.toolCache),
      workspace: await listTree(e2e.dirs.workspace)
    }
  }

  async function runEntry(
    entry: Pick<Entry, 'baseline' | 'inputs' | 'env'>
  ): Promise<{ run: ActionRun; before: Observation; after: Observation }> {
    const inputs = baseline(entry.baseline)
    for (const [name, v] of Object.entries(entry.inputs)) inputs[name] = value(v)
    const env = Object.fromEntries(Object.entries(entry.env ?? {}).map(([k, v]) => [k, fill(v)]))
    const before = await observe()
    const run = await e2e.run(inputs, { env })
    return { run, before, after: await observe() }
  }

  for (const kind of ['sign', 'build'] as const) {
    test(`control: the ${kind} baseline alone runs, and every observation sees it`, async () => {
      await prepareWorkspace({})
      if (kind === 'build') {
        e2e.stack.arm.scriptNextRun({ queuedPolls: 0, runningPolls: 0, logChunks: ['built\n'] })
      }
      const { run, before, after } = await runEntry({ baseline: kind, inputs: {} })
      assert.equal(run.code, 0, run.stdout + run.stderr)
      assert.deepEqual(run.errors, [])
      const servers = e2e.stack.servers.filter((_, i) => after.calls[i] !== before.calls[i])
      const { oidc, entra, keyVault, registry, arm } = e2e.stack
      const expected = [oidc.server, entra.server, keyVault.server, registry.server]
      if (kind === 'build') expected.push(arm.server)
      for (const server of expected)
        assert.ok(servers.includes(server), `${server.name} was called`)
      assert.ok(after.downloads > before.downloads, 'the stand-ins were downloaded')
      assert.ok(after.notation > before.notation, 'notation ran')
      assert.notDeepEqual(after.temp, before.temp, 'RUNNER_TEMP was written')
      assert.notDeepEqual(after.toolCache, before.toolCache, 'the tool cache was written')
      // The corpus starts from an empty runner: nothing cached, nothing left in RUNNER_TEMP.
      await e2e.resetRunner()
    })
  }

  for (const entry of corpus) {
    test(`${entry.input}: ${entry.name}`, async () => {
      // An entry that got through (a failure) may have installed: start each from an empty runner.
      const dirty = [e2e.dirs.temp, e2e.dirs.toolCache].map(listTree)
      if ((await Promise.all(dirty)).some(list => list.length > 0)) await e2e.resetRunner()
      await prepareWorkspace(entry)
      const { run, before, after } = await runEntry(entry)
      const output = `${run.stdout}\n${run.stderr}`
      assert.equal(run.code, 1, output)
      assert.equal(run.errors.length, 1, output)
      const error = decode(run.errors[0] ?? '')
      assert.ok(error.startsWith(`Input '${entry.input}':`), error)
      assert.match(error, new RegExp(entry.message))
      assert.equal(after.notation, before.notation, 'no notation call')
      assert.equal(after.downloads, before.downloads, 'nothing downloaded')
      e2e.stack.servers.forEach((server, i) => {
        assert.equal(after.calls[i], before.calls[i], `no request to ${server.name}`)
      })
      assert.deepEqual(after.temp, before.temp, 'nothing written to RUNNER_TEMP')
      assert.deepEqual(after.toolCache, before.toolCache, 'nothing written to the tool cache')
      assert.deepEqual(after.workspace, before.workspace, 'nothing written to the workspace')
      assert.equal(run.outputs['notation-path'], undefined, 'nothing was installed')
      results.set(entry.name, true)
    })
  }
})
