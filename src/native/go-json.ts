// JSON as Go's encoding/json writes it, which notation's bytes are: struct fields in declaration
// order (the caller builds objects in that order), map keys sorted by their bytes, and <, >, &,
// U+2028 and U+2029 escaped as \u003c, \u003e, \u0026, \u2028, \u2029 (HTML-safe escaping).

export type GoJson =
  string | number | boolean | null | GoJson[] | GoMap | { readonly [field: string]: GoJson }

/**
 * A Go map[string]…: kept as entries, since a JS object would move integer-like keys ("10", "9")
 * to the front in numeric order, where Go sorts every key by its bytes.
 */
export class GoMap {
  readonly entries: readonly (readonly [string, GoJson])[]
  constructor(entries: Iterable<readonly [string, GoJson]>) {
    this.entries = [...entries].sort(([a], [b]) =>
      Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))
    )
  }
}

const HTML_UNSAFE = /[<>&\u2028\u2029]/g

export function goString(text: string): string {
  return JSON.stringify(text).replace(
    HTML_UNSAFE,
    c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
  )
}

/** Compact JSON; a plain object's fields in insertion order (a Go struct's declaration order). */
export function goJson(value: GoJson): string {
  if (typeof value === 'string') return goString(value)
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Error(`Bug: ${value} is not a safe integer.`)
    return String(value)
  }
  if (typeof value === 'boolean' || value === null) return String(value)
  if (Array.isArray(value)) return `[${value.map(goJson).join(',')}]`
  const entries = value instanceof GoMap ? value.entries : Object.entries(value)
  return `{${entries.map(([k, v]) => `${goString(k)}:${goJson(v)}`).join(',')}}`
}

/** A value as a Go map[string]interface{} round trip writes it: every object becomes a map. */
export function goSorted(value: GoJson): GoJson {
  if (Array.isArray(value)) return value.map(goSorted)
  if (value === null || typeof value !== 'object') return value
  const entries = value instanceof GoMap ? value.entries : Object.entries(value)
  return new GoMap(entries.map(([k, v]) => [k, goSorted(v)] as const))
}
