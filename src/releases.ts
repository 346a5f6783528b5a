// The pinned release table: which versions the action installs without a user-supplied checksum,
// where their archives live, and the SHA-256 each must have. Checksums come from each release's
// published checksums file.
import type { Platform } from './platform.ts'

export type Tool = 'notation' | 'azure-kv'

type PlatformKey = 'linux_amd64' | 'linux_arm64' | 'darwin_amd64' | 'darwin_arm64' | 'windows_amd64'
type ChecksumTable = Record<string, Partial<Record<PlatformKey, string>>>

export const NOTATION_CHECKSUMS: ChecksumTable = {
  '1.3.2': {
    linux_amd64: 'e1a0f060308086bf8020b2d31defb7c5348f133ca0dba6a1a7820ef3cbb6dfe5',
    linux_arm64: '34143c7b816a50104824278080a5cf12bbf855488e003f62e6acf27ed25c423c',
    darwin_amd64: '72fade2ccb0765e2ff26b53c9ca663dd33dc4f2020b2b8493e703a9ccf6174a2',
    darwin_arm64: '054bf6e9fb2619390dab9c74e5d6c511bde7609f3a060ee512c6aead2440c214',
    windows_amd64: '014f25a530eee17520c8e1eb7380e4bd02ff6fc04479a07a890954e3b7ddfdc7'
  }
}

export const PLUGIN_CHECKSUMS: ChecksumTable = {
  '1.2.1': {
    linux_amd64: '67c5ccaaf28dd44d2b6572684d84e344a02c2258af1d65ead3910b3156d3eaf5',
    linux_arm64: '77bbdfb785e22f8b1cae46392200a453a428009c4450a8dc86e10551cc06f28e',
    darwin_amd64: '4c360d362a9448b46f98046257d5b270b2c5b1beb04c14263e59cead898902c9',
    darwin_arm64: 'bf6e07fdf309c194c99870c8a2a326fa14f9f7572fcf61948d1fcb3249ab3285',
    windows_amd64: '416eb490a83e8371407cbff1abe0588c84b8cdd34372f936cb1f913b7d0da8c1'
  }
}

export const DEFAULT_NOTATION_VERSION = '1.3.2'
export const DEFAULT_PLUGIN_VERSION = '1.2.1'

function tableFor(tool: Tool): ChecksumTable {
  return tool === 'notation' ? NOTATION_CHECKSUMS : PLUGIN_CHECKSUMS
}

export function pinnedVersions(tool: Tool): string[] {
  return Object.keys(tableFor(tool))
}

export function isPinned(tool: Tool, version: string): boolean {
  return Object.hasOwn(tableFor(tool), version)
}

/** The pinned SHA-256 of a release archive, or undefined when that version/platform is not published. */
export function pinnedChecksum(
  tool: Tool,
  version: string,
  platform: Platform
): string | undefined {
  const key = `${platform.os}_${platform.arch}` as PlatformKey
  return tableFor(tool)[version]?.[key]
}

export function archiveExtension(platform: Platform): 'zip' | 'tar.gz' {
  return platform.os === 'windows' ? 'zip' : 'tar.gz'
}

export function releaseUrl(tool: Tool, version: string, platform: Platform): string {
  const ext = archiveExtension(platform)
  const suffix = `${version}_${platform.os}_${platform.arch}.${ext}`
  return tool === 'notation'
    ? `https://github.com/notaryproject/notation/releases/download/v${version}/notation_${suffix}`
    : `https://github.com/Azure/notation-azure-kv/releases/download/v${version}/notation-azure-kv_${suffix}`
}

/** The executable's file name inside the archive. */
export function binaryName(tool: Tool, platform: Platform): string {
  const base = tool === 'notation' ? 'notation' : 'notation-azure-kv'
  return platform.os === 'windows' ? `${base}.exe` : base
}
