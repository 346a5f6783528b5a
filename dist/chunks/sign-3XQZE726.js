import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  anchorsFromKeyVault,
  interpretVerify
} from "./chunk-MP46JEZA.js";
import {
  distinct,
  mapLimitLogged
} from "./chunk-PN4ZWNLT.js";
import {
  READ_ATTEMPTS,
  errorLine,
  isTransientNotationFailure,
  notationEnv,
  parseInspect,
  referrersTagWarning,
  refuseUnsupportedFlags,
  runNotation,
  runNotationRead
} from "./chunk-66HI7FFS.js";
import "./chunk-WVQ4NXPN.js";
import {
  assertValidTrustPolicy,
  defaultScopes,
  generateTrustPolicy,
  loadTimestampRoot,
  subjectIdentity,
  writeTrustPolicy,
  writeTrustStore
} from "./chunk-UMDANMJZ.js";
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
  errorMessage
} from "./chunk-NNQIOSTZ.js";
import {
  info,
  warning
} from "./chunk-NFKXVFBA.js";
import "./chunk-HANBNIMK.js";

// src/notation/sign.ts
import { randomBytes } from "node:crypto";
import { chmod, mkdir, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
var CALL_TIMEOUT_MS = 10 * 6e4;
var TOKEN_REFRESH_MS = 4 * 6e4;
var PLUGIN_NAME = "azure-kv";
var CREDENTIAL_TYPE = {
  oidc: "workloadid",
  environment: "environment",
  cli: "azurecli",
  "managed-identity": "managedid"
};
function assertDigestReference(image) {
  const { registry, repository, digest, reference } = image;
  if (!DIGEST.test(digest) || reference !== `${registry}/${repository}@${digest}`) {
    throw new Error(`Bug: refusing to sign '${reference}', which is not a digest reference.`);
  }
  if (reference.startsWith("-")) throw new Error(`Bug: reference '${reference}' starts with -.`);
  return reference;
}
function signArgs(reference, o) {
  const pluginConfig = [];
  if (o.selfSigned) pluginConfig.push("self_signed=true");
  else if (o.caCertsFile !== void 0) pluginConfig.push(`ca_certs=${o.caCertsFile}`);
  if (o.credentialType !== void 0) pluginConfig.push(`credential_type=${o.credentialType}`);
  for (const { key, value } of o.pluginConfig) pluginConfig.push(`${key}=${value}`);
  return [
    "sign",
    `--signature-format=${o.signatureFormat}`,
    `--id=${o.keyId}`,
    `--plugin=${PLUGIN_NAME}`,
    ...pluginConfig.map((kv) => `--plugin-config=${kv}`),
    ...o.userMetadata.map(({ key, value }) => `--user-metadata=${key}=${value}`),
    ...o.expiry === void 0 ? [] : [`--expiry=${o.expiry}`],
    ...o.timestamp === void 0 ? [] : [
      `--timestamp-url=${o.timestamp.url}`,
      `--timestamp-root-cert=${o.timestamp.rootCertFile}`
    ],
    ...o.forceReferrersTag ? [] : ["--force-referrers-tag=false"],
    reference
  ];
}
function argsOptions(ctx, files) {
  const { sign } = ctx;
  return {
    signatureFormat: sign.signatureFormat,
    keyId: ctx.certificate.keyId,
    selfSigned: ctx.certificate.selfSigned,
    ...files.caCertsFile === void 0 ? {} : { caCertsFile: files.caCertsFile },
    ...ctx.identity ? { credentialType: CREDENTIAL_TYPE[ctx.identity.kind] } : {},
    pluginConfig: sign.pluginConfig,
    userMetadata: sign.userMetadata,
    ...sign.expiry === void 0 ? {} : { expiry: sign.expiry },
    ...sign.timestampUrl !== void 0 && files.timestampRootFile !== void 0 ? { timestamp: { url: sign.timestampUrl, rootCertFile: files.timestampRootFile } } : {},
    forceReferrersTag: sign.forceReferrersTag
  };
}
function describeSignCommand(ctx) {
  const files = {
    ...needsCaCerts(ctx.certificate) ? { caCertsFile: "<ca-certs.pem>" } : {},
    ...ctx.sign.timestampRootCert === void 0 ? {} : { timestampRootFile: "<timestamp-root.pem>" }
  };
  return `notation ${signArgs("<registry>/<repository>@<digest>", argsOptions(ctx, files)).join(" ")}`;
}
function needsCaCerts(certificate) {
  return !certificate.selfSigned && certificate.chain.length > 1;
}
async function writePrivate(file, content) {
  const temp = `${file}.${randomBytes(6).toString("hex")}.tmp`;
  await writeFile(temp, content, { mode: 384 });
  await chmod(temp, 384);
  await rename(temp, file);
}
async function startFederatedTokenFile(dir, fetchToken, refreshMs = TOKEN_REFRESH_MS) {
  const file = path.join(dir, "azure-federated-token");
  await writePrivate(file, await fetchToken());
  let stopped = false;
  let pending = Promise.resolve();
  const timer = setInterval(() => {
    pending = fetchToken().then((token) => stopped ? void 0 : writePrivate(file, token)).catch(
      (error) => warning(
        `Refreshing the GitHub OIDC token for the plugin failed: ${errorMessage(error)}`
      )
    );
  }, refreshMs);
  timer.unref();
  return {
    file,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await pending;
      await rm(file, { force: true });
    }
  };
}
var CREDENTIAL_VARS = {
  // The token file is the action's own (AZURE_FEDERATED_TOKEN_FILE is set below, never inherited).
  oidc: [],
  // Exactly the secret the action signed in with (see SECRET_VARS).
  environment: [],
  cli: ["AZURE_CONFIG_DIR"],
  "managed-identity": [
    "IDENTITY_ENDPOINT",
    "IDENTITY_HEADER",
    "IDENTITY_SERVER_THUMBPRINT",
    "MSI_ENDPOINT",
    "MSI_SECRET",
    "IMDS_ENDPOINT"
  ]
};
var SECRET_VARS = {
  AZURE_CLIENT_SECRET: ["AZURE_CLIENT_SECRET"],
  AZURE_CLIENT_CERTIFICATE_PATH: [
    "AZURE_CLIENT_CERTIFICATE_PATH",
    "AZURE_CLIENT_CERTIFICATE_PASSWORD",
    "AZURE_CLIENT_SEND_CERTIFICATE_CHAIN"
  ]
};
function pluginEnv(identity, source, federatedTokenFile) {
  const env = {};
  if (!identity) return env;
  const copy = (name) => {
    const value = source[name];
    if (value !== void 0 && value !== "") env[name] = value;
  };
  if (identity.authorityHost !== void 0) env["AZURE_AUTHORITY_HOST"] = identity.authorityHost;
  if (identity.tenantId) env["AZURE_TENANT_ID"] = identity.tenantId;
  if (identity.clientId) env["AZURE_CLIENT_ID"] = identity.clientId;
  CREDENTIAL_VARS[identity.kind].forEach(copy);
  if (identity.kind === "environment" && identity.clientSecretFrom !== void 0) {
    SECRET_VARS[identity.clientSecretFrom].forEach(copy);
  }
  if (federatedTokenFile !== void 0) env["AZURE_FEDERATED_TOKEN_FILE"] = federatedTokenFile;
  return env;
}
var SIGNER_TRUST_NAME = "notation-akv-action-signer";
async function writeSignerTrust(dir, certificate, images) {
  const configDir = path.join(dir, "signer-trust");
  const libexecDir = path.join(dir, "signer-trust-plugins");
  await mkdir(libexecDir, { recursive: true, mode: 448 });
  const store = { type: "ca", name: SIGNER_TRUST_NAME };
  const anchors = anchorsFromKeyVault(certificate, store.type).map((a) => a.certificate);
  await writeTrustStore(configDir, store, anchors);
  const policy = generateTrustPolicy({
    name: SIGNER_TRUST_NAME,
    scopes: defaultScopes(images),
    identities: [subjectIdentity(certificate.subject)],
    level: "strict",
    trustStore: store
  });
  assertValidTrustPolicy(policy);
  await writeTrustPolicy(configDir, policy);
  return { configDir, libexecDir };
}
async function prepare(ctx, images) {
  await mkdir(ctx.workDir, { recursive: true, mode: 448 });
  const dir = await mkdtemp(path.join(ctx.workDir, "sign-"));
  await chmod(dir, 448);
  let token;
  try {
    const files = {};
    if (needsCaCerts(ctx.certificate)) {
      files.caCertsFile = path.join(dir, "ca-certs.pem");
      await writePrivate(files.caCertsFile, ctx.certificate.chain.slice(1).join(""));
    }
    const tsaRoot = ctx.sign.timestampRootCert;
    if (tsaRoot !== void 0) {
      files.timestampRootFile = path.join(dir, "timestamp-root.pem");
      await writePrivate(
        files.timestampRootFile,
        ctx.timestampRootPem ?? await loadTimestampRoot(tsaRoot, ctx.workspace)
      );
    }
    if (ctx.identity?.kind === "oidc") {
      if (!ctx.identity.federatedToken) throw new Error("Bug: an OIDC identity without a token.");
      token = await startFederatedTokenFile(dir, ctx.identity.federatedToken, ctx.tokenRefreshMs);
    }
    const options = argsOptions(ctx, files);
    let signerTrust;
    return {
      args: (reference) => signArgs(reference, options),
      azureEnv: pluginEnv(ctx.identity, ctx.env ?? process.env, token?.file),
      signerTrust: () => signerTrust ??= writeSignerTrust(dir, ctx.certificate, images),
      async dispose() {
        await token?.stop();
        await rm(dir, { recursive: true, force: true });
      }
    };
  } catch (error) {
    await token?.stop();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
var leafOf = (sig) => sig.certificates[0]?.sha256Fingerprint;
var signingTime = (s) => {
  const t = Date.parse(s.signingTime ?? "");
  return Number.isNaN(t) ? void 0 : t;
};
function newest(signatures) {
  return signatures.reduce(
    (best, s) => best === void 0 || (signingTime(s) ?? 0) >= (signingTime(best) ?? 0) ? s : best,
    void 0
  );
}
var SIGNING_TIME_SLACK_MS = 2e3;
function pickSignature(after, thumbprint, digest, options = {}) {
  const { before, notBefore } = options;
  const fresh = after.filter((s) => {
    const time = signingTime(s);
    return leafOf(s) === thumbprint.toLowerCase() && s.signedDigest === digest && !before?.has(s.digest) && (notBefore === void 0 || time === void 0 || time >= notBefore);
  });
  return newest(fresh);
}
function envFor(runner, image) {
  const { ctx, prepared } = runner;
  return notationEnv({
    configDir: ctx.configDir,
    libexecDir: ctx.libexecDir,
    source: ctx.env ?? process.env,
    extra: prepared.azureEnv,
    credential: ctx.credentials.get(image.registry)
  });
}
function runOptions(runner, image) {
  const { ctx } = runner;
  return {
    env: envFor(runner, image),
    timeoutMs: ctx.callTimeoutMs ?? CALL_TIMEOUT_MS,
    ...ctx.signal ? { signal: ctx.signal } : {}
  };
}
function echo(log, output) {
  for (const line of splitLines(output)) {
    if (line.trim() === "") continue;
    if (line.startsWith("Warning: ")) log.warning(line.slice("Warning: ".length));
    else log.info(line);
  }
}
async function inspect(runner, image, reference, log) {
  const failure = (run2) => run2.code === 0 ? void 0 : errorLine(run2.stderr) ?? `exit code ${run2.code}`;
  const run = await runNotationRead(
    runner.ctx.notationPath,
    ["inspect", "--output=json", reference],
    {
      ...runOptions(runner, image),
      failure,
      onRetry: (why2, delay, next) => log.info(
        `notation inspect failed transiently (${why2}); inspecting again in ${delay} ms (attempt ${next} of ${READ_ATTEMPTS}).`
      )
    }
  );
  const why = failure(run);
  if (why !== void 0) throw new Error(`notation inspect failed: ${why}`);
  return parseInspect(run.stdout);
}
function signFailure(run, reference) {
  const claimed = run.stdout.split(/\r?\n/).some((line) => line.trim() === `Successfully signed ${reference}`);
  if (run.code === 0 && claimed) return void 0;
  const error = errorLine(run.stderr);
  if (run.code !== 0) {
    return error ?? `notation exited with code ${run.code}${claimed ? " after reporting success" : ""}`;
  }
  return `notation exited 0 without printing "Successfully signed ${reference}"`;
}
var SIGN_ATTEMPTS = 3;
function isTransientSignFailure(error) {
  return isTransientNotationFailure(error);
}
async function verifySigner(runner, image, reference, log) {
  const { ctx } = runner;
  let trust;
  try {
    trust = await runner.prepared.signerTrust();
  } catch (error) {
    log.warning(
      `Existing signatures cannot be verified against this certificate: ${errorMessage(error)}`
    );
    return {
      verified: false,
      why: `this certificate cannot be made a trust anchor: ${errorMessage(error)}`,
      transient: false
    };
  }
  const run = await runNotationRead(ctx.notationPath, ["verify", reference], {
    env: notationEnv({
      configDir: trust.configDir,
      libexecDir: trust.libexecDir,
      source: ctx.env ?? process.env,
      credential: ctx.credentials.get(image.registry)
    }),
    timeoutMs: ctx.callTimeoutMs ?? CALL_TIMEOUT_MS,
    ...ctx.signal ? { signal: ctx.signal } : {},
    failure: (result) => interpretVerify(reference, result).error,
    onRetry: (why2, delay, next) => log.info(
      `notation verify failed transiently (${why2}); verifying again in ${delay} ms (attempt ${next} of ${READ_ATTEMPTS}).`
    )
  });
  const outcome = interpretVerify(reference, run);
  if (outcome.verified) return { verified: true };
  echo(log, run.stderr);
  const why = outcome.error ?? "not verified";
  return { verified: false, why, transient: isTransientSignFailure(why) };
}
async function signOne(runner, image, log) {
  const { ctx } = runner;
  const reference = assertDigestReference(image);
  const result = { input: image.input, reference, digest: image.digest };
  const thumbprint = ctx.certificate.thumbprint;
  const notOurs = /* @__PURE__ */ new Set();
  if (ctx.sign.skipIfSigned) {
    const before = await inspect(runner, image, reference, log);
    before.forEach((s) => notOurs.add(s.digest));
    const candidate = pickSignature(before, thumbprint, image.digest);
    if (candidate) {
      const check = await verifySigner(runner, image, reference, log);
      if (check.verified) {
        log.info(
          `Already signed by this certificate: signature ${candidate.digest}, and this digest verifies against this certificate and subject; not signing again.`
        );
        return { ...result, signed: false, alreadySigned: true, signatureDigest: candidate.digest };
      }
      if (check.transient) {
        throw new Error(`whether ${reference} is already signed is unknown: ${check.why}`);
      }
      log.warning(
        `Signature ${candidate.digest} claims this certificate, but ${reference} does not verify against it (a copy from another image, a forgery, or nothing to check with): signing.`
      );
    }
  }
  const signStarted = Date.now();
  const pick = (after) => pickSignature(after, thumbprint, image.digest, {
    before: notOurs,
    notBefore: signStarted - SIGNING_TIME_SLACK_MS
  });
  const args = runner.prepared.args(reference);
  for (let attempt = 1; ; attempt++) {
    log.info(`notation ${args.join(" ")}`);
    const run = await runNotation(ctx.notationPath, args, runOptions(runner, image));
    echo(log, run.stdout);
    echo(log, run.stderr);
    const failure = signFailure(run, reference);
    if (failure === void 0) {
      return { ...result, signed: true, alreadySigned: false, ...await signatureDigest() };
    }
    if (!isTransientSignFailure(failure)) throw new Error(failure);
    let landed;
    try {
      landed = pick(await inspect(runner, image, reference, log));
      if (landed) {
        const check = await verifySigner(runner, image, reference, log);
        if (!check.verified && check.transient) throw new Error(check.why);
        if (!check.verified) {
          log.warning(
            `Signature ${landed.digest} claims this certificate, but ${reference} does not verify against it: not this run's push.`
          );
          notOurs.add(landed.digest);
          landed = void 0;
        }
      }
    } catch (error) {
      throw new Error(
        `${failure} (whether the signature was pushed is unknown: ${errorMessage(error)})`,
        { cause: error }
      );
    }
    if (landed) {
      log.info(
        `The sign failed transiently, but signature ${landed.digest} by this certificate is attached and verifies: the push landed.`
      );
      return { ...result, signed: true, alreadySigned: false, signatureDigest: landed.digest };
    }
    if (attempt >= SIGN_ATTEMPTS) throw new Error(`${failure} (${attempt} sign runs)`);
    const delay = backoffDelay(attempt, DEFAULT_RETRY);
    log.info(
      `No new signature is attached after a transient failure; signing again in ${delay} ms (attempt ${attempt + 1} of ${SIGN_ATTEMPTS}).`
    );
    await sleep(delay, void 0, ctx.signal ? { signal: ctx.signal } : {});
  }
  async function signatureDigest() {
    let after;
    try {
      after = await inspect(runner, image, reference, log);
    } catch (error) {
      log.warning(`Signed, but reading the signature back failed: ${errorMessage(error)}`);
      return {};
    }
    const made = pick(after);
    if (!made) {
      throw new Error(
        `notation reported success, but no new signature by certificate ${thumbprint} is attached to ${reference}`
      );
    }
    log.info(`Signature ${made.digest}`);
    return { signatureDigest: made.digest };
  }
}
async function signImages(images, ctx) {
  refuseUnsupportedFlags(ctx.sign, ctx.notationVersion);
  const unapplied = referrersTagWarning(ctx.sign, ctx.notationVersion);
  if (unapplied !== void 0) warning(unapplied);
  images.forEach(assertDigestReference);
  const { unique, repeats, expand } = distinct(images, (image) => image.reference);
  for (const { item, first } of repeats) {
    info(
      `'${item.input}' is the same image as '${first.input}' (${item.reference}): signed once, reported on both.`
    );
  }
  const prepared = await prepare(ctx, unique);
  const runner = { ctx, prepared };
  try {
    const settled = await mapLimitLogged(
      unique,
      ctx.maxConcurrency,
      (image) => `Sign ${image.reference}`,
      async (image, _index, log) => {
        const started = performance.now();
        const elapsed = () => Math.round(performance.now() - started);
        try {
          const result = await signOne(runner, image, log);
          return { ...result, signMs: elapsed() };
        } catch (error) {
          log.error(`Signing ${image.reference} failed: ${errorMessage(error)}`);
          return failed(image, errorMessage(error), elapsed());
        }
      }
    );
    const results = settled.map(
      (s, i) => s.status === "fulfilled" ? s.value : failed(unique[i], errorMessage(s.reason), 0)
    );
    return expand(results).map((result, i) => ({ ...result, input: images[i].input }));
  } finally {
    await prepared.dispose();
  }
}
function failed(image, error, signMs) {
  return {
    input: image.input,
    reference: image.reference,
    digest: image.digest,
    signed: false,
    alreadySigned: false,
    error,
    signMs
  };
}
function signFailureMessage(results) {
  const failures = results.filter((r) => r.error !== void 0);
  if (failures.length === 0) return void 0;
  const lines = failures.map((r) => `  ${r.reference ?? r.input}: ${r.error}`);
  return [
    `Signing failed for ${failures.length} of ${results.length} image${results.length === 1 ? "" : "s"}:`,
    ...lines
  ].join("\n");
}
async function findAlreadySigned(images, ctx) {
  const { unique } = distinct(images, (image) => image.reference);
  const prepared = await prepare(ctx, unique);
  const runner = { ctx, prepared };
  const found = /* @__PURE__ */ new Map();
  try {
    const settled = await mapLimitLogged(
      unique,
      ctx.maxConcurrency,
      (image) => `Signed already? ${image.reference}`,
      async (image, _index, log) => {
        const reference = assertDigestReference(image);
        const candidate = pickSignature(
          await inspect(runner, image, reference, log),
          ctx.certificate.thumbprint,
          image.digest
        );
        if (!candidate) return;
        const check = await verifySigner(runner, image, reference, log);
        if (check.verified) {
          log.info(
            `Already signed by this certificate: signature ${candidate.digest}, and this digest verifies against this certificate and subject; not signing again.`
          );
          found.set(reference, { signatureDigest: candidate.digest });
        } else if (check.transient) {
          throw new Error(`whether ${reference} is already signed is unknown: ${check.why}`);
        } else {
          log.warning(
            `Signature ${candidate.digest} claims this certificate, but ${reference} does not verify against it (a copy from another image, a forgery, or nothing to check with): signing.`
          );
        }
      }
    );
    settled.forEach((s, i) => {
      if (s.status === "rejected")
        found.set(unique[i].reference, { error: errorMessage(s.reason) });
    });
  } finally {
    await prepared.dispose();
  }
  return found;
}
export {
  CALL_TIMEOUT_MS,
  CREDENTIAL_TYPE,
  PLUGIN_NAME,
  SIGNER_TRUST_NAME,
  SIGNING_TIME_SLACK_MS,
  SIGN_ATTEMPTS,
  TOKEN_REFRESH_MS,
  assertDigestReference,
  describeSignCommand,
  findAlreadySigned,
  isTransientSignFailure,
  pickSignature,
  pluginEnv,
  signArgs,
  signFailure,
  signFailureMessage,
  signImages,
  startFederatedTokenFile
};
