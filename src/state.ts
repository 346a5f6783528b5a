// Everything main hands to post, behind named keys. State never holds secrets.
import * as core from '@actions/core'

const KEYS = {
  isPost: 'isPost',
  workDir: 'workDir',
  cleanup: 'cleanup'
} as const

export const isPost = (): boolean => core.getState(KEYS.isPost) === 'true'
export const markMainStarted = (): void => core.saveState(KEYS.isPost, 'true')

export const saveWorkDir = (dir: string): void => core.saveState(KEYS.workDir, dir)
export const savedWorkDir = (): string => core.getState(KEYS.workDir)

export const saveCleanup = (enabled: boolean): void => core.saveState(KEYS.cleanup, String(enabled))
/** Cleanup is on unless main said otherwise. */
export const cleanupEnabled = (): boolean => core.getState(KEYS.cleanup) !== 'false'
