import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);

// src/util/network-error.ts
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
    if (isTlsCode(code)) return `TLS error ${code}: ${e.message.replace(/[\s:]+$/, "")}`;
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
  isTimeout,
  networkCause,
  formatLimit,
  hostOf,
  describeRequestError,
  probeReach
};
