// Distinguished names (RFC 4514) as notation reads them in trusted identities and certificate
// subjects: parsing, formatting, and the rules notation applies to a signer's subject.
export interface Attribute {
  type: string
  value: string
}
/** One RDN: usually one attribute; several when joined with `+` (multi-valued). */
export type RelativeDN = Attribute[]

/**
 * Parses an RFC 4514 DN string into its RDNs, in written order: `,` (or `;`) separates RDNs, `+`
 * attributes of one RDN; values may escape `\,` `\+` `\\` `\"` (any special) or a byte as `\XX`
 * (UTF-8 sequences decoded); unescaped spaces around values are dropped. Throws an Error saying
 * what is wrong. A `#hex` value is refused (notation does not support it either).
 */
export function parseDistinguishedName(dn: string): RelativeDN[] {
  const rdns: RelativeDN[] = []
  if (dn.trim() === '') return rdns
  let rdn: RelativeDN = []
  let start = 0
  let type: string | undefined
  const finish = (end: number, closesRdn: boolean): void => {
    if (type === undefined) {
      throw new Error(`"${dn.slice(start, end).trim()}" is not type=value`)
    }
    rdn.push({ type, value: decodeValue(dn.slice(start, end)) })
    type = undefined
    start = end + 1
    if (closesRdn) {
      rdns.push(rdn)
      rdn = []
    }
  }
  for (let i = 0; i < dn.length; i++) {
    const char = dn[i]
    if (char === '\\') {
      if (i + 1 >= dn.length) throw new Error('it ends with a lone backslash')
      i++
    } else if (char === '=' && type === undefined) {
      type = checkAttributeType(dn.slice(start, i).trim())
      start = i + 1
    } else if (char === ',' || char === ';' || char === '+') {
      finish(i, char !== '+')
    }
  }
  finish(dn.length, true)
  return rdns
}

function checkAttributeType(type: string): string {
  if (type === '') throw new Error('an attribute type is empty')
  if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(type) && !/^[0-9]+(?:\.[0-9]+)+$/.test(type)) {
    throw new Error(`"${type}" is not an attribute type (a name such as CN, or a dotted OID)`)
  }
  return type
}

const SPECIAL = ' "#+,;<=>\\'

function decodeValue(raw: string): string {
  let text = raw.replace(/^ +/, '')
  // Trailing spaces go, unless the last one is escaped (an odd run of backslashes before it).
  const trimmed = text.replace(/ +$/, '')
  if (trimmed.length < text.length) {
    const slashes = /\\*$/.exec(trimmed)?.[0].length ?? 0
    text = slashes % 2 === 1 ? `${trimmed} ` : trimmed
  }
  if (text.startsWith('#')) {
    throw new Error(`the value "${text}" is a #hex (BER) value, which notation does not support`)
  }
  const bytes: number[] = []
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!
    if (char === '\\') {
      const next = text[i + 1] ?? ''
      const pair = text.slice(i + 1, i + 3)
      if (next !== '' && SPECIAL.includes(next)) {
        bytes.push(next.charCodeAt(0))
        i++
      } else if (/^[0-9a-fA-F]{2}$/.test(pair)) {
        bytes.push(parseInt(pair, 16))
        i += 2
      } else {
        throw new Error(
          `"\\${next}" in "${raw.trim()}" is not an escape (use \\, \\+ \\\\ \\" or \\XX)`
        )
      }
    } else if (char === '"' || char === '<' || char === '>' || char === '\0') {
      throw new Error(
        `unescaped ${char === '\0' ? 'NUL' : char} in '${raw.trim()}': write \\${char === '\0' ? '00' : char}${char === '"' ? ' (RFC 4514 has no quoted values)' : ''}`
      )
    } else {
      const point = text.codePointAt(i)!
      if (point > 0xffff) i++
      bytes.push(...Buffer.from(String.fromCodePoint(point), 'utf8'))
    }
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes))
  } catch {
    throw new Error(`the escaped bytes in "${raw.trim()}" are not UTF-8`)
  }
}

/** RFC 4514 string for RDNs: attributes joined by `+`, RDNs by `,`, values escaped. */
export function formatDistinguishedName(rdns: readonly RelativeDN[]): string {
  return rdns.map(rdn => rdn.map(a => `${a.type}=${escapeValue(a.value)}`).join('+')).join(',')
}

function escapeValue(value: string): string {
  let out = ''
  const chars = [...value]
  chars.forEach((char, index) => {
    const code = char.codePointAt(0)!
    if ('"+,;<>\\'.includes(char)) out += `\\${char}`
    else if (index === 0 && (char === ' ' || char === '#')) out += `\\${char}`
    else if (index === chars.length - 1 && char === ' ') out += '\\ '
    else if (code < 0x20 || code === 0x7f)
      out += `\\${code.toString(16).padStart(2, '0').toUpperCase()}`
    else out += char
  })
  return out
}

export interface NotaryDN {
  /** Attribute type → value (S folded into ST); empty when the DN did not parse. */
  attributes: Map<string, string>
  /** Why notation would refuse the DN as an x509.subject identity; empty when it accepts it. */
  problems: string[]
}

/**
 * A DN checked as notation checks an x509.subject identity: RFC 4514, no `=#`, no multi-valued
 * RDNs, no repeated attribute type, and C, ST (or S) and O present. Types are case-sensitive, as
 * in notation (`c=US` does not provide C).
 */
export function checkNotaryDN(dn: string): NotaryDN {
  const attributes = new Map<string, string>()
  if (dn.includes('=#')) {
    return {
      attributes,
      problems: [`"${dn}" contains "=#" (a #hex value), which notation does not support.`]
    }
  }
  let rdns: RelativeDN[]
  try {
    rdns = parseDistinguishedName(dn)
  } catch (error) {
    return {
      attributes,
      problems: [`"${dn}" is not an RFC 4514 DN: ${(error as Error).message}.`]
    }
  }
  const problems: string[] = []
  const duplicates = new Set<string>()
  for (const rdn of rdns) {
    if (rdn.length > 1) {
      problems.push(
        `"${formatDistinguishedName([rdn])}" is a multi-valued RDN, which notation does not support; separate attributes with ",".`
      )
    }
    for (const { type, value } of rdn) {
      const key = type === 'S' ? 'ST' : type
      if (attributes.has(key)) duplicates.add(key)
      else attributes.set(key, value)
    }
  }
  for (const key of duplicates) problems.push(`attribute ${key} appears more than once.`)
  const missing = ['C', 'ST', 'O'].filter(key => (attributes.get(key) ?? '') === '')
  if (missing.length > 0) {
    const lower = missing.filter(key => [...attributes.keys()].some(k => k.toUpperCase() === key))
    problems.push(
      `lacks ${missing.join(', ')}: notation needs C, ST (or S) and O` +
        (lower.length > 0
          ? ` (attribute types are case-sensitive: write ${lower.join(', ')} in capitals).`
          : '.')
    )
  }
  return { attributes, problems }
}

/** True when every attribute of `a` is in `b` with the same value (`a` matches whatever `b` does). */
export function isSubsetDN(
  a: ReadonlyMap<string, string>,
  b: ReadonlyMap<string, string>
): boolean {
  for (const [key, value] of a) if (b.get(key) !== value) return false
  return true
}

/** Attribute types Go's pkix.Name.String() writes by name; others become OID=#hex, refused by notation. */
const GO_NAMED_TYPES = new Set([
  'C',
  'ST',
  'L',
  'STREET',
  'POSTALCODE',
  'O',
  'OU',
  'CN',
  'SERIALNUMBER'
])

/**
 * Why notation could never match a signing certificate with this subject (as certificateSubject
 * writes it) against an x509.subject identity: notation re-reads the subject through Go's
 * pkix.Name.String() and its DN rules. Empty when the subject is usable.
 */
export function signingSubjectProblems(subject: string): string[] {
  const { attributes, problems } = checkNotaryDN(subject)
  const unnamed = [...attributes.keys()].filter(type => !GO_NAMED_TYPES.has(type.toUpperCase()))
  if (unnamed.length > 0) {
    problems.push(
      `attribute ${unnamed.join(', ')} is rendered by notation as a #hex value, which its x509.subject matching refuses.`
    )
  }
  return problems.map(
    p => `signing certificate subject ${p.startsWith('"') ? p : `"${subject}" ${p}`}`
  )
}
