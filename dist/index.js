import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);

// src/index.ts
import module from "node:module";
module.enableCompileCache?.();
var { run } = await import("./chunks/main-W2TWI4BK.js");
await run();
process.exit();
