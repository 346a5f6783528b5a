// Entry point of the main step (action.yml `main:`; the post step has src/post-entry.ts). V8's
// compile cache (kept in the OS temp folder) lets the post step and later runs on the same runner
// skip recompiling the bundle.
import module from 'node:module'

module.enableCompileCache?.()
const { run } = await import('./main.ts')
await run()
// Nothing may outlive the step: a timed-out phase can leave a pending poll or request behind.
process.exit()
