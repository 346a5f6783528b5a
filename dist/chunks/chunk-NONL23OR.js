import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  isGitContext,
  loadIgnoreRules,
  resolveContext
} from "./chunk-6LYD4OM4.js";
import {
  refuseUnsupportedFlags
} from "./chunk-2F67RPHD.js";
import {
  assertValidTrustPolicy,
  canonicalTrustPolicy,
  checkTrustStoreCertificates,
  derToPem,
  generateTrustPolicy,
  isSelfSigned,
  loadCertificates,
  loadTrustStoreCertificates,
  parseTrustPolicy,
  uncoveredImages
} from "./chunk-V2NSA376.js";
import {
  parseReference
} from "./chunk-75WK2GCR.js";
import {
  InputError
} from "./chunk-U3OZTHIX.js";

// src/preflight.ts
var lines = (value) => value.split(/\r?\n/);
async function preflight(inputs, workspace, now = /* @__PURE__ */ new Date()) {
  const result = { trustPolicyWarnings: [], trustStoreWarnings: [] };
  if (inputs.commands.includes("sign")) refuseUnsupportedFlags(inputs, inputs.notation.version);
  await checkBuildContext(inputs, workspace);
  const verifying = inputs.commands.includes("verify");
  if (verifying && inputs.verify.trustPolicy !== void 0) {
    const { document, warnings } = await parseTrustPolicy(inputs.verify.trustPolicy, { workspace });
    assertValidTrustPolicy(document);
    result.trustPolicy = canonicalTrustPolicy(document);
    result.trustPolicyWarnings = warnings;
  }
  if (verifying) checkCoverage(inputs, result.trustPolicy);
  if (verifying && inputs.verify.trustStoreCertificates.length > 0) {
    const certificates = await loadTrustStoreCertificates(
      inputs.verify.trustStoreCertificates,
      workspace
    );
    const type = inputs.verify.trustStore?.type ?? "ca";
    result.trustStoreWarnings = checkTrustStoreCertificates(type, certificates, now);
    result.trustStoreCertificates = certificates;
  }
  if (inputs.keyVault.caCerts !== void 0) {
    const chain = await loadCertificates("ca-certs", lines(inputs.keyVault.caCerts), workspace);
    if (chain.length === 0) throw new InputError("ca-certs", "holds no certificate.");
    result.caChain = chain.map((c) => derToPem(c.certificate.raw));
  }
  if (inputs.sign.timestampRootCert !== void 0 && inputs.commands.includes("sign")) {
    result.timestampRootPem = await loadTimestampRoot(inputs.sign.timestampRootCert, workspace);
  }
  return result;
}
function checkCoverage(inputs, given) {
  const { verify } = inputs;
  if (inputs.commands.includes("build")) return;
  if (given === void 0 && verify.registryScopes.length === 0) return;
  const policy = given ?? generateTrustPolicy({
    scopes: verify.registryScopes,
    identities: ["*"],
    level: verify.level,
    trustStore: { type: "ca", name: "preflight" }
  });
  const images = [...new Set(inputs.images)].map((line) => {
    const ref = parseReference(line);
    return {
      input: line,
      registry: ref.registry,
      repository: ref.repository,
      digest: "",
      reference: line
    };
  });
  const uncovered = uncoveredImages(policy, images);
  if (uncovered.length > 0) {
    throw new InputError(
      given !== void 0 ? "trust-policy" : "registry-scopes",
      `no trust policy statement covers ${[...new Set(uncovered.map((i) => `${i.registry}/${i.repository}`))].join(", ")}.`
    );
  }
}
async function checkBuildContext(inputs, workspace) {
  if (!inputs.commands.includes("build")) return;
  const { context, dockerfile } = inputs.build;
  if (context === void 0 || isGitContext(context)) return;
  const resolved = await resolveContext({
    context,
    workspace,
    ...dockerfile === void 0 ? {} : { dockerfile }
  });
  await loadIgnoreRules(resolved.context, resolved.dockerfile);
}
async function loadTimestampRoot(value, workspace) {
  const roots = await loadCertificates("timestamp-root-cert", lines(value), workspace);
  const root = roots[0];
  if (roots.length !== 1 || !root) {
    throw new InputError(
      "timestamp-root-cert",
      `must hold exactly one certificate (found ${roots.length}).`
    );
  }
  if (!root.certificate.ca || !isSelfSigned(root.certificate)) {
    throw new InputError(
      "timestamp-root-cert",
      `'${root.source}' is not a self-signed root CA certificate.`
    );
  }
  return derToPem(root.certificate.raw);
}

export {
  preflight,
  loadTimestampRoot
};
