import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  describeRequestError,
  networkCause
} from "./chunk-AYBAOIC3.js";
import {
  certificateSubject,
  checkNotaryDN,
  derToPem,
  isSelfSigned,
  pemBlocks,
  thumbprint
} from "./chunk-UMDANMJZ.js";
import {
  isLoopbackHost
} from "./chunk-PSCXZPNR.js";
import {
  SDK_CLIENT_OPTIONS
} from "./chunk-FNOH2WXR.js";
import {
  ActionError,
  InputError,
  errorMessage
} from "./chunk-NNQIOSTZ.js";
import {
  info,
  warning
} from "./chunk-NFKXVFBA.js";

// src/azure/keyvault.ts
import { X509Certificate } from "node:crypto";
var CODE_SIGNING_EKU = "1.3.6.1.5.5.7.3.3";
var KNOWN_VAULT_SUFFIXES = [
  ".vault.azure.net",
  ".vault.azure.cn",
  ".vault.usgovcloudapi.net",
  ".managedhsm.azure.net",
  ".managedhsm.azure.cn",
  ".managedhsm.usgovcloudapi.net"
];
var PERMISSION = {
  get: "'certificates get' (role Key Vault Certificate User)",
  list: "'certificates list' (role Key Vault Certificate User)",
  create: "'certificates create' (role Key Vault Certificates Officer)",
  secret: "'secrets get' (role Key Vault Secrets User), or give ca-certs"
};
function parseKeyId(keyId) {
  let url;
  try {
    url = new URL(keyId);
  } catch {
    throw new InputError(
      "key-id",
      `'${keyId}' is not a URL like https://myvault.vault.azure.net/keys/name/version.`
    );
  }
  const m = /^\/keys\/([0-9a-zA-Z-]{1,127})(?:\/([0-9a-fA-F]{32}))?\/?$/.exec(url.pathname);
  if (url.protocol !== "https:" || !m?.[1] || url.search !== "") {
    throw new InputError(
      "key-id",
      `'${keyId}' must look like https://myvault.vault.azure.net/keys/<name>[/<version>].`
    );
  }
  return { vaultUrl: url.origin, name: m[1], ...m[2] ? { version: m[2] } : {} };
}
function isKnownVaultHost(hostname) {
  return KNOWN_VAULT_SUFFIXES.some(
    (suffix) => hostname.endsWith(suffix) && /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/.test(hostname.slice(0, -suffix.length))
  );
}
function checkVaultHost(url, input) {
  if (isKnownVaultHost(url.hostname) || isLoopbackHost(url.hostname)) return;
  throw new InputError(
    input,
    `'${url.host}' is not a Key Vault or Managed HSM host of a known cloud (<name>${KNOWN_VAULT_SUFFIXES.join(", <name>")}); the Azure token is sent only there.`
  );
}
function challengeOptions(vaultUrl) {
  const url = new URL(vaultUrl);
  checkVaultHost(url, "key-vault");
  return { disableChallengeResourceVerification: isLoopbackHost(url.hostname) };
}
function vaultKeyId(kid, vaultUrl, name, version) {
  let url;
  try {
    url = new URL(kid);
  } catch {
    url = void 0;
  }
  const vault = new URL(vaultUrl).origin;
  const m = url && /^\/keys\/([0-9a-zA-Z-]{1,127})\/([0-9a-fA-F]{32})$/.exec(url.pathname);
  const sameVault = url?.origin === vault && url.username === "" && url.password === "";
  if (!url || !sameVault || !m || m[1]?.toLowerCase() !== name.toLowerCase() || version !== void 0 && m[2]?.toLowerCase() !== version.toLowerCase() || url.search || url.hash) {
    const where = url && url.origin !== vault && url.origin !== "null" ? ` (a key of ${url.origin})` : "";
    throw new ActionError(
      `Key Vault ${vaultUrl} answered certificate '${name}' with a key ID that is not ${vault}/keys/${name}/${version ?? "<version>"}${where}; not signing with it.`
    );
  }
  return `${vault}/keys/${m[1]}/${m[2]}`;
}
function keyVaultError(error, vaultUrl, what, permission) {
  const e = error;
  const mismatch = /The challenge resource '([^']*)' does not match the requested domain/.exec(
    errorMessage(error)
  );
  if (mismatch) {
    return new ActionError(
      `Key Vault ${vaultUrl} asked for a token for '${mismatch[1]}', which is not Key Vault's: refused, no token was sent. Check that key-vault / key-id name your vault.`,
      { cause: error }
    );
  }
  if (e.statusCode === 401 || e.statusCode === 403) {
    return new ActionError(
      `Key Vault ${vaultUrl} refused to ${what}: ${e.message} The identity needs ${permission}.`,
      { cause: error }
    );
  }
  if (e.statusCode === 404) {
    return new ActionError(
      `Key Vault ${vaultUrl} has no ${what.replace(/^(read|get) /, "")}: ${e.message}`,
      { cause: error }
    );
  }
  if (!(error instanceof ActionError) && networkCause(error)) {
    return new ActionError(
      `Key Vault ${vaultUrl}: could not ${what}: ${describeRequestError(error, vaultUrl)}`,
      { cause: error }
    );
  }
  return new ActionError(`Key Vault ${vaultUrl}: could not ${what}: ${errorMessage(error)}`, {
    cause: error
  });
}
function certificatePolicy(policy, subject) {
  return {
    issuerName: "Self",
    subject,
    keyType: policy.keyType,
    ...policy.keyType === "RSA" ? { keySize: policy.keySize } : { keyCurveName: policy.keyCurve },
    exportable: false,
    reuseKey: true,
    enhancedKeyUsage: [CODE_SIGNING_EKU],
    keyUsage: ["digitalSignature"],
    validityInMonths: policy.validityMonths,
    contentType: "application/x-pem-file"
  };
}
function policyDifferences(existing, wanted) {
  if (!existing) return [];
  const diffs = [];
  const same = (a, b) => a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
  if (existing.subject && wanted.subject && !same(checkNotaryDN(existing.subject).attributes, checkNotaryDN(wanted.subject).attributes)) {
    diffs.push(`subject is '${existing.subject}', inputs ask for '${wanted.subject}'`);
  }
  if (existing.keyType && !existing.keyType.startsWith(wanted.keyType ?? ""))
    diffs.push(`key type is ${existing.keyType}, inputs ask for ${wanted.keyType}`);
  if (wanted.keySize && existing.keySize && existing.keySize !== wanted.keySize)
    diffs.push(`key size is ${existing.keySize}, inputs ask for ${wanted.keySize}`);
  if (wanted.keyCurveName && existing.keyCurveName && existing.keyCurveName !== wanted.keyCurveName) {
    diffs.push(`key curve is ${existing.keyCurveName}, inputs ask for ${wanted.keyCurveName}`);
  }
  if (existing.validityInMonths && existing.validityInMonths !== wanted.validityInMonths) {
    diffs.push(
      `validity is ${existing.validityInMonths} months, inputs ask for ${wanted.validityInMonths}`
    );
  }
  if (!(existing.enhancedKeyUsage ?? []).includes(CODE_SIGNING_EKU))
    diffs.push("it lacks the code-signing EKU");
  const fixed = (field, has, creates) => {
    if (has !== void 0 && creates !== void 0 && String(has) !== String(creates))
      diffs.push(`${field} is ${String(has)}, the action creates ${String(creates)}`);
  };
  fixed("issuer", existing.issuerName, wanted.issuerName);
  fixed("exportable", existing.exportable, wanted.exportable);
  fixed("reuseKey", existing.reuseKey, wanted.reuseKey);
  fixed(
    "key usage",
    existing.keyUsage && [...existing.keyUsage].sort().join(", "),
    wanted.keyUsage && [...wanted.keyUsage].sort().join(", ")
  );
  fixed("content type", existing.contentType, wanted.contentType);
  return diffs;
}
var KeyVaultCertificates = class _KeyVaultCertificates {
  client;
  vaultUrl;
  credential;
  constructor(client, vaultUrl, credential) {
    this.client = client;
    this.vaultUrl = vaultUrl;
    this.credential = credential;
  }
  static async connect(vaultUrl, credential) {
    const { CertificateClient } = await import("./esm-SU4A3LD4.js");
    const client = new CertificateClient(vaultUrl, credential, {
      ...challengeOptions(vaultUrl),
      ...SDK_CLIENT_OPTIONS,
      userAgentOptions: { userAgentPrefix: "notation-akv-action" }
    });
    return new _KeyVaultCertificates(client, vaultUrl, credential);
  }
  async latestEnabledVersion(name) {
    const versions = [];
    try {
      for await (const p of this.client.listPropertiesOfCertificateVersions(name)) {
        if (p.enabled !== false && p.version)
          versions.push({ version: p.version, created: p.createdOn?.getTime() ?? 0 });
      }
    } catch (error) {
      throw keyVaultError(
        error,
        this.vaultUrl,
        `list versions of certificate '${name}'`,
        PERMISSION["list"] ?? ""
      );
    }
    const newest = versions.sort((a, b) => b.created - a.created)[0];
    if (!newest)
      throw new ActionError(
        `Every version of certificate '${name}' in ${this.vaultUrl} is disabled.`
      );
    return newest.version;
  }
  /** The latest certificate, creating it first when asked to and it does not exist. */
  async getOrCreate(name, inputs) {
    let wanted;
    if (inputs.createCertificate) {
      const subject = inputs.policy.subject;
      if (!subject)
        throw new InputError("certificate-subject", "is required with create-certificate: true.");
      wanted = certificatePolicy(inputs.policy, subject);
    }
    try {
      const existing = await this.client.getCertificate(name);
      if (wanted) {
        const diffs = policyDifferences(existing.policy, wanted);
        if (diffs.length > 0) {
          warning(
            `Certificate '${name}' exists with another policy (${diffs.join("; ")}). It is used as it is; no new version was created.`
          );
        } else {
          info(`Certificate '${name}' exists; reusing it.`);
        }
      }
      return existing;
    } catch (error) {
      if (error.statusCode !== 404 || !wanted) {
        throw keyVaultError(
          error,
          this.vaultUrl,
          `read certificate '${name}'`,
          PERMISSION["get"] ?? ""
        );
      }
    }
    info(`Creating self-signed certificate '${name}' (${wanted.subject}) in ${this.vaultUrl}`);
    try {
      const poller = await this.client.beginCreateCertificate(name, wanted, { intervalInMs: 1e3 });
      return await poller.pollUntilDone();
    } catch (error) {
      throw keyVaultError(
        error,
        this.vaultUrl,
        `create certificate '${name}'`,
        PERMISSION["create"] ?? ""
      );
    }
  }
  async getVersion(name, version) {
    try {
      return await this.client.getCertificateVersion(name, version);
    } catch (error) {
      throw keyVaultError(
        error,
        this.vaultUrl,
        `read certificate '${name}' version ${version}`,
        PERMISSION["get"] ?? ""
      );
    }
  }
  async chainFromSecret(name, version) {
    const { SecretClient } = await import("./esm-5EGOTX7P.js");
    const secrets = new SecretClient(this.vaultUrl, this.credential, {
      ...challengeOptions(this.vaultUrl),
      ...SDK_CLIENT_OPTIONS
    });
    let value;
    let contentType;
    try {
      const secret = await secrets.getSecret(name, version ? { version } : {});
      value = secret.value;
      contentType = secret.properties.contentType;
    } catch (error) {
      throw keyVaultError(
        error,
        this.vaultUrl,
        `read the chain of certificate '${name}'`,
        PERMISSION["secret"] ?? ""
      );
    }
    const blocks = contentType === "application/x-pem-file" && value ? pemBlocks(value) : [];
    if (blocks.length === 0) {
      throw new ActionError(
        `Certificate '${name}' is CA-issued and its chain in Key Vault is not PEM (${contentType ?? "unknown"}); give ca-certs with the chain.`
      );
    }
    return blocks;
  }
  /** Resolves the certificate to sign with and checks it can sign now. */
  async resolve(inputs, options) {
    let name;
    let version;
    if (inputs.keyId) {
      const parts = parseKeyId(inputs.keyId);
      name = parts.name;
      version = parts.version;
    } else if (inputs.certificate) {
      name = inputs.certificate;
      version = inputs.certificateVersion;
    } else {
      throw new InputError("certificate", "or key-id is required to sign or verify with Key Vault.");
    }
    let certificate = version ? await this.getVersion(name, version) : await this.getOrCreate(name, inputs);
    if (certificate.properties.enabled === false) {
      if (version)
        throw new ActionError(
          `Certificate '${name}' version ${version} is disabled in ${this.vaultUrl}.`
        );
      const enabled = await this.latestEnabledVersion(name);
      warning(
        `The latest version of certificate '${name}' is disabled; using version ${enabled}.`
      );
      certificate = await this.getVersion(name, enabled);
    }
    if (!certificate.cer || !certificate.keyId) {
      throw new ActionError(
        `Certificate '${name}' in ${this.vaultUrl} has no issued certificate yet (pending or failed).`
      );
    }
    const leaf = new X509Certificate(certificate.cer);
    const now = options.now ?? /* @__PURE__ */ new Date();
    const notBefore = new Date(leaf.validFrom);
    const notAfter = new Date(leaf.validTo);
    if (now < notBefore)
      throw new ActionError(`Certificate '${name}' is not valid before ${notBefore.toISOString()}.`);
    if (now > notAfter)
      throw new ActionError(
        `Certificate '${name}' expired on ${notAfter.toISOString()}; renew it in Key Vault.`
      );
    const selfSigned = isSelfSigned(leaf);
    const leafPem = derToPem(certificate.cer);
    let chain = [leafPem];
    if (!selfSigned) {
      const rest = options.caChain ?? (await this.chainFromSecret(name, certificate.properties.version)).slice(1);
      chain = [leafPem, ...rest];
    }
    const keyId = inputs.keyId ?? vaultKeyId(certificate.keyId, this.vaultUrl, name, certificate.properties.version);
    return {
      vaultUrl: this.vaultUrl,
      name,
      ...certificate.properties.version ? { version: certificate.properties.version } : {},
      keyId,
      subject: certificateSubject(leaf),
      notBefore,
      notAfter,
      chain,
      selfSigned,
      thumbprint: thumbprint(leaf)
    };
  }
};
async function resolveSigningCertificate(inputs, options) {
  const vaultUrl = inputs.keyId ? parseKeyId(inputs.keyId).vaultUrl : inputs.vaultUrl;
  if (!vaultUrl) throw new InputError("key-vault", "is required to sign or verify with Key Vault.");
  if (inputs.keyId && inputs.vaultUrl && parseKeyId(inputs.keyId).vaultUrl !== inputs.vaultUrl) {
    throw new InputError(
      "key-id",
      `belongs to ${parseKeyId(inputs.keyId).vaultUrl}, not to key-vault ${inputs.vaultUrl}.`
    );
  }
  if (inputs.keyId && inputs.certificate) {
    throw new InputError("key-id", "and certificate are alternatives; give one.");
  }
  const vault = await KeyVaultCertificates.connect(vaultUrl, options.credential);
  return vault.resolve(inputs, options);
}

export {
  parseKeyId,
  checkVaultHost,
  challengeOptions,
  vaultKeyId,
  certificatePolicy,
  policyDifferences,
  KeyVaultCertificates,
  resolveSigningCertificate
};
