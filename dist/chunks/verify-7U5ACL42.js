import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  anchorsFromKeyVault,
  interpretVerify,
  prepareTrust,
  verifyArgs,
  verifyImages
} from "./chunk-LD7DMFX6.js";
import "./chunk-6V2J7BEQ.js";
import "./chunk-GBARGS3R.js";
import "./chunk-75WK2GCR.js";
import "./chunk-7R5BUYSH.js";
import "./chunk-RSNIEGWU.js";
import "./chunk-YSYX6BFW.js";
import "./chunk-U3OZTHIX.js";
import "./chunk-NFKXVFBA.js";
import "./chunk-HANBNIMK.js";
export {
  anchorsFromKeyVault,
  interpretVerify,
  prepareTrust,
  verifyArgs,
  verifyImages
};
