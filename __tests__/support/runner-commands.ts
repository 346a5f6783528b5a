// Reads a step's output as GitHub's runner does (actions/runner: Runner.Sdk/ProcessInvoker.cs,
// Runner.Worker/Handlers/OutputManager.cs, Runner.Worker/ActionCommandManager.cs,
// Runner.Common/ActionCommand.cs): which lines it acts on as workflow commands, which masks it
// registers, and what it prints as text while commands are stopped. One rule is widened on purpose:
// the runner matches "::" and "##[" culture-sensitively, and under ICU characters without a
// collation weight (controls, format and zero-width characters) can be skipped; here such characters
// are removed before matching, so a line that might be a command is read as one.

/** The commands the runner registers (ActionCommandManager and its extensions), lowercase. */
export const RUNNER_COMMANDS: ReadonlySet<string> = new Set([
  'stop-commands',
  'set-env',
  'set-output',
  'save-state',
  'add-mask',
  'add-path',
  'add-matcher',
  'remove-matcher',
  'debug',
  'warning',
  'error',
  'notice',
  'group',
  'endgroup',
  'echo'
])

export interface RunnerCommand {
  /** As written (the runner compares names case-insensitively). */
  name: string
  properties: Record<string, string>
  data: string
  /** `::name::data`, or the old `##[name]data` anywhere in a line. */
  form: 'v2' | 'v1'
  /** Index into RunnerReading.lines. */
  line: number
}

export interface RunnerReading {
  /** The lines as the runner reads them: split at CRLF, CR and LF. */
  lines: string[]
  /** Commands the runner acts on, in order; stopping and resuming included. */
  commands: RunnerCommand[]
  /** Lines that parse as a command but are printed as text because commands are stopped. */
  suppressed: RunnerCommand[]
  /** Values registered as masks. */
  masks: string[]
  /** Values of `::add-mask::` lines inside a stop-commands window: printed in the clear. */
  masksInWindow: string[]
  /** Commands were still stopped when the output ended. */
  stoppedAtEnd: boolean
  /** Per line: true when the runner acts on it as a command (it is not printed as text). */
  isCommand: boolean[]
}

/** StreamReader.ReadLine: a line ends at CRLF, CR or LF; a final line break adds no empty line. */
export function runnerLines(text: string): string[] {
  const lines = text.split(/\r\n|\r|\n/)
  if (lines.at(-1) === '') lines.pop()
  return lines
}

const INVISIBLE = /[\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}]/gu
/** .NET Char.IsWhiteSpace, which String.TrimStart uses. */
const DOTNET_LEADING_SPACE =
  /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/

function unescape(value: string, pairs: [string, string][]): string {
  return pairs.reduce((v, [escaped, plain]) => v.split(escaped).join(plain), value)
}
const unescapeData = (v: string): string =>
  unescape(v, [
    ['%0D', '\r'],
    ['%0A', '\n'],
    ['%25', '%']
  ])
const unescapeProperty = (v: string): string =>
  unescape(v, [
    ['%0D', '\r'],
    ['%0A', '\n'],
    ['%3A', ':'],
    ['%2C', ','],
    ['%25', '%']
  ])
const unescapeV1 = (v: string): string =>
  unescape(v, [
    ['%3B', ';'],
    ['%0D', '\r'],
    ['%0A', '\n'],
    ['%5D', ']'],
    ['%25', '%']
  ])

function properties(
  text: string,
  separator: string,
  decode: (v: string) => string
): Record<string, string> {
  const out: Record<string, string> = {}
  for (const pair of text.split(separator).filter(p => p !== '')) {
    const at = pair.indexOf('=')
    if (at > 0 && at < pair.length - 1) out[pair.slice(0, at)] = decode(pair.slice(at + 1))
  }
  return out
}

/** ActionCommand.TryParseV2, then TryParse, against `registered` (lowercase names). */
export function parseRunnerCommand(
  line: string,
  registered: ReadonlySet<string>,
  index = 0
): RunnerCommand | undefined {
  const visible = line.replace(INVISIBLE, '')
  if (!visible.includes('##[') && !visible.includes('::')) return undefined
  const known = (name: string): boolean => registered.has(name.toLowerCase())

  const trimmed = visible.replace(DOTNET_LEADING_SPACE, '')
  if (trimmed.startsWith('::')) {
    const end = trimmed.indexOf('::', 2)
    if (end >= 0) {
      const info = trimmed.slice(2, end)
      const space = info.indexOf(' ')
      const name = space < 0 ? info : info.slice(0, space)
      if (known(name)) {
        return {
          name,
          properties:
            space > 0 ? properties(info.slice(space + 1).trim(), ',', unescapeProperty) : {},
          data: unescapeData(trimmed.slice(end + 2)),
          form: 'v2',
          line: index
        }
      }
    }
  }

  const prefix = visible.indexOf('##[')
  if (prefix < 0) return undefined
  const bracket = visible.indexOf(']', prefix)
  if (bracket < 0) return undefined
  const info = visible.slice(prefix + 3, bracket)
  const space = info.indexOf(' ')
  const name = space < 0 ? info : info.slice(0, space)
  if (!known(name)) return undefined
  return {
    name,
    properties: space > 0 ? properties(info.slice(space + 1), ';', unescapeV1) : {},
    data: unescapeV1(visible.slice(bracket + 1)),
    form: 'v1',
    line: index
  }
}

/** ActionCommandManager.TryProcessCommand over every line, with its stop-commands state. */
export function readAsRunner(output: string): RunnerReading {
  const lines = runnerLines(output)
  const registered = new Set(RUNNER_COMMANDS)
  let stopToken: string | undefined
  const reading: RunnerReading = {
    lines,
    commands: [],
    suppressed: [],
    masks: [],
    masksInWindow: [],
    stoppedAtEnd: false,
    isCommand: lines.map(() => false)
  }
  lines.forEach((line, index) => {
    const command = parseRunnerCommand(line, registered, index)
    if (!command) return
    const name = command.name.toLowerCase()
    if (stopToken !== undefined) {
      if (stopToken !== '' && name === stopToken.toLowerCase()) {
        registered.delete(stopToken.toLowerCase())
        stopToken = undefined
        reading.commands.push(command)
        reading.isCommand[index] = true
      } else {
        reading.suppressed.push(command)
        if (name === 'add-mask') reading.masksInWindow.push(command.data)
      }
      return
    }
    reading.commands.push(command)
    reading.isCommand[index] = true
    if (name === 'stop-commands') {
      // An empty token never resumes: commands stay stopped for the rest of the step.
      stopToken = command.data
      if (stopToken !== '') registered.add(stopToken.toLowerCase())
    } else if (name === 'add-mask' && command.data.trim() !== '') {
      reading.masks.push(command.data)
    }
  })
  reading.stoppedAtEnd = stopToken !== undefined
  return reading
}
