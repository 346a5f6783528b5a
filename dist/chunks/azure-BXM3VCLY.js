import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  ACR_SCOPE,
  OIDC_AUDIENCE,
  acrAccessToken,
  chooseCredential,
  createAzureIdentity,
  oidcClaims,
  requestGithubIdToken
} from "./chunk-K3UB7RSX.js";
import "./chunk-7R5BUYSH.js";
import "./chunk-RSNIEGWU.js";
import "./chunk-YSYX6BFW.js";
import "./chunk-U3OZTHIX.js";
import "./chunk-NFKXVFBA.js";
import "./chunk-HANBNIMK.js";
export {
  ACR_SCOPE,
  OIDC_AUDIENCE,
  acrAccessToken,
  chooseCredential,
  createAzureIdentity,
  oidcClaims,
  requestGithubIdToken
};
