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
} from "./chunk-MP46JEZA.js";
import "./chunk-PN4ZWNLT.js";
import "./chunk-66HI7FFS.js";
import "./chunk-WVQ4NXPN.js";
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
