import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  notationCacheDir
} from "./chunk-WVQ4NXPN.js";
import {
  DIGEST
} from "./chunk-PSCXZPNR.js";
import {
  DEFAULT_RETRY,
  backoffDelay
} from "./chunk-FNOH2WXR.js";
import {
  splitLines
} from "./chunk-OIVOHELA.js";
import {
  ActionError,
  InputError
} from "./chunk-NNQIOSTZ.js";

// src/notation/notation.ts
import { spawn } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
var KILL_GRACE_MS = 5e3;
var MAX_OUTPUT = 1024 * 1024;
function runNotation(notationPath, args, options) {
  const command = `notation ${args[0] ?? ""}`.trim();
  if (options.signal?.aborted) {
    return Promise.reject(new ActionError(`${command} was cancelled before it started.`));
  }
  return new Promise((resolve, reject) => {
    const group = process.platform !== "win32";
    const child = spawn(notationPath, args, {
      env: options.env,
      shell: false,
      stdio: ["ignore", "pipe", "pipe"],
      windowsHide: true,
      detached: group
    });
    const signal = (name) => {
      try {
        if (group && child.pid !== void 0) process.kill(-child.pid, name);
        else child.kill(name);
      } catch {
      }
    };
    const stdout = collect(child.stdout);
    const stderr = collect(child.stderr);
    let ended;
    let killTimer;
    const end = (why) => {
      if (ended !== void 0) return;
      ended = why;
      signal("SIGTERM");
      killTimer = setTimeout(() => signal("SIGKILL"), KILL_GRACE_MS);
      killTimer.unref();
    };
    const timer = options.timeoutMs === void 0 ? void 0 : setTimeout(
      () => end(`timed out after ${Math.round(options.timeoutMs / 1e3)} s`),
      options.timeoutMs
    );
    const onAbort = () => end("was cancelled");
    options.signal?.addEventListener("abort", onAbort, { once: true });
    const cleanup = () => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      options.signal?.removeEventListener("abort", onAbort);
    };
    child.once("error", (error) => {
      cleanup();
      reject(new ActionError(`Could not run ${notationPath}: ${error.message}`, { cause: error }));
    });
    child.once("close", (code, exitSignal) => {
      cleanup();
      if (group) signal("SIGKILL");
      if (ended !== void 0) {
        reject(new ActionError(`${command} ${ended}.`));
        return;
      }
      resolve({
        code: code ?? (exitSignal ? 128 : 1),
        stdout: stdout(),
        stderr: stderr()
      });
    });
  });
}
var TRANSIENT_FAILURE = [
  /\bstatus code (?:408|429|5\d\d)\b/,
  /connection reset|broken pipe|connection refused/i,
  /\bEOF\b/,
  /\btime(?:out|d out)\b/i,
  /TLS handshake/i
];
function isTransientNotationFailure(error) {
  return TRANSIENT_FAILURE.some((pattern) => pattern.test(error));
}
var READ_ATTEMPTS = 3;
async function runNotationRead(notationPath, args, options) {
  const { failure, onRetry, ...runOptions } = options;
  for (let attempt = 1; ; attempt++) {
    const run = await runNotation(notationPath, args, runOptions);
    const why = failure(run);
    if (why === void 0 || attempt >= READ_ATTEMPTS || !isTransientNotationFailure(why)) {
      return run;
    }
    const delay = backoffDelay(attempt, DEFAULT_RETRY);
    onRetry?.(why, delay, attempt + 1);
    await sleep(delay, void 0, runOptions.signal ? { signal: runOptions.signal } : {});
  }
}
function collect(stream) {
  const chunks = [];
  let size = 0;
  stream.on("data", (chunk) => {
    if (size >= MAX_OUTPUT) return;
    chunks.push(chunk);
    size += chunk.length;
  });
  return () => Buffer.concat(chunks).toString("utf8").slice(0, MAX_OUTPUT);
}
var PASSTHROUGH = [
  // What a Go or .NET program expects to find.
  "PATH",
  "HOME",
  "RUNNER_TEMP",
  "TMPDIR",
  // The runner's own proxy and CA settings, kept only because they serve them: a self-hosted runner
  // behind a proxy or a TLS-inspecting gateway reaches the registry, the TSA, Entra and Key Vault only
  // through them. They choose the route and the CAs notation and the plugin trust, never the
  // destination: the Entra authority and the vault are validated hosts, reached over TLS. The
  // action's own Azure requests follow the same HTTPS_PROXY / NO_PROXY. SSL_CERT_* are what Go and
  // .NET read on Linux; NODE_EXTRA_CA_CERTS only a Node plugin (the test stand-ins) reads.
  "NODE_EXTRA_CA_CERTS",
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
  "HTTPS_PROXY",
  "https_proxy",
  // Plain-http requests only: an http timestamp-url, CRL and OCSP fetches.
  "HTTP_PROXY",
  "http_proxy",
  "NO_PROXY",
  "no_proxy",
  // Windows: what Go and .NET programs expect to find.
  "SystemRoot",
  "SYSTEMROOT",
  "TEMP",
  "TMP",
  "USERPROFILE",
  "APPDATA",
  "LOCALAPPDATA",
  "PATHEXT",
  "ComSpec"
];
function notationEnv(options) {
  const env = {};
  for (const name of PASSTHROUGH) {
    const value = options.source[name];
    if (value !== void 0 && value !== "") env[name] = value;
  }
  Object.assign(env, options.extra ?? {});
  env["NOTATION_CONFIG"] = options.configDir;
  env["NOTATION_LIBEXEC"] = options.libexecDir;
  env["NOTATION_CACHE"] = notationCacheDir(options.configDir);
  if (options.credential) {
    env["NOTATION_USERNAME"] = options.credential.username;
    env["NOTATION_PASSWORD"] = options.credential.password;
  }
  return env;
}
function errorLine(stderr) {
  const lines = splitLines(stderr).map((line) => line.trim()).filter((line) => line !== "");
  const error = lines.find((line) => line.startsWith("Error: "));
  if (error !== void 0) return error.slice("Error: ".length).trim();
  return lines.at(-1);
}
var isObject = (value) => typeof value === "object" && value !== null && !Array.isArray(value);
var text = (value) => typeof value === "string" ? value : "";
function parseInspect(json) {
  let doc;
  try {
    doc = JSON.parse(json);
  } catch {
    throw new ActionError(`notation inspect printed no JSON: ${json.trim().slice(0, 200)}`);
  }
  if (!isObject(doc)) throw new ActionError("notation inspect printed JSON that is not an object.");
  const list = doc["Signatures"] ?? doc["signatures"] ?? [];
  if (!Array.isArray(list))
    throw new ActionError("notation inspect: the signature list is not a list.");
  return list.filter(isObject).map(parseSignature).filter((sig) => DIGEST.test(sig.digest));
}
function parseSignature(sig) {
  const signed = isObject(sig["signedAttributes"]) ? sig["signedAttributes"] : {};
  const user = isObject(sig["userDefinedAttributes"]) ? sig["userDefinedAttributes"] : {};
  const certificates = Array.isArray(sig["certificates"]) ? sig["certificates"] : [];
  const signingTime = text(signed["signingTime"]);
  const artifact = isObject(sig["signedArtifact"]) ? sig["signedArtifact"] : {};
  const signedDigest = text(artifact["digest"]);
  return {
    digest: text(sig["digest"]),
    signatureAlgorithm: text(sig["signatureAlgorithm"]),
    ...signingTime ? { signingTime } : {},
    ...signedDigest ? { signedDigest } : {},
    certificates: certificates.filter(isObject).map((c) => ({
      sha256Fingerprint: text(c["SHA256Fingerprint"] ?? c["sha256Fingerprint"]).toLowerCase(),
      issuedTo: text(c["issuedTo"]),
      expiry: text(c["expiry"])
    })),
    userDefinedAttributes: Object.fromEntries(Object.entries(user).map(([k, v]) => [k, String(v)]))
  };
}
var FLAG_MIN_VERSION = {
  "--timestamp-url": "1.2.0",
  "--timestamp-root-cert": "1.2.0",
  "--force-referrers-tag": "1.2.0"
};
function compareVersions(a, b) {
  const parts = (v) => v.replace(/^v/, "").split(/[-+]/)[0].split(".").map((n) => Number(n) || 0);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}
function gatedFlags(sign) {
  const used = [];
  if (sign.timestampUrl !== void 0)
    used.push({ input: "timestamp-url", flag: "--timestamp-url" });
  if (sign.timestampRootCert !== void 0)
    used.push({ input: "timestamp-root-cert", flag: "--timestamp-root-cert" });
  if (!sign.forceReferrersTag)
    used.push({ input: "force-referrers-tag", flag: "--force-referrers-tag" });
  return used;
}
function referrersTagWarning(sign, notationVersion) {
  const min = FLAG_MIN_VERSION["--force-referrers-tag"] ?? "1.2.0";
  if (!sign.forceReferrersTag || compareVersions(notationVersion, min) >= 0) return void 0;
  return `force-referrers-tag: true is not applied: notation ${notationVersion} has no --force-referrers-tag (added in ${min}), so it stores signatures through the referrers API when the registry supports it, and with the referrers tag schema only when it does not. Use notation-version ${min} or later for the tag schema everywhere.`;
}
function refuseUnsupportedFlags(sign, notationVersion) {
  for (const { input, flag } of gatedFlags(sign)) {
    const min = FLAG_MIN_VERSION[flag];
    if (min !== void 0 && compareVersions(notationVersion, min) < 0) {
      throw new InputError(
        input,
        `needs notation ${min} or later; ${notationVersion} is installed.`
      );
    }
  }
}

export {
  runNotation,
  isTransientNotationFailure,
  READ_ATTEMPTS,
  runNotationRead,
  notationEnv,
  errorLine,
  parseInspect,
  referrersTagWarning,
  refuseUnsupportedFlags
};
