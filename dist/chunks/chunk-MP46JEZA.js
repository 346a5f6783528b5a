import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  distinct,
  mapLimitLogged
} from "./chunk-PN4ZWNLT.js";
import {
  READ_ATTEMPTS,
  errorLine,
  notationEnv,
  parseInspect,
  runNotation,
  runNotationRead
} from "./chunk-66HI7FFS.js";
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
  tsaStoreNames,
  uncoveredImages,
  writeTrustPolicy,
  writeTrustStore
} from "./chunk-UMDANMJZ.js";
import {
  oneLine,
  splitLines
} from "./chunk-OIVOHELA.js";
import {
  InputError
} from "./chunk-NNQIOSTZ.js";
import {
  warning
} from "./chunk-NFKXVFBA.js";

// src/notation/verify.ts
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
async function policyFor(images, ctx, store) {
  const { verify } = ctx;
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
    trustStore: store,
    // The TSA root (timestamp-root-cert) in a tsa store of the signer store's name: notation then
    // checks each signature's timestamp against it.
    ...ctx.preflight.timestampRootPem !== void 0 ? { tsaStore: store.name } : {}
  });
  assertValidTrustPolicy(document);
  return document;
}
function missingStores(policy, written) {
  return policy.trustPolicies.flatMap(
    (s) => (s.trustStores ?? []).filter((ref) => !written.includes(ref)).map((ref) => `statement "${s.name}" uses trust store ${ref}`)
  );
}
async function prepareTrust(images, ctx) {
  const { verify } = ctx;
  const { store } = ctx;
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
  const tsaRoot = ctx.preflight.timestampRootPem === void 0 ? void 0 : parseCertificates(ctx.preflight.timestampRootPem, "timestamp-root-cert");
  const tsaStores = tsaRoot === void 0 ? [] : tsaStoreNames(policy);
  const written = [`${store.type}:${store.name}`, ...tsaStores.map((name) => `tsa:${name}`)];
  const unknown = missingStores(policy, written);
  if (unknown.length > 0) {
    throw new InputError(
      "trust-store",
      `${unknown.join("; ")}, but the action writes only ${written.join(", ")}; set trust-store to it.`
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
  for (const name of tsaStores) {
    files.push(...await writeTrustStore(ctx.configDir, { type: "tsa", name }, tsaRoot ?? []));
  }
  files.push(await writeTrustPolicy(ctx.configDir, policy));
  for (const warning2 of warnings) warning(warning2);
  return { policy, store, files, warnings };
}
function verifyArgs(reference, userMetadata) {
  return [
    "verify",
    // Without it notation 1.3 says only that every signature failed, never why (see
    // signatureFailures); it also logs what a permissive level lets through.
    "--verbose",
    ...userMetadata.map((m) => `--user-metadata=${m.key}=${m.value}`),
    reference
  ];
}
function signatureFailures(stderr) {
  const failures = [];
  for (const line of splitLines(stderr)) {
    const found = /\bmsg="Signature (sha(?:256|512):[0-9a-f]+) failed verification with error: (.*)"$/.exec(
      line.trim()
    ) ?? /\bmsg=Signature (sha(?:256|512):[0-9a-f]+) failed verification with error: (.*)$/.exec(
      line.trim()
    );
    if (found) failures.push(`${found[1]}: ${found[2]}`);
  }
  return failures;
}
function shownLines(output) {
  return splitLines(output).filter((line) => line.trim() !== "" && !/^level=info\b/.test(line));
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
  const failures = signatureFailures(result.stderr);
  const why = (errorLine(result.stderr) ?? (result.code === 0 ? "notation exited 0 without reporting a verified signature" : `notation exited with code ${result.code}`)) + (failures.length > 0 ? `: ${failures.join("; ")}` : "");
  return {
    verified: false,
    verification: "failed",
    error: success ? `notation printed success but exited with code ${result.code}: ${why}` : why
  };
}
function quoted(value) {
  const line = oneLine(value);
  return `'${line.length > 100 ? `${line.slice(0, 99)}\u2026` : line}'`;
}
function userMetadataMismatch(wanted, signatures) {
  if (signatures.length === 0) return void 0;
  const problems = wanted.flatMap(({ key, value }) => {
    const values = signatures.map((s) => s.userDefinedAttributes[key]);
    if (values.includes(value)) return [];
    const seen = [...new Set(values.filter((v) => v !== void 0))];
    const where = signatures.length === 1 ? "the signature" : `the ${signatures.length} signatures`;
    return seen.length === 0 ? [`${key} is not in ${where}`] : [`${key} is ${seen.map(quoted).join(" or ")} in ${where}, not ${quoted(value)}`];
  });
  return problems.length === 0 ? void 0 : `verify-user-metadata: ${problems.join("; ")}`;
}
async function verifyImages(images, ctx) {
  const { unique, expand } = distinct(images, (image) => image.reference);
  const settled = await mapLimitLogged(
    unique,
    ctx.maxConcurrency,
    (image) => `Verify ${image.reference}`,
    async (image, _index, log) => {
      const started = performance.now();
      const env = notationEnv({
        configDir: ctx.configDir,
        libexecDir: ctx.libexecDir,
        source: ctx.env ?? process.env,
        credential: ctx.credentials.get(image.registry)
      });
      const result = await runNotationRead(
        ctx.notationPath,
        verifyArgs(image.reference, ctx.verify.userMetadata),
        {
          env,
          timeoutMs: ctx.callTimeoutMs ?? CALL_TIMEOUT_MS,
          ...ctx.signal ? { signal: ctx.signal } : {},
          failure: (run) => interpretVerify(image.reference, run).error,
          onRetry: (why, delay, next) => log.info(
            `notation verify failed transiently (${why}); verifying again in ${delay} ms (attempt ${next} of ${READ_ATTEMPTS}).`
          )
        }
      );
      const outcome = interpretVerify(image.reference, result);
      for (const line of shownLines(`${result.stdout}
${result.stderr}`)) log.info(line);
      const wanted = ctx.verify.userMetadata;
      if (outcome.verification === "failed" && wanted.length > 0) {
        const inspected = await runNotation(
          ctx.notationPath,
          ["inspect", "--output=json", image.reference],
          {
            env,
            timeoutMs: ctx.callTimeoutMs ?? CALL_TIMEOUT_MS,
            ...ctx.signal ? { signal: ctx.signal } : {}
          }
        );
        let mismatch;
        try {
          if (inspected.code === 0)
            mismatch = userMetadataMismatch(wanted, parseInspect(inspected.stdout));
        } catch {
        }
        if (mismatch !== void 0) outcome.error = `${outcome.error ?? ""} (${mismatch})`;
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
  anchorsFromKeyVault,
  prepareTrust,
  verifyArgs,
  signatureFailures,
  shownLines,
  interpretVerify,
  userMetadataMismatch,
  verifyImages
};
