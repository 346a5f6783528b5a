import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  InputError
} from "./chunk-NNQIOSTZ.js";

// src/registry/reference.ts
var HOST = /^(?:localhost|(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))+|\[[0-9a-fA-F:]+\])(?::[0-9]{1,5})?$/;
var PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
var REPOSITORY = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
var TAG = /^[\w][\w.-]{0,127}$/;
var DIGEST = /^sha256:[a-f0-9]{64}$|^sha512:[a-f0-9]{128}$/;
function parseReference(value, input = "images") {
  const fail = (why) => {
    throw new InputError(input, `'${value}' ${why}`);
  };
  if (value.length > 1024) fail("is longer than 1024 characters.");
  if (/\s/.test(value)) fail("contains white space.");
  if (value.startsWith("-")) fail('starts with "-"; a reference starts with its registry host.');
  let rest = value;
  let digest;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest))
      fail(
        "has a malformed digest; use @sha256: with 64 (or @sha512: with 128) lowercase hex characters."
      );
  }
  const slash = rest.indexOf("/");
  if (slash < 0) fail("must name its registry, e.g. myregistry.azurecr.io/app:v1.");
  const registry = rest.slice(0, slash);
  let path = rest.slice(slash + 1);
  if (!HOST.test(registry)) {
    fail(
      `must start with a registry host such as myregistry.azurecr.io or 127.0.0.1:5000 (got '${registry}').`
    );
  }
  let tag;
  const colon = path.lastIndexOf(":");
  if (colon >= 0) {
    tag = path.slice(colon + 1);
    path = path.slice(0, colon);
    if (!TAG.test(tag)) fail("has an invalid tag (letters, digits, _ . -; at most 128).");
  }
  if (!REPOSITORY.test(path) || path.length > 255) {
    fail("has an invalid repository name (lowercase letters, digits and separators . _ __ - /).");
  }
  if (tag === void 0 && digest === void 0) fail("needs a tag or a digest.");
  return {
    registry,
    repository: path,
    ...tag === void 0 ? {} : { tag },
    ...digest === void 0 ? {} : { digest }
  };
}
function formatReference(ref) {
  return `${ref.registry}/${ref.repository}@${ref.digest}`;
}
function parseRegistryHost(value, input) {
  if (!HOST.test(value)) {
    throw new InputError(
      input,
      `'${value}' is not a registry host[:port] such as myregistry.azurecr.io or 127.0.0.1:5000 (no scheme, path or spaces).`
    );
  }
  return value;
}
function sameRegistry(a, b) {
  return a.toLowerCase() === b.toLowerCase();
}
function isLoopbackHost(hostname) {
  const host = hostname.toLowerCase().replace(/^\[(.*)\]$/, "$1");
  return host === "localhost" || host === "::1" || /^127(?:\.\d{1,3}){3}$/.test(host);
}
function registryOrigin(registry) {
  return /^localhost(:\d+)?$/.test(registry) ? `http://${registry}` : `https://${registry}`;
}

export {
  DIGEST,
  parseReference,
  formatReference,
  parseRegistryHost,
  sameRegistry,
  isLoopbackHost,
  registryOrigin
};
