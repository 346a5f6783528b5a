// The flow: read inputs once, then one group per phase. Errors end in core.setFailed.
import * as core from '@actions/core'
import { ActionError, InputError, errorMessage } from './errors.ts'
import { getInputs, type Inputs } from './inputs.ts'
import { install } from './install.ts'
import { detectPlatform } from './platform.ts'
import { post } from './post.ts'
import { isPost, markMainStarted, saveCleanup, saveWorkDir } from './state.ts'

export async function run(): Promise<void> {
  if (isPost()) {
    await post()
    return
  }
  markMainStarted()
  try {
    const inputs = getInputs()
    await bounded(main(inputs), inputs.timeoutMinutes)
  } catch (error) {
    // User mistakes and remote refusals read best as one line; bugs keep their stack in debug.
    if (
      !(error instanceof InputError) &&
      !(error instanceof ActionError) &&
      error instanceof Error
    ) {
      core.debug(error.stack ?? error.message)
    }
    core.setFailed(errorMessage(error))
  }
}

/** Bounds the whole action by timeout-minutes; running children are ended by process exit. */
async function bounded(work: Promise<void>, minutes: number | undefined): Promise<void> {
  if (minutes === undefined) return work
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(new ActionError(`The action did not finish within timeout-minutes (${minutes}).`)),
      minutes * 60_000
    )
  })
  try {
    await Promise.race([work, timeout])
  } finally {
    clearTimeout(timer)
  }
}

async function main(inputs: Inputs): Promise<void> {
  saveCleanup(inputs.cleanup)
  const platform = detectPlatform()
  const installed = await core.group('Install notation and the azure-kv plugin', () =>
    install(
      { notation: inputs.notation, plugin: inputs.plugin },
      { platform, ...(process.env['RUNNER_TEMP'] ? { tempDir: process.env['RUNNER_TEMP'] } : {}) }
    )
  )
  saveWorkDir(installed.workDir)
  core.setOutput('notation-version', installed.notation.version)
  core.setOutput('notation-path', installed.notation.path)
  core.info(`notation ${installed.notation.version} is ready at ${installed.notation.path}`)
}
