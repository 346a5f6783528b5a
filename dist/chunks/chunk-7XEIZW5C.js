import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  getState,
  saveState
} from "./chunk-NFKXVFBA.js";

// src/util/state.ts
var KEYS = {
  workDir: "workDir",
  cleanup: "cleanup"
};
var POST_STATE_NAMES = ["isPost", KEYS.workDir, KEYS.cleanup].map((key) => `STATE_${key}`);
function postStateInEnvironment() {
  return POST_STATE_NAMES.filter((name) => process.env[name] !== void 0);
}
function savePostStateDefaults() {
  saveState(KEYS.workDir, "");
  saveState(KEYS.cleanup, "true");
}
var saveWorkDir = (dir) => saveState(KEYS.workDir, dir);
var savedWorkDir = () => getState(KEYS.workDir);
var saveCleanup = (enabled) => saveState(KEYS.cleanup, String(enabled));
var cleanupEnabled = () => getState(KEYS.cleanup) !== "false";

export {
  postStateInEnvironment,
  savePostStateDefaults,
  saveWorkDir,
  savedWorkDir,
  saveCleanup,
  cleanupEnabled
};
