import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  postStateInEnvironment,
  saveCleanup,
  savePostStateDefaults,
  saveWorkDir
} from "./chunk-7XEIZW5C.js";
import {
  archiveExtension,
  binaryName,
  getInputs,
  pinnedChecksum,
  releaseUrl,
  resolvesCertificate,
  signerStore
} from "./chunk-X3M3KPLR.js";
import "./chunk-OVE4PIEO.js";
import {
  notationCacheDir
} from "./chunk-WVQ4NXPN.js";
import "./chunk-NSNY7JAD.js";
import {
  describeRequestError
} from "./chunk-AYBAOIC3.js";
import "./chunk-UMDANMJZ.js";
import "./chunk-PSCXZPNR.js";
import {
  DEFAULT_RETRY,
  TransientError,
  isTransientStatus,
  parseRetryAfter,
  withRetry
} from "./chunk-FNOH2WXR.js";
import {
  logLine
} from "./chunk-OIVOHELA.js";
import {
  ActionError,
  InputError,
  errorMessage
} from "./chunk-NNQIOSTZ.js";
import {
  HttpClient,
  addPath,
  debug,
  exportVariable,
  group,
  info,
  setFailed,
  setOutput,
  warning
} from "./chunk-NFKXVFBA.js";
import "./chunk-HANBNIMK.js";

// src/install/install.ts
import { execFile } from "node:child_process";
import { createHash as createHash2 } from "node:crypto";
import {
  copyFile,
  link,
  lstat,
  mkdir as mkdir2,
  mkdtemp,
  open,
  readFile,
  readdir,
  readlink,
  rm as rm2,
  stat,
  writeFile
} from "node:fs/promises";
import os from "node:os";
import path2 from "node:path";
import { promisify } from "node:util";

// src/install/archive.ts
import { createWriteStream } from "node:fs";
import { chmod, mkdir } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
function unsafeEntryReason(entry) {
  const name = entry.path.replace(/\\/g, "/");
  if (name === "" || name.includes("\0")) return "has an empty or invalid name";
  if (name.startsWith("/") || /^[A-Za-z]:/.test(name)) return "has an absolute path";
  const normalized = path.posix.normalize(name);
  if (normalized === ".." || normalized.startsWith("../") || name.split("/").includes("..")) {
    return "escapes the target folder (..)";
  }
  if (entry.type === "other") return "is not a regular file or folder";
  if (entry.type === "symlink" || entry.type === "hardlink") {
    const target = (entry.linkTarget ?? "").replace(/\\/g, "/");
    if (target === "" || target.startsWith("/") || /^[A-Za-z]:/.test(target)) {
      return `is a link to an absolute path (${target || "empty"})`;
    }
    const base = entry.type === "symlink" ? path.posix.dirname(normalized) : ".";
    const resolved = path.posix.normalize(path.posix.join(base, target));
    if (resolved === ".." || resolved.startsWith("../"))
      return `is a link pointing outside the target folder (${target})`;
  }
  return void 0;
}
function assertSafe(label, entries) {
  for (const entry of entries) {
    const reason = unsafeEntryReason(entry);
    if (reason !== void 0) {
      throw new ActionError(`Refusing to extract ${label}: entry '${entry.path}' ${reason}.`);
    }
  }
}
function tarType(type) {
  switch (type) {
    case "File":
    case "OldFile":
    case "ContiguousFile":
      return "file";
    case "Directory":
      return "directory";
    case "SymbolicLink":
      return "symlink";
    case "Link":
      return "hardlink";
    default:
      return "other";
  }
}
async function listTarGz(file, label = path.basename(file)) {
  const entries = [];
  const tar = await import("./index.min-HJJ5UXIC.js");
  try {
    await tar.t({
      file,
      strict: true,
      onReadEntry: (entry) => {
        if ([
          "ExtendedHeader",
          "GlobalExtendedHeader",
          "NextFileHasLongPath",
          "NextFileHasLongLinkpath"
        ].includes(entry.type)) {
          return;
        }
        entries.push({
          path: entry.path,
          type: tarType(entry.type),
          ...entry.linkpath ? { linkTarget: entry.linkpath } : {}
        });
      }
    });
  } catch (error) {
    throw new ActionError(`${label} is not a readable tar.gz archive: ${error.message}`);
  }
  return entries;
}
async function extractTarGz(file, dest, label) {
  assertSafe(label, await listTarGz(file, label));
  const tar = await import("./index.min-HJJ5UXIC.js");
  await tar.x({ file, cwd: dest, strict: true, preservePaths: false, noChmod: false });
}
async function openZip(file) {
  const { default: yauzl } = await import("./yauzl-W4EPMLLX.js");
  return new Promise((resolve, reject) => {
    yauzl.open(
      file,
      { lazyEntries: true, validateEntrySizes: true, strictFileNames: false },
      (error, zip) => error ? reject(error) : resolve(zip)
    );
  });
}
async function walkZip(file, onEntry) {
  const zip = await openZip(file);
  await new Promise((resolve, reject) => {
    zip.on("error", reject);
    zip.on("end", resolve);
    zip.on("entry", (entry) => {
      onEntry(zip, entry).then(
        () => zip.readEntry(),
        (error) => {
          zip.close();
          reject(error);
        }
      );
    });
    zip.readEntry();
  });
}
function zipType(entry) {
  const unixMode = entry.externalFileAttributes >>> 16 & 61440;
  if (unixMode === 40960) return "symlink";
  if (entry.fileName.endsWith("/")) return "directory";
  if (unixMode === 0 || unixMode === 32768) return "file";
  return "other";
}
async function listZip(file, label = path.basename(file)) {
  const entries = [];
  try {
    await walkZip(file, async (_zip, entry) => {
      entries.push({ path: entry.fileName, type: zipType(entry) });
    });
  } catch (error) {
    throw new ActionError(`${label} is not a readable zip archive: ${error.message}`);
  }
  return entries;
}
async function extractZip(file, dest, label) {
  assertSafe(label, await listZip(file, label));
  await walkZip(file, async (zip, entry) => {
    const target = path.join(dest, entry.fileName);
    if (zipType(entry) === "directory") {
      await mkdir(target, { recursive: true });
      return;
    }
    await mkdir(path.dirname(target), { recursive: true });
    const stream = await new Promise(
      (resolve, reject) => zip.openReadStream(entry, (error, s) => error ? reject(error) : resolve(s))
    );
    await pipeline(stream, createWriteStream(target, { mode: 493 }));
    await chmod(target, 493);
  });
}
async function extractArchive(file, dest, kind, label = path.basename(file)) {
  if (kind === "zip") await extractZip(file, dest, label);
  else await extractTarGz(file, dest, label);
}

// src/install/download.ts
import { createHash } from "node:crypto";
import { createWriteStream as createWriteStream2 } from "node:fs";
import { rm } from "node:fs/promises";
import http from "node:http";
import https from "node:https";
import { Transform } from "node:stream";
import { pipeline as pipeline2 } from "node:stream/promises";
var DEFAULT_TIMEOUT_MS = 12e4;
var DEFAULT_MAX_BYTES = 512 * 1024 * 1024;
var MAX_REDIRECTS = 10;
var REDIRECTS = /* @__PURE__ */ new Set([301, 302, 303, 307, 308]);
var USER_AGENT = "notation-akv-action";
function get(url, signal) {
  return new Promise((resolve, reject) => {
    if (url.protocol !== "https:" && url.protocol !== "http:") {
      reject(new ActionError(`Download refused: ${url.href} is not an http(s) URL.`));
      return;
    }
    const agent = new HttpClient(USER_AGENT).getAgent(url.href);
    const request = (url.protocol === "https:" ? https : http).request(url, {
      method: "GET",
      agent,
      signal,
      headers: { "user-agent": USER_AGENT, accept: "*/*" }
    });
    request.on("error", reject);
    request.on("response", resolve);
    request.end();
  });
}
async function getFollowing(start, signal) {
  let current = new URL(start);
  for (let hops = 0; ; hops++) {
    const response = await get(current, signal);
    const location = response.headers.location;
    if (!REDIRECTS.has(response.statusCode ?? 0) || location === void 0) return response;
    response.resume();
    response.destroy();
    if (hops >= MAX_REDIRECTS)
      throw new ActionError(`Download failed: ${start}: more than ${MAX_REDIRECTS} redirects.`);
    current = new URL(location, current);
  }
}
async function download(url, file, options = {}) {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  try {
    return await withRetry(
      `Download ${url}`,
      async () => {
        options.signal?.throwIfAborted();
        const signals = [AbortSignal.timeout(timeoutMs)];
        if (options.signal) signals.push(options.signal);
        const signal = AbortSignal.any(signals);
        const response = await getFollowing(url, signal);
        const status = response.statusCode ?? 0;
        if (status < 200 || status > 299) {
          const detail = `HTTP ${status} ${response.statusMessage ?? ""}`.trim() + ` from ${url}`;
          response.destroy();
          if (isTransientStatus(status)) {
            const retryAfter = response.headers["retry-after"];
            throw new TransientError(detail, parseRetryAfter(retryAfter));
          }
          throw new ActionError(`Download failed: ${detail}`);
        }
        const declared = Number(response.headers["content-length"] ?? NaN);
        if (declared > maxBytes) {
          response.destroy();
          throw new ActionError(`Download refused: ${url} is ${declared} bytes, over ${maxBytes}.`);
        }
        const hash = createHash("sha256");
        let bytes = 0;
        const meter = new Transform({
          transform(chunk, _encoding, callback) {
            bytes += chunk.length;
            if (bytes > maxBytes) {
              callback(
                new ActionError(`Download refused: ${url} is larger than ${maxBytes} bytes.`)
              );
              return;
            }
            hash.update(chunk);
            callback(null, chunk);
          }
        });
        await pipeline2(response, meter, createWriteStream2(file, { mode: 384 }), { signal });
        if (!response.complete || !Number.isNaN(declared) && bytes !== declared) {
          throw new TransientError(
            `${url} ended after ${bytes}${Number.isNaN(declared) ? "" : ` of ${declared}`} bytes`
          );
        }
        return { file, sha256: hash.digest("hex"), bytes };
      },
      options.retry ?? DEFAULT_RETRY
    );
  } catch (error) {
    await rm(file, { force: true });
    if (error instanceof ActionError) throw error;
    if (error instanceof TransientError) {
      throw new ActionError(`Download failed: ${url}: ${error.message}`, { cause: error });
    }
    throw new ActionError(
      `Download failed: ${url}: ${describeRequestError(error, url, timeoutMs)}`,
      { cause: error }
    );
  }
}

// src/install/install.ts
var execFileAsync = promisify(execFile);
var MARKER = ".notation-akv-action.json";
var TOOL_LABEL = { notation: "notation", "azure-kv": "the azure-kv plugin" };
var TOOL_NAME = { notation: "notation", "azure-kv": "azure-kv plugin" };
function resolveSource(tool, source, platform) {
  const binary = binaryName(tool, platform);
  if (source.custom) {
    return {
      tool,
      version: source.version,
      url: source.custom.url,
      sha256: source.custom.sha256,
      cacheVersion: `${source.version}-sha256-${source.custom.sha256.slice(0, 12)}`,
      binary
    };
  }
  const sha256 = pinnedChecksum(tool, source.version, platform);
  if (sha256 === void 0) {
    throw new ActionError(
      `${TOOL_LABEL[tool]} ${source.version} is not published for ${platform.os}/${platform.arch}; give ${tool === "notation" ? "notation-url and notation-checksum" : "plugin-url and plugin-checksum"} for a build of your own.`
    );
  }
  return {
    tool,
    version: source.version,
    url: releaseUrl(tool, source.version, platform),
    sha256,
    cacheVersion: source.version,
    binary
  };
}
var toolCache = () => import("./tool-cache-NZ7NSBU5.js");
function cacheName(tool) {
  return tool === "notation" ? "notation" : "notation-azure-kv";
}
async function sha256File(file) {
  const hash = createHash2("sha256");
  const handle = await open(file, "r");
  try {
    const buffer = Buffer.allocUnsafe(1024 * 1024);
    for (; ; ) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
  return hash.digest("hex");
}
async function readContents(dir, hash) {
  const contents = /* @__PURE__ */ Object.create(null);
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  await Promise.all(
    entries.map(async (entry) => {
      const full = path2.join(entry.parentPath, entry.name);
      const relative = path2.relative(dir, full).split(path2.sep).join("/");
      if (relative === MARKER || entry.isDirectory()) return;
      if (entry.isSymbolicLink()) {
        contents[relative] = { symlink: await readlink(full) };
        return;
      }
      const info2 = await lstat(full);
      if (!info2.isFile()) {
        contents[relative] = { other: true };
        return;
      }
      contents[relative] = {
        size: info2.size,
        sha256: hash(relative, info2.size) ? await sha256File(full) : ""
      };
    })
  );
  return contents;
}
function sameItem(recorded, found) {
  if (typeof recorded !== "object" || recorded === null || found === void 0) return false;
  const record = recorded;
  if ("sha256" in found) {
    return found.sha256 !== "" && record["sha256"] === found.sha256 && record["size"] === found.size;
  }
  if ("symlink" in found) return record["symlink"] === found.symlink;
  return false;
}
var own = (contents, name) => Object.hasOwn(contents, name) ? contents[name] : void 0;
function changedItems(recorded, found) {
  const names = [.../* @__PURE__ */ new Set([...Object.keys(recorded), ...Object.keys(found)])].sort();
  return names.filter((name) => !sameItem(own(recorded, name), own(found, name)));
}
function describeChanges(dir, recorded, found) {
  const changed = changedItems(recorded, found);
  const shown = changed.slice(0, 5).map((name) => {
    const file = JSON.stringify(path2.join(dir, ...name.split("/")));
    if (!Object.hasOwn(found, name)) return `${file} is missing`;
    if (!Object.hasOwn(recorded, name)) return `${file} was not there when it was cached`;
    return `${file} does not match the SHA-256 recorded when it was cached`;
  });
  const more = changed.length > shown.length ? ` (and ${changed.length - shown.length} more)` : "";
  return shown.join("; ") + more;
}
async function discardCached(dir) {
  try {
    await rm2(`${dir}.complete`, { force: true });
    await rm2(dir, { recursive: true, force: true });
  } catch (error) {
    warning(`Could not remove the cache entry ${dir}: ${errorMessage(error)}`);
  }
}
async function findCached(source) {
  const tc = await toolCache();
  const dir = tc.find(cacheName(source.tool), source.cacheVersion);
  if (!dir) return void 0;
  const label = `Cached ${TOOL_NAME[source.tool]} ${source.version}`;
  let marker;
  try {
    marker = JSON.parse(await readFile(path2.join(dir, MARKER), "utf8"));
  } catch {
    info(`${label} is incomplete; reinstalling.`);
    return void 0;
  }
  if (marker.sha256 !== source.sha256 || marker.binary !== source.binary) {
    info(`${label} does not match the wanted checksum; reinstalling.`);
    return void 0;
  }
  const recorded = marker.files;
  if (typeof recorded !== "object" || recorded === null || !Object.hasOwn(recorded, source.binary)) {
    info(`${label} was cached without the checksums of its files; reinstalling.`);
    return void 0;
  }
  const found = await readContents(
    dir,
    (relative, size) => own(recorded, relative)?.size === size
  ).catch((error) => {
    info(`${label} could not be read (${errorMessage(error)}); reinstalling.`);
    return void 0;
  });
  if (found === void 0) return void 0;
  if (changedItems(recorded, found).length === 0) return dir;
  warning(
    `${label} in ${dir} was changed after it was cached: ${describeChanges(dir, recorded, found)}. Not using it: the entry is discarded and the release downloaded again.`
  );
  await discardCached(dir);
  return void 0;
}
function parseNotationVersion(output) {
  return /^Version:\s+v?(\S+)\s*$/m.exec(output)?.[1];
}
async function checkNotationVersion(binary, wanted) {
  let stdout;
  try {
    ;
    ({ stdout } = await execFileAsync(binary, ["version"], { timeout: 3e4, windowsHide: true }));
  } catch (error) {
    throw new ActionError(`Running '${binary} version' failed: ${error.message.trim()}`);
  }
  const reported = parseNotationVersion(stdout);
  if (reported !== wanted) {
    throw new ActionError(
      `${binary} reports version ${reported ?? "(none)"} but ${wanted} was wanted; the archive is not the release it claims to be.`
    );
  }
  return reported;
}
async function fetchAndCache(source, options, scratch) {
  const kind = archiveExtension(options.platform);
  const archive = path2.join(scratch, `${source.tool}.${kind}`);
  info(`Downloading ${TOOL_LABEL[source.tool]} ${source.version} from ${source.url}`);
  const { sha256 } = await download(source.url, archive, {
    ...options.download,
    ...options.signal ? { signal: options.signal } : {}
  });
  if (sha256 !== source.sha256) {
    throw new ActionError(
      `Checksum mismatch for ${source.url}: expected ${source.sha256}, got ${sha256}. Nothing was installed.`
    );
  }
  const extracted = path2.join(scratch, source.tool);
  await mkdir2(extracted, { recursive: true });
  await extractArchive(archive, extracted, kind, source.url);
  const binary = path2.join(extracted, source.binary);
  let size;
  try {
    const info2 = await stat(binary);
    if (!info2.isFile()) throw new Error("not a file");
    size = info2.size;
  } catch {
    throw new ActionError(
      `${source.url} does not contain ${source.binary} at its top level. Nothing was installed.`
    );
  }
  if (source.tool === "notation") await checkNotationVersion(binary, source.version);
  const files = await readContents(extracted, () => true);
  const marker = { sha256: source.sha256, binary: source.binary, size, files };
  await writeFile(path2.join(extracted, MARKER), JSON.stringify(marker));
  options.signal?.throwIfAborted();
  return cacheWhole(extracted, source);
}
async function cacheWhole(extracted, source) {
  const tc = await toolCache();
  try {
    return await tc.cacheDir(extracted, cacheName(source.tool), source.cacheVersion);
  } catch (error) {
    const root = process.env["RUNNER_TOOL_CACHE"];
    if (root) {
      const folder = path2.join(root, cacheName(source.tool), source.cacheVersion);
      await rm2(folder, { recursive: true, force: true });
    }
    throw error;
  }
}
async function installTool(source, options, scratch) {
  const cached = await findCached(source);
  if (cached) {
    info(`Using cached ${TOOL_NAME[source.tool]} ${source.version} from ${cached}`);
    return { dir: cached, path: path2.join(cached, source.binary), fromCache: true };
  }
  const dir = await fetchAndCache(source, options, scratch);
  return { dir, path: path2.join(dir, source.binary), fromCache: false };
}
async function placeFile(from, to) {
  try {
    await link(from, to);
  } catch {
    await copyFile(from, to);
  }
}
async function install(tools, options) {
  const notationSource = resolveSource("notation", tools.notation, options.platform);
  const pluginSource = resolveSource("azure-kv", tools.plugin, options.platform);
  const tempDir = options.tempDir ?? os.tmpdir();
  await mkdir2(tempDir, { recursive: true });
  const workDir = await mkdtemp(path2.join(tempDir, "notation-akv-"));
  options.onWorkDir?.(workDir);
  const scratch = await mkdtemp(path2.join(workDir, "download-"));
  let notation;
  let plugin;
  const stopOthers = new AbortController();
  const both = [notationSource, pluginSource].map(
    (source) => installTool(source, { ...options, signal: stopOthers.signal }, scratch).catch(
      (error) => {
        stopOthers.abort(error);
        throw error;
      }
    )
  );
  try {
    const settled = await Promise.allSettled(both);
    const failed = settled.find((r) => r.status === "rejected");
    if (failed) throw stopOthers.signal.reason ?? failed.reason;
    [notation, plugin] = settled.map((r) => r.value);
  } finally {
    await rm2(scratch, { recursive: true, force: true });
  }
  if (notation.fromCache) await checkNotationVersion(notation.path, notationSource.version);
  const configDir = path2.join(workDir, "config");
  const libexecDir = path2.join(workDir, "libexec");
  const pluginDir = path2.join(libexecDir, "plugins", "azure-kv");
  await mkdir2(configDir, { recursive: true, mode: 448 });
  await mkdir2(pluginDir, { recursive: true, mode: 448 });
  const pluginPath = path2.join(pluginDir, pluginSource.binary);
  await placeFile(plugin.path, pluginPath);
  exportVariable("NOTATION_CONFIG", configDir);
  exportVariable("NOTATION_LIBEXEC", libexecDir);
  exportVariable("NOTATION_CACHE", notationCacheDir(configDir));
  addPath(notation.dir);
  return {
    notation: { ...notation, version: notationSource.version },
    plugin: { ...plugin, path: pluginPath },
    workDir,
    configDir,
    libexecDir
  };
}

// src/install/platform.ts
var OS = {
  linux: "linux",
  darwin: "darwin",
  win32: "windows"
};
var ARCH = {
  x64: "amd64",
  arm64: "arm64"
};
function detectPlatform(platform = process.platform, arch = process.arch) {
  const os2 = OS[platform];
  const goArch = ARCH[arch];
  if (!os2 || !goArch) {
    throw new ActionError(
      `Unsupported platform ${platform}/${arch}: notation and the azure-kv plugin are published for linux, darwin and windows on x64 and arm64.`
    );
  }
  return { os: os2, arch: goArch };
}

// src/main.ts
async function run() {
  debug(`notation-akv-action started in ${performance.now().toFixed(1)} ms`);
  savePostStateDefaults();
  const planted = postStateInEnvironment();
  if (planted.length > 0) {
    const one = planted.length === 1;
    setFailed(
      `${planted.join(", ")} ${one ? "is" : "are"} set in the environment of the main step. The runner sets the action's STATE_ variables only for its post step, so an earlier step (a GITHUB_ENV line) or the workflow put ${one ? "it" : "them"} there. Refusing to run: nothing was installed, signed or verified.`
    );
    return;
  }
  const controller = new AbortController();
  const cancel = (signal) => {
    warning(`Received ${signal}: cancelling.`);
    controller.abort(new ActionError(`Cancelled by ${signal}.`));
  };
  process.once("SIGINT", cancel);
  process.once("SIGTERM", cancel);
  try {
    const inputs = getInputs();
    await bounded(main(inputs, controller.signal), inputs.timeoutMinutes, controller);
  } catch (caught) {
    const stoppedBuild = caught instanceof ActionError && caught.name === "BuildStoppedError";
    const error = controller.signal.aborted && !stoppedBuild ? controller.signal.reason : caught;
    if (!(error instanceof InputError) && !(error instanceof ActionError) && error instanceof Error) {
      debug(error.stack ?? error.message);
    }
    setFailed(errorMessage(error));
  } finally {
    process.off("SIGINT", cancel);
    process.off("SIGTERM", cancel);
  }
}
var ABORT_GRACE_MS = 1e4;
async function bounded(work, minutes, controller) {
  if (minutes === void 0) return work;
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => {
      const error = new ActionError(
        `The action did not finish within timeout-minutes (${minutes}).`
      );
      controller.abort(error);
      const grace = new Promise((resolve) => setTimeout(resolve, ABORT_GRACE_MS).unref());
      void Promise.race([work.catch(() => void 0), grace]).then(() => reject(error));
    }, minutes * 6e4);
  });
  try {
    await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
function once(fn) {
  let promise;
  return () => promise ??= fn();
}
async function main(inputs, signal) {
  saveCleanup(inputs.cleanup);
  const commands = new Set(inputs.commands);
  const workspace = process.env["GITHUB_WORKSPACE"] || process.cwd();
  if (commands.has("build")) {
    const { planBuild } = await import("./build-ZYQIZJZK.js");
    planBuild(buildTarget(inputs));
  }
  const working = commands.has("build") || commands.has("sign") || commands.has("verify");
  const { preflight } = await import("./preflight-ZVUBBDFZ.js");
  const checked = await preflight(inputs, workspace);
  const native = inputs.sign.signer === "native";
  const needsNotation = !native || commands.has("setup") || commands.has("verify") || inputs.sign.skipIfSigned;
  let installed;
  if (needsNotation) {
    const platform = detectPlatform();
    const result = await group(
      "Install notation and the azure-kv plugin",
      () => install(
        { notation: inputs.notation, plugin: inputs.plugin },
        {
          platform,
          onWorkDir: saveWorkDir,
          ...process.env["RUNNER_TEMP"] ? { tempDir: process.env["RUNNER_TEMP"] } : {}
        }
      )
    );
    installed = result;
    setOutput("notation-version", result.notation.version);
    setOutput("notation-path", result.notation.path);
    info(`notation ${result.notation.version} is ready at ${result.notation.path}`);
  }
  if (!working) return;
  const workDir = installed?.workDir ?? await privateWorkDir();
  const { createAzureIdentity } = await import("./azure-UHMTTDR2.js");
  const { parseImages, registryCredentials, resolveDigests } = await import("./access-UKI46PHT.js");
  const azure = once(() => createAzureIdentity(inputs.azure));
  const optionalAzure = once(async () => {
    try {
      return await azure();
    } catch (error) {
      if (error instanceof InputError && error.input === "azure-credential") return void 0;
      throw error;
    }
  });
  let images;
  let credentials;
  if (commands.has("build")) {
    const identity2 = await azure();
    const { runBuild } = await import("./build-ZYQIZJZK.js");
    const built = await group(
      "Build with ACR Tasks",
      () => runBuild({
        target: buildTarget(inputs),
        credential: identity2.credential,
        workspace,
        signal,
        // The packed context goes in the action's private folder, which the post step removes
        // even when a timeout ended the build before it could clean up.
        tempDir: workDir,
        ...process.env["AZURE_RESOURCE_MANAGER_ENDPOINT"] ? { armEndpoint: process.env["AZURE_RESOURCE_MANAGER_ENDPOINT"] } : {}
      })
    );
    setOutput("digest", built.digest);
    images = built.images;
    credentials = await group(
      "Sign in to the registry",
      () => registryCredentials(
        images.map((i) => i.registry),
        inputs.registry,
        optionalAzure
      )
    );
  } else {
    const parsed = parseImages(inputs.images);
    credentials = await group(
      "Sign in to registries",
      () => registryCredentials(
        parsed.map((p) => p.ref.registry),
        inputs.registry,
        optionalAzure
      )
    );
    images = await group("Resolve digests", () => resolveDigests(parsed, credentials));
  }
  setOutput("digests", images.map((i) => i.reference).join("\n"));
  if (!commands.has("sign") && !commands.has("verify")) {
    await report(images.map(baseResult), inputs, void 0, [], []);
    return;
  }
  let certificate;
  let identity;
  if (resolvesCertificate(inputs)) {
    identity = await azure();
    const credential = identity.credential;
    const { resolveSigningCertificate } = await import("./keyvault-VNTZ7TAB.js");
    certificate = await group(
      "Key Vault certificate",
      () => resolveSigningCertificate(inputs.keyVault, {
        credential,
        ...checked.caChain ? { caChain: checked.caChain } : {}
      })
    );
    setOutput("key-id", certificate.keyId);
    setOutput("certificate-subject", certificate.subject);
    const role = commands.has("sign") ? "Signing" : "Trusted";
    logLine(
      `${role} certificate ${certificate.subject} (key ${certificate.keyId}), valid until ${certificate.notAfter.toISOString()}`
    );
  }
  let results = images.map(baseResult);
  const failures = [];
  const notationCommands = [];
  if (commands.has("sign") && native) {
    if (!certificate || !identity) {
      throw new InputError("certificate", "or key-id is required to sign.");
    }
    const { findAlreadySigned, signFailureMessage } = await import("./sign-3XQZE726.js");
    const { signNative } = await import("./native-5LGIZ2CW.js");
    const alreadySigned = inputs.sign.skipIfSigned && installed ? (unsigned) => findAlreadySigned(unsigned, {
      ...signingContext(installed, inputs, credentials, workspace, signal, certificate),
      identity
    }) : void 0;
    notationCommands.push(
      `native signer: ${inputs.sign.signatureFormat} envelopes signed by Key Vault key ${certificate.keyId}`
    );
    results = await signNative(images, {
      certificate,
      credential: identity.credential,
      credentials,
      format: inputs.sign.signatureFormat,
      userMetadata: inputs.sign.userMetadata.map(({ key, value }) => [key, value]),
      ...inputs.sign.expiry === void 0 ? {} : { expiry: inputs.sign.expiry },
      forceReferrersTag: inputs.sign.forceReferrersTag,
      maxConcurrency: inputs.maxConcurrency,
      signal,
      ...alreadySigned ? { alreadySigned } : {}
    });
    const message = signFailureMessage(results);
    if (message) failures.push(message);
  } else if (commands.has("sign")) {
    if (!certificate) throw new InputError("certificate", "or key-id is required to sign.");
    if (!installed) throw new Error("Bug: signing with notation, which was not installed.");
    const { describeSignCommand, signImages, signFailureMessage } = await import("./sign-3XQZE726.js");
    const signContext = {
      ...signingContext(installed, inputs, credentials, workspace, signal, certificate),
      ...identity ? { identity } : {},
      ...checked.timestampRootPem ? { timestampRootPem: checked.timestampRootPem } : {}
    };
    notationCommands.push(describeSignCommand(signContext));
    results = await signImages(images, signContext);
    const message = signFailureMessage(results);
    if (message) failures.push(message);
  }
  let warnings = [];
  if (commands.has("verify")) {
    if (!installed) throw new Error("Bug: verifying without notation installed.");
    const { prepareTrust, verifyArgs, verifyImages } = await import("./verify-IR64CHNL.js");
    notationCommands.push(
      `notation ${verifyArgs("<registry>/<repository>@<digest>", inputs.verify.userMetadata).join(" ")}`
    );
    const context = {
      ...notationContext(installed, credentials, workspace, signal),
      verify: inputs.verify,
      maxConcurrency: inputs.maxConcurrency,
      store: signerStore(inputs),
      preflight: checked,
      ...certificate ? { certificate } : {}
    };
    const trust = await group(
      "Trust store and trust policy",
      () => prepareTrust(images, context)
    );
    warnings = trust.warnings;
    const toVerify = images.filter((_, i) => results[i]?.error === void 0);
    const outcomes = await verifyImages(toVerify, context);
    results = results.map((result) => {
      const index = toVerify.findIndex((i) => i.reference === result.reference);
      return index < 0 ? result : { ...result, ...outcomes[index] };
    });
    const unverified = results.filter(
      (r, i) => r.verified !== true && toVerify.includes(images[i])
    );
    if (unverified.length > 0) {
      failures.push(
        [
          `Verification failed for ${unverified.length} of ${toVerify.length} image${toVerify.length === 1 ? "" : "s"}:`,
          ...unverified.map((r) => `  ${r.reference ?? r.input}: ${r.error ?? "not verified"}`)
        ].join("\n")
      );
    }
  }
  await report(results, inputs, certificate, warnings, notationCommands);
  if (failures.length > 0) throw new ActionError(failures.join("\n"));
}
function buildTarget(inputs) {
  return { build: inputs.build, azure: inputs.azure, images: inputs.images };
}
async function privateWorkDir() {
  const { mkdir: mkdir3, mkdtemp: mkdtemp2 } = await import("node:fs/promises");
  const os2 = await import("node:os");
  const path3 = await import("node:path");
  const tempDir = process.env["RUNNER_TEMP"] || os2.tmpdir();
  await mkdir3(tempDir, { recursive: true });
  const dir = await mkdtemp2(path3.join(tempDir, "notation-akv-"));
  saveWorkDir(dir);
  return dir;
}
function baseResult(image) {
  return { input: image.input, reference: image.reference, digest: image.digest };
}
function notationContext(installed, credentials, workspace, signal) {
  return {
    notationPath: installed.notation.path,
    configDir: installed.configDir,
    libexecDir: installed.libexecDir,
    credentials,
    workspace,
    signal
  };
}
function signingContext(installed, inputs, credentials, workspace, signal, certificate) {
  return {
    ...notationContext(installed, credentials, workspace, signal),
    sign: inputs.sign,
    maxConcurrency: inputs.maxConcurrency,
    notationVersion: installed.notation.version,
    workDir: installed.workDir,
    certificate
  };
}
async function report(results, inputs, certificate, warnings, commands) {
  const { imagesOutput, writeSummary } = await import("./summary-WAX62KY7.js");
  setOutput("images", imagesOutput(results));
  const ran = { sign: inputs.commands.includes("sign"), verify: inputs.commands.includes("verify") };
  await writeSummary(results, {
    commands,
    ran,
    // A verify-only run made no signature: it has no format to report.
    ...ran.sign ? { signatureFormat: inputs.sign.signatureFormat } : {},
    warnings,
    ...certificate ? { certificate } : {}
  });
}
export {
  run
};
