// JSON object keys as Go's encoding/json reads them (notation decodes trustpolicy.json with it),
// which JSON.parse cannot show. JSON.parse keeps only the last of two equal keys and compares keys
// exactly; Go matches each key to a struct field exactly or, failing that, case-insensitively with
// Unicode simple folding (`ſ` U+017F is `s`, the Kelvin sign U+212A is `k`), lets the last key that
// matches a field win (a second object is even merged into the first), and ignores keys that match
// no field. So a document can show one policy to every JavaScript, jq or human reader and another to
// notation. This module parses JSON keeping every key in written order, and checks the keys of each
// object against the Go struct it decodes into.

/** A JSON value with every object member kept, in written order, duplicates included. */
export type JsonNode =
  | { kind: 'object'; members: { key: string; value: JsonNode }[] }
  | { kind: 'array'; items: JsonNode[] }
  | { kind: 'scalar'; value: string | number | boolean | null }

/** Why a syntactically valid document is refused (too deep, an unpaired surrogate). */
export class JsonLimitError extends Error {}

/** Deeper than any trust policy needs (they nest 5 levels); keeps the parser's recursion bounded. */
export const MAX_JSON_DEPTH = 64

// eslint-disable-next-line no-control-regex -- control characters end a JSON string
export const JSON_STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y
export const JSON_NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y
export const JSON_LITERAL = /true|false|null/y
const WHITESPACE = /[ \t\n\r]*/y
/** A lone surrogate: Go's decoder reads `\ud800` as U+FFFD, JavaScript keeps it. */
const UNPAIRED_SURROGATE = /\p{Cs}/u

/**
 * Parses JSON that JSON.parse accepts (check with it first: this parser's own errors are terse)
 * into a JsonNode. Throws JsonLimitError past MAX_JSON_DEPTH or for a string holding an unpaired
 * surrogate, which Go and JavaScript would read as different strings.
 */
export function parseJsonTree(text: string): JsonNode {
  let i = 0
  const read = (pattern: RegExp): string => {
    pattern.lastIndex = i
    const match = pattern.exec(text)
    if (match === null) throw new SyntaxError(`unexpected character at position ${i}`)
    i += match[0].length
    return match[0]
  }
  const space = (): void => {
    read(WHITESPACE)
  }
  const expect = (char: string): void => {
    space()
    if (text[i] !== char) throw new SyntaxError(`expected '${char}' at position ${i}`)
    i++
  }
  const string = (): string => {
    const decoded = JSON.parse(read(JSON_STRING)) as string
    if (UNPAIRED_SURROGATE.test(decoded)) {
      throw new JsonLimitError(
        `has a string with an unpaired surrogate escape (\\ud800-\\udfff), which notation reads as U+FFFD`
      )
    }
    return decoded
  }
  const value = (depth: number): JsonNode => {
    if (depth > MAX_JSON_DEPTH) {
      throw new JsonLimitError(`nests deeper than ${MAX_JSON_DEPTH} levels`)
    }
    space()
    const char = text[i]
    if (char === '{') {
      i++
      const members: { key: string; value: JsonNode }[] = []
      space()
      if (text[i] === '}') {
        i++
        return { kind: 'object', members }
      }
      for (;;) {
        space()
        const key = string()
        expect(':')
        members.push({ key, value: value(depth + 1) })
        space()
        if (text[i] === ',') i++
        else {
          expect('}')
          return { kind: 'object', members }
        }
      }
    }
    if (char === '[') {
      i++
      const items: JsonNode[] = []
      space()
      if (text[i] === ']') {
        i++
        return { kind: 'array', items }
      }
      for (;;) {
        items.push(value(depth + 1))
        space()
        if (text[i] === ',') i++
        else {
          expect(']')
          return { kind: 'array', items }
        }
      }
    }
    if (char === '"') return { kind: 'scalar', value: string() }
    if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) {
      return { kind: 'scalar', value: JSON.parse(read(JSON_NUMBER)) as number }
    }
    return { kind: 'scalar', value: JSON.parse(read(JSON_LITERAL)) as boolean | null }
  }
  const root = value(1)
  space()
  if (i < text.length) throw new SyntaxError(`unexpected character at position ${i}`)
  return root
}

/** The value JSON.parse gives for the same text: of equal keys, the last one's value. */
export function jsonValue(node: JsonNode): unknown {
  if (node.kind === 'scalar') return node.value
  if (node.kind === 'array') return node.items.map(jsonValue)
  const object: Record<string, unknown> = {}
  for (const { key, value } of node.members) {
    // defineProperty, as JSON.parse does: a "__proto__" key is an own property, not the prototype.
    Object.defineProperty(object, key, {
      value: jsonValue(value),
      enumerable: true,
      writable: true,
      configurable: true
    })
  }
  return object
}

/**
 * Go's encoding/json foldName (Go 1.21 and later, fold.go): ASCII letters upper-cased, every other
 * rune replaced by the smallest rune of its unicode.SimpleFold orbit. Two names match when their
 * folds are equal. Exact for every rune that folds into ASCII: besides ASCII itself only `ſ`
 * (U+017F, orbit S s ſ) and the Kelvin sign (U+212A, orbit K k K); Go keeps `İ` and `ı` in
 * orbits of their own (its caseOrbit table). Other runes are kept as written: Go would fold them
 * further (É = é), which only concerns names that match no field, all of which are ASCII.
 */
export function goFoldName(name: string): string {
  let folded = ''
  for (const char of name) {
    if (char >= 'a' && char <= 'z') folded += char.toUpperCase()
    else folded += GO_FOLDS_INTO_ASCII.get(char) ?? char
  }
  return folded
}

/** The non-ASCII runes whose Go fold orbit holds an ASCII letter, and that letter's fold. */
export const GO_FOLDS_INTO_ASCII: ReadonlyMap<string, string> = new Map([
  ['\u017f', 'S'],
  ['\u212a', 'K']
])

/** The Go type a JSON value decodes into, as far as its keys matter. */
export type GoShape =
  /** `name` says where its fields belong, for a field written at the wrong level. */
  | { kind: 'struct'; name: string; fields: Readonly<Record<string, GoShape>> }
  /** A map with string keys: keys are taken exactly, the last of equal keys wins. */
  | { kind: 'map' }
  | { kind: 'slice'; of: GoShape }
  | { kind: 'value' }

export interface GoKeyReport {
  /** Keys Go would read differently from what they show: colliding or matching only by folding. */
  problems: string[]
  /** Keys Go ignores (no field matches them), as `"key" (where)`. */
  ignored: string[]
}

/**
 * Checks every object's keys against the Go shape it decodes into, at every depth:
 * - in a struct, two keys that fold to one name (an exact duplicate, `trustPolicies` and
 *   `TrustPolicies`, `name` and `nam\u212a`…) are a problem: Go decodes each in turn into the
 *   same field and keeps the last, where a reader sees the first;
 * - in a struct, a key that matches a field only by folding is a problem: it means something to
 *   notation that it does not say to anyone else;
 * - in a map, an exact duplicate is a problem (JSON.parse shows only the last one);
 * - a struct key that matches no field but folds to a field of another struct of the shape (say
 *   `level` in a statement rather than in its signatureVerification) is a problem: Go ignores it,
 *   while a reader takes it for the setting it names;
 * - any other struct key that matches no field is ignored by Go, and reported as such.
 * Objects reached through colliding keys are checked too, so every problem is listed at once.
 */
export function checkGoKeys(node: JsonNode, shape: GoShape): GoKeyReport {
  const report: GoKeyReport = { problems: [], ignored: [] }
  const owners = new Map<string, { field: string; owner: string }[]>()
  const collect = (s: GoShape): void => {
    if (s.kind === 'slice') collect(s.of)
    if (s.kind !== 'struct') return
    for (const [field, inner] of Object.entries(s.fields)) {
      const fold = goFoldName(field)
      owners.set(fold, [...(owners.get(fold) ?? []), { field, owner: s.name }])
      collect(inner)
    }
  }
  collect(shape)
  walk(node, shape, '', { report, owners })
  return report
}

interface WalkContext {
  report: GoKeyReport
  /** Every struct field of the shape by its fold: where a misplaced key belongs. */
  owners: ReadonlyMap<string, { field: string; owner: string }[]>
}

function walk(node: JsonNode, shape: GoShape, path: string, context: WalkContext): void {
  const { report } = context
  const where = path === '' ? 'top level' : path
  if (shape.kind === 'slice' && node.kind === 'array') {
    node.items.forEach((item, index) => walk(item, shape.of, `${path}[${index}]`, context))
    return
  }
  if (node.kind !== 'object') return
  if (shape.kind === 'map') {
    for (const [key, count] of countKeys(node.members.map(m => m.key))) {
      if (count > 1) {
        report.problems.push(
          `${where}: ${showKey(key)} is written ${count} times; JSON readers differ on which one counts (notation takes the last). Write it once.`
        )
      }
    }
    return
  }
  if (shape.kind !== 'struct') return
  const fields = Object.keys(shape.fields)
  const fieldOf = (key: string): string | undefined =>
    Object.hasOwn(shape.fields, key)
      ? key
      : fields.find(field => goFoldName(field) === goFoldName(key))
  const groups = new Map<string, string[]>()
  for (const { key } of node.members) {
    const fold = goFoldName(key)
    groups.set(fold, [...(groups.get(fold) ?? []), key])
  }
  for (const keys of groups.values()) {
    const field = fieldOf(keys[0]!)
    if (keys.length > 1 && keys.every(key => key === keys[0])) {
      report.problems.push(
        `${where}: ${showKey(keys[0]!)} is written ${keys.length} times; JSON readers differ on which one counts (notation takes the last). Write it once.`
      )
    } else if (keys.length > 1) {
      report.problems.push(
        field === undefined
          ? `${where}: keys ${listKeys(keys)} are one name to notation (Go's JSON decoding matches names case-insensitively, with Unicode folding). Write it once.`
          : `${where}: keys ${listKeys(keys)} all set "${field}" for notation (Go's JSON decoding matches names case-insensitively, with Unicode folding, and the last one wins: ${showKey(keys.at(-1)!)}). Write it once, as "${field}".`
      )
    } else if (field !== undefined && keys[0] !== field) {
      report.problems.push(
        `${where}: key ${showKey(keys[0]!)} is read by notation as "${field}" (Go's JSON decoding matches names case-insensitively, with Unicode folding). Write "${field}".`
      )
    } else if (field === undefined) {
      const elsewhere = context.owners.get(goFoldName(keys[0]!))
      if (elsewhere === undefined) report.ignored.push(`${showKey(keys[0]!)} (${where})`)
      else {
        report.problems.push(
          `${where}: ${showKey(keys[0]!)} is not a property here (${elsewhere.map(e => `"${e.field}" belongs in ${e.owner}`).join(', ')}); notation ignores it. Move or remove it.`
        )
      }
    }
  }
  for (const { key, value } of node.members) {
    const field = fieldOf(key)
    if (field !== undefined) walk(value, shape.fields[field]!, joinPath(path, key), context)
  }
}

function countKeys(keys: string[]): Map<string, number> {
  const counts = new Map<string, number>()
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1)
  return counts
}

/** `"a", "A" and "a"` style list, each key as showKey writes it; a repeated key says how often. */
function listKeys(keys: string[]): string {
  const shown = [...countKeys(keys)].map(([key, count]) =>
    count > 1 ? `${showKey(key)} (${count} times)` : showKey(key)
  )
  return shown.length === 1 ? shown[0]! : `${shown.slice(0, -1).join(', ')} and ${shown.at(-1)!}`
}

const MAX_SHOWN_KEY = 80

/**
 * A key as a JSON string with every character outside printable ASCII escaped (`"\u017fignature…"`),
 * so a lookalike cannot pass for the name it imitates in the error, nor reorder the message.
 */
export function showKey(key: string): string {
  const cut = key.length > MAX_SHOWN_KEY ? `${key.slice(0, MAX_SHOWN_KEY)}...` : key
  return JSON.stringify(cut).replace(
    /[^\x20-\x7e]/g,
    char => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`
  )
}

function joinPath(path: string, key: string): string {
  const segment = /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : `[${showKey(key)}]`
  return path === ''
    ? segment
    : segment.startsWith('[')
      ? `${path}${segment}`
      : `${path}.${segment}`
}
