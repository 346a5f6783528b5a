import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);

// src/index.ts
import module from "node:module";
module.enableCompileCache?.();
var { run } = await import("./chunks/main-O3PABYHW.js");
await run();
var OUTPUT_DRAIN_LIMIT_MS = 6e4;
var drained = (stream) => new Promise((resolve) => {
  if (stream.destroyed || !stream.writable || stream.writableLength === 0) {
    resolve();
    return;
  }
  stream.write("", () => resolve());
});
await Promise.race([
  Promise.all([drained(process.stdout), drained(process.stderr)]),
  new Promise((resolve) => setTimeout(resolve, OUTPUT_DRAIN_LIMIT_MS).unref())
]);
process.exit();
