import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  signerStore
} from "./chunk-X3M3KPLR.js";
import {
  isGitContext,
  loadIgnoreRules,
  resolveContext
} from "./chunk-GZJI4QB2.js";
import "./chunk-OVE4PIEO.js";
import {
  refuseUnsupportedFlags
} from "./chunk-66HI7FFS.js";
import "./chunk-WVQ4NXPN.js";
import "./chunk-NSNY7JAD.js";
import "./chunk-AYBAOIC3.js";
import {
  assertValidTrustPolicy,
  canonicalTrustPolicy,
  checkTrustStoreCertificates,
  derToPem,
  generateTrustPolicy,
  loadCertificates,
  loadTimestampRoot,
  loadTrustStoreCertificates,
  parseTrustPolicy,
  uncoveredImages
} from "./chunk-UMDANMJZ.js";
import {
  parseReference
} from "./chunk-PSCXZPNR.js";
import "./chunk-FNOH2WXR.js";
import "./chunk-OIVOHELA.js";
import {
  InputError
} from "./chunk-NNQIOSTZ.js";
import "./chunk-NFKXVFBA.js";
import "./chunk-HANBNIMK.js";

// src/inputs/preflight.ts
var lines = (value) => value.split(/\r?\n/);
async function preflight(inputs, workspace, now = /* @__PURE__ */ new Date()) {
  const result = { trustPolicyWarnings: [], trustStoreWarnings: [] };
  if (inputs.commands.includes("sign")) refuseUnsupportedFlags(inputs.sign, inputs.notation.version);
  await checkBuildContext(inputs, workspace);
  const verifying = inputs.commands.includes("verify");
  if (verifying && inputs.verify.trustPolicy !== void 0) {
    const { document, warnings } = await parseTrustPolicy(inputs.verify.trustPolicy, { workspace });
    assertValidTrustPolicy(document);
    result.trustPolicy = canonicalTrustPolicy(document);
    result.trustPolicyWarnings = warnings;
    checkPolicyStores(inputs, result.trustPolicy);
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
  if (inputs.sign.timestampRootCert !== void 0) {
    result.timestampRootPem = await loadTimestampRoot(inputs.sign.timestampRootCert, workspace);
  }
  return result;
}
function checkPolicyStores(inputs, policy) {
  const signer = signerStore(inputs);
  const written = `${signer.type}:${signer.name}`;
  const hasTsaRoot = inputs.sign.timestampRootCert !== void 0;
  const namesTsa = policy.trustPolicies.some(
    (s) => s.trustStores?.some((ref) => ref.startsWith("tsa:"))
  );
  if (hasTsaRoot && !namesTsa && !inputs.commands.includes("sign")) {
    throw new InputError(
      "timestamp-root-cert",
      'is not used: the trust policy names no tsa trust store to hold it. Add one (e.g. "tsa:timestamps") to the statements whose timestamps notation should check.'
    );
  }
  for (const statement of policy.trustPolicies) {
    const stores = statement.trustStores ?? [];
    const tsa = stores.find((ref) => ref.startsWith("tsa:"));
    if (tsa !== void 0 && !hasTsaRoot) {
      throw new InputError(
        "timestamp-root-cert",
        `is required: trust policy statement "${statement.name}" uses trust store ${tsa}, which the action fills with the time-stamping authority's root certificate given as timestamp-root-cert.`
      );
    }
    const other = stores.find((ref) => ref !== written && !ref.startsWith("tsa:"));
    if (other !== void 0) {
      throw new InputError(
        "trust-store",
        `trust policy statement "${statement.name}" uses trust store ${other}, but the action writes only ${written} (and tsa stores from timestamp-root-cert); set trust-store to ${other} or name ${written} in the policy.`
      );
    }
    const timestamp = statement.signatureVerification.verifyTimestamp;
    if (timestamp !== void 0 && tsa === void 0 && statement.signatureVerification.level !== "skip") {
      throw new InputError(
        "trust-policy",
        `statement "${statement.name}" sets verifyTimestamp "${timestamp}" but names no tsa trust store, so notation would check no timestamp: add "tsa:${signer.name}" to its trustStores and give timestamp-root-cert.`
      );
    }
  }
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
export {
  preflight
};
