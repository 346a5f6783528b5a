import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  describeRequestError,
  formatLimit,
  hostOf,
  isTimeout
} from "./chunk-AYBAOIC3.js";
import {
  DEFAULT_RETRY,
  TransientError,
  isTransientStatus,
  parseRetryAfter,
  withRetry
} from "./chunk-FNOH2WXR.js";
import {
  ActionError
} from "./chunk-NNQIOSTZ.js";

// src/util/http.ts
var DEFAULT_TIMEOUT_MS = 3e4;
var MAX_BODY = 16 * 1024 * 1024;
async function readBounded(label, response, method, url, timeoutMs, max = MAX_BODY) {
  if (method === "HEAD" || response.status === 204 || response.status === 304) {
    await response.body?.cancel().catch(() => void 0);
    return Buffer.alloc(0);
  }
  const host = hostOf(url);
  const tooLarge = (bytes) => new ActionError(
    `${label}: ${host} answered with a body too large: ${bytes}, over the ${max}-byte limit; nothing more was read.`
  );
  const declared = Number(response.headers.get("content-length") ?? NaN);
  if (declared > max) {
    await response.body?.cancel().catch(() => void 0);
    throw tooLarge(`${declared} bytes declared`);
  }
  if (!response.body) return Buffer.alloc(0);
  const reader = response.body.getReader();
  const chunks = [];
  let total = 0;
  try {
    for (; ; ) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > max) {
        await reader.cancel().catch(() => void 0);
        throw tooLarge(`more than ${max} bytes sent`);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof ActionError) throw error;
    if (isTimeout(error)) {
      throw new ActionError(
        `${label}: ${host}: the answer's body did not end within the ${formatLimit(timeoutMs)} limit per request (${total} bytes read).`
      );
    }
    throw error;
  }
  const body = Buffer.concat(chunks, total);
  if (!Number.isNaN(declared) && body.length !== declared) {
    throw new TransientError(`body ended after ${body.length} of ${declared} bytes`);
  }
  return body;
}
var TransientAnswer = class extends TransientError {
  response;
  constructor(response) {
    super(
      `HTTP ${response.status} ${serverMessage(response) ?? response.statusText}`,
      parseRetryAfter(response.headers.get("retry-after"))
    );
    this.response = response;
  }
};
var REDIRECTS = /* @__PURE__ */ new Set([301, 302, 303, 307, 308]);
var MAX_CREDENTIAL_REDIRECTS = 5;
function carriesCredential(init) {
  return init.body != null || new Headers(init.headers).has("authorization");
}
async function fetchSameOrigin(label, url, init) {
  let current = new URL(url);
  let request = { ...init, redirect: "manual" };
  for (let hops = 0; ; hops++) {
    const response = await fetch(current, request);
    const location = response.headers.get("location");
    if (!REDIRECTS.has(response.status) || location === null) return response;
    await response.body?.cancel();
    const next = new URL(location, current);
    if (next.origin !== current.origin) {
      throw new ActionError(
        `${label}: ${current.origin} redirected a request that carries a credential to ${next.origin}; refusing to follow it to another origin.`
      );
    }
    if (hops >= MAX_CREDENTIAL_REDIRECTS) {
      throw new ActionError(`${label}: more than ${MAX_CREDENTIAL_REDIRECTS} redirects.`);
    }
    const method = (request.method ?? "GET").toUpperCase();
    if (response.status === 303 || method === "POST" && response.status <= 302) {
      const headers = new Headers(request.headers);
      headers.delete("content-type");
      request = { ...request, method: "GET", headers, body: null };
    }
    current = next;
  }
}
async function httpRequest(label, url, init = {}, options = {}) {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  try {
    return await withRetry(
      label,
      async () => {
        const signal = AbortSignal.timeout(timeoutMs);
        const response = carriesCredential(init) ? await fetchSameOrigin(label, url, { ...init, signal }) : await fetch(url, { ...init, redirect: "follow", signal });
        const result = {
          status: response.status,
          statusText: response.statusText,
          headers: response.headers,
          body: await readBounded(
            label,
            response,
            (init.method ?? "GET").toUpperCase(),
            url,
            timeoutMs,
            options.maxBytes
          ),
          url
        };
        if (isTransientStatus(response.status)) throw new TransientAnswer(result);
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
  } catch (error) {
    if (error instanceof TransientAnswer) return error.response;
    if (error instanceof ActionError) throw error;
    throw new ActionError(`${label}: ${describeRequestError(error, url, timeoutMs)}`, {
      cause: error
    });
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

export {
  httpRequest,
  serverMessage
};
