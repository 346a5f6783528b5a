import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  parseAuthorityInput,
  resolveAuthority
} from "./chunk-OVE4PIEO.js";
import {
  checkVaultHost,
  parseKeyId
} from "./chunk-NSNY7JAD.js";
import {
  DEFAULT_STATEMENT_NAME,
  LEVELS,
  TRUST_STORE_TYPES,
  checkNotaryDN,
  generateTrustPolicy,
  validateTrustPolicy
} from "./chunk-UMDANMJZ.js";
import {
  parseReference,
  parseRegistryHost,
  sameRegistry
} from "./chunk-PSCXZPNR.js";
import {
  withoutCredentials
} from "./chunk-OIVOHELA.js";
import {
  InputError
} from "./chunk-NNQIOSTZ.js";
import {
  getInput,
  setSecret
} from "./chunk-NFKXVFBA.js";

// src/install/releases.ts
var NOTATION_CHECKSUMS = {
  "1.3.2": {
    linux_amd64: "e1a0f060308086bf8020b2d31defb7c5348f133ca0dba6a1a7820ef3cbb6dfe5",
    linux_arm64: "34143c7b816a50104824278080a5cf12bbf855488e003f62e6acf27ed25c423c",
    darwin_amd64: "72fade2ccb0765e2ff26b53c9ca663dd33dc4f2020b2b8493e703a9ccf6174a2",
    darwin_arm64: "054bf6e9fb2619390dab9c74e5d6c511bde7609f3a060ee512c6aead2440c214",
    windows_amd64: "014f25a530eee17520c8e1eb7380e4bd02ff6fc04479a07a890954e3b7ddfdc7"
  },
  "1.3.1": {
    linux_amd64: "f4d34390f4ba94324eb2344a25eb039e830d60f526d4c380576d578ed2636b12",
    linux_arm64: "e977074e9f769e27f144cc9737095a6e0943754868d7f89cae956be7e0df262f",
    darwin_amd64: "64bc3f07ec41f48cb65c90849c960ffc8a9d8923b74c45469703c19ce22b18e5",
    darwin_arm64: "8b89e2d318b5db1cbbbc846145ad7cdc7c725a321bec58876e6a50db8f262e29",
    windows_amd64: "ee04c9d9dfce9885e0a9966e1e2203c2c8ab5329113a72e3679b507b8ecec982"
  },
  "1.3.0": {
    linux_amd64: "6de64e5d0d637d2f0b743c577bd70b8c6654b43863c29ab4aea99dd72f3ccdc1",
    linux_arm64: "e9de6db6ec46a552ca02b4cabb60f3820d321864646ab90c231953d1ae40bc29",
    darwin_amd64: "2a82b1ffa980c1b6dc59068c37932137198c4b8f5c77d427aaac7eeb33ff0a88",
    darwin_arm64: "97bcc5ed8483f0c13eb2619069fef51feebd12a0d081a76066476a0280b8f10a",
    windows_amd64: "ff8f18a8a12850a2d165dd035d56e2817b3016162cb479ab351561b5bb940767"
  },
  "1.2.0": {
    linux_amd64: "f781f0652adc633798fc1e1db12732d0b53e34d87d4bd2752c72b6bbed967bac",
    linux_arm64: "b5c6569630289a491149862d584b001c254707ea908c843843535d478061da3c",
    darwin_amd64: "91c7a157aea38a5a628ec1a2094d7b2ad9f75e6a9e22b9dce095a06a70bb6d76",
    darwin_arm64: "992628c821fa0461fa0d70e611a5fb25435ce974f0578095e94412bbd935a24a",
    windows_amd64: "43e8d3ddc5b1d9a4a1992615fc7d4f2dabd03e77654d46c76c30e4650a2230a5"
  },
  "1.1.1": {
    linux_amd64: "de5f9845505b38fd30c2b1f4c2172ae517e3eba3e9836647f14525daa0f930c1",
    linux_arm64: "f035db321a112887dac1c2e7e9d0f60afa2e332174ab956ea6a901fc5488a218",
    darwin_amd64: "b336e7a13612b1aa52b5a682247a2742f0683f7adb7811a5ae35e75d04bf8e87",
    darwin_arm64: "e7a68e56736a9b435707326c61331e4402b90bb83154bee4ce6bf619efade28f",
    windows_amd64: "bf4e928f43409b8b2ce640dc284f847b6de4e02c53f60b3171298bc28b296258"
  },
  "1.1.0": {
    linux_amd64: "0e31e156edff6cc324405cda391d7144b0b99c265a7bdfa6644f457e530fe6d4",
    linux_arm64: "8c01a8f52356b15ce2c69be4cea193c56d092f913482d2e4a4d90ad6ec81fe64",
    darwin_amd64: "a190962ca09a24d814916e26c8f98d01c1891fd0bae6192355675b8b16e38726",
    darwin_arm64: "295df24d247f4b276bd1ee04ae5f639b8feadebd68c01be1821c0b94cbd5cf75",
    windows_amd64: "397b5ccc27d8f890f955f1e91f8fb21e4c23995ec8f5a42257e72a14728bd4d5"
  }
};
var PLUGIN_CHECKSUMS = {
  "1.2.1": {
    linux_amd64: "67c5ccaaf28dd44d2b6572684d84e344a02c2258af1d65ead3910b3156d3eaf5",
    linux_arm64: "77bbdfb785e22f8b1cae46392200a453a428009c4450a8dc86e10551cc06f28e",
    darwin_amd64: "4c360d362a9448b46f98046257d5b270b2c5b1beb04c14263e59cead898902c9",
    darwin_arm64: "bf6e07fdf309c194c99870c8a2a326fa14f9f7572fcf61948d1fcb3249ab3285",
    windows_amd64: "416eb490a83e8371407cbff1abe0588c84b8cdd34372f936cb1f913b7d0da8c1"
  },
  "1.2.0": {
    linux_amd64: "06bb5198af31ce11b08c4557ae4c2cbfb09878dfa6b637b7407ebc2d57b87b34",
    linux_arm64: "49520105bdb707a7bd3a519c55cc1541fbb336ab45b665c9cb2f84593f20ff29",
    darwin_amd64: "4b5a3480fc1d6844a69f7d9483530e9be24a74441fd571ccd5eec9f6a5337eed",
    darwin_arm64: "2bcfc0ee3ad1cbb1854110e3f02b89d46c14feb5736de37cd237b9668f378f2f",
    windows_amd64: "4478b4a323363e264924349bf7007d4201621024b0f9252e0cfde42c0938c667"
  }
};
var DEFAULT_NOTATION_VERSION = "1.3.2";
var DEFAULT_PLUGIN_VERSION = "1.2.1";
function tableFor(tool) {
  return tool === "notation" ? NOTATION_CHECKSUMS : PLUGIN_CHECKSUMS;
}
function pinnedVersions(tool) {
  return Object.keys(tableFor(tool));
}
function isPinned(tool, version) {
  return Object.hasOwn(tableFor(tool), version);
}
function pinnedChecksum(tool, version, platform) {
  const key = `${platform.os}_${platform.arch}`;
  return tableFor(tool)[version]?.[key];
}
function archiveExtension(platform) {
  return platform.os === "windows" ? "zip" : "tar.gz";
}
function releaseUrl(tool, version, platform) {
  const ext = archiveExtension(platform);
  const suffix = `${version}_${platform.os}_${platform.arch}.${ext}`;
  return tool === "notation" ? `https://github.com/notaryproject/notation/releases/download/v${version}/notation_${suffix}` : `https://github.com/Azure/notation-azure-kv/releases/download/v${version}/notation-azure-kv_${suffix}`;
}
function binaryName(tool, platform) {
  const base = tool === "notation" ? "notation" : "notation-azure-kv";
  return platform.os === "windows" ? `${base}.exe` : base;
}

// src/azure/options.ts
var CREDENTIALS = ["auto", "oidc", "environment", "cli", "managed-identity"];

// src/inputs/inputs.ts
var COMMANDS = ["setup", "build", "sign", "verify"];
var DEFAULTS = {
  command: "sign verify",
  "notation-version": DEFAULT_NOTATION_VERSION,
  "plugin-version": DEFAULT_PLUGIN_VERSION,
  "azure-credential": "auto",
  "create-certificate": "false",
  "certificate-validity-months": "12",
  "key-type": "RSA",
  "key-size": "2048",
  "key-curve": "P-256",
  signer: "notation",
  "signature-format": "cose",
  "force-referrers-tag": "true",
  "skip-if-signed": "false",
  "max-concurrency": "4",
  "trust-policy-name": DEFAULT_STATEMENT_NAME,
  "verification-level": "strict",
  dockerfile: "Dockerfile",
  platform: "linux/amd64",
  // build.ts's DEFAULT_RUN_TIMEOUT_SECONDS (a test keeps them equal; build.ts is not imported here).
  "build-timeout": "3600",
  cleanup: "true"
};
var MAX_INPUT_LENGTH = 1024 * 1024;
var MULTILINE = /* @__PURE__ */ new Set([
  "images",
  "acr-registries",
  "user-metadata",
  "plugin-config",
  "ca-certs",
  "timestamp-root-cert",
  "trust-policy",
  "registry-scopes",
  "trusted-identities",
  "trust-store-certificates",
  "verify-user-metadata",
  "build-args",
  "build-secret-args"
]);
var CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
var CONTROL_MULTILINE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
function controlCharacterProblem(name, value) {
  const multiline = MULTILINE.has(name);
  const match = (multiline ? CONTROL_MULTILINE : CONTROL).exec(value);
  if (!match) return void 0;
  const code = `U+${(match[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
  const line = value.slice(0, match.index).split("\n").length;
  return multiline ? `holds a control character (${code}) on line ${line}; only printable text, tabs and line breaks are allowed.` : `holds a control character (${code}) at character ${match.index + 1}; it takes one line of printable text.`;
}
function envReader(name) {
  return getInput(name);
}
var InputReader = class {
  read;
  constructor(read) {
    this.read = read;
  }
  /** The trimmed value, or the default when empty. */
  string(name) {
    const raw = this.read(name);
    if (raw.length > MAX_INPUT_LENGTH) {
      throw new InputError(
        name,
        `is ${raw.length} characters long; at most ${MAX_INPUT_LENGTH} are allowed.`
      );
    }
    const value = raw.trim();
    const problem = controlCharacterProblem(name, value);
    if (problem !== void 0) throw new InputError(name, problem);
    const fallback = DEFAULTS[name] ?? "";
    return value === "" ? fallback : value;
  }
  optional(name) {
    const value = this.string(name);
    return value === "" ? void 0 : value;
  }
  /**
   * The value when it differs from the declared default, else undefined: for inputs whose mere
   * presence changes what the step does (or is refused with another input). Given explicitly, the
   * default counts as not given, as the runner passes it for an input left out.
   */
  given(name) {
    const value = this.optional(name);
    return value === DEFAULTS[name] ? void 0 : value;
  }
  /** Non-empty lines, trimmed; lines starting with # are comments. */
  lines(name) {
    return this.string(name).split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== "" && !line.startsWith("#"));
  }
  boolean(name) {
    const value = this.string(name);
    if (/^(true|True|TRUE)$/.test(value)) return true;
    if (/^(false|False|FALSE)$/.test(value)) return false;
    throw new InputError(name, `'${value}' is not a boolean; use true or false.`);
  }
  oneOf(name, allowed) {
    const value = this.string(name);
    const match = allowed.find((a) => a.toLowerCase() === value.toLowerCase());
    if (match === void 0) {
      throw new InputError(name, `'${value}' is not allowed; use one of: ${allowed.join(", ")}.`);
    }
    return match;
  }
  integer(name, min, max) {
    const value = this.optional(name);
    if (value === void 0) return void 0;
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      throw new InputError(name, `'${value}' is not a whole number from ${min} to ${max}.`);
    }
    return Number(value);
  }
  /** A positive number of minutes (decimals allowed, like a job's timeout-minutes), at most `max`. */
  minutes(name, max) {
    const value = this.optional(name);
    if (value === void 0) return void 0;
    if (!/^\d+(\.\d+)?$/.test(value) || Number(value) <= 0 || Number(value) > max) {
      throw new InputError(
        name,
        `'${value}' is not a number of minutes above 0 and at most ${max} (e.g. 10 or 2.5).`
      );
    }
    return Number(value);
  }
  /**
   * One `key=value` pair per line. `allowEmpty` is for inputs whose consumer accepts `key=`
   * (build arguments); notation's flag parser refuses an empty value, so its inputs are checked now
   * rather than after the download and the sign-in.
   */
  keyValues(name, validateKey = () => void 0, { allowEmpty = false } = {}) {
    const pairs = [];
    const seen = /* @__PURE__ */ new Set();
    for (const line of this.lines(name)) {
      const eq = line.indexOf("=");
      if (eq <= 0) {
        throw new InputError(name, `'${line}' is not key=value (one pair per line).`);
      }
      const key = line.slice(0, eq).trim();
      const value = line.slice(eq + 1).trim();
      if (!/^[A-Za-z0-9][A-Za-z0-9_.\-/]*$/.test(key)) {
        throw new InputError(
          name,
          `key '${key}' must start with a letter or digit and hold only letters, digits and _ . - /.`
        );
      }
      const problem = validateKey(key);
      if (problem !== void 0) throw new InputError(name, problem);
      if (seen.has(key)) throw new InputError(name, `key '${key}' is given twice.`);
      if (value === "" && !allowEmpty) {
        throw new InputError(
          name,
          `the value of '${key}' is empty; notation refuses 'key=' (give a value, or leave the line out).`
        );
      }
      if (/[\u0000-\u001f\u007f]/.test(value)) {
        throw new InputError(name, `the value of '${key}' holds control characters.`);
      }
      seen.add(key);
      pairs.push({ key, value });
    }
    return pairs;
  }
};
function parseCommands(value) {
  const words = value.split(/[\s,]+/).map((w) => w.trim().toLowerCase()).filter((w) => w !== "");
  if (words.length === 0) {
    throw new InputError("command", `is empty; use any of: ${COMMANDS.join(", ")}.`);
  }
  const chosen = /* @__PURE__ */ new Set();
  for (const word of words) {
    if (!COMMANDS.includes(word)) {
      throw new InputError(
        "command",
        `'${word}' is not a command; use any of: ${COMMANDS.join(", ")}.`
      );
    }
    if (chosen.has(word)) {
      throw new InputError("command", `'${word}' is given twice.`);
    }
    chosen.add(word);
  }
  return COMMANDS.filter((c) => chosen.has(c));
}
var SHA256 = /^[0-9a-f]{64}$/;
function toolSource(reader, tool, names, fallback) {
  const version = (reader.optional(names.version) ?? fallback).replace(/^v/, "");
  const url = reader.optional(names.url);
  const checksum = reader.optional(names.checksum)?.toLowerCase();
  if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version)) {
    throw new InputError(names.version, `'${version}' is not a version like ${fallback}.`);
  }
  if (url === void 0) {
    if (checksum !== void 0) {
      throw new InputError(
        names.checksum,
        `is only used with ${names.url}; pinned releases are checked against the action's own table.`
      );
    }
    if (!isPinned(tool, version)) {
      throw new InputError(
        names.version,
        `${version} is not in the action's pinned checksum table (${pinnedVersions(tool).join(", ")}); choose one of those, or give ${names.url} with ${names.checksum}.`
      );
    }
    return { version };
  }
  const quoted = withoutCredentials(url);
  if (/\s/.test(url)) throw new InputError(names.url, `'${quoted}' must not contain white space.`);
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    throw new InputError(names.url, `'${quoted}' is not a URL.`);
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    throw new InputError(names.url, `'${quoted}' must be an http(s) URL.`);
  }
  if (parsed.username !== "" || parsed.password !== "") {
    throw new InputError(names.url, "must not carry credentials; use a URL that needs none.");
  }
  if (checksum === void 0) {
    throw new InputError(
      names.checksum,
      `is required with ${names.url}: the archive's SHA-256 (64 hex characters), so nothing unverified is installed.`
    );
  }
  if (!SHA256.test(checksum)) {
    throw new InputError(names.checksum, "must be a SHA-256: 64 hex characters.");
  }
  return { version, custom: { url: parsed.toString(), sha256: checksum } };
}
function vaultUrl(value) {
  if (value === void 0) return void 0;
  if (/^[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/.test(value) && !value.includes("--")) {
    return `https://${value.toLowerCase()}.vault.azure.net`;
  }
  let url;
  try {
    url = new URL(value);
  } catch {
    throw new InputError(
      "key-vault",
      `'${value}' is neither a vault name (3-24 letters, digits and hyphens) nor an https URL.`
    );
  }
  if (url.protocol !== "https:" || url.pathname !== "/" || url.search !== "" || url.username !== "") {
    throw new InputError(
      "key-vault",
      `'${value}' must be a plain https URL such as https://myvault.vault.azure.net.`
    );
  }
  checkVaultHost(url, "key-vault");
  return url.origin;
}
function checkTimestampUrl(value) {
  let url;
  try {
    url = /^https?:\/\/[^\s]+$/.test(value) ? new URL(value) : void 0;
  } catch {
    url = void 0;
  }
  if (url === void 0 || url.protocol !== "https:" && url.protocol !== "http:") {
    throw new InputError("timestamp-url", `'${withoutCredentials(value)}' is not an http(s) URL.`);
  }
  if (url.username !== "" || url.password !== "") {
    throw new InputError("timestamp-url", "must not carry credentials; use a URL that needs none.");
  }
}
var GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
var DOMAIN = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
function checkAzureIds(azure) {
  if (azure.clientId !== void 0 && !GUID.test(azure.clientId)) {
    throw new InputError(
      "azure-client-id",
      `'${azure.clientId}' is not a GUID (the application or managed identity's client ID).`
    );
  }
  if (azure.tenantId !== void 0 && !GUID.test(azure.tenantId) && !DOMAIN.test(azure.tenantId)) {
    throw new InputError(
      "azure-tenant-id",
      `'${azure.tenantId}' is not a tenant ID: a GUID or a domain such as contoso.onmicrosoft.com.`
    );
  }
  const kind = azure.credential;
  if (kind === "oidc" || kind === "environment") {
    if (!(azure.clientId ?? process.env["AZURE_CLIENT_ID"])) {
      throw new InputError(
        "azure-client-id",
        `is required for azure-credential ${kind} (or set AZURE_CLIENT_ID).`
      );
    }
    if (!(azure.tenantId ?? process.env["AZURE_TENANT_ID"])) {
      throw new InputError(
        "azure-tenant-id",
        `is required for azure-credential ${kind} (or set AZURE_TENANT_ID).`
      );
    }
  }
  if (kind === "environment" && !process.env["AZURE_CLIENT_SECRET"] && !process.env["AZURE_CLIENT_CERTIFICATE_PATH"]) {
    throw new InputError(
      "azure-credential",
      "environment needs the application's secret in AZURE_CLIENT_SECRET or its certificate in AZURE_CLIENT_CERTIFICATE_PATH."
    );
  }
}
function checkGeneratedPolicyInputs(verify) {
  if (verify.trustPolicy !== void 0) return;
  const probe = (input, scopes, identities) => {
    const problems = validateTrustPolicy(
      generateTrustPolicy({
        name: "probe",
        scopes,
        identities,
        level: "strict",
        trustStore: { type: "ca", name: "probe" }
      })
    ).map((problem) => problem.replace(/^statement "probe": /, ""));
    if (problems.length > 0) throw new InputError(input, problems.join(" "));
  };
  if (verify.registryScopes.length > 0) probe("registry-scopes", verify.registryScopes, ["*"]);
  if (verify.trustedIdentities.length > 0) {
    probe("trusted-identities", ["*"], verify.trustedIdentities);
  }
}
function trustStore(value) {
  if (value === void 0) return void 0;
  const m = /^([A-Za-z]+):([a-zA-Z0-9_.-]+)$/.exec(value);
  const type = TRUST_STORE_TYPES.find((t) => t === m?.[1]);
  if (!m || type === void 0 || m[2] === void 0) {
    throw new InputError(
      "trust-store",
      `'${value}' must be type:name with type one of ${TRUST_STORE_TYPES.join(", ")} and a name of letters, digits and _ . -.`
    );
  }
  if (type === "tsa") {
    throw new InputError(
      "trust-store",
      `'${value}' is a tsa store; trust-store holds the signer's roots (ca or signingAuthority). Give the timestamping root as timestamp-root-cert: the action writes it to tsa:${m[2]}.`
    );
  }
  return { type, name: m[2] };
}
var RESERVED_PLUGIN_CONFIG = ["self_signed", "ca_certs", "credential_type"];
function getInputs(read = envReader) {
  const reader = new InputReader(read);
  const commands = parseCommands(reader.string("command"));
  const images = readImages(reader);
  const tools = readTools(reader);
  const registry = readRegistry(reader, images);
  const sign = readSign(reader, commands);
  const azure = readAzure(reader);
  const keyVault = readKeyVault(reader);
  const inputs = {
    commands,
    images,
    ...tools,
    azure,
    keyVault,
    registry,
    sign,
    maxConcurrency: reader.integer("max-concurrency", 1, 32) ?? 4,
    verify: readVerify(reader),
    build: readBuild(reader),
    ...optionalField("timeoutMinutes", reader.minutes("timeout-minutes", 360)),
    cleanup: reader.boolean("cleanup")
  };
  if (setUpForAzure(inputs)) {
    resolveAuthority(inputs.azure.authorityHost, process.env["AZURE_AUTHORITY_HOST"]);
  }
  checkCommandRequirements(inputs);
  checkKeyIdVault(inputs.keyVault);
  checkGeneratedPolicyInputs(inputs.verify);
  return inputs;
}
function readImages(reader) {
  const images = reader.lines("images");
  if (images.length > 256)
    throw new InputError("images", `lists ${images.length} references; at most 256 are allowed.`);
  for (const image of images) parseReference(image);
  return images;
}
function readTools(reader) {
  return {
    notation: toolSource(
      reader,
      "notation",
      { version: "notation-version", url: "notation-url", checksum: "notation-checksum" },
      DEFAULT_NOTATION_VERSION
    ),
    plugin: toolSource(
      reader,
      "azure-kv",
      { version: "plugin-version", url: "plugin-url", checksum: "plugin-checksum" },
      DEFAULT_PLUGIN_VERSION
    )
  };
}
function readRegistry(reader, images) {
  const username = reader.optional("registry-username");
  const password = reader.optional("registry-password");
  if (password !== void 0) setSecret(password);
  if (username === void 0 !== (password === void 0)) {
    throw new InputError(
      username === void 0 ? "registry-username" : "registry-password",
      "registry-username and registry-password go together."
    );
  }
  const acrRegistries = reader.lines("acr-registries").map((line) => parseRegistryHost(line, "acr-registries"));
  const server = bindRegistryCredentials(
    images,
    username !== void 0,
    reader.optional("registry-server")
  );
  return {
    ...optionalField("username", username),
    ...optionalField("password", password),
    ...optionalField("server", server),
    acrRegistries
  };
}
function readSign(reader, commands) {
  const timestampUrl = reader.optional("timestamp-url");
  const timestampRootCert = reader.optional("timestamp-root-cert");
  const verifyOnly = commands.includes("verify") && !commands.includes("sign");
  if (timestampUrl !== void 0 && timestampRootCert === void 0) {
    throw new InputError(
      "timestamp-root-cert",
      "timestamp-url and timestamp-root-cert go together."
    );
  }
  if (timestampRootCert !== void 0 && timestampUrl === void 0 && !verifyOnly) {
    throw new InputError(
      "timestamp-url",
      "timestamp-url and timestamp-root-cert go together to sign (timestamp-root-cert alone is the TSA root of a verify-only step)."
    );
  }
  if (timestampUrl !== void 0) checkTimestampUrl(timestampUrl);
  const expiry = reader.optional("expiry");
  if (expiry !== void 0 && !/^(?=\d)(\d+h)?(\d+m)?$/.test(expiry)) {
    throw new InputError(
      "expiry",
      `'${expiry}' is not a duration in hours and minutes, such as 24h, 30m or 3h20m.`
    );
  }
  return {
    signer: reader.oneOf("signer", ["notation", "native"]),
    signatureFormat: reader.oneOf("signature-format", ["cose", "jws"]),
    userMetadata: reader.keyValues(
      "user-metadata",
      (key) => key.startsWith("io.cncf.notary") ? `key '${key}' is reserved by notation (io.cncf.notary.*).` : void 0
    ),
    ...optionalField("expiry", expiry),
    ...optionalField("timestampUrl", timestampUrl),
    ...optionalField("timestampRootCert", timestampRootCert),
    forceReferrersTag: reader.boolean("force-referrers-tag"),
    pluginConfig: reader.keyValues(
      "plugin-config",
      (key) => RESERVED_PLUGIN_CONFIG.includes(key) ? `key '${key}' is set by the action (from the certificate and azure-credential); remove it.` : void 0
    ),
    skipIfSigned: reader.boolean("skip-if-signed")
  };
}
function readAzure(reader) {
  const authorityInput = reader.optional("azure-authority-host");
  const authorityHost = authorityInput === void 0 ? void 0 : parseAuthorityInput(authorityInput);
  const azure = {
    credential: reader.oneOf("azure-credential", CREDENTIALS),
    ...optionalField("clientId", reader.optional("azure-client-id")),
    ...optionalField("tenantId", reader.optional("azure-tenant-id")),
    ...optionalField("authorityHost", authorityHost),
    ...optionalField("subscriptionId", reader.optional("azure-subscription-id")),
    ...optionalField("resourceGroup", reader.optional("resource-group"))
  };
  checkAzureIds(azure);
  return azure;
}
function readKeyVault(reader) {
  const keyVault = {
    ...optionalField("vaultUrl", vaultUrl(reader.optional("key-vault"))),
    ...optionalField("certificate", reader.optional("certificate")),
    ...optionalField("certificateVersion", reader.optional("certificate-version")),
    ...optionalField("keyId", reader.optional("key-id")),
    createCertificate: reader.boolean("create-certificate"),
    policy: {
      ...optionalField("subject", reader.optional("certificate-subject")),
      validityMonths: reader.integer("certificate-validity-months", 1, 120) ?? 12,
      keyType: reader.oneOf("key-type", ["RSA", "EC"]),
      keySize: Number(reader.oneOf("key-size", ["2048", "3072", "4096"])),
      keyCurve: reader.oneOf("key-curve", ["P-256", "P-384", "P-521"])
    },
    ...optionalField("caCerts", reader.optional("ca-certs"))
  };
  if (keyVault.keyId !== void 0) {
    checkVaultHost(new URL(parseKeyId(keyVault.keyId).vaultUrl), "key-id");
  }
  if (keyVault.certificate !== void 0 && !/^[0-9a-zA-Z-]{1,127}$/.test(keyVault.certificate)) {
    throw new InputError(
      "certificate",
      `'${keyVault.certificate}' is not a Key Vault certificate name (letters, digits, hyphens).`
    );
  }
  if (keyVault.certificateVersion !== void 0 && !/^[0-9a-f]{32}$/i.test(keyVault.certificateVersion)) {
    throw new InputError("certificate-version", "must be a Key Vault version: 32 hex characters.");
  }
  const subject = keyVault.policy.subject;
  const subjectProblems = subject === void 0 ? [] : checkNotaryDN(subject).problems;
  if (subjectProblems.length > 0) {
    throw new InputError(
      "certificate-subject",
      `${subjectProblems.join(" ")} notation's trusted identities need it (e.g. CN=example.com,O=Example,L=Seattle,ST=WA,C=US).`
    );
  }
  return keyVault;
}
function checkKeyIdVault(keyVault) {
  if (keyVault.keyId === void 0 || keyVault.vaultUrl === void 0) return;
  const keyId = parseKeyId(keyVault.keyId);
  if (keyId.vaultUrl !== keyVault.vaultUrl) {
    throw new InputError(
      "key-id",
      `belongs to ${keyId.vaultUrl}, not to key-vault ${keyVault.vaultUrl}; give one of them, or both of one vault.`
    );
  }
}
function readVerify(reader) {
  return {
    ...optionalField("trustPolicy", reader.optional("trust-policy")),
    // Only a name other than the default shapes the policy (and clashes with trust-policy).
    ...optionalField("trustPolicyName", reader.given("trust-policy-name")),
    registryScopes: reader.lines("registry-scopes"),
    trustedIdentities: reader.lines("trusted-identities"),
    level: reader.oneOf("verification-level", LEVELS),
    ...optionalField(
      "verifyTimestamp",
      reader.optional("verify-timestamp") === void 0 ? void 0 : reader.oneOf("verify-timestamp", ["always", "afterCertExpiry"])
    ),
    ...optionalField("trustStore", trustStore(reader.optional("trust-store"))),
    trustStoreCertificates: reader.lines("trust-store-certificates"),
    userMetadata: reader.keyValues("verify-user-metadata")
  };
}
function readBuild(reader) {
  const build = {
    ...optionalField("context", reader.optional("build-context")),
    ...optionalField("dockerfile", reader.optional("dockerfile")),
    args: reader.keyValues("build-args", void 0, { allowEmpty: true }),
    secretArgs: reader.keyValues("build-secret-args", void 0, { allowEmpty: true }),
    ...optionalField("platform", reader.optional("platform")),
    ...optionalField("timeoutSeconds", reader.integer("build-timeout", 300, 28800))
  };
  for (const { value } of build.secretArgs) if (value !== "") setSecret(value);
  return build;
}
function bindRegistryCredentials(images, hasCredentials, server) {
  if (server !== void 0) parseRegistryHost(server, "registry-server");
  if (!hasCredentials) return void 0;
  const registries = [];
  for (const image of images) {
    const { registry } = parseReference(image);
    if (!registries.some((known) => sameRegistry(known, registry))) registries.push(registry);
  }
  if (server !== void 0) {
    if (images.length > 0 && !registries.some((registry) => sameRegistry(registry, server))) {
      throw new InputError(
        "registry-server",
        `'${server}' is not the registry of any image (images name ${registries.join(", ")}); registry-username and registry-password go only to registry-server.`
      );
    }
    return registries.find((registry) => sameRegistry(registry, server)) ?? server;
  }
  if (registries.length > 1) {
    throw new InputError(
      "registry-server",
      `is required with registry-username and registry-password when images name several registries (${registries.join(", ")}): name the one they are for; the others get no password.`
    );
  }
  return registries[0];
}
function setUpForAzure(inputs) {
  const { azure, keyVault } = inputs;
  return inputs.commands.includes("build") || inputs.commands.includes("sign") || azure.credential !== "auto" || azure.clientId !== void 0 || azure.tenantId !== void 0 || azure.authorityHost !== void 0 || keyVault.vaultUrl !== void 0 || keyVault.keyId !== void 0;
}
function checkNativeSigner(inputs) {
  const { sign } = inputs;
  if (sign.signer !== "native" || !inputs.commands.includes("sign")) return;
  if (sign.timestampUrl !== void 0) {
    throw new InputError(
      "timestamp-url",
      "is not supported with signer: native yet (it has no RFC 3161 timestamping); use signer: notation to timestamp signatures."
    );
  }
  if (sign.pluginConfig.length > 0) {
    throw new InputError(
      "plugin-config",
      "goes to the azure-kv plugin, which signer: native does not run; remove it or use signer: notation."
    );
  }
}
function checkCommandRequirements(inputs) {
  checkNativeSigner(inputs);
  const has = (c) => inputs.commands.includes(c);
  const works = has("build") || has("sign") || has("verify");
  if (works && !has("build") && inputs.images.length === 0) {
    throw new InputError(
      "images",
      `is required for ${inputs.commands.join(" ")}: one image reference per line.`
    );
  }
  const { keyVault, verify } = inputs;
  if (has("sign") && keyVault.vaultUrl === void 0 && keyVault.keyId === void 0) {
    throw new InputError("key-vault", "is required to sign (or give key-id).");
  }
  if (has("sign") && keyVault.certificate === void 0 && keyVault.keyId === void 0) {
    throw new InputError("certificate", "is required to sign (or give key-id).");
  }
  if (keyVault.keyId !== void 0 && keyVault.certificate !== void 0) {
    throw new InputError("key-id", "and certificate are alternatives; give one.");
  }
  if (keyVault.createCertificate && keyVault.certificate === void 0) {
    throw new InputError(
      "create-certificate",
      "needs certificate: the name of the certificate to create."
    );
  }
  if (keyVault.createCertificate && keyVault.policy.subject === void 0) {
    throw new InputError("certificate-subject", "is required with create-certificate: true.");
  }
  const fromVault = keyVault.certificate !== void 0 || keyVault.keyId !== void 0;
  if (has("verify") && !has("sign") && !fromVault && verify.trustStoreCertificates.length === 0) {
    throw new InputError(
      "trust-store-certificates",
      "is required to verify without a Key Vault certificate (key-vault with certificate or key-id)."
    );
  }
  if (has("verify") && !has("sign") && !fromVault && verify.trustPolicy === void 0 && verify.trustedIdentities.length === 0) {
    throw new InputError(
      "trusted-identities",
      "is required to verify with trust-store-certificates and no Key Vault certificate: name the signers (e.g. x509.subject: CN=example.com,O=Example,L=Seattle,ST=WA,C=US), give a trust-policy, or give key-vault with certificate (or key-id) so its subject names the signer."
    );
  }
  if (verify.trustPolicy !== void 0) {
    const generated = [
      "trust-policy-name",
      "registry-scopes",
      "trusted-identities",
      "verify-timestamp"
    ];
    const clash = generated.find(
      (name) => name === "trust-policy-name" && verify.trustPolicyName !== void 0 || name === "registry-scopes" && verify.registryScopes.length > 0 || name === "trusted-identities" && verify.trustedIdentities.length > 0 || name === "verify-timestamp" && verify.verifyTimestamp !== void 0
    );
    if (clash)
      throw new InputError(
        clash,
        "shapes the generated trust policy; it cannot be combined with trust-policy."
      );
  }
  if (has("verify") && verify.verifyTimestamp !== void 0 && inputs.sign.timestampRootCert === void 0) {
    throw new InputError(
      "verify-timestamp",
      "needs a tsa trust store: give timestamp-root-cert (the root certificate of the time-stamping authority). Without one notation checks no timestamp."
    );
  }
}
function signerStore(inputs) {
  if (inputs.verify.trustStore) return inputs.verify.trustStore;
  const { keyId, certificate } = inputs.keyVault;
  const name = !resolvesCertificate(inputs) ? void 0 : keyId !== void 0 ? parseKeyId(keyId).name : certificate;
  return { type: "ca", name: name ?? DEFAULT_STATEMENT_NAME };
}
function resolvesCertificate(inputs) {
  if (inputs.commands.includes("sign")) return true;
  const { verify } = inputs;
  const ownAnchors = verify.trustStoreCertificates.length > 0;
  const ownIdentities = verify.trustPolicy !== void 0 || verify.trustedIdentities.length > 0;
  return !(ownAnchors && ownIdentities);
}
function optionalField(name, value) {
  return value === void 0 ? {} : { [name]: value };
}

export {
  pinnedChecksum,
  archiveExtension,
  releaseUrl,
  binaryName,
  getInputs,
  signerStore,
  resolvesCertificate
};
