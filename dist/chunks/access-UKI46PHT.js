import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  ACR_DOMAINS,
  ACR_REFRESH_TOKEN_USERNAME,
  RegistryClient,
  exchangeAcrRefreshToken,
  isAcrRegistry
} from "./chunk-M3GKE2EA.js";
import {
  acrAccessToken
} from "./chunk-ZL36P3US.js";
import "./chunk-R2Z3XIEM.js";
import "./chunk-OVE4PIEO.js";
import "./chunk-AYBAOIC3.js";
import {
  parseReference,
  sameRegistry
} from "./chunk-PSCXZPNR.js";
import "./chunk-FNOH2WXR.js";
import {
  logLine
} from "./chunk-OIVOHELA.js";
import "./chunk-NNQIOSTZ.js";
import {
  info,
  warning
} from "./chunk-NFKXVFBA.js";
import "./chunk-HANBNIMK.js";

// src/registry/access.ts
function parseImages(lines) {
  const unique = [...new Set(lines)];
  if (unique.length < lines.length)
    warning("images lists some references more than once; each is processed once.");
  return unique.map((input) => ({ input, ref: parseReference(input) }));
}
async function registryCredentials(registries, options, identity) {
  const credentials = /* @__PURE__ */ new Map();
  const { username, password, server, acrRegistries } = options;
  for (const registry of new Set(registries)) {
    if (username !== void 0 && password !== void 0 && server !== void 0 && sameRegistry(registry, server)) {
      credentials.set(registry, { username, password });
      continue;
    }
    if (!isAcrRegistry(registry, acrRegistries)) {
      info(
        `${registry} is not known to be an Azure Container Registry (under ${ACR_DOMAINS.join(", ")}, or listed in acr-registries): reaching it without the Azure identity.`
      );
      credentials.set(registry, void 0);
      continue;
    }
    const azure = await identity();
    if (!azure) {
      credentials.set(registry, void 0);
      continue;
    }
    const refreshToken = await exchangeAcrRefreshToken(
      registry,
      await acrAccessToken(azure),
      azure.tenantId
    );
    info(`Signed in to ${registry} with the Azure identity.`);
    credentials.set(registry, { username: ACR_REFRESH_TOKEN_USERNAME, password: refreshToken });
  }
  return credentials;
}
async function resolveDigests(images, credentials) {
  const clients = /* @__PURE__ */ new Map();
  const clientFor = (registry) => {
    let client = clients.get(registry);
    if (!client) {
      const credential = credentials.get(registry);
      client = new RegistryClient(registry, credential ? { credential } : {});
      clients.set(registry, client);
    }
    return client;
  };
  const resolved = await Promise.all(
    images.map(({ input, ref }) => clientFor(ref.registry).resolve(input, ref))
  );
  for (const image of resolved) {
    const tagged = image.input.includes("@") ? "" : ` (from ${image.input})`;
    logLine(`${image.reference}${tagged}`);
  }
  return resolved;
}
export {
  parseImages,
  registryCredentials,
  resolveDigests
};
