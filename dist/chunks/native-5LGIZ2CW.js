import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  MANIFEST_MEDIA_TYPES,
  MAX_MANIFEST_BYTES,
  RegistryClient,
  manifestMediaType
} from "./chunk-M3GKE2EA.js";
import {
  serverMessage
} from "./chunk-R2Z3XIEM.js";
import {
  distinct,
  mapLimitLogged
} from "./chunk-PN4ZWNLT.js";
import {
  challengeOptions
} from "./chunk-NSNY7JAD.js";
import "./chunk-AYBAOIC3.js";
import "./chunk-UMDANMJZ.js";
import "./chunk-PSCXZPNR.js";
import {
  SDK_CLIENT_OPTIONS
} from "./chunk-FNOH2WXR.js";
import "./chunk-OIVOHELA.js";
import {
  ActionError,
  errorMessage
} from "./chunk-NNQIOSTZ.js";
import {
  info
} from "./chunk-NFKXVFBA.js";
import "./chunk-HANBNIMK.js";

// src/native/keyvault-signer.ts
var KEY_VAULT_SIGN_TIMEOUT_MS = 6e4;
async function keyVaultSigner(keyId, credential, options = {}) {
  const timeoutMs = options.timeoutMs ?? KEY_VAULT_SIGN_TIMEOUT_MS;
  const { CryptographyClient } = await import("./esm-6TRVI7S6.js");
  const client = new CryptographyClient(keyId, credential, {
    ...challengeOptions(new URL(keyId).origin),
    ...SDK_CLIENT_OPTIONS,
    userAgentOptions: { userAgentPrefix: "notation-akv-action" }
  });
  let first;
  return async (algorithm, digest) => {
    const sign = async () => {
      const limit = AbortSignal.timeout(timeoutMs);
      try {
        const result = await client.sign(algorithm, digest, {
          abortSignal: options.signal ? AbortSignal.any([options.signal, limit]) : limit
        });
        return Buffer.from(result.result);
      } catch (error) {
        options.signal?.throwIfAborted();
        if (limit.aborted) {
          throw new ActionError(
            `Key Vault ${new URL(keyId).host} did not answer a sign with ${keyId} within the ${timeoutMs / 1e3} s limit.`,
            { cause: error }
          );
        }
        const status = error.statusCode;
        const grant = status === 401 || status === 403 ? " The identity needs 'keys sign' (role Key Vault Crypto User)." : "";
        throw new ActionError(
          `Key Vault refused to sign with ${keyId}: ${errorMessage(error)}${grant}`,
          { cause: error }
        );
      }
    };
    if (first === void 0) {
      const signed = sign();
      first = signed.catch(() => void 0);
      return signed;
    }
    await first;
    return sign();
  };
}

// src/native/sign.ts
import { X509Certificate as X509Certificate2 } from "node:crypto";

// src/native/envelope.ts
import { X509Certificate, createHash, verify as verifySignature, constants } from "node:crypto";

// src/native/cbor.ts
var CborMap = class {
  entries;
  constructor(entries) {
    this.entries = entries;
  }
};
var CborTag = class {
  tag;
  value;
  constructor(tag, value) {
    this.tag = tag;
    this.value = value;
  }
};
function head(major, argument) {
  const n = BigInt(argument);
  if (n < 0n) throw new Error("Bug: a negative CBOR argument.");
  if (n < 24n) return Buffer.from([major << 5 | Number(n)]);
  if (n < 0x100n) return Buffer.from([major << 5 | 24, Number(n)]);
  if (n < 0x10000n) {
    const b2 = Buffer.alloc(3);
    b2[0] = major << 5 | 25;
    b2.writeUInt16BE(Number(n), 1);
    return b2;
  }
  if (n < 0x100000000n) {
    const b2 = Buffer.alloc(5);
    b2[0] = major << 5 | 26;
    b2.writeUInt32BE(Number(n), 1);
    return b2;
  }
  const b = Buffer.alloc(9);
  b[0] = major << 5 | 27;
  b.writeBigUInt64BE(n, 1);
  return b;
}
function encodeCbor(value) {
  if (typeof value === "number" || typeof value === "bigint") {
    if (typeof value === "number" && !Number.isSafeInteger(value)) {
      throw new Error(`Bug: ${value} is not an integer CBOR can hold here.`);
    }
    const n = BigInt(value);
    return n >= 0n ? head(0, n) : head(1, -1n - n);
  }
  if (typeof value === "string") {
    const bytes = Buffer.from(value, "utf8");
    return Buffer.concat([head(3, bytes.length), bytes]);
  }
  if (value instanceof Uint8Array) return Buffer.concat([head(2, value.length), value]);
  if (Array.isArray(value)) return Buffer.concat([head(4, value.length), ...value.map(encodeCbor)]);
  if (value instanceof CborTag) return Buffer.concat([head(6, value.tag), encodeCbor(value.value)]);
  const encoded = value.entries.map(([k, v]) => [encodeCbor(k), encodeCbor(v)]).sort(([a], [b]) => Buffer.compare(a, b));
  for (let i = 1; i < encoded.length; i++) {
    if (encoded[i - 1][0].equals(encoded[i][0])) throw new Error("Bug: a repeated CBOR map key.");
  }
  return Buffer.concat([head(5, encoded.length), ...encoded.flat()]);
}

// src/native/go-json.ts
var GoMap = class {
  entries;
  constructor(entries) {
    this.entries = [...entries].sort(
      ([a], [b]) => Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"))
    );
  }
};
var HTML_UNSAFE = /[<>&\u2028\u2029]/g;
function goString(text) {
  return JSON.stringify(text).replace(
    HTML_UNSAFE,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`
  );
}
function goJson(value) {
  if (typeof value === "string") return goString(value);
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) throw new Error(`Bug: ${value} is not a safe integer.`);
    return String(value);
  }
  if (typeof value === "boolean" || value === null) return String(value);
  if (Array.isArray(value)) return `[${value.map(goJson).join(",")}]`;
  const entries = value instanceof GoMap ? value.entries : Object.entries(value);
  return `{${entries.map(([k, v]) => `${goString(k)}:${goJson(v)}`).join(",")}}`;
}
function goSorted(value) {
  if (Array.isArray(value)) return value.map(goSorted);
  if (value === null || typeof value !== "object") return value;
  const entries = value instanceof GoMap ? value.entries : Object.entries(value);
  return new GoMap(entries.map(([k, v]) => [k, goSorted(v)]));
}

// src/native/envelope.ts
var ENVELOPE_MEDIA_TYPE = {
  cose: "application/cose",
  jws: "application/jose+json"
};
var PAYLOAD_CONTENT_TYPE = "application/vnd.cncf.notary.payload.v1+json";
var SIGNING_SCHEME = "notary.x509";
var SIGNING_SCHEME_HEADER = "io.cncf.notary.signingScheme";
var SIGNING_TIME_HEADER = "io.cncf.notary.signingTime";
var EXPIRY_HEADER = "io.cncf.notary.expiry";
var SIGNING_AGENT_HEADER = "io.cncf.notary.signingAgent";
var ALGORITHMS = {
  PS256: { cose: -37, hash: "sha256", rsa: true },
  PS384: { cose: -38, hash: "sha384", rsa: true },
  PS512: { cose: -39, hash: "sha512", rsa: true },
  ES256: { cose: -7, hash: "sha256", rsa: false },
  ES384: { cose: -35, hash: "sha384", rsa: false },
  ES512: { cose: -36, hash: "sha512", rsa: false }
};
function algorithmFor(leaf) {
  const key = leaf.publicKey;
  const details = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType === "rsa") {
    const byBits = { 2048: "PS256", 3072: "PS384", 4096: "PS512" };
    const alg = byBits[details?.modulusLength ?? 0];
    if (alg) return alg;
    throw new Error(
      `The certificate's RSA key has ${details?.modulusLength ?? "an unknown number of"} bits; notation accepts RSA 2048, 3072 or 4096.`
    );
  }
  if (key.asymmetricKeyType === "ec") {
    const byCurve = {
      prime256v1: "ES256",
      secp384r1: "ES384",
      secp521r1: "ES512"
    };
    const alg = byCurve[details?.namedCurve ?? ""];
    if (alg) return alg;
    throw new Error(
      `The certificate's EC key is on curve ${details?.namedCurve ?? "unknown"}; notation accepts P-256, P-384 or P-521.`
    );
  }
  throw new Error(
    `The certificate's key is ${key.asymmetricKeyType ?? "of an unknown type"}; notation signs with RSA or EC keys.`
  );
}
var seconds = (time) => Math.floor(time.getTime() / 1e3);
function rfc3339(time) {
  return new Date(seconds(time) * 1e3).toISOString().replace(".000Z", "Z");
}
function descriptorJson(subject, userMetadata) {
  return {
    mediaType: subject.mediaType,
    digest: subject.digest,
    size: subject.size,
    ...userMetadata.length > 0 ? { annotations: new GoMap(userMetadata) } : {}
  };
}
function payloadBytes(format, subject, userMetadata) {
  const payload = { targetArtifact: descriptorJson(subject, userMetadata) };
  return Buffer.from(goJson(format === "jws" ? goSorted(payload) : payload), "utf8");
}
function criticalHeaders(expiry) {
  return expiry === void 0 ? [SIGNING_SCHEME_HEADER] : [SIGNING_SCHEME_HEADER, EXPIRY_HEADER];
}
function coseProtectedHeader(algorithm, signingTime, expiry) {
  const entries = [
    [1, ALGORITHMS[algorithm].cose],
    [2, criticalHeaders(expiry)],
    [3, PAYLOAD_CONTENT_TYPE],
    [SIGNING_SCHEME_HEADER, SIGNING_SCHEME],
    [SIGNING_TIME_HEADER, new CborTag(1, seconds(signingTime))]
  ];
  if (expiry !== void 0) entries.push([EXPIRY_HEADER, new CborTag(1, seconds(expiry))]);
  return encodeCbor(new CborMap(entries));
}
function jwsProtectedHeader(algorithm, signingTime, expiry) {
  const header = new GoMap([
    ["alg", algorithm],
    ["crit", criticalHeaders(expiry)],
    ["cty", PAYLOAD_CONTENT_TYPE],
    [SIGNING_SCHEME_HEADER, SIGNING_SCHEME],
    [SIGNING_TIME_HEADER, rfc3339(signingTime)],
    ...expiry === void 0 ? [] : [[EXPIRY_HEADER, rfc3339(expiry)]]
  ]);
  return Buffer.from(goJson(header), "utf8");
}
function coseToBeSigned(protectedHeader, payload) {
  return encodeCbor(["Signature1", protectedHeader, Buffer.alloc(0), payload]);
}
var b64url = (bytes) => bytes.toString("base64url");
function checkSignature(algorithm, leaf, signed, signature) {
  const { hash, rsa } = ALGORITHMS[algorithm];
  const ok = rsa ? verifySignature(
    hash,
    signed,
    {
      key: leaf.publicKey,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: constants.RSA_PSS_SALTLEN_DIGEST
    },
    signature
  ) : verifySignature(hash, signed, { key: leaf.publicKey, dsaEncoding: "ieee-p1363" }, signature);
  if (!ok) {
    throw new Error(
      `The ${algorithm} signature Key Vault returned does not verify with the certificate's public key: the key signed with is not the certificate's.`
    );
  }
}
async function buildEnvelope(request, signDigest) {
  const leafDer = request.chain[0];
  if (!leafDer) throw new Error("Bug: an empty certificate chain.");
  const leaf = new X509Certificate(leafDer);
  const algorithm = algorithmFor(leaf);
  const { hash } = ALGORITHMS[algorithm];
  const payload = payloadBytes(request.format, request.subject, request.userMetadata);
  const sign = async (signed) => {
    const signature2 = await signDigest(algorithm, createHash(hash).update(signed).digest());
    checkSignature(algorithm, leaf, signed, signature2);
    return signature2;
  };
  if (request.format === "cose") {
    const protectedHeader2 = coseProtectedHeader(algorithm, request.signingTime, request.expiry);
    const signature2 = await sign(coseToBeSigned(protectedHeader2, payload));
    const unprotected = new CborMap([
      [33, [...request.chain]],
      [SIGNING_AGENT_HEADER, request.signingAgent]
    ]);
    const bytes = encodeCbor(new CborTag(18, [protectedHeader2, unprotected, payload, signature2]));
    return { mediaType: ENVELOPE_MEDIA_TYPE.cose, bytes, payload, protectedHeader: protectedHeader2 };
  }
  const protectedHeader = jwsProtectedHeader(algorithm, request.signingTime, request.expiry);
  const signingInput = `${b64url(protectedHeader)}.${b64url(payload)}`;
  const signature = await sign(Buffer.from(signingInput, "ascii"));
  const envelope = {
    payload: b64url(payload),
    protected: b64url(protectedHeader),
    header: {
      x5c: request.chain.map((der) => der.toString("base64")),
      [SIGNING_AGENT_HEADER]: request.signingAgent
    },
    signature: b64url(signature)
  };
  return {
    mediaType: ENVELOPE_MEDIA_TYPE.jws,
    bytes: Buffer.from(JSON.stringify(envelope), "utf8"),
    payload,
    protectedHeader
  };
}

// src/native/manifest.ts
import { createHash as createHash2 } from "node:crypto";
var OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
var OCI_INDEX = "application/vnd.oci.image.index.v1+json";
var SIGNATURE_ARTIFACT_TYPE = "application/vnd.cncf.notary.signature";
var THUMBPRINT_ANNOTATION = "io.cncf.notary.x509chain.thumbprint#S256";
var CREATED_ANNOTATION = "org.opencontainers.image.created";
var SIGNATURE_CONFIG = Buffer.from("{}");
var sha256Digest = (bytes) => `sha256:${createHash2("sha256").update(bytes).digest("hex")}`;
function describeBytes(mediaType, bytes) {
  return { mediaType, digest: sha256Digest(bytes), size: bytes.length };
}
var descriptorJson2 = (d) => ({
  mediaType: d.mediaType,
  digest: d.digest,
  size: d.size
});
function signatureAnnotations(chain, signingTime) {
  const thumbprints = chain.map((der) => createHash2("sha256").update(der).digest("hex"));
  return new GoMap([
    [THUMBPRINT_ANNOTATION, goJson(thumbprints)],
    [CREATED_ANNOTATION, rfc3339(signingTime)]
  ]);
}
function signatureManifest(envelope, subject, annotations) {
  const manifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: descriptorJson2(describeBytes(SIGNATURE_ARTIFACT_TYPE, SIGNATURE_CONFIG)),
    layers: [descriptorJson2(envelope)],
    subject: descriptorJson2(subject),
    annotations
  };
  return Buffer.from(goJson(manifest), "utf8");
}
function indexEntry(manifest, annotations) {
  return {
    ...descriptorJson2(manifest),
    annotations,
    artifactType: SIGNATURE_ARTIFACT_TYPE
  };
}
function referrersTag(digest) {
  if (!/^sha256:[0-9a-f]{64}$/.test(digest)) {
    throw new Error(`The referrers tag schema has no tag for ${digest}: only sha256 subjects.`);
  }
  return digest.replace(":", "-");
}
function reencodeEntry(entry) {
  const out = {};
  const strings = (v) => typeof v === "object" && v !== null && !Array.isArray(v) && Object.values(v).every((s) => typeof s === "string");
  if (typeof entry["mediaType"] === "string") out["mediaType"] = entry["mediaType"];
  if (typeof entry["digest"] === "string") out["digest"] = entry["digest"];
  out["size"] = typeof entry["size"] === "number" ? entry["size"] : 0;
  if (Array.isArray(entry["urls"]) && entry["urls"].every((u) => typeof u === "string"))
    out["urls"] = entry["urls"];
  if (strings(entry["annotations"]))
    out["annotations"] = new GoMap(Object.entries(entry["annotations"]));
  if (typeof entry["data"] === "string") out["data"] = entry["data"];
  const platform = entry["platform"];
  if (typeof platform === "object" && platform !== null) {
    const p = platform;
    const field = {};
    for (const key of ["architecture", "os", "os.version"])
      if (typeof p[key] === "string") field[key] = p[key];
    if (Array.isArray(p["os.features"])) field["os.features"] = p["os.features"];
    if (typeof p["variant"] === "string") field["variant"] = p["variant"];
    out["platform"] = field;
  }
  if (typeof entry["artifactType"] === "string") out["artifactType"] = entry["artifactType"];
  return out;
}
function appendToIndex(existing, entry, entryDigest) {
  let manifests = [];
  if (existing !== void 0) {
    const parsed = JSON.parse(existing.toString("utf8"));
    if (!Array.isArray(parsed.manifests))
      throw new Error("the referrers tag index has no manifests list");
    manifests = parsed.manifests.filter(
      (m) => typeof m === "object" && m !== null
    );
  }
  if (manifests.some((m) => m["digest"] === entryDigest)) return void 0;
  const index = {
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: [...manifests.map(reencodeEntry), entry]
  };
  return Buffer.from(goJson(index), "utf8");
}

// src/native/push.ts
import { createHash as createHash3 } from "node:crypto";
function describe(response) {
  const message = serverMessage(response);
  return `HTTP ${response.status}${message ? `: ${message}` : ""}`;
}
var SignatureRegistry = class {
  client;
  repository;
  scope;
  configPushed;
  subjectQueues = /* @__PURE__ */ new Map();
  constructor(client, repository) {
    this.client = client;
    this.repository = repository;
    this.scope = `repository:${repository}:pull,push`;
  }
  request(method, path, headers = {}, body, maxBytes) {
    return this.client.request(method, path, this.scope, headers, maxBytes, body);
  }
  get where() {
    return `${this.client.registry}/${this.repository}`;
  }
  /**
   * The descriptor notation signs: the manifest's media type (Content-Type), digest and size. The
   * bytes are read and hashed: the digest is what they prove, not what a header says.
   */
  async describeManifest(digest) {
    const response = await this.request(
      "GET",
      `/v2/${this.repository}/manifests/${digest}`,
      { accept: MANIFEST_MEDIA_TYPES.join(", ") },
      void 0,
      MAX_MANIFEST_BYTES
    );
    if (response.status !== 200) {
      throw new ActionError(`Reading ${this.where}@${digest} failed: ${describe(response)}.`);
    }
    const algorithm = digest.startsWith("sha512:") ? "sha512" : "sha256";
    const hashed = `${algorithm}:${createHash3(algorithm).update(response.body).digest("hex")}`;
    if (hashed !== digest) {
      throw new ActionError(
        `${this.client.registry} served ${this.where}@${digest} as bytes that hash to ${hashed}; not signing.`
      );
    }
    const mediaType = manifestMediaType(response.headers.get("content-type"));
    if (!mediaType) {
      throw new ActionError(
        `${this.client.registry} served ${this.where}@${digest} without a Content-Type.`
      );
    }
    return { mediaType, digest, size: response.body.length };
  }
  async blobExists(digest) {
    const response = await this.request("HEAD", `/v2/${this.repository}/blobs/${digest}`);
    if (response.status === 200) return true;
    if (response.status === 404) return false;
    throw new ActionError(`Checking blob ${digest} in ${this.where} failed: ${describe(response)}.`);
  }
  /** POST to open an upload, PUT the bytes to the Location it names (on this registry only). */
  async pushBlob(bytes) {
    const digest = sha256Digest(bytes);
    const opened = await this.request("POST", `/v2/${this.repository}/blobs/uploads/`, {
      "content-length": "0"
    });
    const location = opened.headers.get("location");
    if (opened.status !== 202 || !location) {
      throw new ActionError(`Starting a blob upload to ${this.where} failed: ${describe(opened)}.`);
    }
    const target = new URL(location, `${this.client.origin}/v2/${this.repository}/blobs/uploads/`);
    if (target.origin !== this.client.origin) {
      throw new ActionError(
        `${this.client.registry} named an upload location on another host (${target.host}); not sending the signature there.`
      );
    }
    target.searchParams.set("digest", digest);
    const put = await this.request(
      "PUT",
      `${target.pathname}${target.search}`,
      { "content-type": "application/octet-stream" },
      bytes
    );
    if (put.status !== 201) {
      throw new ActionError(`Uploading blob ${digest} to ${this.where} failed: ${describe(put)}.`);
    }
    return digest;
  }
  /** The `{}` config, pushed once per repository per run when the registry lacks it. */
  ensureConfig() {
    this.configPushed ??= (async () => {
      const { digest } = describeBytes(SIGNATURE_ARTIFACT_TYPE, SIGNATURE_CONFIG);
      if (!await this.blobExists(digest)) await this.pushBlob(SIGNATURE_CONFIG);
    })().catch((error) => {
      this.configPushed = void 0;
      throw error;
    });
    return this.configPushed;
  }
  /** Whether the registry answers the referrers API (OCI distribution 1.1). */
  async hasReferrersApi(subject) {
    const response = await this.request(
      "GET",
      `/v2/${this.repository}/referrers/${subject}`,
      { accept: OCI_INDEX },
      void 0,
      MAX_MANIFEST_BYTES
    );
    if (response.status === 404) return false;
    const type = manifestMediaType(response.headers.get("content-type"));
    if (response.status === 200 && type === OCI_INDEX) return true;
    if (response.status === 200) return false;
    throw new ActionError(
      `Asking ${this.where} for the referrers of ${subject} failed: ${describe(response)}.`
    );
  }
  async readIndex(tag) {
    const response = await this.request(
      "GET",
      `/v2/${this.repository}/manifests/${tag}`,
      { accept: OCI_INDEX },
      void 0,
      MAX_MANIFEST_BYTES
    );
    if (response.status === 404) return void 0;
    if (response.status !== 200) {
      throw new ActionError(
        `Reading the referrers tag ${tag} of ${this.where} failed: ${describe(response)}.`
      );
    }
    const type = manifestMediaType(response.headers.get("content-type"));
    if (type !== OCI_INDEX) {
      throw new ActionError(
        `The referrers tag ${tag} of ${this.where} is a ${type ?? "manifest of no type"}, not an OCI image index; not replacing it.`
      );
    }
    return { bytes: response.body, digest: sha256Digest(response.body) };
  }
  /** Runs `work` after every earlier update of the same subject has ended. */
  serialized(subject, work) {
    const previous = this.subjectQueues.get(subject) ?? Promise.resolve();
    const next = previous.then(work, work);
    const tail = next.catch(() => void 0);
    this.subjectQueues.set(subject, tail);
    void tail.then(() => {
      if (this.subjectQueues.get(subject) === tail) this.subjectQueues.delete(subject);
    });
    return next;
  }
  async updateTagIndex(subject, manifest, annotations, warnings) {
    return this.serialized(subject, async () => {
      const tag = referrersTag(subject);
      const old = await this.readIndex(tag);
      const updated = appendToIndex(old?.bytes, indexEntry(manifest, annotations), manifest.digest);
      if (updated === void 0) return "tag-index-listed-already";
      const put = await this.request(
        "PUT",
        `/v2/${this.repository}/manifests/${tag}`,
        { "content-type": OCI_INDEX },
        updated
      );
      if (put.status !== 201) {
        throw new ActionError(
          `Writing the referrers tag ${tag} of ${this.where} failed: ${describe(put)}.`
        );
      }
      if (!old) return "tag-index-created";
      const removed = await this.request("DELETE", `/v2/${this.repository}/manifests/${old.digest}`);
      if (removed.status !== 202 && removed.status !== 404) {
        warnings.push(
          `The previous referrers index ${old.digest} of ${this.where} was not deleted (${describe(removed)}); it stays as an untagged manifest.`
        );
      }
      return "tag-index-updated";
    });
  }
  /**
   * Pushes one signature: envelope blob, config, manifest by digest, then the tag index when the
   * registry does not keep referrers itself (or always, with forceReferrersTag, as notation).
   */
  async push(options) {
    const warnings = [];
    const envelope = describeBytes(options.envelope.mediaType, options.envelope.bytes);
    await this.pushBlob(options.envelope.bytes);
    await this.ensureConfig();
    const bytes = options.manifest(envelope);
    const manifest = describeBytes(OCI_MANIFEST, bytes);
    const put = await this.request(
      "PUT",
      `/v2/${this.repository}/manifests/${manifest.digest}`,
      { "content-type": OCI_MANIFEST },
      bytes
    );
    if (put.status !== 201) {
      throw new ActionError(
        `Pushing the signature manifest to ${this.where} failed: ${describe(put)}.`
      );
    }
    const subject = options.subject.digest;
    if (!options.forceReferrersTag) {
      if (put.headers.get("oci-subject") === subject) {
        return { manifest, index: "referrers-api", warnings };
      }
      if (await this.hasReferrersApi(subject)) return { manifest, index: "referrers-api", warnings };
    }
    const index = await this.updateTagIndex(subject, manifest, options.annotations, warnings);
    return { manifest, index, warnings };
  }
};

// src/native/sign.ts
var SIGNING_AGENT = "notation-akv-action/native";
function expiryMs(expiry) {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?$/.exec(expiry);
  if (!m || m[1] === void 0 && m[2] === void 0) {
    throw new Error(`Bug: expiry '${expiry}' is not hours and minutes.`);
  }
  return (Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0)) * 6e4;
}
async function signImagesNative(images, options) {
  const chain = options.chain.map((pem) => Buffer.from(new X509Certificate2(pem).raw));
  const clients = /* @__PURE__ */ new Map();
  const repositories = /* @__PURE__ */ new Map();
  const repositoryFor = (image) => {
    const key = `${image.registry}/${image.repository}`;
    let repository = repositories.get(key);
    if (!repository) {
      let client = clients.get(image.registry);
      if (!client) {
        const credential = options.credentials.get(image.registry);
        client = new RegistryClient(image.registry, credential ? { credential } : {});
        clients.set(image.registry, client);
      }
      repository = new SignatureRegistry(client, image.repository);
      repositories.set(key, repository);
    }
    return repository;
  };
  const now = options.now ?? (() => /* @__PURE__ */ new Date());
  const { unique, repeats, expand } = distinct(images, (image) => image.reference);
  for (const { item, first } of repeats) {
    info(
      `'${item.input}' is the same image as '${first.input}' (${item.reference}): signed once, reported on both.`
    );
  }
  const settled = await mapLimitLogged(
    unique,
    options.maxConcurrency,
    (image) => `Sign ${image.reference}`,
    async (image, _index, log) => {
      const started = performance.now();
      const base = { input: image.input, reference: image.reference, digest: image.digest };
      try {
        const registry = repositoryFor(image);
        const subject = image.mediaType !== void 0 && image.size !== void 0 ? { mediaType: image.mediaType, digest: image.digest, size: image.size } : await registry.describeManifest(image.digest);
        const signingTime = new Date(Math.floor(now().getTime() / 1e3) * 1e3);
        const expiry = options.expiry === void 0 ? void 0 : new Date(signingTime.getTime() + expiryMs(options.expiry));
        const envelope = await buildEnvelope(
          {
            format: options.format,
            subject,
            userMetadata: options.userMetadata,
            signingTime,
            ...expiry ? { expiry } : {},
            chain,
            signingAgent: options.signingAgent ?? SIGNING_AGENT
          },
          options.signDigest
        );
        const annotations = signatureAnnotations(chain, signingTime);
        const pushed = await registry.push({
          envelope,
          subject,
          annotations,
          manifest: (layer) => signatureManifest(layer, subject, annotations),
          forceReferrersTag: options.forceReferrersTag
        });
        pushed.warnings.forEach((w) => log.warning(w));
        log.info(`Signature ${pushed.manifest.digest} (${envelope.mediaType}, ${pushed.index})`);
        return {
          ...base,
          signed: true,
          alreadySigned: false,
          signatureDigest: pushed.manifest.digest,
          signMs: Math.round(performance.now() - started)
        };
      } catch (error) {
        log.error(`Signing ${image.reference} failed: ${errorMessage(error)}`);
        return {
          ...base,
          signed: false,
          alreadySigned: false,
          error: errorMessage(error),
          signMs: Math.round(performance.now() - started)
        };
      }
    }
  );
  const results = settled.map(
    (s, i) => s.status === "fulfilled" ? s.value : {
      input: unique[i].input,
      reference: unique[i].reference,
      digest: unique[i].digest,
      signed: false,
      alreadySigned: false,
      error: errorMessage(s.reason)
    }
  );
  return expand(results).map((result, i) => ({ ...result, input: images[i].input }));
}

// src/native/index.ts
async function signNative(images, options) {
  const known = options.alreadySigned ? await options.alreadySigned(images) : /* @__PURE__ */ new Map();
  const toSign = images.filter((image) => !known.has(image.reference));
  const signed = toSign.length === 0 ? [] : await signWithKeyVault(toSign, options);
  return images.map((image) => {
    const found = known.get(image.reference);
    const base = { input: image.input, reference: image.reference, digest: image.digest };
    if (found === void 0) return signed[toSign.indexOf(image)];
    return "error" in found ? { ...base, signed: false, alreadySigned: false, error: found.error } : { ...base, signed: false, alreadySigned: true, signatureDigest: found.signatureDigest };
  });
}
async function signWithKeyVault(images, options) {
  const signDigest = await keyVaultSigner(options.certificate.keyId, options.credential, {
    ...options.signal ? { signal: options.signal } : {}
  });
  return signImagesNative(images, {
    format: options.format,
    userMetadata: options.userMetadata,
    ...options.expiry === void 0 ? {} : { expiry: options.expiry },
    forceReferrersTag: options.forceReferrersTag,
    maxConcurrency: options.maxConcurrency,
    chain: options.certificate.chain,
    signDigest,
    credentials: options.credentials
  });
}
export {
  signNative
};
