import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  cleanupEnabled,
  savedWorkDir
} from "./chunk-7XEIZW5C.js";
import {
  errorMessage
} from "./chunk-NNQIOSTZ.js";
import {
  info,
  warning
} from "./chunk-NFKXVFBA.js";
import "./chunk-HANBNIMK.js";

// src/post.ts
import { readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
async function post() {
  try {
    const workDir = savedWorkDir();
    if (!workDir) return;
    const refusal = whyNotOurs(workDir);
    if (refusal !== void 0) {
      warning(`Not removing ${workDir}: ${refusal}`);
      return;
    }
    if (!cleanupEnabled()) {
      const leftovers = await removeSignLeftovers(workDir);
      info(
        `cleanup is false: leaving ${workDir} in place` + (leftovers > 0 ? ` (removed ${leftovers} leftover signing folder(s)).` : ".")
      );
      return;
    }
    await rm(workDir, { recursive: true, force: true });
    info(`Removed ${workDir}`);
  } catch (error) {
    warning(`Cleanup failed: ${errorMessage(error)}`);
  }
}
function whyNotOurs(workDir) {
  if (!path.isAbsolute(workDir)) return "it is not an absolute path.";
  const normalized = path.normalize(workDir);
  if (!path.basename(normalized).startsWith("notation-akv-")) {
    return "it is not a folder this action created.";
  }
  const tempDir = path.resolve(process.env["RUNNER_TEMP"] || os.tmpdir());
  if (path.dirname(normalized) !== tempDir) {
    return `it is not a folder this action created (not directly in ${tempDir}).`;
  }
  return void 0;
}
async function removeSignLeftovers(workDir) {
  const entries = await readdir(workDir, { withFileTypes: true }).catch(() => []);
  const leftovers = entries.filter(
    (e) => e.isDirectory() && (e.name.startsWith("sign-") || e.name.startsWith("acr-context-"))
  );
  for (const entry of leftovers) {
    await rm(path.join(workDir, entry.name), { recursive: true, force: true });
  }
  return leftovers.length;
}
export {
  post,
  whyNotOurs
};
