import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  InputError
} from "./chunk-NNQIOSTZ.js";

// src/build/build-context.ts
import { createHash } from "node:crypto";
import { constants as fsConstants, createReadStream, createWriteStream } from "node:fs";
import {
  lstat,
  mkdtemp,
  open,
  readdir,
  realpath,
  rm,
  stat
} from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
var DEFAULT_IGNORES = [
  ".git",
  ".gitignore",
  ".bzr",
  "bzrignore",
  ".hg",
  ".hgignore",
  ".svn"
];
var FIXED_MTIME = new Date(Date.UTC(2e3, 0, 1));
var LINE_BREAKS = /* @__PURE__ */ new Set([10, 13, 8232, 8233]);
var SLASH = 47;
var StepMatcher = class {
  #steps;
  /** The literal units the pattern starts and ends with: a cheap first check (most names fail it). */
  #prefix;
  #suffix;
  #literal;
  constructor(steps) {
    this.#steps = steps;
    let prefix = "";
    for (const step of steps) {
      if (step.kind !== "unit") break;
      prefix += String.fromCharCode(step.unit);
    }
    let suffix = "";
    for (let k = steps.length - 1; k >= 0; k--) {
      const step = steps[k];
      if (step.kind !== "unit") break;
      suffix = String.fromCharCode(step.unit) + suffix;
    }
    this.#prefix = prefix;
    this.#suffix = suffix;
    this.#literal = prefix.length === steps.length;
  }
  test(path2) {
    if (this.#literal) return path2 === this.#prefix;
    if (path2.length < this.#prefix.length + this.#suffix.length || !path2.startsWith(this.#prefix) || !path2.endsWith(this.#suffix)) {
      return false;
    }
    const steps = this.#steps;
    const n = steps.length;
    let current = new Uint8Array(2 * n + 1);
    let next = new Uint8Array(2 * n + 1);
    current[0] = 1;
    closeOver(steps, current);
    for (let i = 0; i < path2.length; i++) {
      const unit = path2.charCodeAt(i);
      next.fill(0);
      let any = false;
      for (let k = 0; k < n; k++) {
        const step = steps[k];
        if (current[k] === 1) {
          switch (step.kind) {
            case "unit":
              if (unit === step.unit) next[k + 1] = 1;
              break;
            case "one":
              if (unit !== SLASH) next[k + 1] = 1;
              break;
            case "class":
              if (step.admits(path2[i])) next[k + 1] = 1;
              break;
            case "star":
              if (unit !== SLASH) next[k] = 1;
              break;
            case "rest":
              if (!LINE_BREAKS.has(unit)) next[k] = 1;
              break;
            case "never":
            case "folders":
              break;
          }
        }
        if (step.kind === "folders" && current[n + 1 + k] === 1 && !LINE_BREAKS.has(unit)) {
          next[n + 1 + k] = 1;
          if (unit === SLASH) next[k + 1] = 1;
        }
      }
      closeOver(steps, next);
      for (let k = 0; k < next.length && !any; k++) any = next[k] === 1;
      if (!any) return false;
      [current, next] = [next, current];
    }
    return current[n] === 1;
  }
};
function closeOver(steps, states) {
  const n = steps.length;
  for (let k = 0; k < n; k++) {
    if (states[k] !== 1) continue;
    const kind = steps[k].kind;
    if (kind === "star" || kind === "rest") states[k + 1] = 1;
    else if (kind === "folders") {
      states[k + 1] = 1;
      states[n + 1 + k] = 1;
    }
  }
}
var literal = (text) => [...Array(text.length).keys()].map((i) => ({ kind: "unit", unit: text.charCodeAt(i) }));
function compilePattern(pattern) {
  const steps = [];
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === "*") {
      if (pattern[i + 1] === "*") {
        i++;
        if (pattern[i + 1] === "/") i++;
        steps.push({ kind: i + 1 >= pattern.length ? "rest" : "folders" });
      } else {
        steps.push({ kind: "star" });
      }
    } else if (ch === "?") {
      steps.push({ kind: "one" });
    } else if (ch === "\\") {
      const next = pattern[i + 1];
      if (next === void 0) throw new Error("ends with an escape character");
      steps.push(...literal(next));
      i++;
    } else if (ch === "[") {
      const end = pattern.indexOf("]", i + 2);
      if (end < 0) throw new Error("has an unterminated character class");
      let body = pattern.slice(i + 1, end);
      if (body.startsWith("!")) body = `^${body.slice(1)}`;
      body = body.replace(/\\/g, "\\\\").replace(/\//g, "");
      steps.push(...classSteps(body));
      i = end;
    } else {
      steps.push(...literal(ch));
    }
  }
  return new StepMatcher(steps);
}
function classSteps(body) {
  if (body.startsWith("]")) return [{ kind: "never" }];
  let single;
  try {
    single = new RegExp(`^[${body}]$`);
  } catch {
    throw new Error("has an invalid character class");
  }
  return [{ kind: "class", admits: (unit) => single.test(unit) }];
}
function cleanPattern(pattern) {
  let cleaned = path.posix.normalize(pattern.replace(/\\(?=[/])/g, "/"));
  while (cleaned.startsWith("/")) cleaned = cleaned.slice(1);
  while (cleaned.endsWith("/") && cleaned.length > 1) cleaned = cleaned.slice(0, -1);
  if (cleaned.startsWith("./")) cleaned = cleaned.slice(2);
  return cleaned;
}
function parseDockerignore(text, file = ".dockerignore") {
  const rules = [];
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  for (const [index, line] of lines.entries()) {
    const number = index + 1;
    if (line.startsWith("#")) continue;
    let pattern = line.trim();
    if (pattern === "") continue;
    const exception = pattern.startsWith("!");
    if (exception) pattern = pattern.slice(1).trim();
    if (pattern === "") continue;
    pattern = cleanPattern(pattern);
    if (pattern === "." || pattern === "") continue;
    let regex;
    try {
      regex = compilePattern(pattern);
    } catch (error) {
      throw new InputError(
        "build-context",
        `${file}: the pattern on line ${number} ${error.message}.`
      );
    }
    rules.push({ pattern, exception, regex });
  }
  return rules;
}
function matchRules(rules, relative, parent) {
  const matched = new Uint8Array(rules.length);
  rules.forEach((rule, r) => {
    matched[r] = parent?.[r] === 1 || rule.regex.test(relative) ? 1 : 0;
  });
  return matched;
}
function decide(rules, matched) {
  let ignored = false;
  rules.forEach((rule, r) => {
    if (matched[r] === 1) ignored = !rule.exception;
  });
  return ignored;
}
function isGitContext(context) {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(context) || context.startsWith("git@");
}
function within(parent, child) {
  const relative = path.relative(parent, child);
  return relative === "" || !relative.startsWith("..") && !path.isAbsolute(relative);
}
function toPosix(relative) {
  return relative.split(path.sep).join("/");
}
async function resolveContext(options) {
  const workspace = options.workspace ?? process.env["GITHUB_WORKSPACE"] ?? process.cwd();
  let realWorkspace;
  try {
    realWorkspace = await realpath(workspace);
  } catch {
    throw new InputError("build-context", `the workspace '${workspace}' does not exist.`);
  }
  const requested = path.resolve(realWorkspace, options.context);
  let context;
  try {
    context = await realpath(requested);
  } catch {
    throw new InputError("build-context", `'${options.context}' does not exist.`);
  }
  if (!within(realWorkspace, context)) {
    throw new InputError(
      "build-context",
      `'${options.context}' is outside the workspace (${realWorkspace}); build from a folder inside it.`
    );
  }
  if (!(await stat(context)).isDirectory()) {
    throw new InputError("build-context", `'${options.context}' is not a folder.`);
  }
  const name = options.dockerfile ?? "Dockerfile";
  if (path.isAbsolute(name) || path.win32.isAbsolute(name)) {
    throw new InputError("dockerfile", `'${name}' must be a path relative to the build context.`);
  }
  const dockerfileAbsolute = path.resolve(context, name);
  if (!within(context, dockerfileAbsolute) || dockerfileAbsolute === context) {
    throw new InputError("dockerfile", `'${name}' is outside the build context.`);
  }
  let real;
  try {
    real = await realpath(dockerfileAbsolute);
  } catch {
    throw new InputError("dockerfile", `'${name}' does not exist in the build context.`);
  }
  if (!within(context, real)) {
    throw new InputError("dockerfile", `'${name}' links to a file outside the build context.`);
  }
  if (!(await stat(real)).isFile()) {
    throw new InputError("dockerfile", `'${name}' is not a file.`);
  }
  return {
    context,
    dockerfileAbsolute,
    dockerfile: toPosix(path.relative(context, dockerfileAbsolute))
  };
}
var MAX_DOCKERIGNORE_BYTES = 64 * 1024;
async function readIgnoreFile(context, name) {
  const file = path.join(context, name);
  try {
    await lstat(file);
  } catch (error) {
    if (error.code === "ENOENT") return void 0;
    throw new InputError("build-context", `'${name}' cannot be read (${errorCode(error)}).`);
  }
  let real;
  try {
    real = await realpath(file);
  } catch (error) {
    throw new InputError(
      "build-context",
      `'${name}' is a link that leads to no file (${errorCode(error)}).`
    );
  }
  if (!within(context, real)) {
    throw new InputError("build-context", `'${name}' links to a file outside the build context.`);
  }
  let handle;
  try {
    handle = await open(real, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  } catch (error) {
    throw new InputError("build-context", `'${name}' cannot be read (${errorCode(error)}).`);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) {
      throw new InputError("build-context", `'${name}' is not a regular file.`);
    }
    const tooLarge = () => new InputError(
      "build-context",
      `'${name}' is larger than ${MAX_DOCKERIGNORE_BYTES / 1024} KiB; keep it to the patterns the build needs.`
    );
    if (info.size > MAX_DOCKERIGNORE_BYTES) throw tooLarge();
    const buffer = Buffer.alloc(MAX_DOCKERIGNORE_BYTES + 1);
    let length = 0;
    for (; ; ) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > MAX_DOCKERIGNORE_BYTES) throw tooLarge();
    }
    return buffer.subarray(0, length).toString("utf8");
  } finally {
    await handle.close();
  }
}
function errorCode(error) {
  return error.code ?? "error";
}
async function loadIgnoreRules(context, dockerfile) {
  const rules = DEFAULT_IGNORES.map((pattern) => ({
    pattern,
    exception: false,
    regex: compilePattern(pattern)
  }));
  const base = path.posix.basename(dockerfile);
  const candidates = base === "Dockerfile" ? [".dockerignore"] : [`${base}.dockerignore`, ".dockerignore"];
  for (const candidate of candidates) {
    const text = await readIgnoreFile(context, candidate);
    if (text === void 0) continue;
    if (candidate !== ".dockerignore") {
      rules.push({
        pattern: ".dockerignore",
        exception: false,
        regex: compilePattern(".dockerignore")
      });
    }
    rules.push(...parseDockerignore(text, candidate));
    break;
  }
  return rules;
}
async function walk(context, rules) {
  const hasExceptions = rules.some((r) => r.exception);
  const entries = [];
  const ignored = [];
  const visit = async (relative, parentIgnored, parentMatched) => {
    const absolute = relative === "" ? context : path.join(context, relative);
    const names = (await readdir(absolute)).sort();
    for (const name of names) {
      const child = relative === "" ? name : `${relative}/${name}`;
      const info = await lstat(path.join(absolute, name));
      const matched = matchRules(rules, child, parentMatched);
      const skip = decide(rules, matched);
      if (info.isDirectory()) {
        if (!skip) entries.push(`${child}/`);
        else if (!parentIgnored) ignored.push(`${child}/`);
        if (!skip || hasExceptions) await visit(child, skip, matched);
      } else if (info.isFile() || info.isSymbolicLink()) {
        if (!skip) entries.push(child);
        else if (!parentIgnored) ignored.push(child);
      }
    }
  };
  await visit("", false, void 0);
  return { entries, ignored };
}
async function packContext(options) {
  const resolved = await resolveContext(options);
  const rules = await loadIgnoreRules(resolved.context, resolved.dockerfile);
  const walked = await walk(resolved.context, rules);
  const entries = walked.entries;
  if (!entries.includes(resolved.dockerfile)) {
    entries.push(resolved.dockerfile);
    entries.sort();
  }
  for (const entry of entries) {
    if (entry.startsWith("/") || entry.split("/").includes("..")) {
      throw new InputError("build-context", `refusing to pack '${entry}'.`);
    }
  }
  const tempRoot = options.tempDir ?? process.env["RUNNER_TEMP"] ?? os.tmpdir();
  const dir = await mkdtemp(path.join(tempRoot, "acr-context-"));
  const file = path.join(dir, "context.tar.gz");
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    const tar = await import("./index.min-HJJ5UXIC.js");
    const pack = new tar.Pack({
      cwd: resolved.context,
      gzip: true,
      portable: true,
      noDirRecurse: true,
      mtime: FIXED_MTIME
    });
    const written = pipeline(pack, createWriteStream(file, { mode: 384 }));
    for (const entry of entries) pack.add(entry.endsWith("/") ? entry.slice(0, -1) : entry);
    pack.end();
    await written;
    const hash = createHash("sha256");
    await pipeline(createReadStream(file), hash);
    return {
      file,
      size: (await stat(file)).size,
      sha256: `sha256:${hash.digest("hex")}`,
      entries,
      dockerfile: resolved.dockerfile,
      context: resolved.context,
      ignored: walked.ignored,
      cleanup
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

export {
  isGitContext,
  resolveContext,
  loadIgnoreRules,
  packContext
};
