import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  preflight
} from "./chunk-YX6L2DSK.js";
import "./chunk-WVMZ45WT.js";
import {
  archiveExtension,
  binaryName,
  getInputs,
  pinnedChecksum,
  releaseUrl,
  resolveSigningCertificate
} from "./chunk-V5WJWMNQ.js";
import {
  ActionError,
  DEFAULT_RETRY,
  InputError,
  SDK_CLIENT_OPTIONS,
  TransientError,
  errorMessage,
  formatReference,
  isTransientError,
  isTransientStatus,
  parseReference,
  parseRetryAfter,
  registryOrigin,
  withRetry
} from "./chunk-AN7H2PK6.js";
import {
  addPath,
  cp,
  debug,
  error,
  exportVariable,
  getState,
  group,
  info,
  mkdirP,
  rmRF,
  saveState,
  setFailed,
  setOutput,
  setSecret,
  warning
} from "./chunk-J62WCH3U.js";
import {
  require_semver
} from "./chunk-3LIX2SKN.js";
import {
  __toESM
} from "./chunk-HANBNIMK.js";

// src/azure.ts
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";

// src/http.ts
var DEFAULT_TIMEOUT_MS = 3e4;
var MAX_BODY = 16 * 1024 * 1024;
async function readBounded(response, method) {
  if (method === "HEAD" || response.status === 204 || response.status === 304) {
    await response.body?.cancel();
    return Buffer.alloc(0);
  }
  const declared = Number(response.headers.get("content-length") ?? NaN);
  if (declared > MAX_BODY) throw new Error(`response body of ${declared} bytes is too large`);
  const body = Buffer.from(await response.arrayBuffer());
  if (body.length > MAX_BODY) throw new Error(`response body of ${body.length} bytes is too large`);
  if (!Number.isNaN(declared) && body.length !== declared) {
    throw new TransientError(`body ended after ${body.length} of ${declared} bytes`);
  }
  return body;
}
async function httpRequest(label, url, init = {}, options = {}) {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let last;
  try {
    return await withRetry(
      label,
      async () => {
        const response = await fetch(url, {
          ...init,
          redirect: "follow",
          signal: AbortSignal.timeout(timeoutMs)
        });
        const result = {
          status: response.status,
          statusText: response.statusText,
          headers: response.headers,
          body: await readBounded(response, (init.method ?? "GET").toUpperCase()),
          url
        };
        if (isTransientStatus(response.status)) {
          last = result;
          throw new TransientError(
            `HTTP ${response.status} ${serverMessage(result) ?? response.statusText}`,
            parseRetryAfter(response.headers.get("retry-after"))
          );
        }
        if (options.json && response.status >= 200 && response.status < 300) {
          try {
            JSON.parse(result.body.toString("utf8"));
          } catch {
            throw new TransientError(
              `HTTP ${response.status} with a body that is not JSON (${result.body.length} bytes)`
            );
          }
        }
        return result;
      },
      options.retry ?? DEFAULT_RETRY
    );
  } catch (error2) {
    if (last && error2 instanceof TransientError && error2.message.startsWith(`HTTP ${last.status}`))
      return last;
    throw error2;
  }
}
function serverMessage(response) {
  const text = response.body.toString("utf8").slice(0, 4096);
  try {
    const json = JSON.parse(text);
    if (Array.isArray(json.errors) && json.errors.length > 0) {
      return json.errors.map((e) => [e.code, e.message].filter(Boolean).join(": ")).join("; ");
    }
    if (typeof json.error === "object" && json.error)
      return [json.error.code, json.error.message].filter(Boolean).join(": ");
    if (typeof json.error_description === "string") return json.error_description;
    if (typeof json.error === "string") return json.error;
    if (typeof json.message === "string") return json.message;
  } catch {
  }
  const trimmed = text.trim();
  return trimmed === "" ? void 0 : trimmed.slice(0, 300);
}

// src/azure.ts
var OIDC_AUDIENCE = "api://AzureADTokenExchange";
var ACR_SCOPE = "https://containerregistry.azure.net/.default";
var PUBLIC_AUTHORITIES = [
  "login.microsoftonline.com",
  "login.chinacloudapi.cn",
  "login.microsoftonline.us",
  "login.microsoftonline.de"
];
function chooseCredential(azure, env = process.env) {
  if (azure.credential !== "auto") return azure.credential;
  const clientId = azure.clientId ?? env["AZURE_CLIENT_ID"];
  const tenantId = azure.tenantId ?? env["AZURE_TENANT_ID"];
  if (clientId && tenantId && env["ACTIONS_ID_TOKEN_REQUEST_URL"]) return "oidc";
  if (clientId && tenantId && (env["AZURE_CLIENT_SECRET"] || env["AZURE_CLIENT_CERTIFICATE_PATH"]))
    return "environment";
  if (existsSync(
    path.join(env["AZURE_CONFIG_DIR"] ?? path.join(os.homedir(), ".azure"), "azureProfile.json")
  ))
    return "cli";
  if (env["IDENTITY_ENDPOINT"] || env["MSI_ENDPOINT"]) return "managed-identity";
  if (clientId && tenantId) {
    throw new ActionError(
      "azure-credential auto found azure-client-id and azure-tenant-id but no GitHub OIDC token: add `permissions: id-token: write` to the job (ACTIONS_ID_TOKEN_REQUEST_URL is not set)."
    );
  }
  throw new InputError(
    "azure-credential",
    "auto found no Azure identity: give azure-client-id and azure-tenant-id (OIDC, with `permissions: id-token: write`), or set AZURE_CLIENT_SECRET for environment, run azure/login first for cli, or choose managed-identity."
  );
}
function authorityOptions(env) {
  const host = env["AZURE_AUTHORITY_HOST"];
  if (!host) return {};
  const known = PUBLIC_AUTHORITIES.includes(new URL(host).hostname);
  return { authorityHost: host, ...known ? {} : { disableInstanceDiscovery: true } };
}
var CREDENTIAL_OPTIONS = SDK_CLIENT_OPTIONS;
async function requestGithubIdToken(audience, env = process.env, options = {}) {
  const requestUrl = env["ACTIONS_ID_TOKEN_REQUEST_URL"];
  const requestToken = env["ACTIONS_ID_TOKEN_REQUEST_TOKEN"];
  if (!requestUrl || !requestToken) {
    throw new ActionError(
      "No GitHub OIDC token: add `permissions: id-token: write` to the job (ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set)."
    );
  }
  const url = new URL(requestUrl);
  url.searchParams.set("audience", audience);
  const response = await httpRequest(
    "GitHub OIDC token",
    url.toString(),
    { headers: { authorization: `Bearer ${requestToken}`, accept: "application/json" } },
    { ...options, json: true }
  );
  if (response.status !== 200) {
    const message = serverMessage(response);
    throw new ActionError(
      `GitHub's OIDC token endpoint answered HTTP ${response.status}${message ? `: ${message}` : ""}.`
    );
  }
  const token = JSON.parse(response.body.toString("utf8")).value;
  if (typeof token !== "string" || token === "")
    throw new ActionError("GitHub's OIDC token endpoint answered without a token.");
  setSecret(token);
  return token;
}
function oidcClaims(token) {
  try {
    const payload = JSON.parse(
      Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")
    );
    return {
      ...typeof payload["iss"] === "string" ? { iss: payload["iss"] } : {},
      ...typeof payload["sub"] === "string" ? { sub: payload["sub"] } : {},
      ...typeof payload["aud"] === "string" || Array.isArray(payload["aud"]) ? { aud: payload["aud"] } : {}
    };
  } catch {
    return {};
  }
}
var ExplainingCredential = class {
  inner;
  kind;
  lastToken;
  constructor(inner, kind, lastToken) {
    this.inner = inner;
    this.kind = kind;
    this.lastToken = lastToken;
  }
  async getToken(scopes, options) {
    try {
      return await this.inner.getToken(scopes, options);
    } catch (error2) {
      const message = errorMessage(error2);
      const token = this.lastToken();
      const refused = !isTransientError(error2) && !/\bnetwork_error\b/.test(message);
      if (this.kind === "oidc" && token && refused) {
        const claims = oidcClaims(token);
        error(
          `Entra ID refused the GitHub OIDC token (iss: ${claims.iss ?? "?"}, sub: ${claims.sub ?? "?"}, aud: ${String(claims.aud ?? "?")}). The application's federated credential must match this issuer, subject and audience.`
        );
      }
      throw new ActionError(
        `Azure sign-in (${this.kind}) failed for ${[scopes].flat().join(" ")}: ${message}`,
        { cause: error2 }
      );
    }
  }
};
async function createAzureIdentity(azure, env = process.env) {
  const kind = chooseCredential(azure, env);
  const identity = await import("./esm-UXEOCTXH.js");
  const clientId = azure.clientId ?? env["AZURE_CLIENT_ID"];
  const tenantId = azure.tenantId ?? env["AZURE_TENANT_ID"];
  const authority = authorityOptions(env);
  let lastOidcToken;
  let credential;
  let federatedToken;
  switch (kind) {
    case "oidc": {
      if (!clientId)
        throw new InputError("azure-client-id", "is required for azure-credential oidc.");
      if (!tenantId)
        throw new InputError("azure-tenant-id", "is required for azure-credential oidc.");
      if (!env["ACTIONS_ID_TOKEN_REQUEST_URL"] || !env["ACTIONS_ID_TOKEN_REQUEST_TOKEN"]) {
        throw new ActionError(
          "azure-credential oidc needs a GitHub OIDC token: add `permissions: id-token: write` to the job (ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set)."
        );
      }
      federatedToken = async () => {
        const token = await requestGithubIdToken(OIDC_AUDIENCE, env);
        lastOidcToken = token;
        return token;
      };
      credential = new identity.ClientAssertionCredential(tenantId, clientId, federatedToken, {
        ...authority,
        ...CREDENTIAL_OPTIONS
      });
      break;
    }
    case "environment":
      credential = new identity.EnvironmentCredential({ ...authority, ...CREDENTIAL_OPTIONS });
      break;
    case "cli":
      credential = new identity.AzureCliCredential(tenantId ? { tenantId } : {});
      break;
    case "managed-identity":
      credential = new identity.ManagedIdentityCredential(clientId ? { clientId } : {});
      break;
  }
  info(`Azure identity: ${kind}${clientId ? ` (client ${clientId})` : ""}`);
  return {
    kind,
    credential: new ExplainingCredential(credential, kind, () => lastOidcToken),
    ...tenantId ? { tenantId } : {},
    ...clientId ? { clientId } : {},
    ...federatedToken ? { federatedToken } : {}
  };
}
async function acrAccessToken(identity) {
  const token = await identity.credential.getToken(ACR_SCOPE);
  if (!token) throw new ActionError("Azure returned no token for Azure Container Registry.");
  setSecret(token.token);
  return token.token;
}

// src/registry.ts
import { createHash } from "node:crypto";
var ACR_REFRESH_TOKEN_USERNAME = "00000000-0000-0000-0000-000000000000";
var MANIFEST_MEDIA_TYPES = [
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
  "application/vnd.docker.distribution.manifest.list.v2+json"
];
function parseChallenge(header) {
  if (!header) return void 0;
  const m = /^\s*(\w+)\s*(.*)$/s.exec(header);
  if (!m?.[1]) return void 0;
  const params = {};
  for (const p of (m[2] ?? "").matchAll(/(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g)) {
    if (p[1]) params[p[1].toLowerCase()] = (p[2] ?? p[3] ?? "").replace(/\\(.)/g, "$1");
  }
  return { scheme: m[1].toLowerCase(), params };
}
function describe(response) {
  return `HTTP ${response.status}${serverMessage(response) ? `: ${serverMessage(response)}` : ""}`;
}
var RegistryClient = class {
  registry;
  origin;
  credential;
  http;
  tokens = /* @__PURE__ */ new Map();
  constructor(registry, options = {}) {
    this.registry = registry;
    this.origin = registryOrigin(registry);
    this.credential = options.credential;
    this.http = {
      ...options.timeoutMs ? { timeoutMs: options.timeoutMs } : {},
      ...options.retry ? { retry: options.retry } : {}
    };
  }
  basicHeader() {
    if (!this.credential) return void 0;
    const { username, password } = this.credential;
    return `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
  }
  async fetchToken(challenge, scope) {
    const realm = challenge.params["realm"];
    if (!realm)
      throw new ActionError(`${this.registry} asked for a token without naming its realm.`);
    const service = challenge.params["service"] ?? this.registry;
    const label = `Token for ${scope} from ${realm}`;
    let response;
    if (this.credential?.username === ACR_REFRESH_TOKEN_USERNAME) {
      response = await httpRequest(
        label,
        realm,
        {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({
            grant_type: "refresh_token",
            service,
            scope,
            refresh_token: this.credential.password
          }).toString()
        },
        { ...this.http, json: true }
      );
    } else {
      const url = new URL(realm);
      url.searchParams.set("service", service);
      url.searchParams.set("scope", scope);
      const auth = this.basicHeader();
      response = await httpRequest(
        label,
        url.toString(),
        auth ? { headers: { authorization: auth } } : {},
        { ...this.http, json: true }
      );
    }
    if (response.status !== 200) {
      throw new ActionError(
        `${this.registry} refused a token for ${scope} (${describe(response)}). ` + (this.credential ? "Check that the identity may pull from this repository." : "The registry needs credentials.")
      );
    }
    const json = JSON.parse(response.body.toString("utf8"));
    const token = json.access_token ?? json.token;
    if (!token) throw new ActionError(`${realm} answered without a token.`);
    setSecret(token);
    return token;
  }
  /** A registry request with the distribution token dance, retried once after a 401 challenge. */
  async request(method, path6, scope, headers = {}) {
    const url = `${this.origin}${path6}`;
    const send = (authorization) => httpRequest(
      `${method} ${url}`,
      url,
      { method, headers: { ...headers, ...authorization ? { authorization } : {} } },
      this.http
    );
    const cached = this.tokens.get(scope);
    let response = await send(cached ? `Bearer ${cached}` : void 0);
    if (response.status !== 401) return response;
    const challenge = parseChallenge(response.headers.get("www-authenticate"));
    if (challenge?.scheme === "bearer") {
      const token = await this.fetchToken(challenge, scope);
      this.tokens.set(scope, token);
      response = await send(`Bearer ${token}`);
    } else if (challenge?.scheme === "basic" && this.credential) {
      response = await send(this.basicHeader());
    }
    return response;
  }
  /** Resolves a tag (or checks a digest) to the manifest digest the registry serves. */
  async resolve(input, ref) {
    const target = ref.digest ?? ref.tag ?? "";
    const path6 = `/v2/${ref.repository}/manifests/${target}`;
    const scope = `repository:${ref.repository}:pull`;
    const accept = { accept: MANIFEST_MEDIA_TYPES.join(", ") };
    let response = await this.request("HEAD", path6, scope, accept);
    let digest = response.headers.get("docker-content-digest") ?? void 0;
    if (response.status === 200 && !digest) {
      response = await this.request("GET", path6, scope, accept);
      if (response.status === 200)
        digest = `sha256:${createHash("sha256").update(response.body).digest("hex")}`;
    }
    if (response.status === 404) {
      throw new InputError(
        "images",
        `'${input}' does not exist in ${this.registry} (manifest ${target} not found).`
      );
    }
    if ((response.status === 401 || response.status === 403) && response.body.length === 0) {
      const explained = await this.request("GET", path6, scope, accept);
      if (explained.status === response.status) response = explained;
    }
    if (response.status === 401 || response.status === 403) {
      throw new ActionError(`${this.registry} refused to read '${input}' (${describe(response)}).`);
    }
    if (response.status !== 200 || !digest) {
      throw new ActionError(`Resolving '${input}' failed: ${describe(response)}.`);
    }
    if (ref.digest && digest !== ref.digest) {
      throw new InputError(
        "images",
        `'${input}': the registry serves digest ${digest}, not ${ref.digest}.`
      );
    }
    const mediaType = response.headers.get("content-type")?.split(";")[0];
    return {
      input,
      registry: ref.registry,
      repository: ref.repository,
      digest,
      reference: formatReference({ registry: ref.registry, repository: ref.repository, digest }),
      ...mediaType ? { mediaType } : {}
    };
  }
};
async function exchangeAcrRefreshToken(registry, entraToken, tenantId, options = {}) {
  const origin = registryOrigin(registry);
  const probe = await httpRequest(`GET ${origin}/v2/`, `${origin}/v2/`, {}, options);
  const challenge = parseChallenge(probe.headers.get("www-authenticate"));
  const realm = challenge?.params["realm"];
  if (probe.status !== 401 || challenge?.scheme !== "bearer" || !realm) {
    throw new ActionError(
      `${registry} does not answer like Azure Container Registry (no Bearer challenge on /v2/); give registry-username and registry-password for other registries.`
    );
  }
  const exchangeUrl = new URL("/oauth2/exchange", realm).toString();
  const form = new URLSearchParams({
    grant_type: "access_token",
    service: challenge.params["service"] ?? registry,
    access_token: entraToken,
    ...tenantId ? { tenant: tenantId } : {}
  });
  const response = await httpRequest(
    `ACR token exchange at ${exchangeUrl}`,
    exchangeUrl,
    {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: form.toString()
    },
    { ...options, json: true }
  );
  if (response.status !== 200) {
    throw new ActionError(
      `${registry} refused the Azure identity (${describe(response)}). Grant it AcrPull (verify) and AcrPush (sign) on the registry.`
    );
  }
  const refreshToken = JSON.parse(response.body.toString("utf8")).refresh_token;
  if (!refreshToken) throw new ActionError(`${exchangeUrl} answered without a refresh token.`);
  setSecret(refreshToken);
  return refreshToken;
}

// src/access.ts
function parseImages(lines) {
  const unique = [...new Set(lines)];
  if (unique.length < lines.length)
    warning("images lists some references more than once; each is processed once.");
  return unique.map((input) => ({ input, ref: parseReference(input) }));
}
async function registryCredentials(registries, inputs, identity) {
  const credentials = /* @__PURE__ */ new Map();
  const { username, password } = inputs.registry;
  for (const registry of new Set(registries)) {
    if (username !== void 0 && password !== void 0) {
      credentials.set(registry, { username, password });
      continue;
    }
    const azure = await identity();
    if (!azure) {
      credentials.set(registry, void 0);
      continue;
    }
    const refreshToken = await exchangeAcrRefreshToken(
      registry,
      await acrAccessToken(azure),
      azure.tenantId
    );
    info(`Signed in to ${registry} with the Azure identity.`);
    credentials.set(registry, { username: ACR_REFRESH_TOKEN_USERNAME, password: refreshToken });
  }
  return credentials;
}
async function resolveDigests(images, credentials) {
  const clients = /* @__PURE__ */ new Map();
  const clientFor = (registry) => {
    let client = clients.get(registry);
    if (!client) {
      const credential = credentials.get(registry);
      client = new RegistryClient(registry, credential ? { credential } : {});
      clients.set(registry, client);
    }
    return client;
  };
  const resolved = await Promise.all(
    images.map(({ input, ref }) => clientFor(ref.registry).resolve(input, ref))
  );
  for (const image of resolved) {
    const tagged = image.input.includes("@") ? "" : ` (from ${image.input})`;
    info(`${image.reference}${tagged}`);
  }
  return resolved;
}

// node_modules/@actions/tool-cache/lib/tool-cache.js
import * as fs from "fs";

// node_modules/@actions/tool-cache/lib/manifest.js
var semver = __toESM(require_semver(), 1);

// node_modules/@actions/tool-cache/lib/tool-cache.js
import * as os2 from "os";
import * as path2 from "path";
var semver2 = __toESM(require_semver(), 1);
import { ok } from "assert";
var __awaiter = function(thisArg, _arguments, P, generator) {
  function adopt(value) {
    return value instanceof P ? value : new P(function(resolve) {
      resolve(value);
    });
  }
  return new (P || (P = Promise))(function(resolve, reject) {
    function fulfilled(value) {
      try {
        step(generator.next(value));
      } catch (e) {
        reject(e);
      }
    }
    function rejected(value) {
      try {
        step(generator["throw"](value));
      } catch (e) {
        reject(e);
      }
    }
    function step(result) {
      result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected);
    }
    step((generator = generator.apply(thisArg, _arguments || [])).next());
  });
};
var IS_WINDOWS = process.platform === "win32";
var IS_MAC = process.platform === "darwin";
function cacheDir(sourceDir, tool, version, arch2) {
  return __awaiter(this, void 0, void 0, function* () {
    version = semver2.clean(version) || version;
    arch2 = arch2 || os2.arch();
    debug(`Caching tool ${tool} ${version} ${arch2}`);
    debug(`source dir: ${sourceDir}`);
    if (!fs.statSync(sourceDir).isDirectory()) {
      throw new Error("sourceDir is not a directory");
    }
    const destPath = yield _createToolPath(tool, version, arch2);
    for (const itemName of fs.readdirSync(sourceDir)) {
      const s = path2.join(sourceDir, itemName);
      yield cp(s, destPath, { recursive: true });
    }
    _completeToolPath(tool, version, arch2);
    return destPath;
  });
}
function find(toolName, versionSpec, arch2) {
  if (!toolName) {
    throw new Error("toolName parameter is required");
  }
  if (!versionSpec) {
    throw new Error("versionSpec parameter is required");
  }
  arch2 = arch2 || os2.arch();
  if (!isExplicitVersion(versionSpec)) {
    const localVersions = findAllVersions(toolName, arch2);
    const match = evaluateVersions(localVersions, versionSpec);
    versionSpec = match;
  }
  let toolPath = "";
  if (versionSpec) {
    versionSpec = semver2.clean(versionSpec) || "";
    const cachePath = path2.join(_getCacheDirectory(), toolName, versionSpec, arch2);
    debug(`checking cache: ${cachePath}`);
    if (fs.existsSync(cachePath) && fs.existsSync(`${cachePath}.complete`)) {
      debug(`Found tool in cache ${toolName} ${versionSpec} ${arch2}`);
      toolPath = cachePath;
    } else {
      debug("not found");
    }
  }
  return toolPath;
}
function findAllVersions(toolName, arch2) {
  const versions = [];
  arch2 = arch2 || os2.arch();
  const toolPath = path2.join(_getCacheDirectory(), toolName);
  if (fs.existsSync(toolPath)) {
    const children = fs.readdirSync(toolPath);
    for (const child of children) {
      if (isExplicitVersion(child)) {
        const fullPath = path2.join(toolPath, child, arch2 || "");
        if (fs.existsSync(fullPath) && fs.existsSync(`${fullPath}.complete`)) {
          versions.push(child);
        }
      }
    }
  }
  return versions;
}
function _createToolPath(tool, version, arch2) {
  return __awaiter(this, void 0, void 0, function* () {
    const folderPath = path2.join(_getCacheDirectory(), tool, semver2.clean(version) || version, arch2 || "");
    debug(`destination ${folderPath}`);
    const markerPath = `${folderPath}.complete`;
    yield rmRF(folderPath);
    yield rmRF(markerPath);
    yield mkdirP(folderPath);
    return folderPath;
  });
}
function _completeToolPath(tool, version, arch2) {
  const folderPath = path2.join(_getCacheDirectory(), tool, semver2.clean(version) || version, arch2 || "");
  const markerPath = `${folderPath}.complete`;
  fs.writeFileSync(markerPath, "");
  debug("finished caching tool");
}
function isExplicitVersion(versionSpec) {
  const c = semver2.clean(versionSpec) || "";
  debug(`isExplicit: ${c}`);
  const valid2 = semver2.valid(c) != null;
  debug(`explicit? ${valid2}`);
  return valid2;
}
function evaluateVersions(versions, versionSpec) {
  let version = "";
  debug(`evaluating ${versions.length} versions`);
  versions = versions.sort((a, b) => {
    if (semver2.gt(a, b)) {
      return 1;
    }
    return -1;
  });
  for (let i = versions.length - 1; i >= 0; i--) {
    const potential = versions[i];
    const satisfied = semver2.satisfies(potential, versionSpec);
    if (satisfied) {
      version = potential;
      break;
    }
  }
  if (version) {
    debug(`matched: ${version}`);
  } else {
    debug("match not found");
  }
  return version;
}
function _getCacheDirectory() {
  const cacheDirectory = process.env["RUNNER_TOOL_CACHE"] || "";
  ok(cacheDirectory, "Expected RUNNER_TOOL_CACHE to be defined");
  return cacheDirectory;
}

// src/install.ts
import { execFile } from "node:child_process";
import { copyFile, link, mkdir as mkdir2, mkdtemp, readFile, rm as rm2, stat, writeFile } from "node:fs/promises";
import os3 from "node:os";
import path4 from "node:path";
import { promisify } from "node:util";

// src/archive.ts
import { createWriteStream as createWriteStream2 } from "node:fs";
import { chmod, mkdir } from "node:fs/promises";
import path3 from "node:path";
import { pipeline } from "node:stream/promises";
function unsafeEntryReason(entry) {
  const name = entry.path.replace(/\\/g, "/");
  if (name === "" || name.includes("\0")) return "has an empty or invalid name";
  if (name.startsWith("/") || /^[A-Za-z]:/.test(name)) return "has an absolute path";
  const normalized = path3.posix.normalize(name);
  if (normalized === ".." || normalized.startsWith("../") || name.split("/").includes("..")) {
    return "escapes the target folder (..)";
  }
  if (entry.type === "other") return "is not a regular file or folder";
  if (entry.type === "symlink" || entry.type === "hardlink") {
    const target = (entry.linkTarget ?? "").replace(/\\/g, "/");
    if (target === "" || target.startsWith("/") || /^[A-Za-z]:/.test(target)) {
      return `is a link to an absolute path (${target || "empty"})`;
    }
    const base = entry.type === "symlink" ? path3.posix.dirname(normalized) : ".";
    const resolved = path3.posix.normalize(path3.posix.join(base, target));
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
async function listTarGz(file, label = path3.basename(file)) {
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
  } catch (error2) {
    throw new ActionError(`${label} is not a readable tar.gz archive: ${error2.message}`);
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
      (error2, zip) => error2 ? reject(error2) : resolve(zip)
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
        (error2) => {
          zip.close();
          reject(error2);
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
async function listZip(file, label = path3.basename(file)) {
  const entries = [];
  try {
    await walkZip(file, async (_zip, entry) => {
      entries.push({ path: entry.fileName, type: zipType(entry) });
    });
  } catch (error2) {
    throw new ActionError(`${label} is not a readable zip archive: ${error2.message}`);
  }
  return entries;
}
async function extractZip(file, dest, label) {
  assertSafe(label, await listZip(file, label));
  await walkZip(file, async (zip, entry) => {
    const target = path3.join(dest, entry.fileName);
    if (zipType(entry) === "directory") {
      await mkdir(target, { recursive: true });
      return;
    }
    await mkdir(path3.dirname(target), { recursive: true });
    const stream = await new Promise(
      (resolve, reject) => zip.openReadStream(entry, (error2, s) => error2 ? reject(error2) : resolve(s))
    );
    await pipeline(stream, createWriteStream2(target, { mode: 493 }));
    await chmod(target, 493);
  });
}
async function extractArchive(file, dest, kind, label = path3.basename(file)) {
  if (kind === "zip") await extractZip(file, dest, label);
  else await extractTarGz(file, dest, label);
}

// src/download.ts
import { createHash as createHash2 } from "node:crypto";
import { createWriteStream as createWriteStream3 } from "node:fs";
import { rm } from "node:fs/promises";
import { Readable, Transform } from "node:stream";
import { pipeline as pipeline2 } from "node:stream/promises";
var DEFAULT_TIMEOUT_MS2 = 12e4;
var DEFAULT_MAX_BYTES = 512 * 1024 * 1024;
async function download(url, file, options = {}) {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS2;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  try {
    return await withRetry(
      `Download ${url}`,
      async () => {
        const response = await fetch(url, {
          redirect: "follow",
          signal: AbortSignal.timeout(timeoutMs),
          headers: { "user-agent": "notation-akv-action" }
        });
        if (!response.ok) {
          const detail = `HTTP ${response.status} ${response.statusText} from ${url}`;
          await response.body?.cancel();
          if (isTransientStatus(response.status)) {
            throw new TransientError(detail, parseRetryAfter(response.headers.get("retry-after")));
          }
          throw new ActionError(`Download failed: ${detail}`);
        }
        if (!response.body) throw new TransientError(`empty response from ${url}`);
        const declared = Number(response.headers.get("content-length") ?? NaN);
        if (declared > maxBytes)
          throw new ActionError(`Download refused: ${url} is ${declared} bytes, over ${maxBytes}.`);
        const hash = createHash2("sha256");
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
        await pipeline2(
          Readable.fromWeb(response.body),
          meter,
          createWriteStream3(file, { mode: 384 })
        );
        if (!Number.isNaN(declared) && bytes !== declared) {
          throw new TransientError(`${url} ended after ${bytes} of ${declared} bytes`);
        }
        return { file, sha256: hash.digest("hex"), bytes };
      },
      options.retry ?? DEFAULT_RETRY
    );
  } catch (error2) {
    await rm(file, { force: true });
    if (error2 instanceof ActionError) throw error2;
    throw new ActionError(`Download failed: ${url}: ${error2.message}`, { cause: error2 });
  }
}

// src/install.ts
var execFileAsync = promisify(execFile);
var MARKER = ".notation-akv-action.json";
var TOOL_LABEL = { notation: "notation", "azure-kv": "the azure-kv plugin" };
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
function cacheName(tool) {
  return tool === "notation" ? "notation" : "notation-azure-kv";
}
async function findCached(source) {
  const dir = find(cacheName(source.tool), source.cacheVersion);
  if (!dir) return void 0;
  try {
    const marker = JSON.parse(await readFile(path4.join(dir, MARKER), "utf8"));
    const info2 = await stat(path4.join(dir, source.binary));
    if (marker.sha256 === source.sha256 && marker.binary === source.binary && info2.size === marker.size)
      return dir;
    info(
      `Cached ${TOOL_LABEL[source.tool]} ${source.version} does not match the wanted checksum; reinstalling.`
    );
  } catch {
    info(`Cached ${TOOL_LABEL[source.tool]} ${source.version} is incomplete; reinstalling.`);
  }
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
  } catch (error2) {
    throw new ActionError(`Running '${binary} version' failed: ${error2.message.trim()}`);
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
  const archive = path4.join(scratch, `${source.tool}.${kind}`);
  info(`Downloading ${TOOL_LABEL[source.tool]} ${source.version} from ${source.url}`);
  const { sha256 } = await download(source.url, archive, options.download);
  if (sha256 !== source.sha256) {
    throw new ActionError(
      `Checksum mismatch for ${source.url}: expected ${source.sha256}, got ${sha256}. Nothing was installed.`
    );
  }
  const extracted = path4.join(scratch, source.tool);
  await mkdir2(extracted, { recursive: true });
  await extractArchive(archive, extracted, kind, source.url);
  const binary = path4.join(extracted, source.binary);
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
  const marker = { sha256: source.sha256, binary: source.binary, size };
  await writeFile(path4.join(extracted, MARKER), JSON.stringify(marker));
  return cacheDir(extracted, cacheName(source.tool), source.cacheVersion);
}
async function installTool(source, options, scratch) {
  const cached = await findCached(source);
  if (cached) {
    info(`Using cached ${TOOL_LABEL[source.tool]} ${source.version} from ${cached}`);
    return { dir: cached, path: path4.join(cached, source.binary), fromCache: true };
  }
  const dir = await fetchAndCache(source, options, scratch);
  return { dir, path: path4.join(dir, source.binary), fromCache: false };
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
  const tempDir = options.tempDir ?? os3.tmpdir();
  await mkdir2(tempDir, { recursive: true });
  const workDir = await mkdtemp(path4.join(tempDir, "notation-akv-"));
  options.onWorkDir?.(workDir);
  const scratch = await mkdtemp(path4.join(workDir, "download-"));
  let notation;
  let plugin;
  try {
    ;
    [notation, plugin] = await Promise.all([
      installTool(notationSource, options, scratch),
      installTool(pluginSource, options, scratch)
    ]);
  } finally {
    await rm2(scratch, { recursive: true, force: true });
  }
  if (notation.fromCache) await checkNotationVersion(notation.path, notationSource.version);
  const configDir = path4.join(workDir, "config");
  const libexecDir = path4.join(workDir, "libexec");
  const pluginDir = path4.join(libexecDir, "plugins", "azure-kv");
  await mkdir2(configDir, { recursive: true, mode: 448 });
  await mkdir2(pluginDir, { recursive: true, mode: 448 });
  const pluginPath = path4.join(pluginDir, pluginSource.binary);
  await placeFile(plugin.path, pluginPath);
  exportVariable("NOTATION_CONFIG", configDir);
  exportVariable("NOTATION_LIBEXEC", libexecDir);
  addPath(notation.dir);
  return {
    notation: { ...notation, version: notationSource.version },
    plugin: { ...plugin, path: pluginPath },
    workDir,
    configDir,
    libexecDir
  };
}

// src/platform.ts
var OS = {
  linux: "linux",
  darwin: "darwin",
  win32: "windows"
};
var ARCH = {
  x64: "amd64",
  arm64: "arm64"
};
function detectPlatform(platform = process.platform, arch2 = process.arch) {
  const os5 = OS[platform];
  const goArch = ARCH[arch2];
  if (!os5 || !goArch) {
    throw new ActionError(
      `Unsupported platform ${platform}/${arch2}: notation and the azure-kv plugin are published for linux, darwin and windows on x64 and arm64.`
    );
  }
  return { os: os5, arch: goArch };
}

// src/post.ts
import { readdir, rm as rm3 } from "node:fs/promises";
import os4 from "node:os";
import path5 from "node:path";

// src/state.ts
var KEYS = {
  isPost: "isPost",
  workDir: "workDir",
  cleanup: "cleanup"
};
var isPost = () => getState(KEYS.isPost) === "true";
var markMainStarted = () => saveState(KEYS.isPost, "true");
var saveWorkDir = (dir) => saveState(KEYS.workDir, dir);
var savedWorkDir = () => getState(KEYS.workDir);
var saveCleanup = (enabled) => saveState(KEYS.cleanup, String(enabled));
var cleanupEnabled = () => getState(KEYS.cleanup) !== "false";

// src/post.ts
async function post() {
  try {
    const workDir = savedWorkDir();
    if (!workDir) return;
    const refusal = whyNotOurs(workDir);
    if (refusal !== void 0) {
      warning(`Not removing ${workDir}: ${refusal}`);
      return;
    }
    if (!cleanupEnabled()) {
      const leftovers = await removeSignLeftovers(workDir);
      info(
        `cleanup is false: leaving ${workDir} in place` + (leftovers > 0 ? ` (removed ${leftovers} leftover signing folder(s)).` : ".")
      );
      return;
    }
    await rm3(workDir, { recursive: true, force: true });
    info(`Removed ${workDir}`);
  } catch (error2) {
    warning(`Cleanup failed: ${errorMessage(error2)}`);
  }
}
function whyNotOurs(workDir) {
  if (!path5.isAbsolute(workDir)) return "it is not an absolute path.";
  const normalized = path5.normalize(workDir);
  if (!path5.basename(normalized).startsWith("notation-akv-")) {
    return "it is not a folder this action created.";
  }
  const tempDir = path5.resolve(process.env["RUNNER_TEMP"] || os4.tmpdir());
  if (path5.dirname(normalized) !== tempDir) {
    return `it is not a folder this action created (not directly in ${tempDir}).`;
  }
  return void 0;
}
async function removeSignLeftovers(workDir) {
  const entries = await readdir(workDir, { withFileTypes: true }).catch(() => []);
  const leftovers = entries.filter((e) => e.isDirectory() && e.name.startsWith("sign-"));
  for (const entry of leftovers) {
    await rm3(path5.join(workDir, entry.name), { recursive: true, force: true });
  }
  return leftovers.length;
}

// src/main.ts
async function run() {
  if (isPost()) {
    await post();
    return;
  }
  markMainStarted();
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
    const error2 = controller.signal.aborted ? controller.signal.reason : caught;
    if (!(error2 instanceof InputError) && !(error2 instanceof ActionError) && error2 instanceof Error) {
      debug(error2.stack ?? error2.message);
    }
    setFailed(errorMessage(error2));
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
      const error2 = new ActionError(
        `The action did not finish within timeout-minutes (${minutes}).`
      );
      controller.abort(error2);
      const grace = new Promise((resolve) => setTimeout(resolve, ABORT_GRACE_MS).unref());
      void Promise.race([work.catch(() => void 0), grace]).then(() => reject(error2));
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
    const { planBuild } = await import("./build-NRD6YHAR.js");
    planBuild(inputs);
  }
  const checked = await preflight(inputs, workspace);
  const platform = detectPlatform();
  const installed = await group(
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
  setOutput("notation-version", installed.notation.version);
  setOutput("notation-path", installed.notation.path);
  info(`notation ${installed.notation.version} is ready at ${installed.notation.path}`);
  if (!commands.has("build") && !commands.has("sign") && !commands.has("verify")) return;
  const azure = once(() => createAzureIdentity(inputs.azure));
  const optionalAzure = once(async () => {
    try {
      return await azure();
    } catch (error2) {
      if (error2 instanceof InputError && error2.input === "azure-credential") return void 0;
      throw error2;
    }
  });
  let images;
  let credentials;
  if (commands.has("build")) {
    const identity2 = await azure();
    const { runBuild } = await import("./build-NRD6YHAR.js");
    const built = await group(
      "Build with ACR Tasks",
      () => runBuild({
        inputs,
        credential: identity2.credential,
        workspace,
        signal,
        ...process.env["AZURE_RESOURCE_MANAGER_ENDPOINT"] ? { armEndpoint: process.env["AZURE_RESOURCE_MANAGER_ENDPOINT"] } : {}
      })
    );
    setOutput("digest", built.digest);
    images = built.images;
    credentials = await group(
      "Sign in to the registry",
      () => registryCredentials(
        images.map((i) => i.registry),
        inputs,
        optionalAzure
      )
    );
  } else {
    const parsed = parseImages(inputs.images);
    credentials = await group(
      "Sign in to registries",
      () => registryCredentials(
        parsed.map((p) => p.ref.registry),
        inputs,
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
  if (needsCertificate(inputs)) {
    identity = await azure();
    const credential = identity.credential;
    certificate = await group(
      "Key Vault certificate",
      () => resolveSigningCertificate(inputs.keyVault, {
        credential,
        ...checked.caChain ? { caChain: checked.caChain } : {}
      })
    );
    setOutput("key-id", certificate.keyId);
    setOutput("certificate-subject", certificate.subject);
    info(
      `Signing certificate ${certificate.subject} (key ${certificate.keyId}), valid until ${certificate.notAfter.toISOString()}`
    );
  }
  let results = images.map(baseResult);
  const failures = [];
  const notationCommands = [];
  if (commands.has("sign")) {
    if (!certificate) throw new InputError("certificate", "or key-id is required to sign.");
    const { describeSignCommand, signImages, signFailureMessage } = await import("./sign-P7LLPXVO.js");
    const signContext = {
      ...notationContext(installed, inputs, credentials, workspace, signal),
      notationVersion: installed.notation.version,
      workDir: installed.workDir,
      certificate,
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
    const { prepareTrust, verifyArgs, verifyImages } = await import("./verify-VGNHDOJS.js");
    notationCommands.push(
      `notation ${verifyArgs("<registry>/<repository>@<digest>", inputs).join(" ")}`
    );
    const context = {
      ...notationContext(installed, inputs, credentials, workspace, signal),
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
function baseResult(image) {
  return { input: image.input, reference: image.reference, digest: image.digest };
}
function needsCertificate(inputs) {
  if (inputs.commands.includes("sign")) return true;
  const { verify } = inputs;
  const ownAnchors = verify.trustStoreCertificates.length > 0;
  const ownIdentities = verify.trustPolicy !== void 0 || verify.trustedIdentities.length > 0 || verify.level === "skip";
  return !(ownAnchors && ownIdentities);
}
function notationContext(installed, inputs, credentials, workspace, signal) {
  return {
    notationPath: installed.notation.path,
    configDir: installed.configDir,
    libexecDir: installed.libexecDir,
    inputs,
    credentials,
    workspace,
    signal
  };
}
async function report(results, inputs, certificate, warnings, commands) {
  const { imagesOutput, writeSummary } = await import("./summary-2MTYZ36J.js");
  setOutput("images", imagesOutput(results));
  await writeSummary(results, {
    commands,
    signatureFormat: inputs.sign.signatureFormat,
    warnings,
    ...certificate ? { certificate } : {}
  });
}
export {
  run
};
