// The post step removes the job-private notation folder. It never fails the job: warnings only.
import * as core from '@actions/core'
import { rm } from 'node:fs/promises'
import path from 'node:path'
import { errorMessage } from './errors.ts'
import { cleanupEnabled, savedWorkDir } from './state.ts'

export async function post(): Promise<void> {
  try {
    const workDir = savedWorkDir()
    if (!workDir) return
    if (!cleanupEnabled()) {
      core.info(`cleanup is false: leaving ${workDir} in place.`)
      return
    }
    // Only ever remove what main created.
    if (!path.basename(workDir).startsWith('notation-akv-')) {
      core.warning(`Not removing ${workDir}: it is not a folder this action created.`)
      return
    }
    await rm(workDir, { recursive: true, force: true })
    core.info(`Removed ${workDir}`)
  } catch (error) {
    core.warning(`Cleanup failed: ${errorMessage(error)}`)
  }
}
