import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  InputError
} from "./chunk-U3OZTHIX.js";

// src/build-context.ts
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { lstat, mkdtemp, readdir, readFile, realpath, rm, stat } from "node:fs/promises";
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
var REGEX_SPECIAL = /* @__PURE__ */ new Set([".", "+", "(", ")", "{", "}", "|", "^", "$"]);
function compilePattern(pattern) {
  let source = "^";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === "*") {
      if (pattern[i + 1] === "*") {
        i++;
        if (pattern[i + 1] === "/") i++;
        source += i + 1 >= pattern.length ? ".*" : "(?:.*/)?";
      } else {
        source += "[^/]*";
      }
    } else if (ch === "?") {
      source += "[^/]";
    } else if (ch === "\\") {
      const next = pattern[i + 1];
      if (next === void 0) throw new Error("ends with an escape character");
      source += next.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
      i++;
    } else if (ch === "[") {
      const end = pattern.indexOf("]", i + 2);
      if (end < 0) throw new Error("has an unterminated character class");
      let body = pattern.slice(i + 1, end);
      if (body.startsWith("!")) body = `^${body.slice(1)}`;
      source += `[${body.replace(/\\/g, "\\\\").replace(/\//g, "")}]`;
      i = end;
    } else if (REGEX_SPECIAL.has(ch)) {
      source += `\\${ch}`;
    } else {
      source += ch;
    }
  }
  return new RegExp(`${source}$`);
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
  for (const line of lines) {
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
        `${file}: pattern '${line}' ${error.message}.`
      );
    }
    rules.push({ pattern, exception, regex });
  }
  return rules;
}
function isIgnored(rules, relative) {
  const parts = relative.split("/");
  const candidates = [];
  for (let i = 1; i <= parts.length; i++) candidates.push(parts.slice(0, i).join("/"));
  let ignored = false;
  for (const rule of rules) {
    if (candidates.some((c) => rule.regex.test(c))) ignored = !rule.exception;
  }
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
async function loadRules(context, dockerfile) {
  const rules = DEFAULT_IGNORES.map((pattern) => ({
    pattern,
    exception: false,
    regex: compilePattern(pattern)
  }));
  const base = path.posix.basename(dockerfile);
  const candidates = base === "Dockerfile" ? [".dockerignore"] : [`${base}.dockerignore`, ".dockerignore"];
  for (const candidate of candidates) {
    let text;
    try {
      text = await readFile(path.join(context, candidate), "utf8");
    } catch (error) {
      if (error.code === "ENOENT") continue;
      throw error;
    }
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
  const visit = async (relative, parentIgnored) => {
    const absolute = relative === "" ? context : path.join(context, relative);
    const names = (await readdir(absolute)).sort();
    for (const name of names) {
      const child = relative === "" ? name : `${relative}/${name}`;
      const info = await lstat(path.join(absolute, name));
      const skip = isIgnored(rules, child);
      if (info.isDirectory()) {
        if (!skip) entries.push(`${child}/`);
        else if (!parentIgnored) ignored.push(`${child}/`);
        if (!skip || hasExceptions) await visit(child, skip);
      } else if (info.isFile() || info.isSymbolicLink()) {
        if (!skip) entries.push(child);
        else if (!parentIgnored) ignored.push(child);
      }
    }
  };
  await visit("", false);
  return { entries, ignored };
}
async function packContext(options) {
  const resolved = await resolveContext(options);
  const rules = await loadRules(resolved.context, resolved.dockerfile);
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
  packContext
};
