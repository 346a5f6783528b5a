import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  ACR_SCOPE,
  OIDC_AUDIENCE,
  acrAccessToken,
  chooseCredential,
  createAzureIdentity,
  oidcClaims,
  requestGithubIdToken
} from "./chunk-ZL36P3US.js";
import "./chunk-R2Z3XIEM.js";
import "./chunk-OVE4PIEO.js";
import "./chunk-AYBAOIC3.js";
import "./chunk-FNOH2WXR.js";
import "./chunk-OIVOHELA.js";
import "./chunk-NNQIOSTZ.js";
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
