import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  httpRequest,
  serverMessage
} from "./chunk-R2Z3XIEM.js";
import {
  DIGEST,
  formatReference,
  isLoopbackHost,
  registryOrigin,
  sameRegistry
} from "./chunk-PSCXZPNR.js";
import {
  ActionError,
  InputError
} from "./chunk-NNQIOSTZ.js";
import {
  setSecret
} from "./chunk-NFKXVFBA.js";

// src/registry/registry.ts
import { createHash } from "node:crypto";
var ACR_REFRESH_TOKEN_USERNAME = "00000000-0000-0000-0000-000000000000";
var ACR_DOMAINS = [".azurecr.io", ".azurecr.cn", ".azurecr.us"];
function isAcrRegistry(registry, listed) {
  if (listed.some((entry) => sameRegistry(entry, registry))) return true;
  const hostname = new URL(`https://${registry}`).hostname;
  return ACR_DOMAINS.some((domain) => hostname.endsWith(domain) && hostname.length > domain.length);
}
var MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
function quoted(text) {
  return JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}\u2026` : text);
}
function effectivePort(url) {
  return url.port || (url.protocol === "https:" ? "443" : "80");
}
function checkRealm(registry, realm, rule, what) {
  let url;
  try {
    url = new URL(realm);
  } catch {
    url = void 0;
  }
  const own = new URL(registryOrigin(registry));
  const secure = url !== void 0 && (url.protocol === "https:" || url.protocol === "http:" && isLoopbackHost(url.hostname));
  const onOwnHost = url !== void 0 && url.hostname === own.hostname && effectivePort(url) === effectivePort(own);
  if (!url || !secure || url.username !== "" || url.password !== "") {
    throw new ActionError(
      `${registry} names the token realm ${quoted(realm)}, which is not an HTTPS URL (plain HTTP only on loopback); refusing to send it ${what}.`
    );
  }
  if (rule === "own-host" && !onOwnHost) {
    throw new ActionError(
      `${registry} names the token realm ${quoted(realm)}, which is not on the registry's own host (${own.host}); refusing to send it ${what}. An Azure Container Registry's token endpoints are on its login server.`
    );
  }
  return url;
}
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
    const acrToken = this.credential?.username === ACR_REFRESH_TOKEN_USERNAME;
    if (this.credential) {
      checkRealm(
        this.registry,
        realm,
        acrToken ? "own-host" : "https",
        acrToken ? "an ACR refresh token" : "registry-password"
      );
    }
    let response;
    if (this.credential && acrToken) {
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
        `${this.registry} refused a token for ${scope} (${describe(response)}). ` + (this.credential ? "Check that the identity may pull from this repository." : "The registry needs credentials: registry-username and registry-password (with registry-server), or list it in acr-registries if it is an Azure Container Registry.")
      );
    }
    const json = JSON.parse(response.body.toString("utf8"));
    const token = json.access_token ?? json.token;
    if (!token) throw new ActionError(`${realm} answered without a token.`);
    setSecret(token);
    return token;
  }
  /**
   * A registry request with the distribution token dance, retried once after a 401 challenge. A
   * body (a blob or manifest push) is sent again with the retry.
   */
  async request(method, path, scope, headers = {}, maxBytes, body) {
    const url = `${this.origin}${path}`;
    const send = (authorization) => httpRequest(
      `${method} ${url}`,
      url,
      {
        method,
        headers: { ...headers, ...authorization ? { authorization } : {} },
        ...body === void 0 ? {} : { body }
      },
      { ...this.http, ...maxBytes === void 0 ? {} : { maxBytes } }
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
  /**
   * Resolves a tag (or checks a digest) to the digest of the manifest bytes the registry serves:
   * the bytes are hashed here (sha256, or sha512 when the header or reference says so), and a
   * Docker-Content-Digest header, when sent, must be well formed and agree. A server's claim never
   * becomes the digest by itself.
   */
  async resolve(input, ref) {
    const target = ref.digest ?? ref.tag ?? "";
    const path = `/v2/${ref.repository}/manifests/${target}`;
    const scope = `repository:${ref.repository}:pull`;
    const accept = { accept: MANIFEST_MEDIA_TYPES.join(", ") };
    const response = await this.request("GET", path, scope, accept, MAX_MANIFEST_BYTES);
    if (response.status === 404) {
      throw new InputError(
        "images",
        `'${input}' does not exist in ${this.registry} (manifest ${target} not found).`
      );
    }
    if (response.status === 401 || response.status === 403) {
      throw new ActionError(`${this.registry} refused to read '${input}' (${describe(response)}).`);
    }
    if (response.status !== 200) {
      throw new ActionError(`Resolving '${input}' failed: ${describe(response)}.`);
    }
    const header = response.headers.get("docker-content-digest");
    if (header !== null && !DIGEST.test(header)) {
      throw new ActionError(
        `${this.registry} sent a malformed Docker-Content-Digest header (${header.length} characters, not sha256:<64 hex> or sha512:<128 hex>) for '${input}'; refusing it.`
      );
    }
    const hashed = (like) => {
      const algorithm = like.startsWith("sha512:") ? "sha512" : "sha256";
      return `${algorithm}:${createHash(algorithm).update(response.body).digest("hex")}`;
    };
    if (header !== null && header !== hashed(header)) {
      throw new ActionError(
        `${this.registry} sent Docker-Content-Digest ${header} for '${input}', but the manifest it served hashes to ${hashed(header)}; refusing a digest its bytes do not prove.`
      );
    }
    const digest = hashed(ref.digest ?? header ?? "sha256:");
    if (ref.digest && digest !== ref.digest) {
      throw new ActionError(
        `${this.registry} answered '${input}' with a manifest whose digest is ${digest}, not ${ref.digest}.`
      );
    }
    const mediaType = manifestMediaType(response.headers.get("content-type"));
    return {
      input,
      registry: ref.registry,
      repository: ref.repository,
      digest,
      reference: formatReference({ registry: ref.registry, repository: ref.repository, digest }),
      ...mediaType ? { mediaType } : {},
      size: response.body.length
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
      `${registry} does not answer like Azure Container Registry (no Bearer challenge on /v2/); if it is not one, leave it out of acr-registries (and give registry-username and registry-password, with registry-server, if it needs credentials).`
    );
  }
  const realmUrl = checkRealm(registry, realm, "own-host", "the Azure identity's token");
  const exchangeUrl = new URL("/oauth2/exchange", realmUrl).toString();
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
function manifestMediaType(header) {
  const type = header?.split(";")[0]?.trim().toLowerCase();
  return type === "" ? void 0 : type;
}

export {
  ACR_REFRESH_TOKEN_USERNAME,
  ACR_DOMAINS,
  isAcrRegistry,
  MAX_MANIFEST_BYTES,
  MANIFEST_MEDIA_TYPES,
  RegistryClient,
  exchangeAcrRefreshToken,
  manifestMediaType
};
