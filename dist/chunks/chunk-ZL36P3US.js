import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  httpRequest,
  serverMessage
} from "./chunk-R2Z3XIEM.js";
import {
  resolveAuthority
} from "./chunk-OVE4PIEO.js";
import {
  networkCause,
  probeReach
} from "./chunk-AYBAOIC3.js";
import {
  SDK_CLIENT_OPTIONS,
  isTransientError
} from "./chunk-FNOH2WXR.js";
import {
  ActionError,
  InputError,
  errorMessage
} from "./chunk-NNQIOSTZ.js";
import {
  error,
  info,
  setSecret
} from "./chunk-NFKXVFBA.js";

// src/azure/azure.ts
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
var OIDC_AUDIENCE = "api://AzureADTokenExchange";
var ACR_SCOPE = "https://containerregistry.azure.net/.default";
function chooseCredential(azure, env = process.env) {
  if (azure.credential !== "auto") return azure.credential;
  const clientId = azure.clientId ?? env["AZURE_CLIENT_ID"];
  const tenantId = azure.tenantId ?? env["AZURE_TENANT_ID"];
  if (clientId && tenantId && env["ACTIONS_ID_TOKEN_REQUEST_URL"]) return "oidc";
  if (clientId && tenantId && (env["AZURE_CLIENT_SECRET"] || env["AZURE_CLIENT_CERTIFICATE_PATH"]))
    return "environment";
  if (existsSync(
    path.join(env["AZURE_CONFIG_DIR"] ?? path.join(os.homedir(), ".azure"), "azureProfile.json")
  ))
    return "cli";
  if (env["IDENTITY_ENDPOINT"] || env["MSI_ENDPOINT"]) return "managed-identity";
  if (clientId && tenantId) {
    throw new ActionError(
      "azure-credential auto found azure-client-id and azure-tenant-id but no GitHub OIDC token: add `permissions: id-token: write` to the job (ACTIONS_ID_TOKEN_REQUEST_URL is not set)."
    );
  }
  throw new InputError(
    "azure-credential",
    "auto found no Azure identity: give azure-client-id and azure-tenant-id (OIDC, with `permissions: id-token: write`), or set AZURE_CLIENT_SECRET for environment, run azure/login first for cli, or choose managed-identity."
  );
}
function authorityOptions(authority) {
  return {
    authorityHost: authority.host,
    ...authority.known ? {} : { disableInstanceDiscovery: true }
  };
}
function truthy(value) {
  return value === "1" || value?.toLowerCase() === "true";
}
var CREDENTIAL_OPTIONS = SDK_CLIENT_OPTIONS;
async function requestGithubIdToken(audience, env = process.env, options = {}) {
  const requestUrl = env["ACTIONS_ID_TOKEN_REQUEST_URL"];
  const requestToken = env["ACTIONS_ID_TOKEN_REQUEST_TOKEN"];
  if (!requestUrl || !requestToken) {
    throw new ActionError(
      "No GitHub OIDC token: add `permissions: id-token: write` to the job (ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set)."
    );
  }
  const url = new URL(requestUrl);
  url.searchParams.set("audience", audience);
  const response = await httpRequest(
    "GitHub OIDC token",
    url.toString(),
    { headers: { authorization: `Bearer ${requestToken}`, accept: "application/json" } },
    { ...options, json: true }
  );
  if (response.status !== 200) {
    const message = serverMessage(response);
    throw new ActionError(
      `GitHub's OIDC token endpoint answered HTTP ${response.status}${message ? `: ${message}` : ""}.`
    );
  }
  const token = JSON.parse(response.body.toString("utf8")).value;
  if (typeof token !== "string" || token === "")
    throw new ActionError("GitHub's OIDC token endpoint answered without a token.");
  setSecret(token);
  return token;
}
function oidcClaims(token) {
  try {
    const payload = JSON.parse(
      Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")
    );
    return {
      ...typeof payload["iss"] === "string" ? { iss: payload["iss"] } : {},
      ...typeof payload["sub"] === "string" ? { sub: payload["sub"] } : {},
      ...typeof payload["aud"] === "string" || Array.isArray(payload["aud"]) ? { aud: payload["aud"] } : {}
    };
  } catch {
    return {};
  }
}
var ExplainingCredential = class {
  inner;
  kind;
  lastToken;
  /** The Entra authority signed in at (oidc, environment), probed when sign-in cannot reach it. */
  authorityHost;
  constructor(inner, kind, lastToken, authorityHost) {
    this.inner = inner;
    this.kind = kind;
    this.lastToken = lastToken;
    this.authorityHost = authorityHost;
  }
  async getToken(scopes, options) {
    try {
      return await this.inner.getToken(scopes, options);
    } catch (error2) {
      const message = errorMessage(error2);
      const token = this.lastToken();
      const networkTrouble = isTransientError(error2) || networkCause(error2) !== void 0 || /\b(network_error|endpoints_resolution_error|openid_config_error)\b/.test(message);
      const unreachable = networkTrouble && this.authorityHost ? await probeReach(this.authorityHost) : void 0;
      if (unreachable) {
        throw new ActionError(
          `Azure sign-in (${this.kind}) could not reach the Entra authority ${unreachable}`,
          { cause: error2 }
        );
      }
      const refused = !networkTrouble;
      if (this.kind === "oidc" && token && refused) {
        const claims = oidcClaims(token);
        error(
          `Entra ID refused the GitHub OIDC token (iss: ${claims.iss ?? "?"}, sub: ${claims.sub ?? "?"}, aud: ${String(claims.aud ?? "?")}). The application's federated credential must match this issuer, subject and audience.`
        );
      }
      throw new ActionError(
        `Azure sign-in (${this.kind}) failed for ${[scopes].flat().join(" ")}: ${message}`,
        { cause: error2 }
      );
    }
  }
};
async function createAzureIdentity(azure, env = process.env) {
  const kind = chooseCredential(azure, env);
  const identity = await import("./esm-WDLTMB3Q.js");
  const clientId = azure.clientId ?? env["AZURE_CLIENT_ID"];
  const tenantId = azure.tenantId ?? env["AZURE_TENANT_ID"];
  const authority = resolveAuthority(azure.authorityHost, env["AZURE_AUTHORITY_HOST"]);
  const signsInAtAuthority = kind === "oidc" || kind === "environment";
  let clientSecretFrom;
  let lastOidcToken;
  let credential;
  let federatedToken;
  switch (kind) {
    case "oidc": {
      if (!clientId)
        throw new InputError("azure-client-id", "is required for azure-credential oidc.");
      if (!tenantId)
        throw new InputError("azure-tenant-id", "is required for azure-credential oidc.");
      if (!env["ACTIONS_ID_TOKEN_REQUEST_URL"] || !env["ACTIONS_ID_TOKEN_REQUEST_TOKEN"]) {
        throw new ActionError(
          "azure-credential oidc needs a GitHub OIDC token: add `permissions: id-token: write` to the job (ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set)."
        );
      }
      federatedToken = async () => {
        const token = await requestGithubIdToken(OIDC_AUDIENCE, env);
        lastOidcToken = token;
        return token;
      };
      credential = new identity.ClientAssertionCredential(tenantId, clientId, federatedToken, {
        ...authorityOptions(authority),
        ...CREDENTIAL_OPTIONS
      });
      break;
    }
    case "environment": {
      if (!clientId)
        throw new InputError(
          "azure-client-id",
          "is required for azure-credential environment (or set AZURE_CLIENT_ID)."
        );
      if (!tenantId)
        throw new InputError(
          "azure-tenant-id",
          "is required for azure-credential environment (or set AZURE_TENANT_ID)."
        );
      const options = { ...authorityOptions(authority), ...CREDENTIAL_OPTIONS };
      const secret = env["AZURE_CLIENT_SECRET"];
      const certificatePath = env["AZURE_CLIENT_CERTIFICATE_PATH"];
      if (secret) {
        clientSecretFrom = "AZURE_CLIENT_SECRET";
        credential = new identity.ClientSecretCredential(tenantId, clientId, secret, options);
      } else if (certificatePath) {
        clientSecretFrom = "AZURE_CLIENT_CERTIFICATE_PATH";
        const password = env["AZURE_CLIENT_CERTIFICATE_PASSWORD"];
        credential = new identity.ClientCertificateCredential(
          tenantId,
          clientId,
          { certificatePath, ...password ? { certificatePassword: password } : {} },
          { ...options, sendCertificateChain: truthy(env["AZURE_CLIENT_SEND_CERTIFICATE_CHAIN"]) }
        );
      } else {
        throw new ActionError(
          "azure-credential environment needs AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH in the environment."
        );
      }
      const envClientId = env["AZURE_CLIENT_ID"];
      if (envClientId && envClientId !== clientId) {
        info(
          `AZURE_CLIENT_ID in the environment (${envClientId}) is not azure-client-id; signing in as ${clientId}, here and in the plugin.`
        );
      }
      break;
    }
    case "cli":
      credential = new identity.AzureCliCredential(tenantId ? { tenantId } : {});
      break;
    case "managed-identity":
      credential = new identity.ManagedIdentityCredential(clientId ? { clientId } : {});
      break;
  }
  info(`Azure identity: ${kind}${clientId ? ` (client ${clientId})` : ""}`);
  if (signsInAtAuthority) {
    const from = authority.from === "default" ? "the public cloud" : authority.from;
    info(`Azure authority: ${authority.host} (${from})`);
  }
  return {
    kind,
    credential: new ExplainingCredential(
      credential,
      kind,
      () => lastOidcToken,
      signsInAtAuthority ? authority.host : void 0
    ),
    ...tenantId ? { tenantId } : {},
    ...clientId ? { clientId } : {},
    ...signsInAtAuthority ? { authorityHost: authority.host } : {},
    ...clientSecretFrom ? { clientSecretFrom } : {},
    ...federatedToken ? { federatedToken } : {}
  };
}
async function acrAccessToken(identity) {
  const token = await identity.credential.getToken(ACR_SCOPE);
  if (!token) throw new ActionError("Azure returned no token for Azure Container Registry.");
  setSecret(token.token);
  return token.token;
}

export {
  OIDC_AUDIENCE,
  ACR_SCOPE,
  chooseCredential,
  requestGithubIdToken,
  oidcClaims,
  createAzureIdentity,
  acrAccessToken
};
