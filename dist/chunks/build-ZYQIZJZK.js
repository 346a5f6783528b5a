import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  isGitContext,
  packContext
} from "./chunk-GZJI4QB2.js";
import {
  RestError,
  createDefaultHttpClient
} from "./chunk-6TA3OPV7.js";
import {
  describeRequestError,
  formatLimit,
  hostOf
} from "./chunk-AYBAOIC3.js";
import {
  DIGEST,
  parseReference
} from "./chunk-PSCXZPNR.js";
import {
  SDK_CLIENT_OPTIONS,
  TransientError,
  isTransientError,
  isTransientStatus,
  parseRetryAfter,
  withRetry
} from "./chunk-FNOH2WXR.js";
import {
  inertLine,
  logLine,
  splitLines,
  withoutCredentials
} from "./chunk-OIVOHELA.js";
import {
  ActionError,
  InputError,
  errorMessage
} from "./chunk-NNQIOSTZ.js";
import {
  debug,
  group,
  info,
  setSecret,
  warning
} from "./chunk-NFKXVFBA.js";
import "./chunk-HANBNIMK.js";

// src/build/build.ts
import { readFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";

// src/build/arm-http.ts
var ARM_TIMEOUT_MS = 6e4;
var MAX_ARM_BODY_BYTES = 16 * 1024 * 1024;
var ArmAnswerError = class extends Error {
  constructor(message) {
    super(message);
    this.name = "ArmAnswerError";
  }
};
function boundedHttpClient(options = {}) {
  const timeoutMs = options.timeoutMs ?? ARM_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? MAX_ARM_BODY_BYTES;
  const inner = options.inner ?? createDefaultHttpClient();
  return {
    async sendRequest(request) {
      const host = hostOf(request.url);
      const callerSignal = request.abortSignal;
      const callerStreams = request.streamResponseStatusCodes;
      const controller = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, timeoutMs);
      const onAbort = () => controller.abort();
      if (callerSignal?.aborted) controller.abort();
      callerSignal?.addEventListener("abort", onAbort);
      request.abortSignal = controller.signal;
      request.streamResponseStatusCodes = /* @__PURE__ */ new Set([Number.POSITIVE_INFINITY]);
      try {
        const response = await inner.sendRequest(request);
        if (callerStreams?.has(Number.POSITIVE_INFINITY) || callerStreams?.has(response.status)) {
          return response;
        }
        const stream = response.readableStreamBody;
        delete response.readableStreamBody;
        if (stream) {
          const declared = Number(response.headers.get("content-length") ?? NaN);
          if (declared > maxBytes) {
            destroy(stream);
            throw tooLarge(host, `${declared} bytes declared`, maxBytes);
          }
          response.bodyAsText = await readCapped(stream, host, maxBytes);
        }
        return response;
      } catch (error) {
        if (timedOut && !callerSignal?.aborted) {
          throw new ArmAnswerError(
            `${host}: no complete answer within the ${formatLimit(timeoutMs)} limit per request`
          );
        }
        throw error;
      } finally {
        clearTimeout(timer);
        callerSignal?.removeEventListener("abort", onAbort);
        if (callerSignal === void 0) delete request.abortSignal;
        else request.abortSignal = callerSignal;
        if (callerStreams === void 0) delete request.streamResponseStatusCodes;
        else request.streamResponseStatusCodes = callerStreams;
      }
    }
  };
}
function tooLarge(host, what, maxBytes) {
  return new ArmAnswerError(
    `${host} answered with a body too large: ${what}, over the ${maxBytes}-byte limit; nothing more was read`
  );
}
function destroy(stream) {
  ;
  stream.destroy?.();
}
async function readCapped(stream, host, maxBytes) {
  const chunks = [];
  let total = 0;
  try {
    for await (const chunk of stream) {
      const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
      total += bytes.length;
      if (total > maxBytes) {
        destroy(stream);
        throw tooLarge(host, `more than ${maxBytes} bytes sent`, maxBytes);
      }
      chunks.push(bytes);
    }
  } catch (error) {
    if (error instanceof ArmAnswerError || error.name === "AbortError") throw error;
    throw new RestError(`Error reading response as text: ${error.message}`, {
      code: RestError.PARSE_ERROR
    });
  }
  return Buffer.concat(chunks, total).toString("utf8");
}

// src/build/build.ts
var DEFAULT_ARM_ENDPOINT = "https://management.azure.com";
var DEFAULT_RUN_TIMEOUT_SECONDS = 3600;
var MAX_CONTEXT_BYTES = 256 * 1024 * 1024;
var FINAL_STATUSES = /* @__PURE__ */ new Set(["succeeded", "failed", "canceled", "error", "timeout"]);
var TAIL_LINES = 30;
var LOG_RANGE_BYTES = 1024 * 1024;
var MAX_LOG_LINE_CHARS = 64 * 1024;
var STDOUT_HIGH_WATER = 256 * 1024;
var CANCEL_TIMEOUT_MS = 7e3;
var RUN_ID = /^[a-z0-9]{1,64}$/;
var MAX_FAILED_POLLS = 6;
var LOG_READ_TIMEOUT_MS = 3e4;
function uploadTimeoutMs(bytes) {
  return 3e4 + Math.ceil(bytes / (1024 * 1024)) * 1e3;
}
var GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
var RESOURCE_GROUP = /^[-\w.()]{1,90}$/;
var PLATFORM = /^(?<os>linux|windows)\/(?<arch>amd64|arm64|arm|386|x86)(?:\/(?<variant>v6|v7|v8))?$/i;
function parseBuildImage(line) {
  const ref = parseReference(line);
  if (ref.digest !== void 0) {
    throw new InputError(
      "images",
      `'${line}' names a digest; with build, images are the tags to build (registry/repository:tag), and the built digest is signed.`
    );
  }
  if (ref.tag === void 0)
    throw new InputError(
      "images",
      `'${line}' needs a tag: the build pushes registry/repository:tag.`
    );
  return {
    input: line,
    registry: ref.registry.toLowerCase(),
    repository: ref.repository,
    tag: ref.tag
  };
}
function parseGitContext(context) {
  const fail = (why) => {
    throw new InputError("build-context", `'${withoutCredentials(context)}' ${why}`);
  };
  let url;
  try {
    url = new URL(context);
  } catch {
    return fail("is not a URL; use https://host/org/repo.git#ref:subfolder or a local folder.");
  }
  if (url.protocol !== "https:") fail("must be an https git URL.");
  if (url.username !== "" || url.password !== "") {
    fail("must not carry credentials: they would be stored with the run.");
  }
  if (url.search !== "") fail("must not have a query string.");
  if (!/\.git$/i.test(url.pathname) && !/\/_git\/[^/]+$/.test(url.pathname)) {
    fail("is not a git URL: the path must end in .git (or be an Azure DevOps _git URL).");
  }
  const fragment = decodeURIComponent(url.hash.replace(/^#/, ""));
  if (fragment !== "") {
    const [ref = "", ...rest] = fragment.split(":");
    const folder = rest.join(":");
    if (ref === "" && folder === "") fail("has an empty #ref.");
    if (ref !== "" && !/^[\w./-]+$/.test(ref)) fail(`has an invalid ref '${ref}'.`);
    if (folder !== "" && (folder.startsWith("/") || folder.split("/").includes(".."))) {
      fail(`has a subfolder '${folder}' that leaves the repository.`);
    }
  }
  return context;
}
function parsePlatform(value) {
  if (value === void 0) return { os: "Linux", architecture: "amd64" };
  const m = PLATFORM.exec(value);
  if (!m?.groups) {
    throw new InputError(
      "platform",
      `'${value}' is not os/architecture[/variant] such as linux/amd64 or linux/arm64/v8.`
    );
  }
  const os = m.groups["os"]?.toLowerCase() === "windows" ? "Windows" : "Linux";
  const architecture = m.groups["arch"]?.toLowerCase();
  const variant = m.groups["variant"]?.toLowerCase();
  return { os, architecture, ...variant === void 0 ? {} : { variant } };
}
function planBuild(target) {
  const { build, azure } = target;
  if (build.context === void 0) {
    throw new InputError(
      "build-context",
      "is required with build: a folder in the workspace or a git URL."
    );
  }
  if (azure.subscriptionId === void 0) {
    throw new InputError(
      "azure-subscription-id",
      "is required with build: the registry's subscription."
    );
  }
  if (!GUID.test(azure.subscriptionId)) {
    throw new InputError("azure-subscription-id", `'${azure.subscriptionId}' is not a GUID.`);
  }
  if (azure.resourceGroup === void 0) {
    throw new InputError("resource-group", "is required with build: the registry's resource group.");
  }
  if (!RESOURCE_GROUP.test(azure.resourceGroup) || azure.resourceGroup.endsWith(".")) {
    throw new InputError("resource-group", `'${azure.resourceGroup}' is not a resource group name.`);
  }
  if (target.images.length === 0) {
    throw new InputError(
      "images",
      "is required with build: the tags to build, e.g. myregistry.azurecr.io/app:v1."
    );
  }
  const images = target.images.map(parseBuildImage);
  const registries = [...new Set(images.map((i) => i.registry))];
  if (registries.length > 1) {
    throw new InputError(
      "images",
      `name ${registries.length} registries (${registries.join(", ")}); an ACR Tasks build pushes to one.`
    );
  }
  const seen = /* @__PURE__ */ new Set();
  for (const image of images) {
    const key = `${image.repository}:${image.tag}`;
    if (seen.has(key)) throw new InputError("images", `'${image.input}' is given twice.`);
    seen.add(key);
  }
  let source;
  if (isGitContext(build.context)) {
    const dockerfile = build.dockerfile ?? "Dockerfile";
    if (dockerfile.startsWith("/") || dockerfile.split(/[\\/]/).includes("..")) {
      throw new InputError("dockerfile", `'${dockerfile}' must be a path inside the build context.`);
    }
    source = { kind: "git", url: parseGitContext(build.context), dockerfile };
  } else {
    source = {
      kind: "local",
      context: build.context,
      ...build.dockerfile === void 0 ? {} : { dockerfile: build.dockerfile }
    };
  }
  const argNames = new Set(build.args.map((a) => a.key));
  for (const { key } of build.secretArgs) {
    if (argNames.has(key)) {
      throw new InputError("build-secret-args", `'${key}' is also in build-args; give it once.`);
    }
  }
  const args = [
    ...build.args.map((a) => ({ name: a.key, value: a.value, isSecret: false })),
    ...build.secretArgs.map((a) => ({ name: a.key, value: a.value, isSecret: true }))
  ];
  return {
    subscriptionId: azure.subscriptionId,
    resourceGroup: azure.resourceGroup,
    registry: registries[0],
    images,
    source,
    platform: parsePlatform(build.platform),
    arguments: args,
    ...build.timeoutSeconds === void 0 ? {} : { timeoutSeconds: build.timeoutSeconds }
  };
}
function armEndpointUrl(value) {
  const raw = value === void 0 || value.trim() === "" ? DEFAULT_ARM_ENDPOINT : value.trim();
  let url;
  try {
    url = new URL(raw);
  } catch {
    throw new ActionError(`AZURE_RESOURCE_MANAGER_ENDPOINT '${raw}' is not a URL.`);
  }
  if (url.protocol !== "https:" || url.search !== "" || url.username !== "") {
    throw new ActionError(`AZURE_RESOURCE_MANAGER_ENDPOINT '${raw}' must be a plain https URL.`);
  }
  return url.toString().replace(/\/+$/, "");
}
function isRestError(error) {
  return error instanceof Error && error.name === "RestError";
}
function isAbort(error) {
  return error instanceof Error && (error.name === "AbortError" || error.name === "TimeoutError");
}
function armDetail(error) {
  if (error instanceof ArmAnswerError) return error.message;
  if (isRestError(error) && error.statusCode !== void 0) {
    const code = error.code === void 0 ? "" : ` ${error.code}`;
    return `HTTP ${error.statusCode}${code}: ${error.message}`;
  }
  const url = isRestError(error) ? error.request?.url : void 0;
  return url === void 0 ? errorMessage(error) : describeRequestError(error, url);
}
function armError(what, error) {
  if (error instanceof ActionError || error instanceof InputError || isAbort(error)) {
    return error;
  }
  const status = isRestError(error) ? error.statusCode ?? 0 : 0;
  let hint = "";
  if (status === 401) {
    hint = " The identity could not sign in to Azure Resource Manager; check the credential and AZURE_RESOURCE_MANAGER_ENDPOINT.";
  } else if (status === 403) {
    hint = " The identity needs a role on the registry that allows ACR Tasks runs (e.g. Contributor), including Microsoft.ContainerRegistry/registries/listBuildSourceUploadUrl/action, scheduleRun/action, runs/read and runs/listLogSasUrl/action.";
  }
  return new ActionError(`${what}: ${armDetail(error)}${hint}`, { cause: error });
}
var RunLog = class {
  offset = 0;
  decoder = new TextDecoder();
  partial = "";
  tail = [];
  link;
  /** Why the log could not be read, when that is not a passing trouble. */
  problem;
  getLink;
  signal;
  constructor(getLink, signal) {
    this.getLink = getLink;
    this.signal = signal;
  }
  /** Fetches and prints what is new; quiet about transient trouble (the next pull catches up). */
  async pull(final = false) {
    if (this.problem !== void 0) return;
    const attempt = async () => {
      this.link ??= await this.getLink();
      const link = this.link;
      const timeout = AbortSignal.timeout(LOG_READ_TIMEOUT_MS);
      const signal = this.signal === void 0 ? timeout : AbortSignal.any([this.signal, timeout]);
      try {
        const range = `bytes=${this.offset}-${this.offset + LOG_RANGE_BYTES - 1}`;
        const response = await fetch(link, {
          headers: { "x-ms-range": range, "x-ms-version": "2020-04-08" },
          signal
        });
        if (response.status === 416 || response.status === 404) {
          await response.body?.cancel();
          return false;
        }
        if (response.status === 403) {
          this.link = void 0;
          await response.body?.cancel();
          throw new TransientError("the log link was refused (HTTP 403)");
        }
        if (isTransientStatus(response.status)) {
          await response.body?.cancel();
          throw new TransientError(
            `HTTP ${response.status}`,
            parseRetryAfter(response.headers.get("retry-after"))
          );
        }
        if (response.status !== 200 && response.status !== 206) {
          await response.body?.cancel();
          throw new ActionError(`reading the run log: HTTP ${response.status}`);
        }
        const skip = response.status === 200 ? this.offset : 0;
        const bytes = await readSpan(response, skip, LOG_RANGE_BYTES);
        this.offset += bytes.length;
        await this.write(this.decoder.decode(bytes, { stream: true }));
        return bytes.length >= LOG_RANGE_BYTES;
      } catch (error) {
        if (timeout.aborted && !this.signal?.aborted) {
          throw new ActionError(describeRequestError(error, link, LOG_READ_TIMEOUT_MS));
        }
        const ours = error instanceof ActionError || error instanceof TransientError;
        if (!ours && !this.signal?.aborted && isTransientError(error)) {
          throw new TransientError(describeRequestError(error, link, LOG_READ_TIMEOUT_MS));
        }
        throw error;
      }
    };
    try {
      for (let more = true; more; ) {
        more = final ? await withRetry("Read the ACR Tasks run log", attempt, {
          attempts: 3,
          baseDelayMs: 500,
          maxDelayMs: 2e3
        }) : await attempt();
      }
    } catch (error) {
      if (this.signal?.aborted) throw error;
      const detail = this.describe(error);
      debug(`reading the run log: ${detail}`);
      const status = isRestError(error) ? error.statusCode : void 0;
      const transient = isTransientError(error) || status !== void 0 && isTransientStatus(status);
      if (!transient || final) this.problem ??= detail;
    }
  }
  /** A failed read in words: ARM's answer for the link, the log host and the cause for the read. */
  describe(error) {
    if (error instanceof ActionError || error instanceof TransientError) return error.message;
    if (isRestError(error) || error instanceof ArmAnswerError) return armDetail(error);
    return this.link === void 0 ? errorMessage(error) : describeRequestError(error, this.link, LOG_READ_TIMEOUT_MS);
  }
  async write(text) {
    let pending = this.partial + text;
    const heldCr = pending.endsWith("\r");
    if (heldCr) pending = pending.slice(0, -1);
    const lines = splitLines(pending);
    let partial = lines.pop() ?? "";
    for (let start = 0; start < lines.length; ) {
      let end = start;
      for (let size = 0; end < lines.length && size < 64 * 1024; end++) {
        size += lines[end].length + 1;
      }
      this.emit(lines.slice(start, end));
      start = end;
      await stdoutDrained();
    }
    while (partial.length > MAX_LOG_LINE_CHARS) {
      this.emit([partial.slice(0, MAX_LOG_LINE_CHARS)]);
      partial = partial.slice(MAX_LOG_LINE_CHARS);
    }
    this.partial = partial + (heldCr ? "\r" : "");
  }
  emit(lines) {
    if (lines.length === 0) return;
    info(lines.map(inertLine).join("\n"));
    this.tail.push(...lines.slice(-TAIL_LINES));
    if (this.tail.length > TAIL_LINES) this.tail.splice(0, this.tail.length - TAIL_LINES);
  }
  /** Prints a last line without its newline, if any. */
  flush() {
    const rest = this.partial + this.decoder.decode();
    this.partial = "";
    const lines = splitLines(rest);
    if (lines.at(-1) === "") lines.pop();
    this.emit(lines);
  }
  lastLines() {
    return [...this.tail];
  }
};
async function readSpan(response, skip, limit) {
  if (response.body === null) return Buffer.alloc(0);
  const reader = response.body.getReader();
  const parts = [];
  let skipped = 0;
  let kept = 0;
  try {
    while (kept < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      let chunk = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
      if (skipped < skip) {
        const drop = Math.min(skip - skipped, chunk.length);
        skipped += drop;
        chunk = chunk.subarray(drop);
      }
      if (chunk.length === 0) continue;
      chunk = chunk.subarray(0, limit - kept);
      parts.push(chunk);
      kept += chunk.length;
    }
  } finally {
    await reader.cancel().catch(() => void 0);
  }
  return Buffer.concat(parts);
}
async function stdoutDrained() {
  const out = process.stdout;
  if (out.writableLength <= STDOUT_HIGH_WATER || out.destroyed) return;
  await new Promise((resolve) => {
    const done = () => {
      out.off("drain", done);
      out.off("close", done);
      resolve();
    };
    out.on("drain", done);
    out.on("close", done);
  });
}
async function uploadContext(url, body, signal) {
  const timeoutMs = uploadTimeoutMs(body.length);
  try {
    await withRetry("Upload the build context", async () => {
      const timeout = AbortSignal.timeout(timeoutMs);
      let response;
      let text;
      try {
        response = await fetch(url, {
          method: "PUT",
          body,
          headers: {
            "x-ms-blob-type": "BlockBlob",
            "x-ms-version": "2020-04-08",
            "content-type": "application/gzip"
          },
          signal: signal === void 0 ? timeout : AbortSignal.any([signal, timeout])
        });
        text = (await readSpan(response, 0, 64 * 1024)).toString("utf8");
      } catch (error) {
        if (timeout.aborted && !signal?.aborted) {
          throw new ActionError(
            `Uploading the build context: ${describeRequestError(error, url, timeoutMs)}.`
          );
        }
        if (isTransientError(error) && !signal?.aborted) {
          throw new TransientError(describeRequestError(error, url, timeoutMs));
        }
        throw error;
      }
      if (response.status === 201 || response.status === 200) return;
      const code = response.headers.get("x-ms-error-code") ?? /<Code>([^<]*)<\/Code>/.exec(text)?.[1];
      const detail = `HTTP ${response.status}${code ? ` ${code}` : ""}`;
      if (isTransientStatus(response.status)) {
        throw new TransientError(detail, parseRetryAfter(response.headers.get("retry-after")));
      }
      throw new ActionError(`Uploading the build context failed: ${detail}.`);
    });
  } catch (error) {
    if (error instanceof ActionError || signal?.aborted) throw error;
    const detail = error instanceof TransientError ? error.message : describeRequestError(error, url, timeoutMs);
    throw new ActionError(`Uploading the build context: ${detail}.`, { cause: error });
  }
}
function maskSas(url) {
  if (url === void 0) return;
  try {
    const sig = new URL(url).searchParams.get("sig");
    if (sig) setSecret(sig);
  } catch {
  }
}
async function runBuild(options) {
  const plan = planBuild(options.target);
  const endpoint = armEndpointUrl(options.armEndpoint);
  const { signal } = options;
  const timing = {
    pollMs: options.timing?.pollMs ?? 2e3,
    maxPollMs: options.timing?.maxPollMs ?? 1e4,
    graceMs: options.timing?.graceMs ?? 5 * 6e4
  };
  for (const arg of plan.arguments) if (arg.isSecret && arg.value !== "") setSecret(arg.value);
  const packed = plan.source.kind === "local" ? await packContext({
    context: plan.source.context,
    ...plan.source.dockerfile === void 0 ? {} : { dockerfile: plan.source.dockerfile },
    ...options.workspace === void 0 ? {} : { workspace: options.workspace },
    ...options.tempDir === void 0 ? {} : { tempDir: options.tempDir }
  }) : void 0;
  try {
    if (packed && packed.size > MAX_CONTEXT_BYTES) {
      throw new InputError(
        "build-context",
        `packs to ${Math.round(packed.size / 1024 / 1024)} MiB, more than ${MAX_CONTEXT_BYTES / 1024 / 1024} MiB; leave out what the build does not need with .dockerignore.`
      );
    }
    signal?.throwIfAborted();
    const { ContainerRegistryManagementClient } = await import("./esm-SQXUMS7J.js");
    const client = new ContainerRegistryManagementClient(options.credential, plan.subscriptionId, {
      endpoint,
      $host: endpoint,
      credentialScopes: [`${endpoint}/.default`],
      ...SDK_CLIENT_OPTIONS,
      // Every ARM answer timed and cut at its limit as it streams (arm-http.ts).
      httpClient: boundedHttpClient(),
      userAgentOptions: { userAgentPrefix: "notation-akv-action" }
    });
    const scheduleClient = new ContainerRegistryManagementClient(
      options.credential,
      plan.subscriptionId,
      {
        endpoint,
        $host: endpoint,
        credentialScopes: [`${endpoint}/.default`],
        ...SDK_CLIENT_OPTIONS,
        retryOptions: { ...SDK_CLIENT_OPTIONS.retryOptions, maxRetries: 0 },
        httpClient: boundedHttpClient(),
        userAgentOptions: { userAgentPrefix: "notation-akv-action" }
      }
    );
    const rg = plan.resourceGroup;
    const abort = signal === void 0 ? {} : { abortSignal: signal };
    let registryName;
    const seen = [];
    try {
      for await (const registry of client.registries.listByResourceGroup(rg, abort)) {
        const login = registry.loginServer?.toLowerCase();
        if (login !== void 0) seen.push(login);
        if (login === plan.registry && registry.name !== void 0) {
          registryName = registry.name;
          break;
        }
      }
    } catch (error) {
      throw armError(`Listing the registries of resource group '${rg}'`, error);
    }
    if (registryName === void 0) {
      throw new ActionError(
        `No container registry with login server ${plan.registry} in resource group '${rg}' of subscription ${plan.subscriptionId}` + (seen.length > 0 ? ` (found: ${seen.join(", ")}).` : " (it has none the identity can see).")
      );
    }
    const reg = registryName;
    let sourceLocation;
    let dockerFilePath;
    if (packed) {
      info(
        `Packed ${packed.entries.length} entries of ${packed.context} (${(packed.size / 1024).toFixed(1)} KiB, Dockerfile ${packed.dockerfile})` + (packed.ignored.length > 0 ? `; left out by .dockerignore: ${packed.ignored.length}` : "")
      );
      let upload;
      try {
        upload = await client.registries.getBuildSourceUploadUrl(rg, reg, abort);
      } catch (error) {
        throw armError(`Getting an upload URL from registry '${reg}'`, error);
      }
      if (!upload.uploadUrl || !upload.relativePath) {
        throw new ActionError(`Registry '${reg}' returned no upload URL for the build context.`);
      }
      maskSas(upload.uploadUrl);
      await uploadContext(upload.uploadUrl, await readFile(packed.file), signal);
      sourceLocation = upload.relativePath;
      dockerFilePath = packed.dockerfile;
      logLine(`Uploaded the build context to registry '${reg}'.`);
    } else {
      const git = plan.source;
      sourceLocation = git.url;
      dockerFilePath = git.dockerfile;
      logLine(`Building from ${git.url}`);
    }
    const request = {
      type: "DockerBuildRequest",
      imageNames: plan.images.map((i) => `${i.repository}:${i.tag}`),
      isPushEnabled: true,
      noCache: false,
      dockerFilePath,
      sourceLocation,
      platform: plan.platform,
      arguments: plan.arguments.map((a) => ({ name: a.name, value: a.value, isSecret: a.isSecret })),
      isArchiveEnabled: false,
      // Always sent: without it ACR applies its own default, not the one the README documents.
      timeout: plan.timeoutSeconds ?? DEFAULT_RUN_TIMEOUT_SECONDS
    };
    const scheduledAt = (/* @__PURE__ */ new Date()).toISOString();
    let queued;
    try {
      queued = await withRetry("Schedule the ACR Tasks run", async () => {
        try {
          const poller = await scheduleClient.registries.beginScheduleRun(rg, reg, request);
          return await poller.pollUntilDone();
        } catch (error) {
          if (notTaken(error)) throw new TransientError(armDetail(error), retryAfterOf(error));
          if (isAbort(error)) throw error;
          const status2 = isRestError(error) ? error.statusCode : void 0;
          const lost = status2 === void 0 ? isTransientError(error) || error instanceof ArmAnswerError : status2 >= 500;
          if (!lost) throw error;
          const cause = armDetail(error);
          throw new ActionError(
            `Scheduling an ACR Tasks run on registry '${reg}': no usable answer (${cause}). ACR may have started a run at about ${scheduledAt}; it is not sent again (that could start a second run). Look for it with \`az acr task list-runs --registry ${reg}\` and cancel it with \`az acr task cancel-run\` if it is still going.`
          );
        }
      });
    } catch (error) {
      throw armError(`Scheduling an ACR Tasks run on registry '${reg}'`, error);
    }
    const runId = queued.runId;
    if (!runId) throw new ActionError(`Registry '${reg}' scheduled a run but returned no run ID.`);
    if (!RUN_ID.test(runId)) {
      throw new ActionError(
        `Registry '${reg}' scheduled a run but returned a run ID that is not lowercase letters and digits (${runId.length} characters); not using it.`
      );
    }
    const secretNames = plan.arguments.filter((a) => a.isSecret).map((a) => a.name);
    logLine(
      `Queued ACR Tasks run ${runId} on registry '${reg}': ${request.imageNames.join(", ")} for ${platformText(plan.platform)}` + (plan.arguments.length > 0 ? `; build arguments ${plan.arguments.map((a) => a.name).join(", ")}` + (secretNames.length > 0 ? ` (secret: ${secretNames.join(", ")})` : "") : "")
    );
    const cancel = async (why) => {
      try {
        await client.runs.beginCancel(rg, reg, runId, {
          abortSignal: AbortSignal.timeout(CANCEL_TIMEOUT_MS)
        });
        warning(`Canceled ACR Tasks run ${runId} on registry '${reg}' (${why}).`);
      } catch (error) {
        const cause = isAbort(error) ? `no answer within ${CANCEL_TIMEOUT_MS / 1e3} s` : armDetail(error);
        warning(
          `Could not cancel ACR Tasks run ${runId} on registry '${reg}' (${cause}): it may still be running. Cancel it with \`az acr task cancel-run --registry ${reg} --run-id ${runId}\`.`
        );
      }
    };
    const log = new RunLog(async () => {
      const result2 = await client.runs.getLogSasUrl(rg, reg, runId, abort);
      if (!result2.logLink) throw new TransientError("no log link yet");
      maskSas(result2.logLink);
      return result2.logLink;
    }, signal);
    const timeoutSeconds = plan.timeoutSeconds ?? DEFAULT_RUN_TIMEOUT_SECONDS;
    const deadline = Date.now() + timeoutSeconds * 1e3 + timing.graceMs;
    let run = queued;
    let unreadable;
    const outcome = await group(
      `ACR Tasks run ${runId}`,
      async () => {
        let delay = timing.pollMs;
        let failedPolls = 0;
        try {
          for (; ; ) {
            if (signal?.aborted) return "aborted";
            if (Date.now() > deadline) return "deadline";
            try {
              run = await client.runs.get(rg, reg, runId, abort);
              failedPolls = 0;
            } catch (error) {
              if (isAbort(error) || signal?.aborted) throw error;
              const rest = isRestError(error) ? error : void 0;
              if (rest && rest.statusCode !== void 0 && !isTransientStatus(rest.statusCode)) {
                throw armError(`Reading ACR Tasks run ${runId}`, error);
              }
              debug(`reading run ${runId}: ${armDetail(error)}`);
              if (++failedPolls >= MAX_FAILED_POLLS) {
                unreadable = error;
                return "unreadable";
              }
            }
            await log.pull();
            if (FINAL_STATUSES.has((run.status ?? "").toLowerCase())) {
              await log.pull(true);
              log.flush();
              return "done";
            }
            await sleep(delay, void 0, signal === void 0 ? {} : { signal });
            delay = Math.min(Math.round(delay * 1.5), timing.maxPollMs);
          }
        } catch (error) {
          if (signal?.aborted) return "aborted";
          throw error;
        } finally {
          log.flush();
        }
      }
    );
    if (log.problem !== void 0) {
      warning(`The log of ACR Tasks run ${runId} could not be read: ${log.problem}`);
    }
    if (outcome === "aborted") {
      const why = signal?.reason instanceof Error ? signal.reason.message : "the action was stopped";
      await cancel(why);
      throw new BuildStoppedError(
        `${why.replace(/\.$/, "")}: ACR Tasks run ${runId} on registry '${reg}' was stopped (see the warning above for whether it was canceled).`
      );
    }
    if (outcome === "unreadable") {
      await cancel("its status could not be read");
      const failed = armError(
        `Reading ACR Tasks run ${runId} on registry '${reg}' failed ${MAX_FAILED_POLLS} polls in a row`,
        unreadable
      );
      throw new ActionError(
        `${failed.message.replace(/\.$/, "")}. See the warning above for whether the run was canceled.`,
        { cause: unreadable }
      );
    }
    if (outcome === "deadline") {
      await cancel("build-timeout passed");
      throw new ActionError(
        `ACR Tasks run ${runId} did not finish within build-timeout (${timeoutSeconds} s) and a grace period; it was canceled.`
      );
    }
    const status = run.status ?? "Unknown";
    if (status.toLowerCase() !== "succeeded") {
      const lines = log.lastLines();
      throw new ActionError(
        `ACR Tasks run ${runId} ended with status ${status}` + (run.runErrorMessage ? `: ${run.runErrorMessage}` : "") + (status.toLowerCase() === "timeout" ? ` (build-timeout ${timeoutSeconds} s)` : "") + (lines.length > 0 ? `. Last lines of its log:
${lines.join("\n")}` : ".")
      );
    }
    return result(plan, runId, run);
  } finally {
    await packed?.cleanup();
  }
}
var BuildStoppedError = class extends ActionError {
  constructor(message) {
    super(message);
    this.name = "BuildStoppedError";
  }
};
function notTaken(error) {
  if (isRestError(error)) {
    if (error.statusCode === 429 || error.statusCode === 503) return true;
    return error.statusCode === void 0 && (error.code === "ECONNREFUSED" || error.code === "ENOTFOUND");
  }
  const code = error?.code;
  return code === "ECONNREFUSED" || code === "ENOTFOUND";
}
function retryAfterOf(error) {
  const response = error.response;
  return parseRetryAfter(response?.headers?.get("retry-after"));
}
function platformText(p) {
  return `${p.os.toLowerCase()}/${p.architecture}${p.variant === void 0 ? "" : `/${p.variant}`}`;
}
function result(plan, runId, run) {
  const outputs = run.outputImages ?? [];
  const images = plan.images.map((image) => {
    const output = outputs.find((o) => o.repository === image.repository && o.tag === image.tag);
    const digest = output?.digest;
    if (digest === void 0 || !DIGEST.test(digest)) {
      throw new ActionError(
        `ACR Tasks run ${runId} succeeded but reported ${digest === void 0 ? "no digest" : "a digest that is not sha256:<64 hex> or sha512:<128 hex>"} for ${image.input}.`
      );
    }
    return {
      input: image.input,
      registry: image.registry,
      repository: image.repository,
      digest,
      reference: `${image.registry}/${image.repository}@${digest}`
    };
  });
  const first = images[0];
  for (const image of images) info(`Built ${image.input} \u2192 ${image.reference}`);
  return { digest: first.digest, images, runId };
}
export {
  BuildStoppedError,
  CANCEL_TIMEOUT_MS,
  DEFAULT_ARM_ENDPOINT,
  DEFAULT_RUN_TIMEOUT_SECONDS,
  LOG_RANGE_BYTES,
  LOG_READ_TIMEOUT_MS,
  MAX_CONTEXT_BYTES,
  MAX_FAILED_POLLS,
  MAX_LOG_LINE_CHARS,
  planBuild,
  runBuild,
  uploadTimeoutMs
};
