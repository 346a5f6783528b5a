// The post step removes the job-private notation folder. It never fails the job: warnings only.
import * as core from '@actions/core'
import { readdir, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { errorMessage } from './util/errors.ts'
import { cleanupEnabled, savedWorkDir } from './util/state.ts'

export async function post(): Promise<void> {
  try {
    const workDir = savedWorkDir()
    if (!workDir) return
    // Only ever remove what main created: `notation-akv-*` directly in the runner's temp folder.
    const refusal = whyNotOurs(workDir)
    if (refusal !== undefined) {
      core.warning(`Not removing ${workDir}: ${refusal}`)
      return
    }
    if (!cleanupEnabled()) {
      // Later steps keep the config; what signing left behind if it was cut short (the OIDC token
      // file, the CA chain file) goes anyway.
      const leftovers = await removeSignLeftovers(workDir)
      core.info(
        `cleanup is false: leaving ${workDir} in place` +
          (leftovers > 0 ? ` (removed ${leftovers} leftover signing folder(s)).` : '.')
      )
      return
    }
    await rm(workDir, { recursive: true, force: true })
    core.info(`Removed ${workDir}`)
  } catch (error) {
    core.warning(`Cleanup failed: ${errorMessage(error)}`)
  }
}

/** Why `workDir` is not a folder main made (undefined when it is). */
export function whyNotOurs(workDir: string): string | undefined {
  if (!path.isAbsolute(workDir)) return 'it is not an absolute path.'
  const normalized = path.normalize(workDir)
  if (!path.basename(normalized).startsWith('notation-akv-')) {
    return 'it is not a folder this action created.'
  }
  const tempDir = path.resolve(process.env['RUNNER_TEMP'] || os.tmpdir())
  if (path.dirname(normalized) !== tempDir) {
    return `it is not a folder this action created (not directly in ${tempDir}).`
  }
  return undefined
}

/** Removes what a cut-short run left in workDir (see below); returns how many folders. */
async function removeSignLeftovers(workDir: string): Promise<number> {
  const entries = await readdir(workDir, { withFileTypes: true }).catch(() => [])
  // sign-*: sign.ts's per-run files; acr-context-*: a packed build context a killed build left.
  const leftovers = entries.filter(
    e => e.isDirectory() && (e.name.startsWith('sign-') || e.name.startsWith('acr-context-'))
  )
  for (const entry of leftovers) {
    await rm(path.join(workDir, entry.name), { recursive: true, force: true })
  }
  return leftovers.length
}
