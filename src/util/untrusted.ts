// The one place that prints text the action does not control: registry, Entra, ARM and Key Vault
// bodies and error text, notation's stdout and stderr, the ACR Tasks run log. No line of it may act
// as a workflow command.
//
// What the runner parses (actions/runner, read for this module):
// - Runner.Sdk/ProcessInvoker.cs reads the step's stdout and stderr with StreamReader.ReadLine, so a
//   line ends at LF, at CR or at CRLF. U+0085, U+2028 and U+2029 do not end a line there, but they
//   do in other readers (the job summary's Markdown, log viewers): all five are line breaks here.
// - Runner.Worker/Handlers/OutputManager.cs hands a line containing "##[" or "::" anywhere to
//   ActionCommandManager.TryProcessCommand, which tries Runner.Common/ActionCommand.cs TryParseV2,
//   then TryParse:
//   - TryParseV2: the line after String.TrimStart() (.NET Char.IsWhiteSpace: also NBSP, U+1680,
//     U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000, U+0085) must start with "::"; the
//     command name and properties run to the next "::", the data follows.
//   - TryParse (the old form): "##[" ANYWHERE in the line, the command up to the next "]".
//   Only registered commands count (case-insensitively): add-mask, set-output, set-env, add-path,
//   save-state, warning, error, notice, debug, group, endgroup, echo, add-matcher, remove-matcher,
//   stop-commands, and while stopped the stop token.
// - Those StartsWith/IndexOf(string) calls are culture-sensitive: under ICU, characters without a
//   collation weight (controls, zero-width and other format characters) are skipped when matching,
//   so ":\u200B:" may compare equal to "::". Such characters count as invisible below.
// - `::stop-commands::<token>` … `::<token>::` stops every command in between, `::add-mask::`
//   included: a mask issued inside that window is printed in the clear and never registered, and any
//   code path may mask (a token renewed by the Azure SDK, @actions/core's getIDToken). So the action
//   never stops commands: each untrusted line is made inert instead, and masking works at all times.
//
// Inert: every "##[" (invisible characters allowed between) gets a space before its "[", and a line
// whose first visible characters are "::" gets a space between them. The change is visible on
// purpose: a zero-width character would itself be skipped by the runner's matching.
// @actions/core's warning/error/notice/debug/setFailed/startGroup escape CR, LF and % in their data,
// so their message stays on its command's line; info() does not, hence this module.
import * as core from '@actions/core'

/** CRLF, then each single break a reader may honour. */
const LINE_BREAK = /\r\n|[\n\r\u0085\u2028\u2029]/
const LINE_BREAKS = /[\s\u0085]*(?:\r\n|[\n\r\u0085\u2028\u2029])[\s\u0085]*/gu

/** Characters ICU's culture-sensitive matching may skip: controls, format and ignorable code points. */
const INVISIBLE = String.raw`[\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}]`
/** What TrimStart removes (JS \s and \p{Z} cover .NET's whitespace but U+0085), plus the invisible. */
const LEADING = String.raw`[\s\p{Z}\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}]`

const OLD_FORM = new RegExp(`#${INVISIBLE}*#${INVISIBLE}*\\[`, 'gu')
const NEW_FORM = new RegExp(`^(${LEADING}*:)(${INVISIBLE}*:)`, 'u')

/** The lines the runner (and any other reader) sees in `text`. */
export function splitLines(text: string): string[] {
  return text.split(LINE_BREAK)
}

/** `text` on one line: every line break, with the blanks around it, folded into one space. */
export function oneLine(text: string): string {
  return text.replace(LINE_BREAKS, ' ')
}

/** One line (no line breaks) that the runner cannot read as a workflow command. Idempotent. */
export function inertLine(line: string): string {
  return line.replace(OLD_FORM, prefix => `${prefix.slice(0, -1)} [`).replace(NEW_FORM, '$1 $2')
}

/** Prints a message that embeds untrusted text as one inert log line. */
export function logLine(text: string): void {
  core.info(inertLine(oneLine(text)))
}

/** Prints untrusted multi-line text (a log, a program's output) line by line, each line inert. */
export function logLines(text: string): void {
  for (const line of splitLines(text)) core.info(inertLine(line))
}

/**
 * `scheme://user:secret@host/…` → `scheme://***@host/…`, for a URL the action quotes in a message or
 * a log line (it may not even parse): credentials in an input are never echoed.
 */
export function withoutCredentials(url: string): string {
  // As WHATWG URL parses: tabs and newlines are dropped, leading C0 controls and spaces skipped;
  // the authority ends at the first / ? # (or \), its user-info at the last @ in it.
  return url
    .replace(/[\t\n\r]/g, '')
    .replace(/^([\p{Cc} ]*[a-z][a-z0-9+.-]*:[\\/]*)[^/?#\\]*@/iu, '$1***@')
}
