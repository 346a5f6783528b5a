// Trust policy: every rule notation-go 1.3.2 applies (each case is also refused by the real notation
// CLI's `policy import`), generation, reading, writing and matching.
import assert from 'node:assert/strict'
import { lstat, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import { InputError } from '../../src/util/errors.ts'
import {
  GO_FOLDS_INTO_ASCII,
  goFoldName,
  jsonValue,
  parseJsonTree
} from '../../src/util/go-json.ts'
import {
  assertValidTrustPolicy,
  canonicalTrustPolicy,
  defaultScopes,
  generateTrustPolicy,
  tsaStoreNames,
  parseTrustPolicy,
  policyWarnings,
  registryScopeProblem,
  scopeMatches,
  subjectIdentity,
  uncoveredImages,
  validateTrustPolicy,
  writeTrustPolicy,
  type TrustPolicyDocument
} from '../../src/trust/trust-policy.ts'
import {
  checkNotaryDN,
  formatDistinguishedName,
  parseDistinguishedName,
  signingSubjectProblems
} from '../../src/trust/distinguished-name.ts'
import type { ResolvedImage } from '../../src/util/types.ts'
import { requireRealNotation, skipWithoutRealNotation } from '../support/notation-bin.ts'
import { importPolicy, runRealNotation } from '../support/notation-run.ts'

/** Why the real-notation checks are skipped here, or false when real notation is found. */
const noNotation = await skipWithoutRealNotation()

const SUBJECT = 'CN=wabbit-networks.io,O=Notation,L=Seattle,ST=WA,C=US'

/** A valid two-statement policy, fresh each time so cases can break it. */
function validPolicy(): TrustPolicyDocument {
  return {
    version: '1.0',
    trustPolicies: [
      {
        name: 'apps',
        registryScopes: ['myacr.azurecr.io/app', 'localhost:5000/team/api'],
        signatureVerification: {
          level: 'strict',
          override: { revocation: 'skip', expiry: 'log' },
          verifyTimestamp: 'afterCertExpiry'
        },
        trustStores: ['ca:wabbit', 'tsa:timestamps'],
        trustedIdentities: [
          `x509.subject: ${SUBJECT}`,
          'x509.subject: CN=other,O=Acme\\, Inc.,ST=WA,C=US'
        ]
      },
      {
        name: 'everything-else',
        registryScopes: ['*'],
        signatureVerification: { level: 'audit' },
        trustStores: ['signingAuthority:sa'],
        trustedIdentities: ['*']
      }
    ]
  }
}

type Mutable = Record<string, unknown> & { trustPolicies: Record<string, unknown>[] }

/** Applies a mutation to a valid policy; returns the document and our messages. */
function broken(mutate: (doc: Mutable) => void): { doc: Mutable; problems: string[] } {
  const doc = validPolicy() as unknown as Mutable
  mutate(doc)
  return { doc, problems: validateTrustPolicy(doc) }
}

function statement(
  doc: Mutable,
  index = 0
): Record<string, unknown> & {
  signatureVerification: Record<string, unknown>
} {
  return doc.trustPolicies[index] as Record<string, unknown> & {
    signatureVerification: Record<string, unknown>
  }
}

interface RuleCase {
  rule: string
  mutate: (doc: Mutable) => void
  message: RegExp
  /** Real notation's `policy import` refuses it too; false where we are stricter than notation. */
  notationRefuses?: boolean
}

const RULES: RuleCase[] = [
  { rule: 'version missing', mutate: d => delete d.version, message: /^version is missing/ },
  {
    rule: 'version not 1.0',
    mutate: d => (d.version = '1.1'),
    message: /^version "1\.1" is not supported; it must be "1\.0"/
  },
  {
    rule: 'no statements',
    mutate: d => (d.trustPolicies = []),
    message: /^trustPolicies has no statements/
  },
  {
    rule: 'empty name',
    mutate: d => (statement(d).name = ''),
    message: /^statement #1: name is missing or empty/
  },
  {
    rule: 'duplicate names',
    mutate: d => (statement(d, 1).name = 'apps'),
    message: /^statement "apps": the name is used by 2 statements/
  },
  {
    rule: 'unknown level',
    mutate: d => (statement(d).signatureVerification.level = 'lenient'),
    message: /^statement "apps": signatureVerification\.level "lenient" is unknown/
  },
  {
    rule: 'missing level',
    mutate: d => delete statement(d).signatureVerification.level,
    message: /^statement "apps": signatureVerification\.level is missing/
  },
  {
    rule: 'override key not a verification type',
    mutate: d => (statement(d).signatureVerification.override = { speed: 'log' }),
    message: /^statement "apps": signatureVerification\.override "speed" is not a verification type/
  },
  {
    rule: 'override value not enforce|log',
    mutate: d => (statement(d).signatureVerification.override = { expiry: 'ignore' }),
    message:
      /^statement "apps": signatureVerification\.override "expiry": "ignore" is not an action/
  },
  {
    rule: 'override skip on anything but revocation',
    mutate: d => (statement(d).signatureVerification.override = { authenticity: 'skip' }),
    message:
      /^statement "apps": signatureVerification\.override "authenticity": only revocation can be skipped/
  },
  {
    rule: 'override with level skip',
    mutate: d => {
      const s = statement(d)
      s.signatureVerification = { level: 'skip', override: { revocation: 'log' } }
      delete s.trustStores
      delete s.trustedIdentities
    },
    message: /^statement "apps": signatureVerification\.override cannot be used with level "skip"/
  },
  {
    rule: 'override integrity',
    mutate: d => (statement(d).signatureVerification.override = { integrity: 'log' }),
    message:
      /^statement "apps": signatureVerification\.override "integrity": integrity verification can't be overridden/
  },
  {
    rule: 'verifyTimestamp value',
    mutate: d => (statement(d).signatureVerification.verifyTimestamp = 'never'),
    message: /^statement "apps": signatureVerification\.verifyTimestamp "never" is invalid/
  },
  {
    rule: 'skip with trust stores',
    mutate: d => {
      const s = statement(d)
      s.signatureVerification = { level: 'skip' }
      delete s.trustedIdentities
    },
    message: /^statement "apps": level "skip" must not have trustStores or trustedIdentities/
  },
  {
    rule: 'skip with identities',
    mutate: d => {
      const s = statement(d)
      s.signatureVerification = { level: 'skip' }
      s.trustStores = []
    },
    message: /^statement "apps": level "skip" must not have trustStores or trustedIdentities/
  },
  {
    rule: 'non-skip without trust stores',
    mutate: d => delete statement(d).trustStores,
    message: /^statement "apps": trustStores missing: a level other than "skip" needs both/
  },
  {
    rule: 'non-skip without identities',
    mutate: d => (statement(d).trustedIdentities = []),
    message: /^statement "apps": trustedIdentities missing/
  },
  {
    rule: 'trust store without type:name',
    mutate: d => (statement(d).trustStores = ['wabbit']),
    message: /^statement "apps": trust store "wabbit" must be written type:name/
  },
  {
    rule: 'trust store type unknown',
    mutate: d => (statement(d).trustStores = ['root:wabbit']),
    message:
      /^statement "apps": trust store "root:wabbit" has type "root"; use ca, signingAuthority or tsa/
  },
  {
    rule: 'trust store name invalid',
    mutate: d => (statement(d).trustStores = ['ca:my store']),
    message: /^statement "apps": trust store "ca:my store" has name "my store"/
  },
  {
    rule: 'wildcard identity mixed with others',
    mutate: d => (statement(d).trustedIdentities = ['*', `x509.subject:${SUBJECT}`]),
    message: /^statement "apps": trusted identity "\*" cannot be combined/
  },
  {
    rule: 'wildcard scope mixed with others',
    mutate: d => {
      statement(d).registryScopes = ['*', 'myacr.azurecr.io/app']
      statement(d, 1).registryScopes = ['other.io/x']
    },
    message: /^statement "apps": registry scope "\*" cannot be combined/
  },
  {
    rule: 'empty identity',
    mutate: d => (statement(d).trustedIdentities = ['']),
    message: /^statement "apps": a trusted identity is empty/
  },
  {
    rule: 'identity without separator',
    mutate: d => (statement(d).trustedIdentities = ['wabbit-networks']),
    message: /^statement "apps": trusted identity "wabbit-networks" has no ':'/
  },
  {
    rule: 'x509.subject without a DN',
    mutate: d => (statement(d).trustedIdentities = ['x509.subject:']),
    message: /^statement "apps": trusted identity "x509\.subject:" has no DN/
  },
  {
    rule: 'DN not RFC 4514',
    mutate: d => (statement(d).trustedIdentities = ['x509.subject:C=US,ST=WA,O=x,Seattle']),
    message:
      /^statement "apps": trusted identity ".*": ".*" is not an RFC 4514 DN: "Seattle" is not type=value/
  },
  {
    rule: 'DN with =# (hex value)',
    mutate: d => (statement(d).trustedIdentities = ['x509.subject:C=US,ST=WA,O=#04024869']),
    message: /^statement "apps": trusted identity ".*": ".*" contains "=#"/
  },
  {
    rule: 'DN with a multi-valued RDN',
    mutate: d => (statement(d).trustedIdentities = ['x509.subject:C=US,ST=WA,O=x+OU=y']),
    message: /^statement "apps": trusted identity ".*": "O=x\+OU=y" is a multi-valued RDN/
  },
  {
    rule: 'DN with duplicate attributes (S is ST)',
    mutate: d => (statement(d).trustedIdentities = ['x509.subject:C=US,ST=WA,S=OR,O=x']),
    message: /^statement "apps": trusted identity ".*": attribute ST appears more than once/
  },
  {
    rule: 'DN without C',
    mutate: d => (statement(d).trustedIdentities = ['x509.subject:ST=WA,O=x']),
    message:
      /^statement "apps": trusted identity ".*": lacks C: notation needs C, ST \(or S\) and O\.$/
  },
  {
    rule: 'DN without ST and O',
    mutate: d => (statement(d).trustedIdentities = ['x509.subject:C=US,CN=x']),
    message: /lacks ST, O: notation needs C, ST \(or S\) and O/
  },
  {
    rule: 'DN with lowercase types',
    mutate: d => (statement(d).trustedIdentities = ['x509.subject:c=US,st=WA,O=x']),
    message: /lacks C, ST: .*case-sensitive: write C, ST in capitals/
  },
  {
    rule: 'overlapping DNs',
    mutate: d =>
      (statement(d).trustedIdentities = [
        `x509.subject:${SUBJECT}`,
        'x509.subject: C=US, ST=WA, O=Notation'
      ]),
    message:
      /^statement "apps": trusted identities overlap: "x509\.subject: C=US, ST=WA, O=Notation" already matches every subject "x509\.subject:CN=wabbit/
  },
  {
    rule: 'duplicate DNs (same attributes, any order)',
    mutate: d =>
      (statement(d).trustedIdentities = [
        'x509.subject:C=US,ST=WA,O=x',
        'x509.subject:O=x, S=WA, C=US'
      ]),
    message: /^statement "apps": trusted identities ".*" and ".*" are the same DN/
  },
  {
    rule: 'scope without repository',
    mutate: d => (statement(d).registryScopes = ['myacr.azurecr.io']),
    message:
      /^statement "apps": registry scope "myacr\.azurecr\.io" is not host\[:port\]\/repository: add the repository/
  },
  {
    rule: 'scope with scheme',
    mutate: d => (statement(d).registryScopes = ['https://myacr.azurecr.io/app']),
    message:
      /registry scope "https:\/\/myacr\.azurecr\.io\/app" is not host\[:port\]\/repository: remove the scheme/
  },
  {
    rule: 'scope with tag',
    mutate: d => (statement(d).registryScopes = ['myacr.azurecr.io/app:v1']),
    message: /registry scope "myacr\.azurecr\.io\/app:v1" .*: remove the tag/
  },
  {
    rule: 'scope with digest',
    mutate: d => (statement(d).registryScopes = [`myacr.azurecr.io/app@sha256:${'a'.repeat(64)}`]),
    message: /: remove the digest/
  },
  {
    rule: 'scope with uppercase repository',
    mutate: d => (statement(d).registryScopes = ['myacr.azurecr.io/MyApp']),
    message: /registry scope "myacr\.azurecr\.io\/MyApp" .*: repository names are lowercase/
  },
  {
    rule: 'scope with a bad host',
    mutate: d => (statement(d).registryScopes = ['my_acr.io/app']),
    message: /"my_acr\.io" is not a registry host/
  },
  {
    rule: 'scope with a bad repository component',
    mutate: d => (statement(d).registryScopes = ['myacr.io/app/-x']),
    message: /repository path components use lowercase letters and digits/
  },
  {
    rule: 'wildcard inside a scope',
    mutate: d => (statement(d).registryScopes = ['myacr.azurecr.io/*']),
    message: /^statement "apps": registry scope "myacr\.azurecr\.io\/\*" has a wildcard/
  },
  {
    rule: 'the same scope in two statements',
    mutate: d => (statement(d, 1).registryScopes = ['myacr.azurecr.io/app']),
    message:
      /^registry scope "myacr\.azurecr\.io\/app" is in statements "apps", "everything-else"; a scope may belong to only one statement/
  },
  {
    rule: 'the same scope twice in one statement',
    mutate: d => (statement(d).registryScopes = ['myacr.azurecr.io/app', 'myacr.azurecr.io/app']),
    message: /^statement "apps": registryScopes lists a scope twice/
  },
  {
    rule: 'two statements with the wildcard scope',
    mutate: d => (statement(d).registryScopes = ['*']),
    message:
      /^statements "apps", "everything-else" all use the wildcard scope "\*"; only one statement may/
  },
  {
    rule: 'empty registry scopes',
    mutate: d => (statement(d).registryScopes = []),
    message: /^statement "apps": registryScopes is empty/
  },
  {
    rule: 'quoted DN value (stricter than notation: RFC 4514 has no quoting)',
    mutate: d => (statement(d).trustedIdentities = ['x509.subject:C=US,ST=WA,O="Acme"']),
    message: /unescaped " in '"Acme"': write \\" \(RFC 4514 has no quoted values\)/,
    notationRefuses: false
  }
]

describe('validateTrustPolicy', () => {
  test('a fully valid policy has no problems', () => {
    const doc = validPolicy()
    assert.deepEqual(validateTrustPolicy(doc), [])
    assert.doesNotThrow(() => assertValidTrustPolicy(doc))
  })

  for (const { rule, mutate, message } of RULES) {
    test(`rule: ${rule}`, () => {
      const { problems } = broken(mutate)
      assert.ok(
        problems.some(p => message.test(p)),
        `expected a problem matching ${message}, got:\n${problems.join('\n')}`
      )
    })
  }

  test('every broken rule is reported, not only the first', () => {
    const { problems } = broken(d => {
      d.version = '2.0'
      statement(d).signatureVerification.level = 'lenient'
      statement(d).trustStores = ['bad']
      statement(d, 1).registryScopes = ['r.io/App']
    })
    assert.equal(problems.length, 4, problems.join('\n'))
    assert.match(problems[0]!, /^version "2\.0"/)
    assert.ok(problems.some(p => p.startsWith('statement "apps": signatureVerification.level')))
    assert.ok(problems.some(p => p.startsWith('statement "apps": trust store "bad"')))
    assert.ok(problems.some(p => p.startsWith('statement "everything-else": registry scope')))
  })

  test('wrong JSON types are reported instead of crashing', () => {
    assert.deepEqual(validateTrustPolicy([]), ['the trust policy must be a JSON object.'])
    const { problems } = broken(d => {
      d.version = 1
      statement(d).registryScopes = 'myacr.azurecr.io/app'
      statement(d).signatureVerification = 'strict' as unknown as Record<string, unknown>
      statement(d, 1).trustedIdentities = [42]
    })
    assert.ok(problems.includes('version must be the string "1.0".'), problems.join('\n'))
    assert.ok(problems.includes('statement "apps": registryScopes must be an array of strings.'))
    assert.ok(problems.some(p => p.includes('signatureVerification must be an object')))
    assert.ok(
      problems.includes(
        'statement "everything-else": trustedIdentities must be an array of strings.'
      )
    )
  })

  test('keys with the wrong case are named (Go would match them, this check does not)', () => {
    const { problems } = broken(d => {
      statement(d).RegistryScopes = statement(d).registryScopes
      delete statement(d).registryScopes
      statement(d, 1)['\u017fignatureVerification'] = statement(d, 1).signatureVerification
      delete (statement(d, 1) as Record<string, unknown>).signatureVerification
      d.Version = d.version
      delete d.version
    })
    assert.ok(problems.some(p => /property "RegistryScopes": write it as "registryScopes"/.test(p)))
    assert.ok(problems.some(p => /write it as "signatureVerification"/.test(p)))
    assert.ok(problems.some(p => /property "Version": write it as "version"/.test(p)))
  })

  test('assertValidTrustPolicy throws one InputError with every message', () => {
    const { doc, problems } = broken(d => {
      statement(d).signatureVerification.verifyTimestamp = 'never'
      statement(d).trustedIdentities = ['']
    })
    assert.equal(problems.length, 2)
    assert.throws(
      () => assertValidTrustPolicy(doc),
      (error: unknown) => {
        assert.ok(error instanceof InputError)
        assert.equal(error.input, 'trust-policy')
        assert.match(error.message, /\(2 problems\)/)
        for (const p of problems) assert.ok(error.message.includes(p))
        return true
      }
    )
  })
})

/** A valid statement as JSON text, for documents whose keys JSON.stringify could not write. */
function statementJson(name: string, level = 'strict', scopes = ['*']): string {
  return JSON.stringify({
    name,
    registryScopes: scopes,
    signatureVerification: { level },
    trustStores: ['ca:x'],
    trustedIdentities: ['*']
  })
}

describe('real notation policy import agrees with each rule', { skip: noNotation }, () => {
  test('it imports the valid policy', async () => {
    const run = await importPolicy(
      (await requireRealNotation()).path,
      JSON.stringify(validPolicy())
    )
    assert.equal(run.code, 0, run.stderr)
  })

  for (const { rule, mutate, notationRefuses = true } of RULES) {
    test(`rule: ${rule}${notationRefuses ? '' : ' (notation accepts it; the action is stricter)'}`, async () => {
      const { doc } = broken(mutate)
      const run = await importPolicy((await requireRealNotation()).path, JSON.stringify(doc))
      if (notationRefuses) {
        assert.equal(run.code, 1, `notation imported it:\n${run.stdout}`)
        assert.match(run.stderr, /^Error: /m)
      } else {
        assert.equal(run.code, 0, run.stderr)
      }
    })
  }
})

describe("keys as notation reads them (Go's encoding/json)", () => {
  const refused = async (text: string, ...messages: RegExp[]): Promise<string> => {
    let message = ''
    await assert.rejects(parseTrustPolicy(text), (error: unknown) => {
      assert.ok(error instanceof InputError)
      assert.equal(error.input, 'trust-policy')
      message = error.message
      return true
    })
    for (const m of messages) assert.match(message, m)
    return message
  }

  test("goFoldName is Go's foldName for every rune that can meet an ASCII field name", () => {
    assert.equal(goFoldName('trustPolicies'), 'TRUSTPOLICIES')
    assert.equal(goFoldName('tru\u017ftPolicies'), 'TRUSTPOLICIES')
    assert.equal(goFoldName('\u212aind'), goFoldName('kind'))
    // Go keeps the Turkish dotted and dotless i in orbits of their own (caseOrbit maps them to
    // themselves), so they never fold to I, unlike toUpperCase.
    assert.notEqual(goFoldName('trustPol\u0131c\u0131es'), 'TRUSTPOLICIES')
    assert.notEqual(goFoldName('trustPol\u0130c\u0130es'), 'TRUSTPOLICIES')
    // Cross-check against an independent source: JavaScript's /iu matching is Unicode simple case
    // folding too. The non-ASCII runes that fold to an ASCII letter are exactly the two Go's table
    // names; every one of them folds to what goFoldName says.
    const intoAscii: string[] = []
    for (let point = 0x80; point <= 0x10ffff; point++) {
      if (point >= 0xd800 && point <= 0xdfff) continue
      const char = String.fromCodePoint(point)
      if (/^[a-z]$/iu.test(char)) intoAscii.push(char)
    }
    assert.deepEqual(intoAscii.sort(), [...GO_FOLDS_INTO_ASCII.keys()].sort())
    for (const [char, folded] of GO_FOLDS_INTO_ASCII) {
      assert.ok(new RegExp(`^${folded}$`, 'iu').test(char))
      assert.equal(goFoldName(char), folded)
    }
  })

  test('the tree keeps every key; its value is what JSON.parse gives', () => {
    const text =
      '{"a": 1, "b": [true, null, -1.5e3, "x\\u0041"], "a": {"__proto__": {"c": 2}}, "": {}}'
    const tree = parseJsonTree(text)
    assert.equal(tree.kind, 'object')
    assert.deepEqual(tree.kind === 'object' ? tree.members.map(m => m.key) : [], [
      'a',
      'b',
      'a',
      ''
    ])
    assert.deepEqual(jsonValue(tree), JSON.parse(text))
    const value = jsonValue(tree) as { a: Record<string, unknown> }
    assert.ok(Object.hasOwn(value.a, '__proto__'), '__proto__ stays an own property')
    assert.equal(Object.getPrototypeOf(value.a), Object.prototype)
  })

  test('a second trustPolicies under another case is refused, naming both keys', async () => {
    const hidden = `{"version": "1.0", "trustPolicies": [${statementJson('visible')}], "TrustPolicies": [${statementJson('hidden', 'audit')}]}`
    await refused(
      hidden,
      /^Input 'trust-policy': inline JSON has keys notation reads differently: /,
      /top level: keys "trustPolicies" and "TrustPolicies" all set "trustPolicies"/,
      /the last one wins: "TrustPolicies"/
    )
    // Real notation enforces the hidden statement: notation-real.test.ts shows it.
  })

  test('inside a statement, \u017fignatureVerification is refused and shown escaped', async () => {
    const statement = JSON.parse(statementJson('s')) as Record<string, unknown>
    const text = JSON.stringify({ version: '1.0', trustPolicies: [statement] }).replace(
      '"trustStores"',
      '"\\u017fignatureVerification": {"level": "audit"}, "trustStores"'
    )
    const message = await refused(
      text,
      /trustPolicies\[0\]: keys "signatureVerification" and "\\u017fignatureVerification" all set "signatureVerification"/
    )
    assert.doesNotMatch(message, /\u017f/, 'the lookalike is never printed as such')
    // Real notation reads the lookalike as signatureVerification: notation-real.test.ts shows it.
  })

  test('an exact duplicate key is refused, at any depth, though JSON.parse hides it', async () => {
    await refused(
      `{"version": "2.0", "version": "1.0", "trustPolicies": [${statementJson('a')}]}`,
      /top level: "version" is written 2 times/
    )
    await refused(
      `{"version": "1.0", "trustPolicies": [{"name": "a", "name": "b", "registryScopes": ["*"], "signatureVerification": {"level": "strict", "level": "audit"}, "trustStores": ["ca:x"], "trustedIdentities": ["*"]}]}`,
      /trustPolicies\[0\]: "name" is written 2 times/,
      /trustPolicies\[0\]\.signatureVerification: "level" is written 2 times/,
      /\(2 problems\)/
    )
    await refused(
      `{"version": "1.0", "trustPolicies": [{"name": "a", "registryScopes": ["*"], "signatureVerification": {"level": "strict", "override": {"revocation": "log", "revocation": "skip"}}, "trustStores": ["ca:x"], "trustedIdentities": ["*"]}]}`,
      /trustPolicies\[0\]\.signatureVerification\.override: "revocation" is written 2 times/
    )
  })

  test('Kelvin-sign keys collide with their ASCII spelling', async () => {
    // No notation property has a "k", so the Kelvin sign cannot hide one; two keys Go takes for
    // one name are refused all the same, wherever they are.
    await refused(
      `{"version": "1.0", "trustPolicies": [${statementJson('a')}], "kind": "strict", "\\u212aind": "audit"}`,
      /top level: keys "kind" and "\\u212aind" are one name to notation/
    )
  })

  test('a key that names a property only by folding is refused, as notation would read it', async () => {
    await refused(
      `{"Version": "1.0", "tru\\u017ftPolicies": [${statementJson('a')}]}`,
      /top level: key "Version" is read by notation as "version"/,
      /top level: key "tru\\u017ftPolicies" is read by notation as "trustPolicies"/
    )
  })

  test('a property written at the wrong level is refused: a reader takes it for the setting', async () => {
    await refused(
      `{"version": "1.0", "trustPolicies": [{"name": "a", "registryScopes": ["*"], "signatureVerification": {"level": "audit"}, "Level": "strict", "trustStores": ["ca:x"], "trustedIdentities": ["*"]}], "trustedIdentities": ["x"]}`,
      /trustPolicies\[0\]: "Level" is not a property here \("level" belongs in a statement's signatureVerification\); notation ignores it\./,
      /top level: "trustedIdentities" is not a property here \("trustedIdentities" belongs in a statement \(in trustPolicies\)\)/
    )
  })

  test('problems inside the hidden statements are found too', async () => {
    await refused(
      `{"version": "1.0", "trustPolicies": [${statementJson('a')}], "TRUSTPOLICIES": [{"name": "b", "Name": "c"}]}`,
      /top level: keys "trustPolicies" and "TRUSTPOLICIES"/,
      /TRUSTPOLICIES\[0\]: keys "name" and "Name" all set "name"/
    )
  })

  test('unknown keys are warned about, not refused; dotless i matches nothing for Go', async () => {
    const parsed = await parseTrustPolicy(
      `{"$schema": "x", "version": "1.0", "trustPol\\u0131cies": [], "trustPolicies": [{"comment": "x", "name": "a", "registryScopes": ["*"], "signatureVerification": {"level": "skip", "note": 1}}]}`
    )
    assert.deepEqual(parsed.warnings, [
      'trust policy: notation ignores "$schema" (top level), "trustPol\\u0131cies" (top level), "comment" (trustPolicies[0]), "note" (trustPolicies[0].signatureVerification): not trust policy properties; the trustpolicy.json the action writes leaves them out.'
    ])
    assert.doesNotThrow(() => assertValidTrustPolicy(parsed.document))
  })

  test('strings Go would read differently are refused: unpaired surrogates, invalid UTF-8', async () => {
    await refused(
      `{"version": "1.0", "trustPolicies": [${statementJson('a\ud800')}]}`,
      /unpaired surrogate/
    )
    const root = await mkdtemp(path.join(os.tmpdir(), 'trust-policy-utf8-'))
    try {
      const text = `{"version": "1.0", "trustPolicies": [${statementJson('a')}]}`
      await writeFile(
        path.join(root, 'policy.json'),
        Buffer.concat([
          Buffer.from(text.replace('"a"', '"a')),
          Buffer.from([0xe2, 0x82]),
          Buffer.from('"')
        ])
      )
      await assert.rejects(
        parseTrustPolicy('policy.json', { workspace: root }),
        /Input 'trust-policy': 'policy\.json' is not UTF-8 text\./
      )
    } finally {
      await rm(root, { recursive: true, force: true })
    }
  })

  test('deep nesting is refused without exhausting the stack, valid or not', async () => {
    await refused(`{"a": ${'['.repeat(100)}${']'.repeat(100)}}`, /nests deeper than 64 levels/)
    await refused(`{"a": ${'['.repeat(200_000)}`, /is not valid JSON/)
  })

  test('canonicalTrustPolicy keeps only validated fields, in one order', async () => {
    const parsed = await parseTrustPolicy(
      ` {"trustPolicies": [{"trustedIdentities": ["*"], "comment": 1, "trustStores": ["ca:x"], "signatureVerification": {"verifyTimestamp": "", "override": {"expiry": "log", "authenticity": "enforce"}, "level": "strict"}, "registryScopes": ["*"], "name": "n"}, {"name": "s", "registryScopes": ["r.io/a"], "signatureVerification": {"level": "skip", "override": null}, "trustStores": null, "trustedIdentities": []}], "version": "1.0"} `
    )
    assertValidTrustPolicy(parsed.document)
    const canonical = canonicalTrustPolicy(parsed.document)
    assert.equal(
      JSON.stringify(canonical),
      JSON.stringify({
        version: '1.0',
        trustPolicies: [
          {
            name: 'n',
            registryScopes: ['*'],
            signatureVerification: {
              level: 'strict',
              override: { authenticity: 'enforce', expiry: 'log' }
            },
            trustStores: ['ca:x'],
            trustedIdentities: ['*']
          },
          { name: 's', registryScopes: ['r.io/a'], signatureVerification: { level: 'skip' } }
        ]
      })
    )
    assert.deepEqual(canonicalTrustPolicy(canonical), canonical, 'idempotent')
    // Real notation imports the canonical text (and shows it as written: notation-real.test.ts).
    if (!noNotation) {
      const run = await importPolicy((await requireRealNotation()).path, JSON.stringify(canonical))
      assert.equal(run.code, 0, run.stderr)
    }
  })
})

describe('registry scopes', () => {
  test('valid forms notation accepts', () => {
    for (const scope of [
      'myacr.azurecr.io/app',
      'localhost:5000/a/b/c',
      '127.0.0.1:5000/team/api',
      'local/myocilayout',
      'docker.io/library/nginx',
      'r.io/a.b_c__d--e/f'
    ]) {
      assert.equal(registryScopeProblem(scope), undefined, scope)
    }
  })
  test('invalid forms', () => {
    for (const scope of ['', '/app', 'r.io/', 'r.io//a', 'r.io/a__-b', 'r.io/a___b', 'r.io/app/']) {
      assert.ok(registryScopeProblem(scope) !== undefined, scope)
    }
  })
})

describe('generateTrustPolicy', () => {
  const image = (registry: string, repository: string, n: number): ResolvedImage => {
    const digest = `sha256:${String(n).repeat(64)}`
    return {
      input: `${registry}/${repository}:v${n}`,
      registry,
      repository,
      digest,
      reference: `${registry}/${repository}@${digest}`
    }
  }

  test('one repository, strict, default identity', () => {
    const images = [image('myacr.azurecr.io', 'app', 1)]
    const doc = generateTrustPolicy({
      scopes: defaultScopes(images),
      identities: [subjectIdentity(SUBJECT)],
      level: 'strict',
      trustStore: { type: 'ca', name: 'notation-akv-action' }
    })
    assert.deepEqual(doc, {
      version: '1.0',
      trustPolicies: [
        {
          name: 'notation-akv-action',
          registryScopes: ['myacr.azurecr.io/app'],
          signatureVerification: { level: 'strict' },
          trustStores: ['ca:notation-akv-action'],
          trustedIdentities: [`x509.subject:${SUBJECT}`]
        }
      ]
    })
    assert.deepEqual(validateTrustPolicy(doc), [])
    assert.deepEqual(policyWarnings(doc), [])
  })

  test('several repositories: unique, sorted scopes; verifyTimestamp kept', () => {
    const images = [
      image('myacr.azurecr.io', 'web', 1),
      image('myacr.azurecr.io', 'api', 2),
      image('myacr.azurecr.io', 'web', 3),
      image('127.0.0.1:5000', 'team/tool', 4)
    ]
    assert.deepEqual(defaultScopes(images), [
      '127.0.0.1:5000/team/tool',
      'myacr.azurecr.io/api',
      'myacr.azurecr.io/web'
    ])
    const doc = generateTrustPolicy({
      name: 'release',
      scopes: defaultScopes(images),
      identities: [subjectIdentity(SUBJECT)],
      level: 'permissive',
      verifyTimestamp: 'always',
      trustStore: { type: 'signingAuthority', name: 'sa' }
    })
    const s = doc.trustPolicies[0]!
    assert.equal(s.name, 'release')
    assert.deepEqual(s.registryScopes, defaultScopes(images))
    assert.deepEqual(s.signatureVerification, { level: 'permissive', verifyTimestamp: 'always' })
    assert.deepEqual(s.trustStores, ['signingAuthority:sa'])
    assert.deepEqual(validateTrustPolicy(doc), [])
    const warnings = policyWarnings(doc)
    assert.ok(warnings.some(w => /level "permissive" only logs/.test(w)))
    assert.ok(warnings.some(w => /no "ca" trust store/.test(w)))
  })

  test('a TSA root adds a tsa store of the same name, which tsaStoreNames lists', () => {
    const doc = generateTrustPolicy({
      scopes: ['myacr.azurecr.io/app'],
      identities: [subjectIdentity(SUBJECT)],
      level: 'strict',
      verifyTimestamp: 'afterCertExpiry',
      trustStore: { type: 'ca', name: 'signer' },
      tsaStore: 'signer'
    })
    assert.deepEqual(doc.trustPolicies[0]?.trustStores, ['ca:signer', 'tsa:signer'])
    assert.deepEqual(validateTrustPolicy(doc), [])
    assert.deepEqual(tsaStoreNames(doc), ['signer'])
    assert.deepEqual(tsaStoreNames(validPolicy()), ['timestamps'])
  })

  test('skip gets no trust stores or identities, and is valid', () => {
    const doc = generateTrustPolicy({
      scopes: ['myacr.azurecr.io/app'],
      identities: [subjectIdentity(SUBJECT)],
      level: 'skip',
      verifyTimestamp: 'always',
      trustStore: { type: 'ca', name: 'x' }
    })
    assert.deepEqual(doc.trustPolicies[0], {
      name: 'notation-akv-action',
      registryScopes: ['myacr.azurecr.io/app'],
      signatureVerification: { level: 'skip' }
    })
    assert.deepEqual(validateTrustPolicy(doc), [])
    assert.ok(policyWarnings(doc).some(w => /does not verify signatures for myacr/.test(w)))
  })
})

describe('policyWarnings', () => {
  test('weaker levels, overrides and wildcards are named', () => {
    const warnings = policyWarnings(validPolicy())
    assert.deepEqual(warnings, [
      'statement "apps": override relaxes revocation to skip, expiry to log.',
      'statement "everything-else": level "audit" only logs authenticity failures: any signature that is intact passes.',
      'statement "everything-else": registry scope "*" applies to every repository.',
      'statement "everything-else": trusted identity "*" accepts any certificate issued by the trust stores\' CAs.',
      'statement "everything-else": no "ca" trust store: signatures made by notation (notary.x509 scheme) verify only against ca stores.'
    ])
  })
  test('skip with the global scope', () => {
    const doc: TrustPolicyDocument = {
      version: '1.0',
      trustPolicies: [
        { name: 'all', registryScopes: ['*'], signatureVerification: { level: 'skip' } }
      ]
    }
    const warnings = policyWarnings(doc)
    assert.ok(warnings.some(w => /forbids level "skip" with the global scope/.test(w)))
  })
})

describe('scopeMatches', () => {
  const doc = validPolicy()
  test('an exact scope wins over the wildcard', () => {
    assert.equal(scopeMatches(doc, 'myacr.azurecr.io/app')?.name, 'apps')
    assert.equal(
      scopeMatches(doc, `localhost:5000/team/api@sha256:${'b'.repeat(64)}`)?.name,
      'apps'
    )
    assert.equal(scopeMatches(doc, 'localhost:5000/team/api:v1')?.name, 'apps')
    assert.equal(scopeMatches(doc, 'myacr.azurecr.io/other')?.name, 'everything-else')
  })
  test('nothing applies without a wildcard; uncoveredImages reports those images', () => {
    const only = { version: '1.0', trustPolicies: [doc.trustPolicies[0]!] } as TrustPolicyDocument
    assert.equal(scopeMatches(only, 'myacr.azurecr.io/other'), undefined)
    const digest = `sha256:${'c'.repeat(64)}`
    const images: ResolvedImage[] = [
      { input: 'a', registry: 'myacr.azurecr.io', repository: 'app', digest, reference: 'x' },
      { input: 'b', registry: 'myacr.azurecr.io', repository: 'other', digest, reference: 'y' }
    ]
    assert.deepEqual(
      uncoveredImages(only, images).map(i => i.input),
      ['b']
    )
    assert.deepEqual(uncoveredImages(doc, images), [])
  })
})

describe('parseTrustPolicy and writeTrustPolicy', () => {
  let root: string
  let workspace: string
  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'trust-policy-'))
    workspace = path.join(root, 'workspace')
    await mkdir(path.join(workspace, 'policies'), { recursive: true })
    await writeFile(path.join(workspace, 'policies', 'policy.json'), JSON.stringify(validPolicy()))
    await writeFile(path.join(root, 'outside.json'), JSON.stringify(validPolicy()))
  })
  after(async () => {
    await rm(root, { recursive: true, force: true })
  })

  test('inline JSON', async () => {
    const parsed = await parseTrustPolicy(`  ${JSON.stringify(validPolicy())}\n`, { workspace })
    assert.equal(parsed.source, 'inline')
    assert.deepEqual(parsed.document, validPolicy())
  })

  test('a path relative to the workspace', async () => {
    const parsed = await parseTrustPolicy('policies/policy.json', { workspace })
    assert.equal(parsed.source, 'policies/policy.json')
    assert.deepEqual(parsed.document, validPolicy())
  })

  test('invalid JSON names the position', async () => {
    await assert.rejects(
      parseTrustPolicy('{\n  "version": "1.0",\n  "trustPolicies": [}\n', { workspace }),
      (error: unknown) => {
        assert.ok(error instanceof InputError)
        assert.equal(error.input, 'trust-policy')
        assert.match(
          error.message,
          /inline JSON is not valid JSON \(line 3 column 21, position 42\): Unexpected token '}'\.$/
        )
        return true
      }
    )
    await writeFile(path.join(workspace, 'bad.json'), '{"version": 1.0,,}')
    await assert.rejects(
      parseTrustPolicy('bad.json', { workspace }),
      /'bad\.json' is not valid JSON \(line 1 column 17, position 16\): Expected double-quoted property name\.$/
    )
  })

  test('a JSON value that is not an object is refused', async () => {
    await writeFile(path.join(workspace, 'array.json'), '[1]')
    await assert.rejects(parseTrustPolicy('array.json', { workspace }), /must be a JSON object/)
  })

  test('paths outside the workspace, symlinks, folders and missing files are refused', async () => {
    await assert.rejects(
      parseTrustPolicy('../outside.json', { workspace }),
      /is outside the workspace/
    )
    await assert.rejects(
      parseTrustPolicy(path.join(root, 'outside.json'), { workspace }),
      /is outside the workspace/
    )
    await symlink(path.join(root, 'outside.json'), path.join(workspace, 'link.json'))
    await assert.rejects(parseTrustPolicy('link.json', { workspace }), /'link\.json' is a symlink/)
    await symlink(root, path.join(workspace, 'up'))
    await assert.rejects(
      parseTrustPolicy('up/outside.json', { workspace }),
      /resolves outside the workspace/
    )
    await assert.rejects(parseTrustPolicy('policies', { workspace }), /is not a regular file/)
    await assert.rejects(parseTrustPolicy('nope.json', { workspace }), /does not exist/)
  })

  test('writes trustpolicy.json 0600, atomically, replacing a symlink without following it', async () => {
    const config = path.join(root, 'config')
    const first = await writeTrustPolicy(config, validPolicy())
    assert.equal(first, path.join(config, 'trustpolicy.json'))
    assert.deepEqual(JSON.parse(await readFile(first, 'utf8')), validPolicy())
    assert.equal((await lstat(first)).mode & 0o777, 0o600)

    // Re-run with another policy: replaced, still 0600, no temporary files left.
    const skip = generateTrustPolicy({
      scopes: ['r.io/a'],
      identities: [],
      level: 'skip',
      trustStore: { type: 'ca', name: 'x' }
    })
    await writeTrustPolicy(config, skip)
    assert.deepEqual(JSON.parse(await readFile(first, 'utf8')), skip)

    const victim = path.join(root, 'victim.json')
    await writeFile(victim, 'untouched')
    await rm(first)
    await symlink(victim, first)
    await writeTrustPolicy(config, validPolicy())
    const info = await lstat(first)
    assert.ok(info.isFile() && !info.isSymbolicLink())
    assert.equal(info.mode & 0o777, 0o600)
    assert.equal(await readFile(victim, 'utf8'), 'untouched')
    const { readdir } = await import('node:fs/promises')
    assert.deepEqual(await readdir(config), ['trustpolicy.json'])
    // Real notation loads it (a regular file, JSON) and finds it valid.
    if (!noNotation) {
      const notation = (await requireRealNotation()).path
      const shown = await runRealNotation(notation, ['policy', 'show'], { configDir: config })
      assert.equal(shown.code, 0, shown.stderr)
      assert.equal(shown.stdout, await readFile(first, 'utf8'))
      assert.doesNotMatch(shown.stderr, /Error|invalid/i)
    }
  })
})

describe('distinguished names', () => {
  test('escapes, hex pairs, UTF-8 and spaces', () => {
    assert.deepEqual(
      parseDistinguishedName(
        ' CN = a\\,b\\+c\\\\d\\"e , O=Acme\\2C Inc.;ST=caf\\C3\\A9 ,C=\\ US\\ ,L=x=y'
      ),
      [
        [{ type: 'CN', value: 'a,b+c\\d"e' }],
        [{ type: 'O', value: 'Acme, Inc.' }],
        [{ type: 'ST', value: 'café' }],
        [{ type: 'C', value: ' US ' }],
        [{ type: 'L', value: 'x=y' }]
      ]
    )
    assert.deepEqual(parseDistinguishedName('CN=a+OU=b'), [
      [
        { type: 'CN', value: 'a' },
        { type: 'OU', value: 'b' }
      ]
    ])
    assert.deepEqual(parseDistinguishedName('  '), [])
  })

  test('syntax errors', () => {
    for (const [dn, why] of [
      ['CN=a,', /"" is not type=value/],
      ['CN=a\\', /lone backslash/],
      ['CN=a\\zz', /"\\z" .* is not an escape/],
      ['C N=a', /"C N" is not an attribute type/],
      ['=a', /attribute type is empty/],
      ['CN=\\FF', /not UTF-8/],
      ['CN=<x>', /unescaped < in '<x>': write \\<$/]
    ] as const) {
      assert.throws(() => parseDistinguishedName(dn), why, dn)
    }
  })

  test('format then parse round-trips awkward values', () => {
    const rdns = [
      [{ type: 'CN', value: ' #lead, "quoted" + <angle>; back\\slash trail ' }],
      [{ type: 'O', value: 'Ünïcödé 日本 🚀' }],
      [{ type: 'L', value: 'tab\there\nnewline' }],
      [
        { type: 'OU', value: 'a' },
        { type: 'OU', value: 'b=c' }
      ]
    ]
    const text = formatDistinguishedName(rdns)
    assert.ok(!text.includes('\n'))
    assert.deepEqual(parseDistinguishedName(text), rdns)
  })

  test('checkNotaryDN folds S into ST and returns the attribute set', () => {
    const { attributes, problems } = checkNotaryDN('C=US, S=WA, O=Notation, CN=x')
    assert.deepEqual(problems, [])
    assert.deepEqual(
      [...attributes],
      [
        ['C', 'US'],
        ['ST', 'WA'],
        ['O', 'Notation'],
        ['CN', 'x']
      ]
    )
  })

  test('signingSubjectProblems: what notation could never match', () => {
    assert.deepEqual(signingSubjectProblems(SUBJECT), [])
    const problems = signingSubjectProblems('CN=x,O=o,emailAddress=a@b.c')
    assert.ok(
      problems.some(p => /lacks ST, C/.test(p) || /lacks C, ST/.test(p)),
      problems.join('\n')
    )
    assert.ok(
      problems.some(p => /attribute emailAddress is rendered by notation as a #hex value/.test(p))
    )
  })
})
