import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  info
} from "./chunk-NFKXVFBA.js";

// src/util/untrusted.ts
var LINE_BREAK = /\r\n|[\n\r\u0085\u2028\u2029]/;
var LINE_BREAKS = /[\s\u0085]*(?:\r\n|[\n\r\u0085\u2028\u2029])[\s\u0085]*/gu;
var INVISIBLE = String.raw`[\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}]`;
var LEADING = String.raw`[\s\p{Z}\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}]`;
var OLD_FORM = new RegExp(`#${INVISIBLE}*#${INVISIBLE}*\\[`, "gu");
var NEW_FORM = new RegExp(`^(${LEADING}*:)(${INVISIBLE}*:)`, "u");
function splitLines(text) {
  return text.split(LINE_BREAK);
}
function oneLine(text) {
  return text.replace(LINE_BREAKS, " ");
}
function inertLine(line) {
  return line.replace(OLD_FORM, (prefix) => `${prefix.slice(0, -1)} [`).replace(NEW_FORM, "$1 $2");
}
function logLine(text) {
  info(inertLine(oneLine(text)));
}
function logLines(text) {
  for (const line of splitLines(text)) info(inertLine(line));
}
function withoutCredentials(url) {
  return url.replace(/[\t\n\r]/g, "").replace(/^([\p{Cc} ]*[a-z][a-z0-9+.-]*:[\\/]*)[^/?#\\]*@/iu, "$1***@");
}

export {
  splitLines,
  oneLine,
  inertLine,
  logLine,
  logLines,
  withoutCredentials
};
