import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  logLine
} from "./chunk-OIVOHELA.js";

// src/util/retry.ts
function baseDelayFromEnv() {
  const value = Number(process.env["NOTATION_AKV_RETRY_BASE_MS"]);
  return Number.isInteger(value) && value > 0 && value <= 1e3 ? value : 1e3;
}
var RETRY_BASE_MS = baseDelayFromEnv();
var DEFAULT_RETRY = {
  attempts: 4,
  baseDelayMs: RETRY_BASE_MS,
  maxDelayMs: 15e3
};
var SDK_RETRY_OPTIONS = {
  maxRetries: DEFAULT_RETRY.attempts - 1,
  retryDelayInMs: RETRY_BASE_MS,
  maxRetryDelayInMs: DEFAULT_RETRY.maxDelayMs
};
var cutShortBodyPolicy = {
  name: "notationAkvCutShortBody",
  async sendRequest(request, next) {
    try {
      return await next(request);
    } catch (error) {
      const e = error;
      if (e.code === "PARSE_ERROR" && /reading response/i.test(e.message ?? ""))
        e.code = "ECONNRESET";
      throw error;
    }
  }
};
var SDK_CLIENT_OPTIONS = {
  retryOptions: SDK_RETRY_OPTIONS,
  additionalPolicies: [{ policy: cutShortBodyPolicy, position: "perRetry" }]
};
var TransientError = class extends Error {
  retryAfterMs;
  constructor(message, retryAfterMs) {
    super(message);
    this.name = "TransientError";
    this.retryAfterMs = retryAfterMs;
  }
};
var TRANSIENT_CODES = /* @__PURE__ */ new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "ERR_STREAM_PREMATURE_CLOSE"
]);
function isTransientStatus(status) {
  return status === 408 || status === 429 || status >= 500;
}
function isTransientError(error) {
  if (error instanceof TransientError) return true;
  for (let e = error, depth = 0; e instanceof Error && depth < 5; depth++) {
    const code = e.code;
    if (code !== void 0 && TRANSIENT_CODES.has(code)) return true;
    if (e.name === "TimeoutError" || e.message === "terminated" || e.message === "fetch failed")
      return true;
    e = e.cause;
  }
  return false;
}
function parseRetryAfter(value, now = Date.now()) {
  if (!value) return void 0;
  if (/^\d+$/.test(value.trim())) return Math.min(Number(value) * 1e3, 6e4);
  const date = Date.parse(value);
  return Number.isNaN(date) ? void 0 : Math.min(Math.max(date - now, 0), 6e4);
}
function backoffDelay(attempt, options, retryAfterMs) {
  const random = options.random ?? Math.random;
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  const jittered = Math.round(random() * ceiling);
  return retryAfterMs !== void 0 ? Math.max(retryAfterMs, jittered) : jittered;
}
var realSleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
async function withRetry(label, fn, options = DEFAULT_RETRY) {
  const sleep = options.sleep ?? realSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt >= options.attempts || !isTransientError(error)) throw error;
      const retryAfter = error instanceof TransientError ? error.retryAfterMs : void 0;
      const delay = backoffDelay(attempt, options, retryAfter);
      logLine(
        `${label}: ${error.message}; retrying in ${delay} ms (attempt ${attempt + 1} of ${options.attempts})`
      );
      await sleep(delay);
    }
  }
}

export {
  DEFAULT_RETRY,
  SDK_CLIENT_OPTIONS,
  TransientError,
  isTransientStatus,
  isTransientError,
  parseRetryAfter,
  backoffDelay,
  withRetry
};
