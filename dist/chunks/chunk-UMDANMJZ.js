import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  InputError
} from "./chunk-NNQIOSTZ.js";

// src/trust/distinguished-name.ts
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

// src/trust/trust-policy.ts
import { lstat as lstat2, mkdir } from "node:fs/promises";
import path2 from "node:path";

// src/util/go-json.ts
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
function walk(node, shape, path4, context) {
  const { report } = context;
  const where = path4 === "" ? "top level" : path4;
  if (shape.kind === "slice" && node.kind === "array") {
    node.items.forEach((item, index) => walk(item, shape.of, `${path4}[${index}]`, context));
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
    if (field !== void 0) walk(value, shape.fields[field], joinPath(path4, key), context);
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
function joinPath(path4, key) {
  const segment = /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : `[${showKey(key)}]`;
  return path4 === "" ? segment : segment.startsWith("[") ? `${path4}${segment}` : `${path4}.${segment}`;
}

// src/util/json-error.ts
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

// src/util/workspace-files.ts
import { randomBytes } from "node:crypto";
import { lstat, readFile, realpath, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
async function readWorkspaceFile(input, file, workspace, maxBytes) {
  const root = await realpath(workspace).catch(() => {
    throw new InputError(input, `the workspace '${workspace}' does not exist.`);
  });
  const target = path.resolve(root, file);
  if (!isInside(root, target)) {
    throw new InputError(input, `'${file}' is outside the workspace; use a path inside it.`);
  }
  const info = await lstat(target).catch((error) => {
    throw new InputError(
      input,
      error.code === "ENOENT" ? `'${file}' does not exist in the workspace.` : `'${file}' can't be read: ${error.message}`
    );
  });
  if (info.isSymbolicLink()) {
    throw new InputError(input, `'${file}' is a symlink; name the file itself.`);
  }
  if (!info.isFile()) throw new InputError(input, `'${file}' is not a regular file.`);
  if (!isInside(root, await realpath(target))) {
    throw new InputError(input, `'${file}' resolves outside the workspace (a symlinked folder).`);
  }
  if (info.size > maxBytes) {
    throw new InputError(input, `'${file}' is ${info.size} bytes; at most ${maxBytes} are read.`);
  }
  return readFile(target);
}
function isInside(root, target) {
  const relative = path.relative(root, target);
  return relative === "" || !relative.startsWith("..") && !path.isAbsolute(relative);
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

// src/trust/trust-policy.ts
var LEVELS = ["strict", "permissive", "audit"];
var TRUST_STORE_TYPES = ["ca", "signingAuthority", "tsa"];
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
    if (options.tsaStore !== void 0) statement.trustStores.push(`tsa:${options.tsaStore}`);
    statement.trustedIdentities = [...options.identities];
  }
  return { version: "1.0", trustPolicies: [statement] };
}
function tsaStoreNames(doc) {
  const names = doc.trustPolicies.flatMap(
    (s) => (s.trustStores ?? []).filter((ref) => ref.startsWith("tsa:")).map((ref) => ref.slice("tsa:".length))
  );
  return [...new Set(names)];
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
  const target = path2.join(configDir, TRUST_POLICY_FILE);
  const existing = await lstat2(target).catch(() => void 0);
  if (existing?.isDirectory()) {
    throw new InputError("trust-policy", `${target} is a directory; notation needs a file there.`);
  }
  await writeAtomically(target, `${JSON.stringify(canonicalTrustPolicy(doc), null, 2)}
`);
  return target;
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

// src/trust/x509.ts
import { createHash } from "node:crypto";
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
  return createHash("sha256").update(cert.raw).digest("hex");
}

// src/trust/truststore.ts
import { X509Certificate, createHash as createHash2 } from "node:crypto";
import { lstat as lstat3, mkdir as mkdir2, readFile as readFile2, readdir, rm as rm2 } from "node:fs/promises";
import path3 from "node:path";
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
    dir = path3.join(dir, part);
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
        `${path3.join(dir, entry.name)} is a ${entry.isDirectory() ? "folder" : "symlink"}; notation refuses a store holding one. Remove it.`
      );
    }
  }
  const written = [];
  for (const [file, pem] of wanted) {
    const target = path3.join(dir, file);
    const info = await lstat3(target).catch(() => void 0);
    if (info?.isDirectory()) {
      throw new InputError(
        "trust-store",
        `${target} is a folder; notation refuses a store holding one.`
      );
    }
    const same = info?.isFile() === true && (process.platform === "win32" || (info.mode & 511) === 384) && await readFile2(target, "utf8") === pem;
    if (!same) await writeAtomically(target, pem);
    written.push(target);
  }
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const own = OWN_FILE.test(entry.name) || OWN_TEMP.test(entry.name);
    if (own && !wanted.has(entry.name) && !entry.isDirectory()) {
      await rm2(path3.join(dir, entry.name), { force: true });
    }
  }
  return written.sort();
}
async function ensureRealDirectory(dir) {
  let info = await lstat3(dir).catch((error) => {
    if (error.code === "ENOENT") return void 0;
    throw error;
  });
  if (info === void 0) {
    await mkdir2(dir, { mode: 448 }).catch((error) => {
      if (error.code !== "EEXIST") throw error;
    });
    info = await lstat3(dir);
  }
  if (info.isSymbolicLink()) {
    throw new InputError(
      "trust-store",
      `${dir} is a symlink; the trust store is not written through one.`
    );
  }
  if (!info.isDirectory()) {
    throw new InputError("trust-store", `${dir} exists and is not a folder.`);
  }
}
function sha256(certificate) {
  return createHash2("sha256").update(certificate.raw).digest("hex");
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
async function loadTimestampRoot(value, workspace) {
  const roots = await loadCertificates("timestamp-root-cert", value.split(/\r?\n/), workspace);
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
  checkNotaryDN,
  LEVELS,
  TRUST_STORE_TYPES,
  DEFAULT_STATEMENT_NAME,
  generateTrustPolicy,
  tsaStoreNames,
  defaultScopes,
  subjectIdentity,
  parseTrustPolicy,
  validateTrustPolicy,
  assertValidTrustPolicy,
  policyWarnings,
  uncoveredImages,
  canonicalTrustPolicy,
  writeTrustPolicy,
  pemBlocks,
  derToPem,
  isSelfSigned,
  thumbprint,
  parseCertificates,
  loadCertificates,
  loadTrustStoreCertificates,
  checkTrustStoreCertificates,
  writeTrustStore,
  certificateSubject,
  loadTimestampRoot
};
