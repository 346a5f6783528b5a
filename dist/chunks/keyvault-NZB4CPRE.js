import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  KeyVaultCertificates,
  certificatePolicy,
  parseKeyId,
  policyDifferences,
  resolveSigningCertificate
} from "./chunk-KA6YCR5D.js";
import "./chunk-OZYJ33T2.js";
import "./chunk-J4Q3CV6A.js";
import "./chunk-NFKXVFBA.js";
import "./chunk-HANBNIMK.js";
export {
  KeyVaultCertificates,
  certificatePolicy,
  parseKeyId,
  policyDifferences,
  resolveSigningCertificate
};
