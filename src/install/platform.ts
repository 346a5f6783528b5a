import { ActionError } from '../util/errors.ts'

export interface Platform {
  os: 'linux' | 'darwin' | 'windows'
  arch: 'amd64' | 'arm64'
}

const OS: Partial<Record<NodeJS.Platform, Platform['os']>> = {
  linux: 'linux',
  darwin: 'darwin',
  win32: 'windows'
}

const ARCH: Partial<Record<string, Platform['arch']>> = {
  x64: 'amd64',
  arm64: 'arm64'
}

/** Maps Node's platform and arch to the names notation's releases use. */
export function detectPlatform(
  platform: string = process.platform,
  arch: string = process.arch
): Platform {
  const os = OS[platform as NodeJS.Platform]
  const goArch = ARCH[arch]
  if (!os || !goArch) {
    throw new ActionError(
      `Unsupported platform ${platform}/${arch}: notation and the azure-kv plugin are published for linux, darwin and windows on x64 and arm64.`
    )
  }
  return { os, arch: goArch }
}
