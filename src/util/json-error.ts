// Where a JSON text stops being valid, for messages that point at the line and column: V8's
// JSON.parse does not always say.
import { JSON_LITERAL, JSON_NUMBER, JSON_STRING, MAX_JSON_DEPTH } from './go-json.ts'

class JsonStop extends Error {
  readonly offset: number
  constructor(offset: number) {
    super('stop')
    this.offset = offset
  }
}

/**
 * Where JSON.parse gave up (V8 does not always say): a minimal JSON scanner that returns the offset
 * of the first character that cannot continue a valid document.
 */
export function jsonErrorOffset(text: string): number {
  let i = 0
  const stop = (): never => {
    throw new JsonStop(i)
  }
  const space = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++
  }
  const token = (pattern: RegExp): void => {
    pattern.lastIndex = i
    const match = pattern.exec(text)
    if (match === null) stop()
    else i += match[0].length
  }
  const value = (depth: number): void => {
    space()
    const char = text[i]
    // Stop where parseJsonTree would: the recursion stays bounded on hostile nesting.
    if (depth > MAX_JSON_DEPTH) stop()
    if (char === '{' || char === '[') {
      const close = char === '{' ? '}' : ']'
      i++
      space()
      if (text[i] === close) {
        i++
        return
      }
      for (;;) {
        if (char === '{') {
          space()
          if (text[i] !== '"') stop()
          token(JSON_STRING)
          space()
          if (text[i] !== ':') stop()
          i++
        }
        value(depth + 1)
        space()
        if (text[i] === ',') i++
        else if (text[i] === close) {
          i++
          return
        } else stop()
      }
    }
    if (char === '"') token(JSON_STRING)
    else if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) token(JSON_NUMBER)
    else token(JSON_LITERAL)
  }
  try {
    value(1)
    space()
    if (i < text.length) stop()
  } catch (error) {
    if (error instanceof JsonStop) return error.offset
    throw error
  }
  return i
}
