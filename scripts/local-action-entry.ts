// The entry @github/local-action runs for `npm run local-action` (see scripts/local-action.ts): the
// action's main step (src/main.ts), exiting 1 when it failed. local-action stubs @actions/core
// (through quibble) with a setFailed that only notes the failure in its own state and exits 0
// regardless; its state is out of reach, so the stub is wrapped before src/main.ts first loads it.

interface QuibbledModule {
  namedExportStubs?: Record<string, unknown>
}

/** quibble keeps each stubbed module's exports here, read when the stubbed module is evaluated. */
function coreStubs(): Record<string, unknown> {
  const state = (globalThis as Record<symbol, unknown>)[Symbol.for('__quibbleUserState')] as
    { quibbledModules?: Map<string, QuibbledModule> } | undefined
  for (const [url, module] of state?.quibbledModules ?? []) {
    if (/\/@actions\/core\/lib\/core\.js$/.test(url) && module.namedExportStubs) {
      return module.namedExportStubs
    }
  }
  throw new Error(
    'local-action: no stubbed @actions/core found (has @github/local-action changed?)'
  )
}

export async function run(): Promise<void> {
  const stubs = coreStubs()
  const setFailed = stubs['setFailed'] as (message: string | Error) => void
  let failed = false
  stubs['setFailed'] = (message: string | Error): void => {
    failed = true
    setFailed(message)
  }
  // Imported only now, so the stubbed @actions/core it loads exports the wrapped setFailed.
  const { run: main } = await import('../src/main.ts')
  await main()
  if (failed) process.exitCode = 1
}
