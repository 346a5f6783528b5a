// Registry-backed tests need Debian's `docker-registry`. Without it they are skipped locally (with
// the command that installs it) and fail on CI, where a silent skip would hide lost coverage.
import { describe, test, type TestContext, type SuiteContext } from 'node:test'
import { findRegistryBinary } from '../stack/registry.ts'
import { skipWithoutRealNotation } from './notation-bin.ts'

export const REGISTRY_INSTALL_HINT =
  'docker-registry is not installed: apt-get install -y docker-registry (or set DOCKER_REGISTRY_BIN)'

export function registryAvailable(): boolean {
  return findRegistryBinary() !== undefined
}

function onCi(): boolean {
  return process.env.CI === 'true'
}

/**
 * `{ skip: message }` when registry tests should be skipped, `{}` otherwise (also on CI, where the
 * tests then fail for lack of the binary).
 */
export function registrySkip(): { skip?: string } {
  if (registryAvailable() || onCi()) return {}
  return { skip: REGISTRY_INSTALL_HINT }
}

type TestFn = (t: TestContext) => void | Promise<void>
type SuiteFn = (s: SuiteContext) => void | Promise<void>

/** A `test` that needs the registry: skipped without it, failing without it on CI. */
export function registryTest(name: string, fn: TestFn): Promise<void> {
  if (registryAvailable()) return test(name, fn)
  if (onCi()) {
    return test(name, () => {
      throw new Error(`CI=true and ${REGISTRY_INSTALL_HINT}`)
    })
  }
  return test(name, { skip: REGISTRY_INSTALL_HINT }, fn)
}

/** A `describe` whose tests need the registry (same rules as registryTest). */
export function registryDescribe(name: string, fn: SuiteFn): Promise<void> {
  if (registryAvailable()) return describe(name, fn)
  if (onCi()) {
    return describe(name, () => {
      test('docker-registry is installed', () => {
        throw new Error(`CI=true and ${REGISTRY_INSTALL_HINT}`)
      })
    })
  }
  return describe(name, { skip: REGISTRY_INSTALL_HINT }, fn)
}

/**
 * A `describe` for end-to-end suites (`startE2E`): it needs the real notation CLI (the default
 * `startE2E` installs; skipped, saying why, when none can be found) and, unless
 * `{ registry: false }`, the registry (same rules as registryDescribe).
 */
export async function e2eDescribe(
  name: string,
  fn: SuiteFn,
  options: { registry?: boolean } = {}
): Promise<void> {
  const withoutNotation = await skipWithoutRealNotation()
  if (withoutNotation) return describe(name, { skip: withoutNotation }, fn)
  if (options.registry === false) return describe(name, fn)
  return registryDescribe(name, fn)
}
