// Entry point of the main step (action.yml `main:`; the post step has src/post-entry.ts). V8's
// compile cache (kept in the OS temp folder) lets the post step and later runs on the same runner
// skip recompiling the bundle.
import module from 'node:module'

module.enableCompileCache?.()
const { run } = await import('./main.ts')
await run()
// The exit code is process.exitCode (core.setFailed sets it). Exiting at once would drop what
// stdout still holds for a slow reader (the last log lines, the ::error:: line), so the step
// waits for stdout and stderr to drain first, then exits: nothing may outlive the step (a
// timed-out phase can leave a pending poll or request behind), so the exit is not left to the
// event loop. A reader that takes nothing for a long while does not hold the step forever.
const OUTPUT_DRAIN_LIMIT_MS = 60_000
const drained = (stream: NodeJS.WriteStream): Promise<void> =>
  new Promise(resolve => {
    // Nothing queued (the usual case): no wait at all.
    if (stream.destroyed || !stream.writable || stream.writableLength === 0) {
      resolve()
      return
    }
    stream.write('', () => resolve())
  })
await Promise.race([
  Promise.all([drained(process.stdout), drained(process.stderr)]),
  new Promise(resolve => setTimeout(resolve, OUTPUT_DRAIN_LIMIT_MS).unref())
])
process.exit()
