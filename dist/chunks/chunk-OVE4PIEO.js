import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  InputError
} from "./chunk-NNQIOSTZ.js";

// src/azure/authority.ts
var KNOWN_AUTHORITIES = [
  "https://login.microsoftonline.com",
  "https://login.chinacloudapi.cn",
  "https://login.microsoftonline.us"
];
var DEFAULT_AUTHORITY = "https://login.microsoftonline.com";
function httpsOrigin(value) {
  let url;
  try {
    url = new URL(value);
  } catch {
    return void 0;
  }
  const plain = url.protocol === "https:" && url.username === "" && url.password === "" && url.pathname === "/" && url.search === "" && url.hash === "" && !/[?#]/.test(value);
  return plain ? url.origin : void 0;
}
function parseAuthorityInput(value) {
  const origin = httpsOrigin(value);
  if (origin === void 0) {
    throw new InputError(
      "azure-authority-host",
      `'${value}' must be an https URL with only a host (and port), such as https://login.microsoftonline.us: no http, path, query or credentials.`
    );
  }
  return origin;
}
function quoted(value) {
  return JSON.stringify(value.length > 200 ? `${value.slice(0, 200)}\u2026` : value);
}
function resolveAuthority(input, envValue) {
  const fromInput = input === void 0 ? void 0 : parseAuthorityInput(input);
  const env = envValue === void 0 || envValue === "" ? void 0 : envValue;
  if (env !== void 0) {
    const origin = httpsOrigin(env);
    const acceptable = origin !== void 0 && (KNOWN_AUTHORITIES.includes(origin) || origin === fromInput);
    if (!acceptable) {
      throw new InputError(
        "azure-authority-host",
        `AZURE_AUTHORITY_HOST in the environment is ${quoted(env)}, which is neither a known cloud's Entra authority (${KNOWN_AUTHORITIES.join(", ")}) nor the one named in azure-authority-host${fromInput === void 0 ? "" : ` (${fromInput})`}; Azure credentials are not sent to it. Name your authority in azure-authority-host (https only), or remove AZURE_AUTHORITY_HOST.`
      );
    }
  }
  if (fromInput !== void 0) {
    return {
      host: fromInput,
      known: KNOWN_AUTHORITIES.includes(fromInput),
      from: "azure-authority-host"
    };
  }
  if (env !== void 0) {
    return { host: httpsOrigin(env), known: true, from: "AZURE_AUTHORITY_HOST" };
  }
  return { host: DEFAULT_AUTHORITY, known: true, from: "default" };
}

export {
  parseAuthorityInput,
  resolveAuthority
};
