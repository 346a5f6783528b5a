// Where notation keeps what the action gives it. A module of its own: install sets these up on
// every step's start-up path, which should not load the code that runs notation.
import path from 'node:path'

/**
 * notation's cache (CRLs it fetched, from 1.3.0): inside its job-private configuration. Without
 * NOTATION_CACHE the real CLI creates `~/.cache/notation` in the runner's HOME on every verify.
 */
export function notationCacheDir(configDir: string): string {
  return path.join(configDir, 'cache')
}
