import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  InputError
} from "./chunk-U3OZTHIX.js";

// src/authority.ts
var KNOWN_AUTHORITIES = [
  "https://login.microsoftonline.com",
  "https://login.chinacloudapi.cn",
  "https://login.microsoftonline.us"
];
var DEFAULT_AUTHORITY = "https://login.microsoftonline.com";
function httpsOrigin(value) {
  let url;
  try {
    url = new URL(value);
  } catch {
    return void 0;
  }
  const plain = url.protocol === "https:" && url.username === "" && url.password === "" && url.pathname === "/" && url.search === "" && url.hash === "" && !/[?#]/.test(value);
  return plain ? url.origin : void 0;
}
function parseAuthorityInput(value) {
  const origin = httpsOrigin(value);
  if (origin === void 0) {
    throw new InputError(
      "azure-authority-host",
      `'${value}' must be an https URL with only a host (and port), such as https://login.microsoftonline.us: no http, path, query or credentials.`
    );
  }
  return origin;
}
function quoted(value) {
  return JSON.stringify(value.length > 200 ? `${value.slice(0, 200)}\u2026` : value);
}
function resolveAuthority(input, envValue) {
  const fromInput = input === void 0 ? void 0 : parseAuthorityInput(input);
  const env = envValue === void 0 || envValue === "" ? void 0 : envValue;
  if (env !== void 0) {
    const origin = httpsOrigin(env);
    const acceptable = origin !== void 0 && (KNOWN_AUTHORITIES.includes(origin) || origin === fromInput);
    if (!acceptable) {
      throw new InputError(
        "azure-authority-host",
        `AZURE_AUTHORITY_HOST in the environment is ${quoted(env)}, which is neither a known cloud's Entra authority (${KNOWN_AUTHORITIES.join(", ")}) nor the one named in azure-authority-host${fromInput === void 0 ? "" : ` (${fromInput})`}; Azure credentials are not sent to it. Name your authority in azure-authority-host (https only), or remove AZURE_AUTHORITY_HOST.`
      );
    }
  }
  if (fromInput !== void 0) {
    return {
      host: fromInput,
      known: KNOWN_AUTHORITIES.includes(fromInput),
      from: "azure-authority-host"
    };
  }
  if (env !== void 0) {
    return { host: httpsOrigin(env), known: true, from: "AZURE_AUTHORITY_HOST" };
  }
  return { host: DEFAULT_AUTHORITY, known: true, from: "default" };
}

// src/network-error.ts
var CAUSES = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  ENOTFOUND: "name not found",
  EAI_AGAIN: "name lookup failed (temporary DNS failure)",
  EAI_NONAME: "name not found",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ETIMEDOUT: "connection timed out",
  EPIPE: "connection closed while sending",
  UND_ERR_SOCKET: "connection closed by the server",
  UND_ERR_CONNECT_TIMEOUT: "connection timed out",
  UND_ERR_HEADERS_TIMEOUT: "no answer headers in time",
  UND_ERR_BODY_TIMEOUT: "the body stalled",
  ERR_STREAM_PREMATURE_CLOSE: "connection closed before the body ended"
};
function isTlsCode(code) {
  return /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|SELF_SIGNED|DEPTH_ZERO|HOSTNAME_MISMATCH)/.test(code) || code.startsWith("ERR_OSSL");
}
function causeChain(error) {
  const chain = [];
  for (let e = error; e instanceof Error && chain.length < 6; e = e.cause) {
    if (chain.includes(e)) break;
    chain.push(e);
  }
  return chain;
}
function isTimeout(error) {
  return causeChain(error).some(
    (e) => e.name === "TimeoutError" || e.timedOut === true
  );
}
function networkCause(error, timeoutMs) {
  const chain = causeChain(error);
  if (isTimeout(error)) {
    return timeoutMs !== void 0 ? `no complete answer within the ${formatLimit(timeoutMs)} limit per request` : "timed out";
  }
  for (const e of chain) {
    const code = e.code;
    if (typeof code !== "string") continue;
    if (isTlsCode(code)) return `TLS error ${code}: ${e.message}`;
    if (code === "EPROTO") {
      const reason = /SSL routines:[^:]*:([^:\n]+)/.exec(e.message)?.[1]?.trim();
      return `TLS error EPROTO${reason ? `: ${reason}` : ""}`;
    }
    const words = CAUSES[code];
    if (words) return `${words} (${code})`;
  }
  for (const e of chain) {
    if (e.message === "terminated" || e.message === "socket hang up" || e.message === "aborted")
      return "connection closed before the answer ended";
  }
  return void 0;
}
function formatLimit(ms) {
  return ms % 1e3 === 0 ? `${ms / 1e3} s` : `${ms} ms`;
}
function hostOf(url) {
  try {
    return new URL(url).host;
  } catch {
    return String(url);
  }
}
function describeRequestError(error, url, timeoutMs) {
  const host = hostOf(url);
  const cause = networkCause(error, timeoutMs);
  if (cause) return `${host}: ${cause}`;
  const chain = causeChain(error);
  const words = chain.map((e) => e.message).filter((m) => m !== "" && m !== "fetch failed").slice(0, 2);
  return `${host}: ${words.length > 0 ? words.join(": ") : "request failed"}`;
}
async function probeReach(url, timeoutMs = 1e4) {
  try {
    const response = await fetch(url, {
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs)
    });
    await response.body?.cancel().catch(() => void 0);
    return void 0;
  } catch (error) {
    return describeRequestError(error, url, timeoutMs);
  }
}

export {
  parseAuthorityInput,
  resolveAuthority,
  isTimeout,
  networkCause,
  formatLimit,
  hostOf,
  describeRequestError,
  probeReach
};
