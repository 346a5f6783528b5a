import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  anchorsFromKeyVault,
  interpretVerify,
  prepareTrust,
  shownLines,
  signatureFailures,
  userMetadataMismatch,
  verifyArgs,
  verifyImages
} from "./chunk-BUVNSRCC.js";
import "./chunk-PN4ZWNLT.js";
import "./chunk-4V5UNHM5.js";
import "./chunk-UMDANMJZ.js";
import "./chunk-PSCXZPNR.js";
import "./chunk-FNOH2WXR.js";
import "./chunk-OIVOHELA.js";
import "./chunk-NNQIOSTZ.js";
import "./chunk-NFKXVFBA.js";
import "./chunk-HANBNIMK.js";
export {
  anchorsFromKeyVault,
  interpretVerify,
  prepareTrust,
  shownLines,
  signatureFailures,
  userMetadataMismatch,
  verifyArgs,
  verifyImages
};
