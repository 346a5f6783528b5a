// Everything main hands to post, behind named keys. State never holds secrets.
//
// The runner gives a step the job's environment first (GITHUB_ENV lines included) and then, for a
// post step only, `STATE_<key>` for each key main saved. So in a main step a `STATE_<key>` can only
// come from the workflow or an earlier step, and in the post step a key main never saved falls
// through to whatever the environment holds.
import * as core from '@actions/core'

const KEYS = {
  workDir: 'workDir',
  cleanup: 'cleanup'
} as const

/**
 * The state names this action's steps read, including `isPost`, by which the main and post steps
 * told themselves apart when they shared one entry file (older versions still do).
 */
const POST_STATE_NAMES = ['isPost', KEYS.workDir, KEYS.cleanup].map(key => `STATE_${key}`)

/** The action's post state variables present in this (main) step's environment. */
export function postStateInEnvironment(): string[] {
  return POST_STATE_NAMES.filter(name => process.env[name] !== undefined)
}

/**
 * Saves every key post reads before main does anything else, so that the post step reads main's
 * values and never one an earlier step put in the environment (saved state comes last).
 */
export function savePostStateDefaults(): void {
  core.saveState(KEYS.workDir, '')
  core.saveState(KEYS.cleanup, 'true')
}

export const saveWorkDir = (dir: string): void => core.saveState(KEYS.workDir, dir)
export const savedWorkDir = (): string => core.getState(KEYS.workDir)

export const saveCleanup = (enabled: boolean): void => core.saveState(KEYS.cleanup, String(enabled))
/** Cleanup is on unless main said otherwise. */
export const cleanupEnabled = (): boolean => core.getState(KEYS.cleanup) !== 'false'
