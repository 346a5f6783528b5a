import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  loadTimestampRoot,
  preflight
} from "./chunk-WHOVAFCC.js";
import "./chunk-3OAXRWJZ.js";
import "./chunk-6KS3K2SZ.js";
import "./chunk-KA6YCR5D.js";
import "./chunk-OZYJ33T2.js";
import "./chunk-J4Q3CV6A.js";
import "./chunk-NFKXVFBA.js";
import "./chunk-HANBNIMK.js";
export {
  loadTimestampRoot,
  preflight
};
