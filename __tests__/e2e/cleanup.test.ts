// Cleanup and partial failure, end to end with the committed bundle: what the post step removes
// (and what it refuses to touch, without ever failing the job), cleanup: false, two runs of the
// action in one job, and a run where one image of five fails: the others stay signed and reported,
// and a re-run with skip-if-signed converges without a second signature on any image.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, before, beforeEach, test } from 'node:test'
import { StackServer } from '../stack/http.ts'
import { fetchManifest } from '../stack/images.ts'
import { runAction, type ActionRun } from '../support/action.ts'
import { startE2E, type E2E } from '../support/e2e.ts'
import {
  packRealNotationArchive,
  readRealCalls,
  requireRealNotation
} from '../support/notation-bin.ts'
import { e2eDescribe } from '../support/stack-env.ts'

const SUBJECT = 'CN=wabbit-networks.io,O=Notation,L=Seattle,ST=WA,C=US'
const SIGNATURE_TYPE = 'application/vnd.cncf.notary.signature'

const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`

/**
 * The real notation, packed behind the logging wrapper (calls in `<dir>/calls`) with a probe: before
 * each `sign` it writes one line, the OIDC token file and CA chain file it was handed (paths only)
 * and whether they held anything at that moment.
 */
async function probingArchive(dir: string): Promise<{ file: string; sha256: string }> {
  const probe = [
    'if [ "$1" = sign ]; then',
    '  ca=""',
    '  for a in "$@"; do case "$a" in --plugin-config=ca_certs=*) ca="${a#--plugin-config=ca_certs=}";; esac; done',
    '  t="${AZURE_FEDERATED_TOKEN_FILE:-}"',
    '  tp=0; [ -n "$t" ] && [ -s "$t" ] && tp=1',
    '  cp=0; [ -n "$ca" ] && [ -s "$ca" ] && cp=1',
    `  printf '%s\\t%s\\t%s\\t%s\\t%s\\n' "$t" "$tp" "$ca" "$cp" "$NOTATION_CONFIG" >> ${q(path.join(dir, 'probe.tsv'))}`,
    'fi'
  ]
  return packRealNotationArchive(dir, await requireRealNotation(), path.join(dir, 'calls'), probe)
}

interface Probe {
  tokenFile: string
  tokenPresent: boolean
  caFile: string
  caPresent: boolean
  config: string
}

e2eDescribe('cleanup, two runs in a job, and a failure in the middle', () => {
  let e2e: E2E
  let work: string
  let downloads: StackServer
  /** Install inputs: the probing notation archive, the usual plugin. */
  let install: Record<string, string>
  let certificatePem: string

  before(async () => {
    e2e = await startE2E()
    const vault = e2e.stack.keyVault.vault
    certificatePem = (await vault.seedSelfSigned('wabbit-networks-io', { subject: SUBJECT })).leaf
      .pem
    await vault.seedCaIssued('ca-issued', {
      subject: 'CN=ca-issued.wabbit-networks.io,O=Notation,L=Seattle,ST=WA,C=US'
    })
    work = await mkdtemp(path.join(os.tmpdir(), 'akv-cleanup-'))
    const archive = await probingArchive(work)
    const body = await readFile(archive.file)
    downloads = new StackServer({
      name: 'probing-downloads',
      routes: [
        {
          name: 'notation',
          method: 'GET',
          path: /^\/notation\.tar\.gz$/,
          handler: () => ({ status: 200, body })
        }
      ]
    })
    await downloads.listen()
    install = {
      'notation-url': `${downloads.origin}/notation.tar.gz`,
      'notation-checksum': archive.sha256
    }
  })
  after(async () => {
    await downloads?.close()
    await e2e?.stop()
    if (work) await rm(work, { recursive: true, force: true })
  })
  beforeEach(async () => {
    await e2e.resetRunner()
    await writeFile(path.join(work, 'probe.tsv'), '')
    await rm(path.join(work, 'calls'), { recursive: true, force: true })
    await mkdir(path.join(work, 'calls'))
  })
  const calls = () => readRealCalls(path.join(work, 'calls'))

  const probes = async (): Promise<Probe[]> =>
    (await readFile(path.join(work, 'probe.tsv'), 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map(line => {
        const [tokenFile = '', tp, caFile = '', cp, config = ''] = line.split('\t')
        return { tokenFile, tokenPresent: tp === '1', caFile, caPresent: cp === '1', config }
      })

  /** The main step, as e2e.run does it, with the probing notation archive. */
  const main = (inputs: Record<string, string>, env: Record<string, string> = {}) =>
    e2e.run({ ...inputs, ...install }, { env })

  /** The post step for a main run: its saved state, the same inputs. */
  const post = (
    inputs: Record<string, string>,
    state: Record<string, string>,
    env: Record<string, string> = {}
  ): Promise<ActionRun> =>
    runAction({
      inputs: { ...e2e.installInputs, ...inputs, ...install },
      dirs: e2e.dirs,
      env: { ...e2e.stack.env(), ...env },
      state
    })

  const images = (run: ActionRun): Record<string, unknown>[] =>
    JSON.parse(run.outputs['images'] ?? '[]') as Record<string, unknown>[]

  test('after post: no OIDC token file, CA chain file, credential or config remains', async () => {
    const pushed = await e2e.stack.registry.pushImage('cleanup/app', { tag: 'v1' })
    const inputs = {
      ...e2e.azureInputs,
      'azure-credential': 'oidc',
      command: 'sign verify',
      certificate: 'ca-issued',
      images: `${e2e.stack.registry.host}/cleanup/app@${pushed.digest}`
    }
    const run = await main(inputs)
    assert.equal(run.code, 0, run.stdout + run.stderr)
    assert.equal(images(run)[0]?.['verified'], true)
    const workDir = run.state['workDir'] ?? ''
    const config = run.exportedEnv['NOTATION_CONFIG'] ?? ''
    assert.equal(path.dirname(workDir), e2e.dirs.temp)
    assert.ok(config.startsWith(workDir + path.sep))

    // While notation signed, both files were there, private to this run's folder…
    const [probe] = await probes()
    assert.ok(probe, 'notation sign ran')
    assert.ok(probe.tokenPresent && probe.tokenFile.startsWith(workDir + path.sep), probe.tokenFile)
    assert.ok(probe.caPresent && probe.caFile.startsWith(workDir + path.sep), probe.caFile)
    assert.equal(probe.config, config)
    // …and were gone when main ended, leaving only what later steps use.
    assert.equal(existsSync(probe.tokenFile), false)
    assert.equal(existsSync(probe.caFile), false)
    assert.deepEqual((await readdir(workDir)).sort(), ['config', 'libexec'])

    const cleaned = await post(inputs, run.state)
    assert.equal(cleaned.code, 0)
    assert.ok(cleaned.stdout.includes(`Removed ${workDir}`))
    assert.equal(existsSync(workDir), false)
    assert.equal(existsSync(config), false)
    // Nothing at all is left in RUNNER_TEMP (downloads went to a scratch folder removed in main).
    assert.deepEqual(await readdir(e2e.dirs.temp), [])
  })

  test("cleanup: false keeps the config for later steps; an interrupted sign's files still go", async () => {
    const inputs = { command: 'setup', cleanup: 'false' }
    const run = await main(inputs)
    assert.equal(run.code, 0, run.stdout + run.stderr)
    const workDir = run.state['workDir'] ?? ''
    // A sign cut short (the runner killed main) would leave its folder with the token file.
    const leftover = path.join(workDir, 'sign-interrupted')
    await mkdir(leftover)
    await writeFile(path.join(leftover, 'azure-federated-token'), 'eyJ.token.left', { mode: 0o600 })
    await writeFile(path.join(leftover, 'ca-certs.pem'), 'chain')

    const cleaned = await post(inputs, run.state)
    assert.equal(cleaned.code, 0)
    assert.match(cleaned.stdout, /cleanup is false: leaving .* in place \(removed 1 leftover/)
    assert.equal(existsSync(leftover), false)
    assert.ok(existsSync(run.exportedEnv['NOTATION_CONFIG'] ?? '/nonexistent'))
    const plugin = path.join(workDir, 'libexec', 'plugins', 'azure-kv', 'notation-azure-kv')
    assert.ok(existsSync(plugin), 'the plugin stays where notation looks')
  })

  test('the post step never fails the job, and removes only the folder main made', async () => {
    const { temp, root, workspace } = e2e.dirs
    const outside = path.join(root, 'notation-akv-not-in-temp')
    const relative = path.join(workspace, 'notation-akv-relative')
    const escaping = path.join(root, 'notation-akv-escape')
    await Promise.all([outside, relative, escaping].map(d => mkdir(d)))
    const notAFolder = path.join(root, 'temp-is-a-file')
    await writeFile(notAFolder, '')

    const cases: {
      name: string
      workDir: string
      env?: Record<string, string>
      warning: RegExp
      kept?: string
    }[] = [
      { name: 'outside RUNNER_TEMP', workDir: outside, warning: /Not removing/, kept: outside },
      {
        name: 'escaping RUNNER_TEMP with ..',
        workDir: path.join(temp, '..', 'notation-akv-escape'),
        warning: /Not removing/,
        kept: escaping
      },
      {
        name: 'a relative path',
        workDir: 'notation-akv-relative',
        warning: /not an absolute path/,
        kept: relative
      },
      { name: 'the root folder', workDir: '/', warning: /Not removing/ },
      { name: 'RUNNER_TEMP itself', workDir: temp, warning: /Not removing/, kept: temp },
      {
        name: 'RUNNER_TEMP is a file (rm fails)',
        workDir: path.join(notAFolder, 'notation-akv-x'),
        env: { RUNNER_TEMP: notAFolder },
        warning: /Cleanup failed: ENOTDIR/
      }
    ]
    for (const c of cases) {
      const run = await post({}, { isPost: 'true', workDir: c.workDir, cleanup: 'true' }, c.env)
      assert.equal(run.code, 0, `${c.name}: ${run.stdout}${run.stderr}`)
      assert.deepEqual(run.errors, [], c.name)
      assert.match(run.stdout, new RegExp(`::warning::.*${c.warning.source}`), c.name)
      if (c.kept) assert.ok(existsSync(c.kept), `${c.name}: ${c.kept} is still there`)
    }

    // A folder main made but that cannot be removed (an immutable file in it).
    const stuck = path.join(temp, 'notation-akv-stuck')
    await mkdir(stuck)
    await writeFile(path.join(stuck, 'pinned'), '')
    let immutable = false
    try {
      execFileSync('chattr', ['+i', path.join(stuck, 'pinned')], { stdio: 'ignore' })
      immutable = true
    } catch {
      // no chattr, or a file system without the flag: this case cannot be set up here
    }
    try {
      if (immutable) {
        const run = await post({}, { isPost: 'true', workDir: stuck, cleanup: 'true' })
        assert.equal(run.code, 0, run.stdout + run.stderr)
        assert.match(run.stdout, /::warning::Cleanup failed: /)
        assert.ok(existsSync(stuck))
      }
    } finally {
      if (immutable) execFileSync('chattr', ['-i', path.join(stuck, 'pinned')])
    }

    // Already gone (a rerun, or removed by hand): nothing to do, no warning.
    const gone = await post({}, { isPost: 'true', workDir: path.join(temp, 'notation-akv-gone') })
    assert.equal(gone.code, 0)
    assert.ok(!gone.stdout.includes('::warning::'), gone.stdout)
  })

  test('two runs in one job: sign with one config, verify with its own policy and store', async () => {
    const host = e2e.stack.registry.host
    const pushed = await e2e.stack.registry.pushImage('twice/app', { tag: 'v1' })
    const reference = `${host}/twice/app@${pushed.digest}`
    const first = {
      ...e2e.azureInputs,
      command: 'sign verify',
      certificate: 'wabbit-networks-io',
      images: reference
    }
    const one = await main(first)
    assert.equal(one.code, 0, one.stdout + one.stderr)
    const configOne = one.exportedEnv['NOTATION_CONFIG'] ?? ''
    const policyOne = await readFile(path.join(configOne, 'trustpolicy.json'), 'utf8')

    // The second step sees what the first exported, as a runner passes it on.
    const inherited = {
      ...one.exportedEnv,
      PATH: [...one.addedPaths, process.env['PATH'] ?? ''].join(path.delimiter)
    }
    const trustPolicy = {
      version: '1.0',
      trustPolicies: [
        {
          name: 'second-run',
          registryScopes: [`${host}/twice/app`],
          signatureVerification: { level: 'strict' },
          trustStores: ['ca:second-store'],
          trustedIdentities: [`x509.subject: ${SUBJECT}`]
        }
      ]
    }
    const second = {
      ...e2e.azureInputs,
      command: 'verify',
      images: reference,
      'trust-policy': JSON.stringify(trustPolicy),
      'trust-store': 'ca:second-store',
      'trust-store-certificates': certificatePem
    }
    const two = await main(second, inherited)
    assert.equal(two.code, 0, two.stdout + two.stderr)
    assert.equal(images(two)[0]?.['verified'], true)
    const configTwo = two.exportedEnv['NOTATION_CONFIG'] ?? ''
    assert.notEqual(configTwo, configOne)
    assert.notEqual(two.state['workDir'], one.state['workDir'])

    // Each run has its own policy and store; the first run's files are as it left them.
    const policyTwo = JSON.parse(await readFile(path.join(configTwo, 'trustpolicy.json'), 'utf8'))
    assert.deepEqual(
      policyTwo.trustPolicies.map((p: { name: string }) => p.name),
      ['second-run']
    )
    assert.equal(await readFile(path.join(configOne, 'trustpolicy.json'), 'utf8'), policyOne)
    assert.deepEqual(await readdir(path.join(configTwo, 'truststore', 'x509', 'ca')), [
      'second-store'
    ])
    assert.deepEqual(await readdir(path.join(configOne, 'truststore', 'x509', 'ca')), [
      'wabbit-networks-io'
    ])
    // notation verified the second time against the second config.
    const verifies = calls().filter(c => c.argv[0] === 'verify')
    assert.equal(verifies.length, 2)
    assert.ok(
      verifies[1]!.files.some(f => f.startsWith(configTwo + path.sep)),
      'second config'
    )
    assert.ok(!verifies[1]!.files.some(f => f.startsWith(configOne + path.sep)), 'not the first')

    // Post steps run in reverse order at the end of the job; each removes only its own folder.
    const postTwo = await post(second, two.state, inherited)
    assert.equal(postTwo.code, 0)
    assert.equal(existsSync(configTwo), false)
    assert.ok(existsSync(configOne), "the second post leaves the first run's folder")
    const postOne = await post(first, one.state)
    assert.equal(postOne.code, 0)
    assert.deepEqual(await readdir(e2e.dirs.temp), [])
  })

  test('the third of five images fails: four signed and reported; a re-run converges', async () => {
    const { registry } = e2e.stack
    const pushed: { digest: string }[] = []
    for (let i = 1; i <= 5; i++) {
      pushed.push(await registry.pushImage('half/app', { tag: `v${i}`, content: `image ${i}` }))
    }
    const references = pushed.map(p => `${registry.host}/half/app@${p.digest}`)
    const third = pushed[2]!
    // The registry refuses the third image's signature index: real notation's push fails for it.
    const server = registry.server
    server.inject({
      route: 'registry.manifests',
      kind: 'status',
      status: 403,
      body: { errors: [{ code: 'DENIED', message: 'injected: the third image fails' }] },
      when: r =>
        r.method === 'PUT' && r.path.endsWith(`/manifests/${third.digest.replace(':', '-')}`)
    })
    const inputs = {
      ...e2e.azureInputs,
      command: 'sign',
      certificate: 'wabbit-networks-io',
      images: pushed.map((_, i) => `${registry.host}/half/app:v${i + 1}`).join('\n'),
      'skip-if-signed': 'true'
    }
    const failed = await main(inputs).finally(() => server.clearFaults())
    assert.equal(failed.code, 1, failed.stdout + failed.stderr)
    // The step's error names the third image, and only it.
    const error = failed.errors.join('\n')
    assert.match(error, /Signing failed for 1 of 5 images/)
    assert.ok(
      new RegExp(`${references[2]}: .*: denied: injected: the third image fails`).test(error),
      error
    )
    for (const [i, ref] of references.entries()) {
      if (i !== 2) assert.ok(!error.includes(ref), `${ref} is not named`)
    }
    // The other four are signed, and reported as such in the output and the summary.
    const out = images(failed)
    assert.deepEqual(
      out.map(r => r['signed']),
      [true, true, false, true, true]
    )
    assert.deepEqual(
      out.map(r => r['reference']),
      references
    )
    assert.match(String(out[2]?.['error']), /the third image fails/)
    for (const i of [0, 1, 3, 4]) {
      assert.match(String(out[i]?.['signatureDigest']), /^sha256:[0-9a-f]{64}$/)
      assert.ok(failed.summary.includes(String(out[i]?.['signatureDigest'])), `summary row ${i}`)
    }
    assert.match(failed.summary, /1 of 5 images failed/)
    assert.equal((failed.summary.match(/<td>✅&nbsp;signed<\/td>/g) ?? []).length, 4)
    assert.deepEqual(await signatureCounts(), [1, 1, 0, 1, 1])
    const postFailed = await post(inputs, failed.state)
    assert.equal(postFailed.code, 0)

    // The re-run (the failure gone) signs only the third and adds nothing to the other four.
    const rerun = await main(inputs)
    assert.equal(rerun.code, 0, rerun.stdout + rerun.stderr)
    const again = images(rerun)
    assert.deepEqual(
      again.map(r => [r['signed'], r['alreadySigned']]),
      [
        [false, true],
        [false, true],
        [true, false],
        [false, true],
        [false, true]
      ]
    )
    for (const i of [0, 1, 3, 4]) {
      assert.equal(again[i]?.['signatureDigest'], out[i]?.['signatureDigest'], `image ${i + 1}`)
    }
    assert.deepEqual(await signatureCounts(), [1, 1, 1, 1, 1])
    const signs = calls().filter(c => c.argv[0] === 'sign')
    assert.equal(signs.length, 6, 'five signs, then one')

    // A third run has nothing left to do.
    const third3 = await main(inputs)
    assert.equal(third3.code, 0)
    assert.ok(images(third3).every(r => r['alreadySigned'] === true))
    assert.deepEqual(await signatureCounts(), [1, 1, 1, 1, 1])

    /** Signatures attached to each image, from the registry's referrers tag index. */
    async function signatureCounts(): Promise<number[]> {
      const target = await registry.target('half/app')
      return Promise.all(
        pushed.map(async p => {
          const index = await fetchManifest(target, 'half/app', p.digest.replace(':', '-'))
          if (index.status === 404) return 0
          assert.equal(index.status, 200)
          const manifests = (
            JSON.parse(index.body.toString()) as {
              manifests: { artifactType?: string }[]
            }
          ).manifests
          return manifests.filter(m => m.artifactType === SIGNATURE_TYPE).length
        })
      )
    }
  })
})
