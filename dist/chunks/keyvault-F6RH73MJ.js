import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  KeyVaultCertificates,
  certificatePolicy,
  checkVaultHost,
  parseKeyId,
  policyDifferences,
  resolveSigningCertificate,
  vaultKeyId
} from "./chunk-X5JKEFJX.js";
import "./chunk-75WK2GCR.js";
import "./chunk-EGMAU6QZ.js";
import "./chunk-RSNIEGWU.js";
import "./chunk-YSYX6BFW.js";
import "./chunk-U3OZTHIX.js";
import "./chunk-NFKXVFBA.js";
import "./chunk-HANBNIMK.js";
export {
  KeyVaultCertificates,
  certificatePolicy,
  checkVaultHost,
  parseKeyId,
  policyDifferences,
  resolveSigningCertificate,
  vaultKeyId
};
