// The little CBOR (RFC 8949) a COSE_Sign1 envelope needs: integers, byte and text strings, arrays,
// maps with their keys in core deterministic order (bytewise, as go-cose emits them) and tags.
// No floats, no indefinite lengths: nothing here ever needs them.

export type CborValue = number | bigint | string | Uint8Array | CborValue[] | CborMap | CborTag

/** A map given as entries; encoded with keys sorted by their encoded bytes (RFC 8949 §4.2.1). */
export class CborMap {
  readonly entries: readonly (readonly [CborValue, CborValue])[]
  constructor(entries: readonly (readonly [CborValue, CborValue])[]) {
    this.entries = entries
  }
}

export class CborTag {
  readonly tag: number
  readonly value: CborValue
  constructor(tag: number, value: CborValue) {
    this.tag = tag
    this.value = value
  }
}

/** The initial byte(s) of an item: major type and argument, in the shortest form. */
function head(major: number, argument: number | bigint): Buffer {
  const n = BigInt(argument)
  if (n < 0n) throw new Error('Bug: a negative CBOR argument.')
  if (n < 24n) return Buffer.from([(major << 5) | Number(n)])
  if (n < 0x100n) return Buffer.from([(major << 5) | 24, Number(n)])
  if (n < 0x10000n) {
    const b = Buffer.alloc(3)
    b[0] = (major << 5) | 25
    b.writeUInt16BE(Number(n), 1)
    return b
  }
  if (n < 0x100000000n) {
    const b = Buffer.alloc(5)
    b[0] = (major << 5) | 26
    b.writeUInt32BE(Number(n), 1)
    return b
  }
  const b = Buffer.alloc(9)
  b[0] = (major << 5) | 27
  b.writeBigUInt64BE(n, 1)
  return b
}

export function encodeCbor(value: CborValue): Buffer {
  if (typeof value === 'number' || typeof value === 'bigint') {
    if (typeof value === 'number' && !Number.isSafeInteger(value)) {
      throw new Error(`Bug: ${value} is not an integer CBOR can hold here.`)
    }
    const n = BigInt(value)
    return n >= 0n ? head(0, n) : head(1, -1n - n)
  }
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8')
    return Buffer.concat([head(3, bytes.length), bytes])
  }
  if (value instanceof Uint8Array) return Buffer.concat([head(2, value.length), value])
  if (Array.isArray(value)) return Buffer.concat([head(4, value.length), ...value.map(encodeCbor)])
  if (value instanceof CborTag) return Buffer.concat([head(6, value.tag), encodeCbor(value.value)])
  const encoded = value.entries
    .map(([k, v]) => [encodeCbor(k), encodeCbor(v)] as const)
    .sort(([a], [b]) => Buffer.compare(a, b))
  for (let i = 1; i < encoded.length; i++) {
    if (encoded[i - 1]![0].equals(encoded[i]![0])) throw new Error('Bug: a repeated CBOR map key.')
  }
  return Buffer.concat([head(5, encoded.length), ...encoded.flat()])
}
