import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  isLoopbackHost,
  parseReference,
  parseRegistryHost,
  sameRegistry
} from "./chunk-75WK2GCR.js";
import {
  describeRequestError,
  networkCause,
  parseAuthorityInput,
  resolveAuthority
} from "./chunk-7R5BUYSH.js";
import {
  SDK_CLIENT_OPTIONS
} from "./chunk-RSNIEGWU.js";
import {
  withoutCredentials
} from "./chunk-YSYX6BFW.js";
import {
  ActionError,
  InputError,
  errorMessage
} from "./chunk-U3OZTHIX.js";
import {
  getInput,
  info,
  setSecret,
  warning
} from "./chunk-NFKXVFBA.js";

// src/keyvault.ts
import { X509Certificate as X509Certificate2 } from "node:crypto";

// src/trust-policy.ts
import { randomBytes } from "node:crypto";
import { lstat, mkdir, readFile, realpath, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";

// src/go-json.ts
var JsonLimitError = class extends Error {
};
var MAX_JSON_DEPTH = 64;
var JSON_STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
var JSON_NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
var JSON_LITERAL = /true|false|null/y;
var WHITESPACE = /[ \t\n\r]*/y;
var UNPAIRED_SURROGATE = new RegExp("\\p{Cs}", "u");
function parseJsonTree(text) {
  let i = 0;
  const read = (pattern) => {
    pattern.lastIndex = i;
    const match = pattern.exec(text);
    if (match === null) throw new SyntaxError(`unexpected character at position ${i}`);
    i += match[0].length;
    return match[0];
  };
  const space = () => {
    read(WHITESPACE);
  };
  const expect = (char) => {
    space();
    if (text[i] !== char) throw new SyntaxError(`expected '${char}' at position ${i}`);
    i++;
  };
  const string = () => {
    const decoded = JSON.parse(read(JSON_STRING));
    if (UNPAIRED_SURROGATE.test(decoded)) {
      throw new JsonLimitError(
        `has a string with an unpaired surrogate escape (\\ud800-\\udfff), which notation reads as U+FFFD`
      );
    }
    return decoded;
  };
  const value = (depth) => {
    if (depth > MAX_JSON_DEPTH) {
      throw new JsonLimitError(`nests deeper than ${MAX_JSON_DEPTH} levels`);
    }
    space();
    const char = text[i];
    if (char === "{") {
      i++;
      const members = [];
      space();
      if (text[i] === "}") {
        i++;
        return { kind: "object", members };
      }
      for (; ; ) {
        space();
        const key = string();
        expect(":");
        members.push({ key, value: value(depth + 1) });
        space();
        if (text[i] === ",") i++;
        else {
          expect("}");
          return { kind: "object", members };
        }
      }
    }
    if (char === "[") {
      i++;
      const items = [];
      space();
      if (text[i] === "]") {
        i++;
        return { kind: "array", items };
      }
      for (; ; ) {
        items.push(value(depth + 1));
        space();
        if (text[i] === ",") i++;
        else {
          expect("]");
          return { kind: "array", items };
        }
      }
    }
    if (char === '"') return { kind: "scalar", value: string() };
    if (char === "-" || char !== void 0 && char >= "0" && char <= "9") {
      return { kind: "scalar", value: JSON.parse(read(JSON_NUMBER)) };
    }
    return { kind: "scalar", value: JSON.parse(read(JSON_LITERAL)) };
  };
  const root = value(1);
  space();
  if (i < text.length) throw new SyntaxError(`unexpected character at position ${i}`);
  return root;
}
function jsonValue(node) {
  if (node.kind === "scalar") return node.value;
  if (node.kind === "array") return node.items.map(jsonValue);
  const object = {};
  for (const { key, value } of node.members) {
    Object.defineProperty(object, key, {
      value: jsonValue(value),
      enumerable: true,
      writable: true,
      configurable: true
    });
  }
  return object;
}
function goFoldName(name) {
  let folded = "";
  for (const char of name) {
    if (char >= "a" && char <= "z") folded += char.toUpperCase();
    else folded += GO_FOLDS_INTO_ASCII.get(char) ?? char;
  }
  return folded;
}
var GO_FOLDS_INTO_ASCII = /* @__PURE__ */ new Map([
  ["\u017F", "S"],
  ["\u212A", "K"]
]);
function checkGoKeys(node, shape) {
  const report = { problems: [], ignored: [] };
  const owners = /* @__PURE__ */ new Map();
  const collect = (s) => {
    if (s.kind === "slice") collect(s.of);
    if (s.kind !== "struct") return;
    for (const [field, inner] of Object.entries(s.fields)) {
      const fold = goFoldName(field);
      owners.set(fold, [...owners.get(fold) ?? [], { field, owner: s.name }]);
      collect(inner);
    }
  };
  collect(shape);
  walk(node, shape, "", { report, owners });
  return report;
}
function walk(node, shape, path3, context) {
  const { report } = context;
  const where = path3 === "" ? "top level" : path3;
  if (shape.kind === "slice" && node.kind === "array") {
    node.items.forEach((item, index) => walk(item, shape.of, `${path3}[${index}]`, context));
    return;
  }
  if (node.kind !== "object") return;
  if (shape.kind === "map") {
    for (const [key, count] of countKeys(node.members.map((m) => m.key))) {
      if (count > 1) {
        report.problems.push(
          `${where}: ${showKey(key)} is written ${count} times; JSON readers differ on which one counts (notation takes the last). Write it once.`
        );
      }
    }
    return;
  }
  if (shape.kind !== "struct") return;
  const fields = Object.keys(shape.fields);
  const fieldOf = (key) => Object.hasOwn(shape.fields, key) ? key : fields.find((field) => goFoldName(field) === goFoldName(key));
  const groups = /* @__PURE__ */ new Map();
  for (const { key } of node.members) {
    const fold = goFoldName(key);
    groups.set(fold, [...groups.get(fold) ?? [], key]);
  }
  for (const keys of groups.values()) {
    const field = fieldOf(keys[0]);
    if (keys.length > 1 && keys.every((key) => key === keys[0])) {
      report.problems.push(
        `${where}: ${showKey(keys[0])} is written ${keys.length} times; JSON readers differ on which one counts (notation takes the last). Write it once.`
      );
    } else if (keys.length > 1) {
      report.problems.push(
        field === void 0 ? `${where}: keys ${listKeys(keys)} are one name to notation (Go's JSON decoding matches names case-insensitively, with Unicode folding). Write it once.` : `${where}: keys ${listKeys(keys)} all set "${field}" for notation (Go's JSON decoding matches names case-insensitively, with Unicode folding, and the last one wins: ${showKey(keys.at(-1))}). Write it once, as "${field}".`
      );
    } else if (field !== void 0 && keys[0] !== field) {
      report.problems.push(
        `${where}: key ${showKey(keys[0])} is read by notation as "${field}" (Go's JSON decoding matches names case-insensitively, with Unicode folding). Write "${field}".`
      );
    } else if (field === void 0) {
      const elsewhere = context.owners.get(goFoldName(keys[0]));
      if (elsewhere === void 0) report.ignored.push(`${showKey(keys[0])} (${where})`);
      else {
        report.problems.push(
          `${where}: ${showKey(keys[0])} is not a property here (${elsewhere.map((e) => `"${e.field}" belongs in ${e.owner}`).join(", ")}); notation ignores it. Move or remove it.`
        );
      }
    }
  }
  for (const { key, value } of node.members) {
    const field = fieldOf(key);
    if (field !== void 0) walk(value, shape.fields[field], joinPath(path3, key), context);
  }
}
function countKeys(keys) {
  const counts = /* @__PURE__ */ new Map();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}
function listKeys(keys) {
  const shown = [...countKeys(keys)].map(
    ([key, count]) => count > 1 ? `${showKey(key)} (${count} times)` : showKey(key)
  );
  return shown.length === 1 ? shown[0] : `${shown.slice(0, -1).join(", ")} and ${shown.at(-1)}`;
}
var MAX_SHOWN_KEY = 80;
function showKey(key) {
  const cut = key.length > MAX_SHOWN_KEY ? `${key.slice(0, MAX_SHOWN_KEY)}...` : key;
  return JSON.stringify(cut).replace(
    /[^\x20-\x7e]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`
  );
}
function joinPath(path3, key) {
  const segment = /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : `[${showKey(key)}]`;
  return path3 === "" ? segment : segment.startsWith("[") ? `${path3}${segment}` : `${path3}.${segment}`;
}

// src/trust-policy.ts
var TRUST_POLICY_FILE = "trustpolicy.json";
var DEFAULT_STATEMENT_NAME = "notation-akv-action";
var LEVEL_NAMES = ["strict", "permissive", "audit", "skip"];
var VALIDATION_TYPES = [
  "integrity",
  "authenticity",
  "authenticTimestamp",
  "expiry",
  "revocation"
];
var STORE_TYPES = ["ca", "signingAuthority", "tsa"];
var STORE_NAME = /^[a-zA-Z0-9_.-]+$/;
var WILDCARD = "*";
var X509_SUBJECT = "x509.subject";
var VALUE = { kind: "value" };
var VERIFICATION_FIELDS = {
  level: VALUE,
  override: { kind: "map" },
  verifyTimestamp: VALUE
};
var STATEMENT_FIELDS = {
  name: VALUE,
  registryScopes: VALUE,
  signatureVerification: {
    kind: "struct",
    name: "a statement's signatureVerification",
    fields: VERIFICATION_FIELDS
  },
  trustStores: VALUE,
  trustedIdentities: VALUE
};
var DOCUMENT_FIELDS = {
  version: VALUE,
  trustPolicies: {
    kind: "slice",
    of: { kind: "struct", name: "a statement (in trustPolicies)", fields: STATEMENT_FIELDS }
  }
};
var DOCUMENT_SHAPE = { kind: "struct", name: "the top level", fields: DOCUMENT_FIELDS };
var DOCUMENT_KEYS = new Set(Object.keys(DOCUMENT_FIELDS));
var STATEMENT_KEYS = new Set(Object.keys(STATEMENT_FIELDS));
var VERIFICATION_KEYS = new Set(Object.keys(VERIFICATION_FIELDS));
var MAX_POLICY_BYTES = 1024 * 1024;
function generateTrustPolicy(options) {
  const statement = {
    name: options.name ?? DEFAULT_STATEMENT_NAME,
    registryScopes: [...options.scopes],
    signatureVerification: { level: options.level }
  };
  if (options.level !== "skip") {
    if (options.verifyTimestamp !== void 0) {
      statement.signatureVerification.verifyTimestamp = options.verifyTimestamp;
    }
    statement.trustStores = [`${options.trustStore.type}:${options.trustStore.name}`];
    statement.trustedIdentities = [...options.identities];
  }
  return { version: "1.0", trustPolicies: [statement] };
}
function defaultScopes(images) {
  return [...new Set(images.map((i) => `${i.registry}/${i.repository}`))].sort();
}
function subjectIdentity(subject) {
  return `${X509_SUBJECT}:${subject}`;
}
async function parseTrustPolicy(input, options = {}) {
  const value = input.trim();
  if (value.startsWith("{")) return readPolicyText(value, "inline JSON", "inline");
  const workspace = options.workspace ?? process.env.GITHUB_WORKSPACE ?? process.cwd();
  const bytes = await readWorkspaceFile("trust-policy", value, workspace, MAX_POLICY_BYTES);
  let text;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new InputError("trust-policy", `'${value}' is not UTF-8 text.`);
  }
  return readPolicyText(text, `'${value}'`, value);
}
function readPolicyText(text, what, source) {
  const tree = parseJson(text, what);
  const { problems, ignored } = checkGoKeys(tree, DOCUMENT_SHAPE);
  if (problems.length > 0) {
    throw new InputError(
      "trust-policy",
      problems.length === 1 ? `${what} has keys notation reads differently: ${problems[0]}` : `${what} has keys notation reads differently (${problems.length} problems):
- ${problems.join("\n- ")}`
    );
  }
  const warnings = ignored.length === 0 ? [] : [
    `trust policy: notation ignores ${ignored.join(", ")}: not ${ignored.length === 1 ? "a trust policy property" : "trust policy properties"}; the trustpolicy.json the action writes leaves ${ignored.length === 1 ? "it" : "them"} out.`
  ];
  return { document: jsonValue(tree), source, warnings };
}
function parseJson(text, what) {
  const body = text.replace(/^\uFEFF/, "");
  try {
    JSON.parse(body);
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, " ").replace(/ in JSON at position \d+.*$/, "").replace(/, (?:\.\.\.)?".*" is not valid JSON$/, "");
    const offset = jsonErrorOffset(body);
    const before = body.slice(0, offset).split("\n");
    const where = `line ${before.length} column ${(before.at(-1)?.length ?? 0) + 1}, position ${offset}`;
    throw new InputError("trust-policy", `${what} is not valid JSON (${where}): ${reason}.`);
  }
  let tree;
  try {
    tree = parseJsonTree(body);
  } catch (error) {
    if (error instanceof JsonLimitError) {
      throw new InputError("trust-policy", `${what} ${error.message}.`);
    }
    throw error;
  }
  if (tree.kind !== "object") {
    throw new InputError("trust-policy", `${what} must be a JSON object ({"version": "1.0", ...}).`);
  }
  return tree;
}
var JsonStop = class extends Error {
  offset;
  constructor(offset) {
    super("stop");
    this.offset = offset;
  }
};
function jsonErrorOffset(text) {
  let i = 0;
  const stop = () => {
    throw new JsonStop(i);
  };
  const space = () => {
    while (i < text.length && " 	\n\r".includes(text[i])) i++;
  };
  const token = (pattern) => {
    pattern.lastIndex = i;
    const match = pattern.exec(text);
    if (match === null) stop();
    else i += match[0].length;
  };
  const value = (depth) => {
    space();
    const char = text[i];
    if (depth > MAX_JSON_DEPTH) stop();
    if (char === "{" || char === "[") {
      const close = char === "{" ? "}" : "]";
      i++;
      space();
      if (text[i] === close) {
        i++;
        return;
      }
      for (; ; ) {
        if (char === "{") {
          space();
          if (text[i] !== '"') stop();
          token(JSON_STRING);
          space();
          if (text[i] !== ":") stop();
          i++;
        }
        value(depth + 1);
        space();
        if (text[i] === ",") i++;
        else if (text[i] === close) {
          i++;
          return;
        } else stop();
      }
    }
    if (char === '"') token(JSON_STRING);
    else if (char === "-" || char !== void 0 && char >= "0" && char <= "9") token(JSON_NUMBER);
    else token(JSON_LITERAL);
  };
  try {
    value(1);
    space();
    if (i < text.length) stop();
  } catch (error) {
    if (error instanceof JsonStop) return error.offset;
    throw error;
  }
  return i;
}
async function readWorkspaceFile(input, file, workspace, maxBytes) {
  const root = await realpath(workspace).catch(() => {
    throw new InputError(input, `the workspace '${workspace}' does not exist.`);
  });
  const target = path.resolve(root, file);
  if (!isInside(root, target)) {
    throw new InputError(input, `'${file}' is outside the workspace; use a path inside it.`);
  }
  const info2 = await lstat(target).catch((error) => {
    throw new InputError(
      input,
      error.code === "ENOENT" ? `'${file}' does not exist in the workspace.` : `'${file}' can't be read: ${error.message}`
    );
  });
  if (info2.isSymbolicLink()) {
    throw new InputError(input, `'${file}' is a symlink; name the file itself.`);
  }
  if (!info2.isFile()) throw new InputError(input, `'${file}' is not a regular file.`);
  if (!isInside(root, await realpath(target))) {
    throw new InputError(input, `'${file}' resolves outside the workspace (a symlinked folder).`);
  }
  if (info2.size > maxBytes) {
    throw new InputError(input, `'${file}' is ${info2.size} bytes; at most ${maxBytes} are read.`);
  }
  return readFile(target);
}
function isInside(root, target) {
  const relative = path.relative(root, target);
  return relative === "" || !relative.startsWith("..") && !path.isAbsolute(relative);
}
function validateTrustPolicy(doc) {
  const problems = [];
  if (!isObject(doc)) return ["the trust policy must be a JSON object."];
  if (doc.version === void 0 || doc.version === "") {
    problems.push('version is missing; it must be "1.0".');
  } else if (typeof doc.version !== "string") {
    problems.push('version must be the string "1.0".');
  } else if (doc.version !== "1.0") {
    problems.push(`version ${JSON.stringify(doc.version)} is not supported; it must be "1.0".`);
  }
  for (const key of Object.keys(doc)) {
    if (!DOCUMENT_KEYS.has(key) && DOCUMENT_KEYS.has(caseMatch(key, DOCUMENT_KEYS))) {
      problems.push(
        `property "${key}": write it as "${caseMatch(key, DOCUMENT_KEYS)}" (names are case-sensitive here).`
      );
    }
  }
  const statements = doc.trustPolicies;
  if (statements !== void 0 && statements !== null && !Array.isArray(statements)) {
    problems.push("trustPolicies must be an array of statements.");
    return problems;
  }
  if (!Array.isArray(statements) || statements.length === 0) {
    problems.push("trustPolicies has no statements; at least one is required.");
    return problems;
  }
  const names = /* @__PURE__ */ new Map();
  const scopeOwners = /* @__PURE__ */ new Map();
  statements.forEach((raw, index) => {
    if (!isObject(raw)) {
      problems.push(`trustPolicies[${index}] is not an object.`);
      return;
    }
    const name = typeof raw.name === "string" ? raw.name : "";
    const label = name === "" ? `#${index + 1}` : JSON.stringify(name);
    const at = (message) => {
      problems.push(`statement ${label}: ${message}`);
    };
    if (raw.name !== void 0 && typeof raw.name !== "string") at("name must be a string.");
    else if (name === "") at("name is missing or empty; every statement needs a unique name.");
    else names.set(name, (names.get(name) ?? 0) + 1);
    const level = checkSignatureVerification(raw.signatureVerification, at);
    const stores = stringList(raw.trustStores, "trustStores", at);
    const identities = stringList(raw.trustedIdentities, "trustedIdentities", at);
    if (level === "skip") {
      if (stores.length > 0 || identities.length > 0) {
        at(
          'level "skip" must not have trustStores or trustedIdentities; remove them to skip verification.'
        );
      }
    } else {
      if (stores.length === 0 || identities.length === 0) {
        const missing = [
          stores.length === 0 ? "trustStores" : "",
          identities.length === 0 ? "trustedIdentities" : ""
        ].filter((m) => m !== "");
        at(`${missing.join(" and ")} missing: a level other than "skip" needs both.`);
      }
      stores.forEach((store) => checkTrustStoreRef(store, at));
      checkIdentities(identities, at);
    }
    const scopes = stringList(raw.registryScopes, "registryScopes", at);
    if (scopes.length === 0) {
      at('registryScopes is empty; give at least one registry/repository, or "*".');
    }
    if (scopes.length > 1 && scopes.includes(WILDCARD)) {
      at('registry scope "*" cannot be combined with other scopes in the same statement.');
    }
    for (const scope of new Set(scopes)) {
      if (scope !== WILDCARD) {
        const problem = registryScopeProblem(scope);
        if (problem !== void 0) at(problem);
      }
      scopeOwners.set(scope, [...scopeOwners.get(scope) ?? [], label]);
    }
    if (scopes.length !== new Set(scopes).size) at("registryScopes lists a scope twice.");
    for (const key of Object.keys(raw)) {
      if (!STATEMENT_KEYS.has(key) && STATEMENT_KEYS.has(caseMatch(key, STATEMENT_KEYS))) {
        at(
          `property "${key}": write it as "${caseMatch(key, STATEMENT_KEYS)}" (names are case-sensitive here).`
        );
      }
    }
  });
  for (const [name, count] of names) {
    if (count > 1) {
      problems.push(
        `statement ${JSON.stringify(name)}: the name is used by ${count} statements; names must be unique.`
      );
    }
  }
  for (const [scope, owners] of scopeOwners) {
    if (owners.length < 2) continue;
    problems.push(
      scope === WILDCARD ? `statements ${owners.join(", ")} all use the wildcard scope "*"; only one statement may.` : `registry scope "${scope}" is in statements ${owners.join(", ")}; a scope may belong to only one statement.`
    );
  }
  return problems;
}
function assertValidTrustPolicy(doc) {
  const problems = validateTrustPolicy(doc);
  if (problems.length === 0) return;
  throw new InputError(
    "trust-policy",
    problems.length === 1 ? `is not a valid notation trust policy: ${problems[0]}` : `is not a valid notation trust policy (${problems.length} problems):
- ${problems.join("\n- ")}`
  );
}
function checkSignatureVerification(value, at) {
  if (!isObject(value)) {
    at(
      value === void 0 ? 'signatureVerification is missing; set {"level": "strict"} or another level.' : 'signatureVerification must be an object such as {"level": "strict"}.'
    );
    return void 0;
  }
  let level;
  if (value.level === void 0 || value.level === "") {
    at("signatureVerification.level is missing; use strict, permissive, audit or skip.");
  } else if (typeof value.level !== "string" || !LEVEL_NAMES.includes(value.level)) {
    at(
      `signatureVerification.level ${JSON.stringify(value.level)} is unknown; use strict, permissive, audit or skip.`
    );
  } else {
    level = value.level;
  }
  const override = value.override;
  if (override !== void 0 && override !== null) {
    if (!isObject(override)) {
      at("signatureVerification.override must be an object of type: action.");
    } else if (Object.keys(override).length > 0) {
      if (level === "skip") {
        at('signatureVerification.override cannot be used with level "skip".');
      } else {
        for (const [key, action] of Object.entries(override)) {
          checkOverride(key, action, at);
        }
      }
    }
  }
  const timestamp = value.verifyTimestamp;
  if (timestamp !== void 0 && timestamp !== "" && timestamp !== null) {
    if (timestamp !== "always" && timestamp !== "afterCertExpiry") {
      at(
        `signatureVerification.verifyTimestamp ${JSON.stringify(timestamp)} is invalid; use "always" or "afterCertExpiry".`
      );
    }
  }
  for (const key of Object.keys(value)) {
    if (!VERIFICATION_KEYS.has(key) && VERIFICATION_KEYS.has(caseMatch(key, VERIFICATION_KEYS))) {
      at(
        `property "signatureVerification.${key}": write it as "${caseMatch(key, VERIFICATION_KEYS)}" (names are case-sensitive here).`
      );
    }
  }
  return level;
}
function checkOverride(key, action, at) {
  const where = `signatureVerification.override "${key}"`;
  if (key === "integrity") {
    at(`${where}: integrity verification can't be overridden; it is always enforced.`);
    return;
  }
  if (!VALIDATION_TYPES.includes(key)) {
    at(
      `${where} is not a verification type; use authenticity, authenticTimestamp, expiry or revocation.`
    );
    return;
  }
  if (action === "skip" && key !== "revocation") {
    at(`${where}: only revocation can be skipped; use "enforce" or "log".`);
  } else if (action !== "enforce" && action !== "log" && action !== "skip") {
    at(
      `${where}: ${JSON.stringify(action)} is not an action; use "enforce" or "log"${key === "revocation" ? ' (or "skip")' : ""}.`
    );
  }
}
function checkTrustStoreRef(store, at) {
  const colon = store.indexOf(":");
  if (colon < 0) {
    at(`trust store "${store}" must be written type:name (for example ca:my-store).`);
    return;
  }
  const type = store.slice(0, colon);
  const name = store.slice(colon + 1);
  if (!STORE_TYPES.includes(type)) {
    at(`trust store "${store}" has type "${type}"; use ca, signingAuthority or tsa.`);
  }
  if (!STORE_NAME.test(name)) {
    at(`trust store "${store}" has name "${name}"; names use only letters, digits and _ . -.`);
  }
}
function checkIdentities(identities, at) {
  if (identities.length > 1 && identities.includes(WILDCARD)) {
    at('trusted identity "*" cannot be combined with other identities in the same statement.');
  }
  const parsed = [];
  for (const identity of identities) {
    if (identity === "") {
      at("a trusted identity is empty.");
      continue;
    }
    if (identity === WILDCARD) continue;
    const colon = identity.indexOf(":");
    if (colon < 0) {
      at(`trusted identity "${identity}" has no ':'; write x509.subject:<DN>.`);
      continue;
    }
    if (identity.slice(0, colon) !== X509_SUBJECT) continue;
    const dn = identity.slice(colon + 1);
    if (dn === "") {
      at(`trusted identity "${identity}" has no DN after x509.subject:.`);
      continue;
    }
    const { attributes, problems } = checkNotaryDN(dn);
    for (const problem of problems) at(`trusted identity "${identity}": ${problem}`);
    if (problems.length === 0) parsed.push({ identity, attributes });
  }
  for (let i = 0; i < parsed.length; i++) {
    for (let j = i + 1; j < parsed.length; j++) {
      const a = parsed[i];
      const b = parsed[j];
      const aInB = isSubsetDN(a.attributes, b.attributes);
      const bInA = isSubsetDN(b.attributes, a.attributes);
      if (aInB && bInA) {
        at(`trusted identities "${a.identity}" and "${b.identity}" are the same DN; list it once.`);
      } else if (aInB || bInA) {
        const [general, specific] = aInB ? [a, b] : [b, a];
        at(
          `trusted identities overlap: "${general.identity}" already matches every subject "${specific.identity}" matches; remove one.`
        );
      }
    }
  }
}
function registryScopeProblem(scope) {
  const bad = (hint) => `registry scope "${scope}" is not host[:port]/repository: ${hint}.`;
  if (scope.includes(WILDCARD)) {
    return `registry scope "${scope}" has a wildcard; "*" is only allowed alone, as the whole scope.`;
  }
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(scope)) return bad("remove the scheme");
  if (scope.includes("@")) return bad("remove the digest (@sha256:\u2026); a scope names a repository");
  const slash = scope.indexOf("/");
  if (slash < 0) return bad("add the repository (for example myregistry.azurecr.io/app)");
  const host = scope.slice(0, slash);
  const repository = scope.slice(slash + 1);
  if (host === "") return bad("the registry host is missing");
  if (repository === "") return bad("the repository is missing");
  if (!HOST.test(host)) {
    return bad(`"${host}" is not a registry host (name or IPv4 address, optional :port)`);
  }
  if (REPOSITORY.test(repository)) return void 0;
  const last = repository.split("/").at(-1) ?? "";
  if (last.includes(":")) return bad("remove the tag; a scope names a repository");
  if (repository !== repository.toLowerCase() && REPOSITORY.test(repository.toLowerCase())) {
    return bad("repository names are lowercase");
  }
  if (repository.endsWith("/") || repository.includes("//")) return bad("a path component is empty");
  return bad(
    'repository path components use lowercase letters and digits, separated by ".", "_", "__" or dashes'
  );
}
var LABEL = "[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?";
var HOST = new RegExp(`^${LABEL}(?:\\.${LABEL})*(?::[0-9]+)?$`);
var COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
var REPOSITORY = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`);
function policyWarnings(doc) {
  const warnings = [];
  for (const statement of doc.trustPolicies) {
    const at = (message) => {
      warnings.push(`statement "${statement.name}": ${message}`);
    };
    const level = statement.signatureVerification.level;
    const scopes = statement.registryScopes;
    if (level === "permissive") {
      at('level "permissive" only logs timestamp, expiry and revocation failures.');
    } else if (level === "audit") {
      at('level "audit" only logs authenticity failures: any signature that is intact passes.');
    } else if (level === "skip") {
      at(`level "skip" does not verify signatures for ${scopes.join(", ")}.`);
      if (scopes.includes(WILDCARD)) {
        at(
          'the specification forbids level "skip" with the global scope "*" (notation 1.x accepts it).'
        );
      }
    }
    const weakened = Object.entries(statement.signatureVerification.override ?? {}).filter(
      ([, action]) => action !== "enforce"
    );
    if (weakened.length > 0 && level !== "skip") {
      at(`override relaxes ${weakened.map(([type, action]) => `${type} to ${action}`).join(", ")}.`);
    }
    if (scopes.includes(WILDCARD)) at('registry scope "*" applies to every repository.');
    const identities = statement.trustedIdentities ?? [];
    if (identities.includes(WILDCARD)) {
      at(`trusted identity "*" accepts any certificate issued by the trust stores' CAs.`);
    }
    const others = identities.filter((i) => i !== WILDCARD && !i.startsWith(`${X509_SUBJECT}:`));
    if (others.length > 0) {
      at(
        `identities ${others.map((i) => `"${i}"`).join(", ")} are not x509.subject; notation ignores them.`
      );
    }
    const stores = statement.trustStores ?? [];
    if (level !== "skip" && stores.length > 0 && !stores.some((s) => s.startsWith("ca:"))) {
      at(
        'no "ca" trust store: signatures made by notation (notary.x509 scheme) verify only against ca stores.'
      );
    }
  }
  return warnings;
}
function scopeMatches(doc, reference) {
  const repository = repositoryOf(reference);
  let wildcard;
  let exact;
  for (const statement of doc.trustPolicies) {
    if (statement.registryScopes.includes(WILDCARD)) wildcard = statement;
    else if (statement.registryScopes.includes(repository)) exact = statement;
  }
  return exact ?? wildcard;
}
function uncoveredImages(doc, images) {
  return images.filter((i) => scopeMatches(doc, `${i.registry}/${i.repository}`) === void 0);
}
function repositoryOf(reference) {
  const at = reference.indexOf("@");
  const withoutDigest = at < 0 ? reference : reference.slice(0, at);
  const slash = withoutDigest.indexOf("/");
  const colon = withoutDigest.lastIndexOf(":");
  return colon > slash && slash >= 0 ? withoutDigest.slice(0, colon) : withoutDigest;
}
function canonicalTrustPolicy(doc) {
  return {
    version: doc.version,
    trustPolicies: doc.trustPolicies.map((statement) => {
      const given = statement.signatureVerification;
      const signatureVerification = { level: given.level };
      const override = {};
      for (const type of VALIDATION_TYPES) {
        const action = given.override?.[type];
        if (given.override && Object.hasOwn(given.override, type) && action !== void 0) {
          override[type] = action;
        }
      }
      if (Object.keys(override).length > 0) signatureVerification.override = override;
      if (given.verifyTimestamp) signatureVerification.verifyTimestamp = given.verifyTimestamp;
      const canonical = {
        name: statement.name,
        registryScopes: [...statement.registryScopes],
        signatureVerification
      };
      if (statement.trustStores?.length) canonical.trustStores = [...statement.trustStores];
      if (statement.trustedIdentities?.length) {
        canonical.trustedIdentities = [...statement.trustedIdentities];
      }
      return canonical;
    })
  };
}
async function writeTrustPolicy(configDir, doc) {
  await mkdir(configDir, { recursive: true, mode: 448 });
  const target = path.join(configDir, TRUST_POLICY_FILE);
  const existing = await lstat(target).catch(() => void 0);
  if (existing?.isDirectory()) {
    throw new InputError("trust-policy", `${target} is a directory; notation needs a file there.`);
  }
  await writeAtomically(target, `${JSON.stringify(canonicalTrustPolicy(doc), null, 2)}
`);
  return target;
}
async function writeAtomically(target, content) {
  const temp = path.join(
    path.dirname(target),
    `.${path.basename(target)}.${randomBytes(6).toString("hex")}.tmp`
  );
  try {
    await writeFile(temp, content, { mode: 384, flag: "wx" });
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
function parseDistinguishedName(dn) {
  const rdns = [];
  if (dn.trim() === "") return rdns;
  let rdn = [];
  let start = 0;
  let type;
  const finish = (end, closesRdn) => {
    if (type === void 0) {
      throw new Error(`"${dn.slice(start, end).trim()}" is not type=value`);
    }
    rdn.push({ type, value: decodeValue(dn.slice(start, end)) });
    type = void 0;
    start = end + 1;
    if (closesRdn) {
      rdns.push(rdn);
      rdn = [];
    }
  };
  for (let i = 0; i < dn.length; i++) {
    const char = dn[i];
    if (char === "\\") {
      if (i + 1 >= dn.length) throw new Error("it ends with a lone backslash");
      i++;
    } else if (char === "=" && type === void 0) {
      type = checkAttributeType(dn.slice(start, i).trim());
      start = i + 1;
    } else if (char === "," || char === ";" || char === "+") {
      finish(i, char !== "+");
    }
  }
  finish(dn.length, true);
  return rdns;
}
function checkAttributeType(type) {
  if (type === "") throw new Error("an attribute type is empty");
  if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(type) && !/^[0-9]+(?:\.[0-9]+)+$/.test(type)) {
    throw new Error(`"${type}" is not an attribute type (a name such as CN, or a dotted OID)`);
  }
  return type;
}
var SPECIAL = ' "#+,;<=>\\';
function decodeValue(raw) {
  let text = raw.replace(/^ +/, "");
  const trimmed = text.replace(/ +$/, "");
  if (trimmed.length < text.length) {
    const slashes = /\\*$/.exec(trimmed)?.[0].length ?? 0;
    text = slashes % 2 === 1 ? `${trimmed} ` : trimmed;
  }
  if (text.startsWith("#")) {
    throw new Error(`the value "${text}" is a #hex (BER) value, which notation does not support`);
  }
  const bytes = [];
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === "\\") {
      const next = text[i + 1] ?? "";
      const pair = text.slice(i + 1, i + 3);
      if (next !== "" && SPECIAL.includes(next)) {
        bytes.push(next.charCodeAt(0));
        i++;
      } else if (/^[0-9a-fA-F]{2}$/.test(pair)) {
        bytes.push(parseInt(pair, 16));
        i += 2;
      } else {
        throw new Error(
          `"\\${next}" in "${raw.trim()}" is not an escape (use \\, \\+ \\\\ \\" or \\XX)`
        );
      }
    } else if (char === '"' || char === "<" || char === ">" || char === "\0") {
      throw new Error(
        `unescaped ${char === "\0" ? "NUL" : char} in '${raw.trim()}': write \\${char === "\0" ? "00" : char}${char === '"' ? " (RFC 4514 has no quoted values)" : ""}`
      );
    } else {
      const point = text.codePointAt(i);
      if (point > 65535) i++;
      bytes.push(...Buffer.from(String.fromCodePoint(point), "utf8"));
    }
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(bytes));
  } catch {
    throw new Error(`the escaped bytes in "${raw.trim()}" are not UTF-8`);
  }
}
function formatDistinguishedName(rdns) {
  return rdns.map((rdn) => rdn.map((a) => `${a.type}=${escapeValue(a.value)}`).join("+")).join(",");
}
function escapeValue(value) {
  let out = "";
  const chars = [...value];
  chars.forEach((char, index) => {
    const code = char.codePointAt(0);
    if ('"+,;<>\\'.includes(char)) out += `\\${char}`;
    else if (index === 0 && (char === " " || char === "#")) out += `\\${char}`;
    else if (index === chars.length - 1 && char === " ") out += "\\ ";
    else if (code < 32 || code === 127)
      out += `\\${code.toString(16).padStart(2, "0").toUpperCase()}`;
    else out += char;
  });
  return out;
}
function checkNotaryDN(dn) {
  const attributes = /* @__PURE__ */ new Map();
  if (dn.includes("=#")) {
    return {
      attributes,
      problems: [`"${dn}" contains "=#" (a #hex value), which notation does not support.`]
    };
  }
  let rdns;
  try {
    rdns = parseDistinguishedName(dn);
  } catch (error) {
    return {
      attributes,
      problems: [`"${dn}" is not an RFC 4514 DN: ${error.message}.`]
    };
  }
  const problems = [];
  const duplicates = /* @__PURE__ */ new Set();
  for (const rdn of rdns) {
    if (rdn.length > 1) {
      problems.push(
        `"${formatDistinguishedName([rdn])}" is a multi-valued RDN, which notation does not support; separate attributes with ",".`
      );
    }
    for (const { type, value } of rdn) {
      const key = type === "S" ? "ST" : type;
      if (attributes.has(key)) duplicates.add(key);
      else attributes.set(key, value);
    }
  }
  for (const key of duplicates) problems.push(`attribute ${key} appears more than once.`);
  const missing = ["C", "ST", "O"].filter((key) => (attributes.get(key) ?? "") === "");
  if (missing.length > 0) {
    const lower = missing.filter((key) => [...attributes.keys()].some((k) => k.toUpperCase() === key));
    problems.push(
      `lacks ${missing.join(", ")}: notation needs C, ST (or S) and O` + (lower.length > 0 ? ` (attribute types are case-sensitive: write ${lower.join(", ")} in capitals).` : ".")
    );
  }
  return { attributes, problems };
}
function isSubsetDN(a, b) {
  for (const [key, value] of a) if (b.get(key) !== value) return false;
  return true;
}
function isObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
function stringList(value, name, at) {
  if (value === void 0 || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
    at(`${name} must be an array of strings.`);
    return Array.isArray(value) ? value.filter((v) => typeof v === "string") : [];
  }
  return value;
}
function caseMatch(key, known) {
  return [...known].find((k) => goFoldName(k) === goFoldName(key)) ?? key;
}

// src/truststore.ts
import { X509Certificate, createHash } from "node:crypto";
import { lstat as lstat2, mkdir as mkdir2, readFile as readFile2, readdir, rm as rm2 } from "node:fs/promises";
import path2 from "node:path";

// src/releases.ts
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

// src/inputs.ts
var COMMANDS = ["setup", "build", "sign", "verify"];
var CREDENTIALS = ["auto", "oidc", "environment", "cli", "managed-identity"];
var LEVELS = ["strict", "permissive", "audit"];
var TRUST_STORE_TYPES = ["ca", "signingAuthority", "tsa"];
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
  return { type, name: m[2] };
}
var RESERVED_PLUGIN_CONFIG = ["self_signed", "ca_certs", "credential_type"];
function getInputs(read = envReader) {
  const reader = new InputReader(read);
  const commands = parseCommands(reader.string("command"));
  const images = reader.lines("images");
  if (images.length > 256)
    throw new InputError("images", `lists ${images.length} references; at most 256 are allowed.`);
  for (const image of images) parseReference(image);
  const notation = toolSource(
    reader,
    "notation",
    { version: "notation-version", url: "notation-url", checksum: "notation-checksum" },
    DEFAULT_NOTATION_VERSION
  );
  const plugin = toolSource(
    reader,
    "azure-kv",
    { version: "plugin-version", url: "plugin-url", checksum: "plugin-checksum" },
    DEFAULT_PLUGIN_VERSION
  );
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
  const registryServer = bindRegistryCredentials(
    images,
    username !== void 0,
    reader.optional("registry-server")
  );
  const timestampUrl = reader.optional("timestamp-url");
  const timestampRootCert = reader.optional("timestamp-root-cert");
  if (timestampUrl === void 0 !== (timestampRootCert === void 0)) {
    throw new InputError(
      timestampUrl === void 0 ? "timestamp-url" : "timestamp-root-cert",
      "timestamp-url and timestamp-root-cert go together."
    );
  }
  if (timestampUrl !== void 0) checkTimestampUrl(timestampUrl);
  const expiry = reader.optional("expiry");
  const authorityInput = reader.optional("azure-authority-host");
  const authorityHost = authorityInput === void 0 ? void 0 : parseAuthorityInput(authorityInput);
  if (expiry !== void 0 && !/^(?=\d)(\d+h)?(\d+m)?$/.test(expiry)) {
    throw new InputError(
      "expiry",
      `'${expiry}' is not a duration in hours and minutes, such as 24h, 30m or 3h20m.`
    );
  }
  const inputs = {
    commands,
    images,
    notation,
    plugin,
    azure: {
      credential: reader.oneOf("azure-credential", CREDENTIALS),
      ...optionalField("clientId", reader.optional("azure-client-id")),
      ...optionalField("tenantId", reader.optional("azure-tenant-id")),
      ...optionalField("authorityHost", authorityHost),
      ...optionalField("subscriptionId", reader.optional("azure-subscription-id")),
      ...optionalField("resourceGroup", reader.optional("resource-group"))
    },
    keyVault: {
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
    },
    registry: {
      ...optionalField("username", username),
      ...optionalField("password", password),
      ...optionalField("server", registryServer),
      acrRegistries
    },
    sign: {
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
    },
    maxConcurrency: reader.integer("max-concurrency", 1, 32) ?? 4,
    verify: {
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
    },
    build: {
      ...optionalField("context", reader.optional("build-context")),
      ...optionalField("dockerfile", reader.optional("dockerfile")),
      args: reader.keyValues("build-args", void 0, { allowEmpty: true }),
      secretArgs: reader.keyValues("build-secret-args", void 0, { allowEmpty: true }),
      ...optionalField("platform", reader.optional("platform")),
      ...optionalField("timeoutSeconds", reader.integer("build-timeout", 300, 28800))
    },
    ...optionalField("timeoutMinutes", reader.minutes("timeout-minutes", 360)),
    cleanup: reader.boolean("cleanup")
  };
  for (const { value } of inputs.build.secretArgs) if (value !== "") setSecret(value);
  checkAzureIds(inputs.azure);
  if (setUpForAzure(inputs)) {
    resolveAuthority(inputs.azure.authorityHost, process.env["AZURE_AUTHORITY_HOST"]);
  }
  const keyId = inputs.keyVault.keyId === void 0 ? void 0 : parseKeyId(inputs.keyVault.keyId);
  if (keyId) checkVaultHost(new URL(keyId.vaultUrl), "key-id");
  if (inputs.keyVault.certificate !== void 0 && !/^[0-9a-zA-Z-]{1,127}$/.test(inputs.keyVault.certificate)) {
    throw new InputError(
      "certificate",
      `'${inputs.keyVault.certificate}' is not a Key Vault certificate name (letters, digits, hyphens).`
    );
  }
  if (inputs.keyVault.certificateVersion !== void 0 && !/^[0-9a-f]{32}$/i.test(inputs.keyVault.certificateVersion)) {
    throw new InputError("certificate-version", "must be a Key Vault version: 32 hex characters.");
  }
  const subject = inputs.keyVault.policy.subject;
  const subjectProblems = subject === void 0 ? [] : checkNotaryDN(subject).problems;
  if (subjectProblems.length > 0) {
    throw new InputError(
      "certificate-subject",
      `${subjectProblems.join(" ")} notation's trusted identities need it (e.g. CN=example.com,O=Example,L=Seattle,ST=WA,C=US).`
    );
  }
  checkCommandRequirements(inputs);
  if (keyId && inputs.keyVault.vaultUrl !== void 0 && keyId.vaultUrl !== inputs.keyVault.vaultUrl) {
    throw new InputError(
      "key-id",
      `belongs to ${keyId.vaultUrl}, not to key-vault ${inputs.keyVault.vaultUrl}; give one of them, or both of one vault.`
    );
  }
  checkGeneratedPolicyInputs(inputs.verify);
  return inputs;
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
function checkCommandRequirements(inputs) {
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
}
function optionalField(name, value) {
  return value === void 0 ? {} : { [name]: value };
}

// src/truststore.ts
var INPUT = "trust-store-certificates";
var STORE_NAME2 = /^[a-zA-Z0-9_.-]+$/;
var OWN_FILE = /^notation-akv-action-[0-9a-f]{64}\.pem$/;
var OWN_TEMP = /^\.notation-akv-action-[0-9a-f]{64}\.pem\.[0-9a-f]+\.tmp$/;
var MAX_CERT_FILE_BYTES = 1024 * 1024;
function parseCertificates(input, source) {
  const text = typeof input === "string" ? input : input.toString("latin1");
  if (text.includes("-----BEGIN ")) return parsePem(text, source);
  if (typeof input === "string") {
    throw new Error(`${source}: no PEM block (-----BEGIN CERTIFICATE-----) found.`);
  }
  if (input.length === 0) throw new Error(`${source}: the file is empty.`);
  let ders;
  try {
    ders = splitDer(input);
  } catch (error) {
    throw new Error(
      `${source}: neither PEM nor DER certificate data (${error.message}).`
    );
  }
  return ders.map(
    (der, index) => parseDer(der, ders.length > 1 ? `${source} (certificate ${index + 1})` : source)
  );
}
function parsePem(text, source) {
  const blocks = [
    ...text.matchAll(/-----BEGIN ([^\r\n]*?)-----([\s\S]*?)-----END ([^\r\n]*?)-----/g)
  ];
  const begins = text.split("-----BEGIN ").length - 1;
  if (begins !== blocks.length) {
    throw new Error(`${source}: a PEM block has no matching -----END line.`);
  }
  return blocks.map((block, index) => {
    const where = blocks.length > 1 ? `${source} (PEM block ${index + 1})` : source;
    const [, label, body = "", endLabel] = block;
    if (label !== endLabel) {
      throw new Error(`${where}: BEGIN ${label} is closed by END ${endLabel}.`);
    }
    if (label !== "CERTIFICATE") {
      throw new Error(
        `${where}: a ${label} block, not a CERTIFICATE; a trust store holds only certificates.`
      );
    }
    const base64 = body.split(/\r?\n/).filter((line) => !/^[A-Za-z-]+:/.test(line.trim())).join("").replace(/\s+/g, "");
    if (base64 === "" || !/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) {
      throw new Error(`${where}: the CERTIFICATE block is not valid base64.`);
    }
    const der = Buffer.from(base64, "base64");
    let parts;
    try {
      parts = splitDer(der);
    } catch (error) {
      throw new Error(`${where}: not a certificate (${error.message}).`);
    }
    if (parts.length !== 1) throw new Error(`${where}: data follows the certificate.`);
    return parseDer(der, where);
  });
}
function parseDer(der, source) {
  try {
    return new X509Certificate(der);
  } catch (error) {
    throw new Error(`${source}: not an X.509 certificate (${error.message}).`);
  }
}
function splitDer(data) {
  const parts = [];
  let offset = 0;
  while (offset < data.length) {
    if (data[offset] !== 48) throw new Error(`no ASN.1 SEQUENCE at byte ${offset}`);
    const first = data[offset + 1];
    if (first === void 0) throw new Error("truncated length");
    let length = first;
    let header = 2;
    if (first & 128) {
      const count = first & 127;
      if (count === 0 || count > 4) throw new Error(`unsupported length encoding at byte ${offset}`);
      length = 0;
      for (let i = 0; i < count; i++) {
        const byte = data[offset + 2 + i];
        if (byte === void 0) throw new Error("truncated length");
        length = length * 256 + byte;
      }
      header += count;
    }
    const end = offset + header + length;
    if (end > data.length) throw new Error(`truncated: ${end - data.length} bytes missing`);
    parts.push(data.subarray(offset, end));
    offset = end;
  }
  return parts;
}
async function loadCertificates(input, lines, workspace) {
  const loaded = [];
  let block;
  let inline = 0;
  const parse = (data, source) => {
    try {
      for (const certificate of parseCertificates(data, source)) {
        loaded.push({ certificate, source });
      }
    } catch (error) {
      if (error instanceof InputError) throw error;
      throw new InputError(input, error.message);
    }
  };
  for (const raw of lines) {
    const line = raw.trim();
    if (line === "") continue;
    if (block === void 0 && !line.includes("-----BEGIN ")) {
      parse(await readWorkspaceFile(input, line, workspace, MAX_CERT_FILE_BYTES), line);
      continue;
    }
    if (block !== void 0 && line.includes("-----BEGIN ")) {
      throw new InputError(
        input,
        `inline certificate ${inline} has no -----END line before the next block.`
      );
    }
    if (block === void 0) {
      inline++;
      block = [];
    }
    block.push(line);
    if (line.includes("-----END ")) {
      parse(block.join("\n"), `inline certificate ${inline}`);
      block = void 0;
    }
  }
  if (block !== void 0) {
    throw new InputError(
      input,
      `inline certificate ${inline} has no -----END CERTIFICATE----- line.`
    );
  }
  return loaded;
}
function loadTrustStoreCertificates(lines, workspace) {
  return loadCertificates(INPUT, lines, workspace);
}
function checkTrustStoreCertificates(type, certs, now = /* @__PURE__ */ new Date()) {
  if (certs.length === 0) {
    throw new InputError(
      INPUT,
      `gives no certificates: notation refuses an empty ${type} trust store.`
    );
  }
  const problems = [];
  const warnings = [];
  for (const { certificate, source } of certs) {
    const what = `certificate "${certificateSubject(certificate)}" (${source})`;
    const signedBySelf = verifiesItself(certificate);
    if (type === "tsa") {
      if (!certificate.ca) {
        problems.push(
          `${what} is not a CA certificate; a tsa store holds root CA certificates only.`
        );
      } else if (certificate.subject !== certificate.issuer || !signedBySelf) {
        problems.push(
          `${what} is issued by "${formatNodeName(certificate.issuer)}", not by itself; a tsa store holds root CA certificates only.`
        );
      }
    } else if (!certificate.ca && !signedBySelf) {
      problems.push(
        `${what} is neither a CA certificate nor self-signed; notation refuses it in a ${type} store (add the root CA instead).`
      );
    }
    if (now < certificate.validFromDate) {
      warnings.push(`${what} is not valid until ${certificate.validFromDate.toISOString()}.`);
    } else if (now > certificate.validToDate) {
      warnings.push(`${what} expired on ${certificate.validToDate.toISOString()}.`);
    }
  }
  if (problems.length > 0) {
    throw new InputError(
      INPUT,
      problems.length === 1 ? problems[0] : `
- ${problems.join("\n- ")}`
    );
  }
  return warnings;
}
function verifiesItself(certificate) {
  try {
    return certificate.verify(certificate.publicKey);
  } catch {
    return false;
  }
}
async function writeTrustStore(configDir, store, certs) {
  if (!TRUST_STORE_TYPES.includes(store.type)) {
    throw new InputError(
      "trust-store",
      `type "${store.type}" is not one of ${TRUST_STORE_TYPES.join(", ")}.`
    );
  }
  if (!STORE_NAME2.test(store.name) || store.name === "." || store.name === "..") {
    throw new InputError(
      "trust-store",
      `name "${store.name}" must use letters, digits and _ . - only.`
    );
  }
  await mkdir2(configDir, { recursive: true, mode: 448 });
  let dir = configDir;
  for (const part of ["truststore", "x509", store.type, store.name]) {
    dir = path2.join(dir, part);
    await ensureRealDirectory(dir);
  }
  const wanted = /* @__PURE__ */ new Map();
  for (const certificate of certs) {
    wanted.set(`notation-akv-action-${sha256(certificate)}.pem`, toPem(certificate));
  }
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (OWN_FILE.test(entry.name) || OWN_TEMP.test(entry.name)) continue;
    if (entry.isDirectory() || entry.isSymbolicLink()) {
      throw new InputError(
        "trust-store",
        `${path2.join(dir, entry.name)} is a ${entry.isDirectory() ? "folder" : "symlink"}; notation refuses a store holding one. Remove it.`
      );
    }
  }
  const written = [];
  for (const [file, pem] of wanted) {
    const target = path2.join(dir, file);
    const info2 = await lstat2(target).catch(() => void 0);
    if (info2?.isDirectory()) {
      throw new InputError(
        "trust-store",
        `${target} is a folder; notation refuses a store holding one.`
      );
    }
    const same = info2?.isFile() === true && (process.platform === "win32" || (info2.mode & 511) === 384) && await readFile2(target, "utf8") === pem;
    if (!same) await writeAtomically(target, pem);
    written.push(target);
  }
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const own = OWN_FILE.test(entry.name) || OWN_TEMP.test(entry.name);
    if (own && !wanted.has(entry.name) && !entry.isDirectory()) {
      await rm2(path2.join(dir, entry.name), { force: true });
    }
  }
  return written.sort();
}
async function ensureRealDirectory(dir) {
  let info2 = await lstat2(dir).catch((error) => {
    if (error.code === "ENOENT") return void 0;
    throw error;
  });
  if (info2 === void 0) {
    await mkdir2(dir, { mode: 448 }).catch((error) => {
      if (error.code !== "EEXIST") throw error;
    });
    info2 = await lstat2(dir);
  }
  if (info2.isSymbolicLink()) {
    throw new InputError(
      "trust-store",
      `${dir} is a symlink; the trust store is not written through one.`
    );
  }
  if (!info2.isDirectory()) {
    throw new InputError("trust-store", `${dir} exists and is not a folder.`);
  }
}
function sha256(certificate) {
  return createHash("sha256").update(certificate.raw).digest("hex");
}
function toPem(certificate) {
  const lines = certificate.raw.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----
${lines.join("\n")}
-----END CERTIFICATE-----
`;
}
var GO_NAMES = {
  C: "C",
  ST: "ST",
  L: "L",
  street: "STREET",
  postalCode: "POSTALCODE",
  O: "O",
  OU: "OU",
  CN: "CN",
  serialNumber: "SERIALNUMBER"
};
var GO_ORDER = ["SERIALNUMBER", "CN", "OU", "O", "POSTALCODE", "STREET", "L", "ST", "C"];
var SINGLE_VALUED = /* @__PURE__ */ new Set(["CN", "SERIALNUMBER"]);
function certificateSubject(certificate) {
  return formatNodeName(certificate.subject);
}
function formatNodeName(name) {
  let rdns;
  try {
    rdns = parseDistinguishedName(
      name.split("\n").filter((l) => l !== "").join(",")
    );
  } catch {
    return name.split("\n").reverse().join(",");
  }
  const known = /* @__PURE__ */ new Map();
  const others = [];
  for (const { type, value } of rdns.flat()) {
    const goName = GO_NAMES[type];
    if (goName === void 0) {
      others.push([{ type, value }]);
      continue;
    }
    const values = known.get(goName) ?? [];
    known.set(goName, SINGLE_VALUED.has(goName) ? [value] : [...values, value]);
  }
  const ordered = GO_ORDER.filter((type) => known.has(type)).map(
    (type) => (known.get(type) ?? []).map((value) => ({ type, value }))
  );
  return formatDistinguishedName([...ordered, ...others.reverse()]);
}

// src/x509.ts
import { createHash as createHash2 } from "node:crypto";
var PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
function pemBlocks(text) {
  return [...text.matchAll(PEM_BLOCK)].map((m) => `${m[0].replace(/\r\n/g, "\n")}
`);
}
function derToPem(der) {
  const b64 = Buffer.from(der).toString("base64").replace(/(.{64})/g, "$1\n").replace(/\n$/, "");
  return `-----BEGIN CERTIFICATE-----
${b64}
-----END CERTIFICATE-----
`;
}
function isSelfSigned(cert) {
  return cert.subject === cert.issuer && cert.verify(cert.publicKey);
}
function thumbprint(cert) {
  return createHash2("sha256").update(cert.raw).digest("hex");
}

// src/keyvault.ts
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
function challengeOptions(vaultUrl2) {
  const url = new URL(vaultUrl2);
  checkVaultHost(url, "key-vault");
  return { disableChallengeResourceVerification: isLoopbackHost(url.hostname) };
}
function vaultKeyId(kid, vaultUrl2, name, version) {
  let url;
  try {
    url = new URL(kid);
  } catch {
    url = void 0;
  }
  const vault = new URL(vaultUrl2).origin;
  const m = url && /^\/keys\/([0-9a-zA-Z-]{1,127})\/([0-9a-fA-F]{32})$/.exec(url.pathname);
  const sameVault = url?.origin === vault && url.username === "" && url.password === "";
  if (!url || !sameVault || !m || m[1]?.toLowerCase() !== name.toLowerCase() || version !== void 0 && m[2]?.toLowerCase() !== version.toLowerCase() || url.search || url.hash) {
    const where = url && url.origin !== vault && url.origin !== "null" ? ` (a key of ${url.origin})` : "";
    throw new ActionError(
      `Key Vault ${vaultUrl2} answered certificate '${name}' with a key ID that is not ${vault}/keys/${name}/${version ?? "<version>"}${where}; not signing with it.`
    );
  }
  return `${vault}/keys/${m[1]}/${m[2]}`;
}
function keyVaultError(error, vaultUrl2, what, permission) {
  const e = error;
  const mismatch = /The challenge resource '([^']*)' does not match the requested domain/.exec(
    errorMessage(error)
  );
  if (mismatch) {
    return new ActionError(
      `Key Vault ${vaultUrl2} asked for a token for '${mismatch[1]}', which is not Key Vault's: refused, no token was sent. Check that key-vault / key-id name your vault.`,
      { cause: error }
    );
  }
  if (e.statusCode === 401 || e.statusCode === 403) {
    return new ActionError(
      `Key Vault ${vaultUrl2} refused to ${what}: ${e.message} The identity needs ${permission}.`,
      { cause: error }
    );
  }
  if (e.statusCode === 404) {
    return new ActionError(
      `Key Vault ${vaultUrl2} has no ${what.replace(/^(read|get) /, "")}: ${e.message}`,
      { cause: error }
    );
  }
  if (!(error instanceof ActionError) && networkCause(error)) {
    return new ActionError(
      `Key Vault ${vaultUrl2}: could not ${what}: ${describeRequestError(error, vaultUrl2)}`,
      { cause: error }
    );
  }
  return new ActionError(`Key Vault ${vaultUrl2}: could not ${what}: ${errorMessage(error)}`, {
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
  constructor(client, vaultUrl2, credential) {
    this.client = client;
    this.vaultUrl = vaultUrl2;
    this.credential = credential;
  }
  static async connect(vaultUrl2, credential) {
    const { CertificateClient } = await import("./esm-B6QO5QIQ.js");
    const client = new CertificateClient(vaultUrl2, credential, {
      ...challengeOptions(vaultUrl2),
      ...SDK_CLIENT_OPTIONS,
      userAgentOptions: { userAgentPrefix: "notation-akv-action" }
    });
    return new _KeyVaultCertificates(client, vaultUrl2, credential);
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
    const { SecretClient } = await import("./esm-CAWPFATP.js");
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
    const leaf = new X509Certificate2(certificate.cer);
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
  const vaultUrl2 = inputs.keyId ? parseKeyId(inputs.keyId).vaultUrl : inputs.vaultUrl;
  if (!vaultUrl2) throw new InputError("key-vault", "is required to sign or verify with Key Vault.");
  if (inputs.keyId && inputs.vaultUrl && parseKeyId(inputs.keyId).vaultUrl !== inputs.vaultUrl) {
    throw new InputError(
      "key-id",
      `belongs to ${parseKeyId(inputs.keyId).vaultUrl}, not to key-vault ${inputs.vaultUrl}.`
    );
  }
  if (inputs.keyId && inputs.certificate) {
    throw new InputError("key-id", "and certificate are alternatives; give one.");
  }
  const vault = await KeyVaultCertificates.connect(vaultUrl2, options.credential);
  return vault.resolve(inputs, options);
}

export {
  DEFAULT_STATEMENT_NAME,
  generateTrustPolicy,
  defaultScopes,
  subjectIdentity,
  parseTrustPolicy,
  assertValidTrustPolicy,
  policyWarnings,
  uncoveredImages,
  canonicalTrustPolicy,
  writeTrustPolicy,
  parseCertificates,
  loadCertificates,
  loadTrustStoreCertificates,
  checkTrustStoreCertificates,
  writeTrustStore,
  derToPem,
  isSelfSigned,
  parseKeyId,
  checkVaultHost,
  vaultKeyId,
  certificatePolicy,
  policyDifferences,
  KeyVaultCertificates,
  resolveSigningCertificate,
  pinnedChecksum,
  archiveExtension,
  releaseUrl,
  binaryName,
  getInputs
};
