import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  ACR_SCOPE,
  OIDC_AUDIENCE,
  acrAccessToken,
  chooseCredential,
  createAzureIdentity,
  oidcClaims,
  requestGithubIdToken
} from "./chunk-DS2LFRUE.js";
import "./chunk-J4Q3CV6A.js";
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
