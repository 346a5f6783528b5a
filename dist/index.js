import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);

// src/index.ts
import module from "node:module";
module.enableCompileCache?.();
var { run } = await import("./chunks/main-4HMKRWAR.js");
await run();
process.exit();
