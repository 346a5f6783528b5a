import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  errorLine,
  notationEnv,
  runNotation
} from "./chunk-2F67RPHD.js";
import {
  DEFAULT_STATEMENT_NAME,
  assertValidTrustPolicy,
  checkTrustStoreCertificates,
  defaultScopes,
  generateTrustPolicy,
  isSelfSigned,
  parseCertificates,
  policyWarnings,
  subjectIdentity,
  uncoveredImages,
  writeTrustPolicy,
  writeTrustStore
} from "./chunk-V2NSA376.js";
import {
  logLines,
  splitLines
} from "./chunk-YSYX6BFW.js";
import {
  InputError
} from "./chunk-U3OZTHIX.js";
import {
  core_exports,
  endGroup,
  startGroup,
  warning
} from "./chunk-NFKXVFBA.js";

// src/pool.ts
async function mapLimit(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      try {
        const value = await Promise.resolve().then(() => fn(items[index], index));
        results[index] = { status: "fulfilled", value };
      } catch (reason) {
        results[index] = { status: "rejected", reason };
      }
    }
  };
  const workers = Math.max(1, Math.min(Math.floor(limit) || 1, items.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return results;
}
var OrderedLog = class {
  titles;
  buffers;
  finished;
  printed = 0;
  constructor(titles) {
    this.titles = titles;
    this.buffers = titles.map(() => []);
    this.finished = titles.map(() => false);
  }
  for(index) {
    const push = (level) => (message) => {
      this.buffers[index]?.push({ level, message });
    };
    return {
      debug: push("debug"),
      info: push("info"),
      warning: push("warning"),
      error: push("error")
    };
  }
  /** Marks an item done and prints every group that is now ready. */
  done(index) {
    this.finished[index] = true;
    while (this.printed < this.titles.length && this.finished[this.printed]) {
      printGroup(this.titles[this.printed] ?? "", this.buffers[this.printed] ?? []);
      this.buffers[this.printed] = [];
      this.printed++;
    }
  }
};
function printGroup(title, lines) {
  startGroup(title);
  try {
    for (const { level, message } of lines) {
      if (level === "info") logLines(message);
      else core_exports[level](message);
    }
  } finally {
    endGroup();
  }
}
async function mapLimitLogged(items, limit, title, fn) {
  const log = new OrderedLog(items.map(title));
  return mapLimit(items, limit, async (item, index) => {
    try {
      return await fn(item, index, log.for(index));
    } finally {
      log.done(index);
    }
  });
}
function distinct(items, key) {
  const first = /* @__PURE__ */ new Map();
  const unique = [];
  const repeats = [];
  const slot = items.map((item) => {
    const k = key(item);
    let at = first.get(k);
    if (at === void 0) {
      at = unique.push(item) - 1;
      first.set(k, at);
    } else {
      repeats.push({ item, first: unique[at] });
    }
    return at;
  });
  return {
    unique,
    repeats,
    expand: (results) => slot.map((at) => results[at])
  };
}

// src/verify.ts
var CALL_TIMEOUT_MS = 10 * 6e4;
function anchorsFromKeyVault(certificate, type) {
  if (type === "tsa") {
    throw new InputError(
      "trust-store-certificates",
      "is required for a tsa trust store: give the timestamping root."
    );
  }
  const chain = certificate.chain.flatMap(
    (pem, i) => parseCertificates(pem, `Key Vault certificate chain [${i}]`)
  );
  const root = chain.at(-1);
  if (!root || !isSelfSigned(root)) {
    throw new InputError(
      "trust-store-certificates",
      `the chain of '${certificate.name ?? certificate.keyId}' does not end at a self-signed root; give the root certificate.`
    );
  }
  return [
    {
      certificate: root,
      source: `Key Vault certificate '${certificate.name ?? certificate.keyId}'`
    }
  ];
}
function storeFor(inputs, certificate) {
  return inputs.verify.trustStore ?? { type: "ca", name: certificate?.name ?? DEFAULT_STATEMENT_NAME };
}
async function policyFor(images, ctx, store) {
  const { verify } = ctx.inputs;
  if (ctx.preflight.trustPolicy) return ctx.preflight.trustPolicy;
  const identities = verify.trustedIdentities.length > 0 ? verify.trustedIdentities : ctx.certificate ? [subjectIdentity(ctx.certificate.subject)] : void 0;
  if (identities === void 0) {
    throw new InputError(
      "trusted-identities",
      "is required when no Key Vault certificate names the signer."
    );
  }
  const document = generateTrustPolicy({
    name: verify.trustPolicyName ?? DEFAULT_STATEMENT_NAME,
    scopes: verify.registryScopes.length > 0 ? verify.registryScopes : defaultScopes(images),
    identities: identities ?? [],
    level: verify.level,
    ...verify.verifyTimestamp ? { verifyTimestamp: verify.verifyTimestamp } : {},
    trustStore: store
  });
  assertValidTrustPolicy(document);
  return document;
}
function missingStores(policy, store) {
  const written = `${store.type}:${store.name}`;
  return policy.trustPolicies.flatMap(
    (s) => (s.trustStores ?? []).filter((ref) => ref !== written).map((ref) => `statement "${s.name}" uses trust store ${ref}`)
  );
}
async function prepareTrust(images, ctx) {
  const { verify } = ctx.inputs;
  const store = storeFor(ctx.inputs, ctx.certificate);
  let certificates;
  let warnings;
  if (ctx.preflight.trustStoreCertificates) {
    certificates = ctx.preflight.trustStoreCertificates;
    warnings = [...ctx.preflight.trustStoreWarnings];
  } else if (ctx.certificate) {
    certificates = anchorsFromKeyVault(ctx.certificate, store.type);
    warnings = checkTrustStoreCertificates(store.type, certificates, ctx.now);
  } else {
    throw new InputError(
      "trust-store-certificates",
      "is required when no Key Vault certificate is given."
    );
  }
  const policy = await policyFor(images, ctx, store);
  const unknown = missingStores(policy, store);
  if (unknown.length > 0) {
    throw new InputError(
      "trust-store",
      `${unknown.join("; ")}, but the action writes only ${store.type}:${store.name}; set trust-store to it.`
    );
  }
  const uncovered = uncoveredImages(policy, images);
  if (uncovered.length > 0) {
    throw new InputError(
      verify.trustPolicy !== void 0 ? "trust-policy" : "registry-scopes",
      `no trust policy statement covers ${uncovered.map((i) => `${i.registry}/${i.repository}`).join(", ")}.`
    );
  }
  warnings.push(...ctx.preflight.trustPolicyWarnings, ...policyWarnings(policy));
  const files = await writeTrustStore(
    ctx.configDir,
    store,
    certificates.map((c) => c.certificate)
  );
  files.push(await writeTrustPolicy(ctx.configDir, policy));
  for (const warning2 of warnings) warning(warning2);
  return { policy, store, files, warnings };
}
function verifyArgs(reference, inputs) {
  return [
    "verify",
    ...inputs.verify.userMetadata.map((m) => `--user-metadata=${m.key}=${m.value}`),
    reference
  ];
}
function interpretVerify(reference, result) {
  const success = result.stdout.includes(`Successfully verified signature for ${reference}`);
  const skipped = result.stdout.includes(
    `Trust policy is configured to skip signature verification for ${reference}`
  );
  if (result.code === 0 && success) return { verified: true, verification: "verified" };
  if (result.code === 0 && skipped) {
    return {
      verified: false,
      verification: "skipped",
      error: "the trust policy skips verification for this image, so nothing was verified"
    };
  }
  const why = errorLine(result.stderr) ?? (result.code === 0 ? "notation exited 0 without reporting a verified signature" : `notation exited with code ${result.code}`);
  return {
    verified: false,
    verification: "failed",
    error: success ? `notation printed success but exited with code ${result.code}: ${why}` : why
  };
}
async function verifyImages(images, ctx) {
  const { unique, expand } = distinct(images, (image) => image.reference);
  const settled = await mapLimitLogged(
    unique,
    ctx.inputs.maxConcurrency,
    (image) => `Verify ${image.reference}`,
    async (image, _index, log) => {
      const started = performance.now();
      const env = notationEnv({
        configDir: ctx.configDir,
        libexecDir: ctx.libexecDir,
        source: ctx.env ?? process.env,
        credential: ctx.credentials.get(image.registry)
      });
      const result = await runNotation(ctx.notationPath, verifyArgs(image.reference, ctx.inputs), {
        env,
        timeoutMs: ctx.callTimeoutMs ?? CALL_TIMEOUT_MS,
        ...ctx.signal ? { signal: ctx.signal } : {}
      });
      const outcome = interpretVerify(image.reference, result);
      for (const line of splitLines(`${result.stdout}
${result.stderr}`)) {
        if (line.trim() !== "") log.info(line);
      }
      if (outcome.error) log.error(`${image.reference}: ${outcome.error}`);
      return { ...outcome, verifyMs: Math.round(performance.now() - started) };
    }
  );
  return expand(
    settled.map(
      (s) => s.status === "fulfilled" ? s.value : { verified: false, verification: "failed", error: s.reason.message }
    )
  );
}

export {
  mapLimitLogged,
  distinct,
  anchorsFromKeyVault,
  prepareTrust,
  verifyArgs,
  interpretVerify,
  verifyImages
};
