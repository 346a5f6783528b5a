// Trust store: certificates from inline PEM, workspace files (PEM or DER), notation's store rules,
// idempotent writes, and certificate subjects as notation sees them. Real certificates throughout.
import assert from 'node:assert/strict'
import { X509Certificate } from 'node:crypto'
import {
  lstat,
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  rm,
  stat,
  symlink,
  writeFile
} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import { InputError } from '../../src/util/errors.ts'
import { checkNotaryDN, parseDistinguishedName } from '../../src/trust/distinguished-name.ts'
import {
  certificateSubject,
  checkTrustStoreCertificates,
  loadTrustStoreCertificates,
  parseCertificates,
  writeTrustStore,
  type LoadedCertificate
} from '../../src/trust/truststore.ts'
import { requireRealNotation, skipWithoutRealNotation } from '../support/notation-bin.ts'
import { runRealNotation } from '../support/notation-run.ts'
import { issueCertificate, type Issued } from '../stack/pki.ts'

const EC = { kty: 'EC', crv: 'P-256' } as const
const DAY = 24 * 3600_000

let root: string
let workspace: string
let rootCa: Issued
let intermediate: Issued
let leaf: Issued
let selfSigned: Issued

/** The `trust-store-certificates` lines as the input reader gives them: trimmed, no blanks. */
const inputLines = (text: string): string[] =>
  text
    .split(/\r?\n/)
    .map(l => l.trim())
    .filter(l => l !== '' && !l.startsWith('#'))

const loaded = (issued: Issued, source = 'test'): LoadedCertificate => ({
  certificate: new X509Certificate(issued.der),
  source
})

before(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'truststore-'))
  workspace = path.join(root, 'workspace')
  await mkdir(path.join(workspace, 'certs'), { recursive: true })
  rootCa = await issueCertificate({
    subject: 'CN=Test Root,O=Notation Test,ST=WA,C=US',
    isCa: true,
    key: EC
  })
  intermediate = await issueCertificate({
    subject: 'CN=Test Intermediate,O=Notation Test,ST=WA,C=US',
    issuer: rootCa,
    isCa: true,
    key: EC
  })
  leaf = await issueCertificate({
    subject: 'CN=signer,O=Notation Test,ST=WA,C=US',
    issuer: intermediate,
    key: EC,
    ekus: ['1.3.6.1.5.5.7.3.3']
  })
  selfSigned = await issueCertificate({
    subject: 'CN=wabbit-networks.io,O=Notation,L=Seattle,ST=WA,C=US',
    key: EC,
    ekus: ['1.3.6.1.5.5.7.3.3']
  })
})
after(async () => {
  await rm(root, { recursive: true, force: true })
})

describe('parseCertificates', () => {
  test('PEM with several blocks and text around them', () => {
    const text = `Bag Attributes\nsubject=/CN=x\n${rootCa.pem}between\n${intermediate.pem}trailer`
    const certs = parseCertificates(text, 'bundle.pem')
    assert.deepEqual(
      certs.map(c => c.fingerprint256),
      [rootCa, intermediate].map(i => new X509Certificate(i.der).fingerprint256)
    )
  })

  test('DER, single and concatenated', () => {
    assert.equal(
      parseCertificates(rootCa.der, 'root.der')[0]?.subject,
      new X509Certificate(rootCa.der).subject
    )
    const two = parseCertificates(Buffer.concat([rootCa.der, leaf.der]), 'two.der')
    assert.equal(two.length, 2)
    assert.match(two[1]!.subject, /CN=signer/)
  })

  test('garbage and wrong blocks name the source', () => {
    assert.throws(
      () => parseCertificates(Buffer.from('not a certificate'), 'junk.bin'),
      /^Error: junk\.bin: neither PEM nor DER/
    )
    assert.throws(
      () => parseCertificates(Buffer.alloc(0), 'empty.pem'),
      /empty\.pem: the file is empty/
    )
    assert.throws(() => parseCertificates('hello', 'inline'), /inline: no PEM block/)
    assert.throws(
      () =>
        parseCertificates(
          '-----BEGIN CERTIFICATE-----\nnot*base64!\n-----END CERTIFICATE-----\n',
          'bad.pem'
        ),
      /bad\.pem: the CERTIFICATE block is not valid base64/
    )
    assert.throws(
      () =>
        parseCertificates(
          '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n',
          'short.pem'
        ),
      /short\.pem: not a certificate/
    )
    assert.throws(
      () => parseCertificates(leaf.keyPem, 'key.pem'),
      /key\.pem: a PRIVATE KEY block, not a CERTIFICATE/
    )
    assert.throws(
      () => parseCertificates(`${rootCa.pem}${intermediate.pem.split('-----END')[0]}`, 'cut.pem'),
      /cut\.pem: a PEM block has no matching -----END line/
    )
    const tampered = Buffer.from(rootCa.der)
    tampered[tampered.length - 40] = (tampered[tampered.length - 40] ?? 0) ^ 0xff
    // A flipped signature byte still parses (the signature is not checked here)…
    assert.equal(parseCertificates(tampered, 't.der').length, 1)
    // …but a cut one does not.
    assert.throws(
      () => parseCertificates(rootCa.der.subarray(0, 100), 'cut.der'),
      /cut\.der: neither PEM nor DER certificate data \(truncated/
    )
  })
})

describe('loadTrustStoreCertificates', () => {
  test('two inline PEM certificates in one input, each with its source', async () => {
    const certs = await loadTrustStoreCertificates(
      inputLines(`${rootCa.pem}\n${intermediate.pem}`),
      workspace
    )
    assert.deepEqual(
      certs.map(c => [c.source, c.certificate.fingerprint256]),
      [
        ['inline certificate 1', new X509Certificate(rootCa.der).fingerprint256],
        ['inline certificate 2', new X509Certificate(intermediate.der).fingerprint256]
      ]
    )
  })

  test('file paths (PEM and DER) mixed with inline PEM', async () => {
    await writeFile(path.join(workspace, 'certs', 'root.pem'), `# our root\n${rootCa.pem}`)
    await writeFile(path.join(workspace, 'certs', 'self.der'), selfSigned.der)
    const certs = await loadTrustStoreCertificates(
      ['certs/root.pem', ...inputLines(intermediate.pem), 'certs/self.der'],
      workspace
    )
    assert.deepEqual(
      certs.map(c => c.source),
      ['certs/root.pem', 'inline certificate 1', 'certs/self.der']
    )
    assert.equal(
      certs[2]!.certificate.fingerprint256,
      new X509Certificate(selfSigned.der).fingerprint256
    )
  })

  test('bad input: garbage file, unterminated block, outside the workspace, missing file', async () => {
    await writeFile(path.join(workspace, 'certs', 'junk.txt'), 'hello')
    const refused = async (lines: string[], message: RegExp): Promise<void> => {
      await assert.rejects(loadTrustStoreCertificates(lines, workspace), (error: unknown) => {
        assert.ok(error instanceof InputError)
        assert.equal(error.input, 'trust-store-certificates')
        assert.match(error.message, message)
        return true
      })
    }
    await refused(['certs/junk.txt'], /certs\/junk\.txt: neither PEM nor DER/)
    await refused(
      inputLines(rootCa.pem).slice(0, -1),
      /inline certificate 1 has no -----END CERTIFICATE----- line/
    )
    await refused(
      [...inputLines(rootCa.pem).slice(0, -1), ...inputLines(intermediate.pem)],
      /inline certificate 1 has no -----END line before the next block/
    )
    await refused(
      ['-----BEGIN CERTIFICATE-----', 'Zm9v', '-----END CERTIFICATE-----'],
      /inline certificate 1: not a certificate/
    )
    await writeFile(path.join(root, 'outside.pem'), rootCa.pem)
    await refused(['../outside.pem'], /'\.\.\/outside\.pem' is outside the workspace/)
    await refused(['certs/none.pem'], /'certs\/none\.pem' does not exist/)
  })
})

describe('checkTrustStoreCertificates', () => {
  const now = new Date()

  test('CA certificates and self-signed leaves are accepted in ca and signingAuthority stores', () => {
    for (const type of ['ca', 'signingAuthority'] as const) {
      assert.deepEqual(
        checkTrustStoreCertificates(
          type,
          [loaded(rootCa), loaded(intermediate), loaded(selfSigned)],
          now
        ),
        []
      )
    }
  })

  test('a leaf that is neither CA nor self-signed is refused, naming subject and source', () => {
    assert.throws(
      () =>
        checkTrustStoreCertificates('ca', [loaded(rootCa), loaded(leaf, 'certs/leaf.pem')], now),
      (error: unknown) => {
        assert.ok(error instanceof InputError)
        assert.equal(error.input, 'trust-store-certificates')
        assert.match(
          error.message,
          /certificate "CN=signer,O=Notation Test,ST=WA,C=US" \(certs\/leaf\.pem\) is neither a CA certificate nor self-signed; notation refuses it in a ca store/
        )
        return true
      }
    )
  })

  test('a tsa store holds root CAs only', () => {
    assert.deepEqual(checkTrustStoreCertificates('tsa', [loaded(rootCa)], now), [])
    assert.throws(
      () => checkTrustStoreCertificates('tsa', [loaded(intermediate, 'inter.pem')], now),
      /certificate "CN=Test Intermediate,O=Notation Test,ST=WA,C=US" \(inter\.pem\) is issued by "CN=Test Root,O=Notation Test,ST=WA,C=US", not by itself; a tsa store holds root CA certificates only/
    )
    assert.throws(
      () => checkTrustStoreCertificates('tsa', [loaded(selfSigned, 'self.pem')], now),
      /\(self\.pem\) is not a CA certificate; a tsa store holds root CA certificates only/
    )
  })

  test('several problems are reported together', () => {
    assert.throws(
      () => checkTrustStoreCertificates('tsa', [loaded(leaf, 'a'), loaded(intermediate, 'b')], now),
      (error: unknown) => {
        assert.ok(error instanceof Error)
        assert.match(error.message, /\(a\) is not a CA certificate/)
        assert.match(error.message, /\(b\) is issued by/)
        return true
      }
    )
  })

  test('an empty store is refused', () => {
    assert.throws(
      () => checkTrustStoreCertificates('ca', [], now),
      /notation refuses an empty ca trust store/
    )
  })

  test('expired and not-yet-valid certificates are warnings, not errors', async () => {
    const expired = await issueCertificate({
      subject: 'CN=old,O=o,ST=WA,C=US',
      isCa: true,
      key: EC,
      notBefore: new Date(Date.now() - 30 * DAY),
      notAfter: new Date(Date.now() - DAY)
    })
    const future = await issueCertificate({
      subject: 'CN=new,O=o,ST=WA,C=US',
      isCa: true,
      key: EC,
      notBefore: new Date(Date.now() + DAY),
      notAfter: new Date(Date.now() + 30 * DAY)
    })
    const warnings = checkTrustStoreCertificates(
      'ca',
      [loaded(expired, 'old.pem'), loaded(future, 'new.pem'), loaded(rootCa)],
      now
    )
    assert.equal(warnings.length, 2)
    assert.match(
      warnings[0]!,
      /^certificate "CN=old,O=o,ST=WA,C=US" \(old\.pem\) expired on \d{4}-/
    )
    assert.match(
      warnings[1]!,
      /^certificate "CN=new,O=o,ST=WA,C=US" \(new\.pem\) is not valid until \d{4}-/
    )
  })
})

describe('writeTrustStore', () => {
  test('writes fingerprint-named files 0600 in 0700 folders; a second write changes nothing', async () => {
    const config = path.join(root, 'config-idem')
    const certs = [rootCa, intermediate].map(i => new X509Certificate(i.der))
    const first = await writeTrustStore(config, { type: 'ca', name: 'wabbit' }, certs)
    const dir = path.join(config, 'truststore', 'x509', 'ca', 'wabbit')
    assert.equal(first.length, 2)
    for (const file of first) {
      assert.equal(path.dirname(file), dir)
      assert.match(path.basename(file), /^notation-akv-action-[0-9a-f]{64}\.pem$/)
      assert.equal((await lstat(file)).mode & 0o777, 0o600)
    }
    // Each file holds its certificate, named by the SHA-256 of its DER.
    for (const cert of certs) {
      const hex = cert.fingerprint256.replace(/:/g, '').toLowerCase()
      const file = path.join(dir, `notation-akv-action-${hex}.pem`)
      assert.ok(first.includes(file))
      assert.equal(
        parseCertificates(await readFile(file), file)[0]?.fingerprint256,
        cert.fingerprint256
      )
    }
    for (const part of [
      'truststore',
      'truststore/x509',
      'truststore/x509/ca',
      'truststore/x509/ca/wabbit'
    ]) {
      assert.equal((await stat(path.join(config, part))).mode & 0o777, 0o700, part)
    }

    const before = await Promise.all(
      first.map(async f => [await readFile(f, 'utf8'), (await stat(f)).ino])
    )
    // Same certificates again, in another order and with a duplicate: same files, untouched.
    const second = await writeTrustStore(config, { type: 'ca', name: 'wabbit' }, [
      certs[1]!,
      certs[0]!,
      certs[1]!
    ])
    assert.deepEqual(second, first)
    const afterWrite = await Promise.all(
      second.map(async f => [await readFile(f, 'utf8'), (await stat(f)).ino])
    )
    assert.deepEqual(afterWrite, before)
    assert.deepEqual((await readdir(dir)).sort(), first.map(f => path.basename(f)).sort())
    // Real notation lists exactly these files in the store and reads each certificate.
    if (!(await skipWithoutRealNotation())) {
      const notation = (await requireRealNotation()).path
      const listed = await runRealNotation(
        notation,
        ['cert', 'ls', '--type', 'ca', '--store', 'wabbit'],
        {
          configDir: config
        }
      )
      assert.equal(listed.code, 0, listed.stderr)
      const names = listed.stdout
        .split('\n')
        .slice(1)
        .filter(l => l.trim() !== '')
        .map(l => l.trim().split(/\s+/)[2])
      assert.deepEqual(names.sort(), first.map(f => path.basename(f)).sort())
      for (const cert of certs) {
        const hex = cert.fingerprint256.replace(/:/g, '').toLowerCase()
        const shown = await runRealNotation(
          notation,
          ['cert', 'show', '--type', 'ca', '--store', 'wabbit', `notation-akv-action-${hex}.pem`],
          { configDir: config }
        )
        assert.equal(shown.code, 0, shown.stderr)
        assert.match(shown.stdout, new RegExp(`^SHA256 Thumbprint: ${hex}$`, 'm'))
      }
    }
  })

  test('stale files of its own pattern go; other files stay; wrong content is replaced', async () => {
    const config = path.join(root, 'config-stale')
    const dir = path.join(config, 'truststore', 'x509', 'signingAuthority', 'sa')
    const [a, b] = [rootCa, selfSigned].map(i => new X509Certificate(i.der))
    const both = await writeTrustStore(config, { type: 'signingAuthority', name: 'sa' }, [a!, b!])
    await writeFile(path.join(dir, 'user-added.pem'), intermediate.pem)
    // Someone overwrote one of our files with other content and looser permissions.
    await writeFile(both[0]!, 'garbage', { mode: 0o644 })
    const only = await writeTrustStore(config, { type: 'signingAuthority', name: 'sa' }, [a!])
    assert.equal(only.length, 1)
    assert.deepEqual(
      (await readdir(dir)).sort(),
      [path.basename(only[0]!), 'user-added.pem'].sort()
    )
    assert.equal(
      parseCertificates(await readFile(only[0]!), 'x')[0]?.fingerprint256,
      a!.fingerprint256
    )
    assert.equal((await lstat(only[0]!)).mode & 0o777, 0o600)
  })

  test('a file of its own name that is a symlink is replaced, not followed', async () => {
    const config = path.join(root, 'config-link')
    const cert = new X509Certificate(rootCa.der)
    const [file] = await writeTrustStore(config, { type: 'ca', name: 's' }, [cert])
    const victim = path.join(root, 'victim.txt')
    await writeFile(victim, 'untouched')
    await rm(file!)
    await symlink(victim, file!)
    await writeTrustStore(config, { type: 'ca', name: 's' }, [cert])
    const info = await lstat(file!)
    assert.ok(info.isFile() && !info.isSymbolicLink())
    assert.equal(await readFile(victim, 'utf8'), 'untouched')
  })

  test('a symlinked store folder (or parent) is refused, nothing is written through it', async () => {
    const cert = new X509Certificate(rootCa.der)
    const elsewhere = path.join(root, 'elsewhere')
    await mkdir(elsewhere)

    const config = path.join(root, 'config-symlink-store')
    await mkdir(path.join(config, 'truststore', 'x509', 'ca'), { recursive: true })
    await symlink(elsewhere, path.join(config, 'truststore', 'x509', 'ca', 'wabbit'))
    await assert.rejects(
      writeTrustStore(config, { type: 'ca', name: 'wabbit' }, [cert]),
      (error: unknown) => {
        assert.ok(error instanceof InputError)
        assert.match(
          error.message,
          /ca[/\\]wabbit is a symlink; the trust store is not written through one/
        )
        return true
      }
    )
    const parent = path.join(root, 'config-symlink-parent')
    await mkdir(parent)
    await symlink(elsewhere, path.join(parent, 'truststore'))
    await assert.rejects(
      writeTrustStore(parent, { type: 'tsa', name: 'ts' }, [cert]),
      /truststore is a symlink/
    )
    assert.deepEqual(await readdir(elsewhere), [])
  })

  test('a store holding a folder or a symlink is refused (notation would refuse it)', async () => {
    const config = path.join(root, 'config-subdir')
    const dir = path.join(config, 'truststore', 'x509', 'ca', 'x')
    await mkdir(path.join(dir, 'sub'), { recursive: true })
    await assert.rejects(
      writeTrustStore(config, { type: 'ca', name: 'x' }, [new X509Certificate(rootCa.der)]),
      /sub is a folder; notation refuses a store holding one/
    )
  })

  test('store names that escape or are invalid are refused', async () => {
    const cert = new X509Certificate(rootCa.der)
    for (const name of ['..', '.', 'a/b', '']) {
      await assert.rejects(
        writeTrustStore(path.join(root, 'config-names'), { type: 'ca', name }, [cert]),
        /must use letters, digits and _ \. - only/,
        name
      )
    }
  })
})

describe('certificateSubject', () => {
  test('Go order and names, most specific first', () => {
    assert.equal(
      certificateSubject(new X509Certificate(selfSigned.der)),
      'CN=wabbit-networks.io,O=Notation,L=Seattle,ST=WA,C=US'
    )
  })

  test('escaped values round-trip through the DN parser', async () => {
    const cert = await issueCertificate({
      subject: 'CN=\\#lead a\\,b \\\\ \\"q\\" <lt>;x,O=Acme\\, Inc.,OU=R\\+D,ST=Ünïcödé 日本,C=US',
      key: EC
    })
    const subject = certificateSubject(new X509Certificate(cert.der))
    const { attributes, problems } = checkNotaryDN(subject)
    assert.deepEqual(problems, [])
    assert.deepEqual(Object.fromEntries(attributes), {
      CN: '#lead a,b \\ "q" <lt>;x',
      OU: 'R+D',
      O: 'Acme, Inc.',
      ST: 'Ünïcödé 日本',
      C: 'US'
    })
    assert.deepEqual(
      parseDistinguishedName(subject).map(rdn => rdn[0]?.type),
      ['CN', 'OU', 'O', 'ST', 'C']
    )
  })

  test('multi-valued and repeated attributes as Go renders them; unnamed types last', async () => {
    const cert = await issueCertificate({
      subject: 'C=US,ST=WA,O=o,OU=a,OU=b,CN=x+E=me@example.com',
      key: EC
    })
    // Go flattens the multi-valued RDN, joins the two OUs, and keeps emailAddress (an OID to Go) last.
    assert.equal(
      certificateSubject(new X509Certificate(cert.der)),
      'CN=x,OU=a+OU=b,O=o,ST=WA,C=US,emailAddress=me@example.com'
    )
  })
})
