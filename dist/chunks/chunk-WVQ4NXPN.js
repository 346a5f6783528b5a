import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);

// src/notation/dirs.ts
import path from "node:path";
function notationCacheDir(configDir) {
  return path.join(configDir, "cache");
}

export {
  notationCacheDir
};
