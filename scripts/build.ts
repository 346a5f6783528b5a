// Bundles the action into dist/. The Azure SDKs are loaded with dynamic import() by the modules
// that need them, so esbuild splits them into chunks that `command: setup` never parses.
import { build, type Plugin } from 'esbuild'
import { rm } from 'node:fs/promises'

// @actions/http-client imports undici (~700 kB) only for getAgentDispatcher(), a proxy dispatcher for
// fetch-based clients that this action never asks for. Parsing it would double the start-up time.
const undiciStub: Plugin = {
  name: 'undici-stub',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^undici$/ }, () => ({ path: 'undici', namespace: 'stub' }))
    pluginBuild.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({
      loader: 'js',
      contents:
        "export class ProxyAgent { constructor() { throw new Error('undici is not bundled with notation-akv-action') } }"
    }))
  }
}

await rm('dist', { recursive: true, force: true })
await build({
  // Main and post have their own entry files; the code they share goes into chunks.
  entryPoints: { index: 'src/index.ts', post: 'src/post-entry.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  chunkNames: 'chunks/[name]-[hash]',
  legalComments: 'none',
  // Paths in the bundle stay as the checkout names them, so a worktree whose node_modules is a
  // link builds byte for byte what a plain checkout builds.
  preserveSymlinks: true,
  logLevel: 'warning',
  plugins: [undiciStub],
  // Some CommonJS dependencies call require(); give the ESM bundle one.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);"
  }
})
