import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  KeyVaultCertificates,
  certificatePolicy,
  challengeOptions,
  checkVaultHost,
  parseKeyId,
  policyDifferences,
  resolveSigningCertificate,
  vaultKeyId
} from "./chunk-NSNY7JAD.js";
import "./chunk-AYBAOIC3.js";
import "./chunk-UMDANMJZ.js";
import "./chunk-PSCXZPNR.js";
import "./chunk-FNOH2WXR.js";
import "./chunk-OIVOHELA.js";
import "./chunk-NNQIOSTZ.js";
import "./chunk-NFKXVFBA.js";
import "./chunk-HANBNIMK.js";
export {
  KeyVaultCertificates,
  certificatePolicy,
  challengeOptions,
  checkVaultHost,
  parseKeyId,
  policyDifferences,
  resolveSigningCertificate,
  vaultKeyId
};
