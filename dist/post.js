import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);

// src/post-entry.ts
import module from "node:module";
module.enableCompileCache?.();
var { post } = await import("./chunks/post-HKTQLBL5.js");
await post();
process.exit();
