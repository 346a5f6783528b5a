import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  loadTimestampRoot,
  preflight
} from "./chunk-NONL23OR.js";
import "./chunk-6LYD4OM4.js";
import "./chunk-2F67RPHD.js";
import "./chunk-V2NSA376.js";
import "./chunk-75WK2GCR.js";
import "./chunk-7R5BUYSH.js";
import "./chunk-RSNIEGWU.js";
import "./chunk-YSYX6BFW.js";
import "./chunk-U3OZTHIX.js";
import "./chunk-NFKXVFBA.js";
import "./chunk-HANBNIMK.js";
export {
  loadTimestampRoot,
  preflight
};
