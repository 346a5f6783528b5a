// The pinned release table: which versions the action installs without a user-supplied checksum,
// where their archives live, and the SHA-256 each must have. Checksums are those the projects
// publish with each release (notation's table as the official notation-action pins it; the plugin's
// from its README). notation 1.0.x is left out on purpose: NOTATION_CONFIG and NOTATION_LIBEXEC,
// which keep this action's configuration private to the job, arrived in 1.1.0; likewise plugins
// before 1.1.0 lack credential_type.
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
  },
  '1.3.1': {
    linux_amd64: 'f4d34390f4ba94324eb2344a25eb039e830d60f526d4c380576d578ed2636b12',
    linux_arm64: 'e977074e9f769e27f144cc9737095a6e0943754868d7f89cae956be7e0df262f',
    darwin_amd64: '64bc3f07ec41f48cb65c90849c960ffc8a9d8923b74c45469703c19ce22b18e5',
    darwin_arm64: '8b89e2d318b5db1cbbbc846145ad7cdc7c725a321bec58876e6a50db8f262e29',
    windows_amd64: 'ee04c9d9dfce9885e0a9966e1e2203c2c8ab5329113a72e3679b507b8ecec982'
  },
  '1.3.0': {
    linux_amd64: '6de64e5d0d637d2f0b743c577bd70b8c6654b43863c29ab4aea99dd72f3ccdc1',
    linux_arm64: 'e9de6db6ec46a552ca02b4cabb60f3820d321864646ab90c231953d1ae40bc29',
    darwin_amd64: '2a82b1ffa980c1b6dc59068c37932137198c4b8f5c77d427aaac7eeb33ff0a88',
    darwin_arm64: '97bcc5ed8483f0c13eb2619069fef51feebd12a0d081a76066476a0280b8f10a',
    windows_amd64: 'ff8f18a8a12850a2d165dd035d56e2817b3016162cb479ab351561b5bb940767'
  },
  '1.2.0': {
    linux_amd64: 'f781f0652adc633798fc1e1db12732d0b53e34d87d4bd2752c72b6bbed967bac',
    linux_arm64: 'b5c6569630289a491149862d584b001c254707ea908c843843535d478061da3c',
    darwin_amd64: '91c7a157aea38a5a628ec1a2094d7b2ad9f75e6a9e22b9dce095a06a70bb6d76',
    darwin_arm64: '992628c821fa0461fa0d70e611a5fb25435ce974f0578095e94412bbd935a24a',
    windows_amd64: '43e8d3ddc5b1d9a4a1992615fc7d4f2dabd03e77654d46c76c30e4650a2230a5'
  },
  '1.1.1': {
    linux_amd64: 'de5f9845505b38fd30c2b1f4c2172ae517e3eba3e9836647f14525daa0f930c1',
    linux_arm64: 'f035db321a112887dac1c2e7e9d0f60afa2e332174ab956ea6a901fc5488a218',
    darwin_amd64: 'b336e7a13612b1aa52b5a682247a2742f0683f7adb7811a5ae35e75d04bf8e87',
    darwin_arm64: 'e7a68e56736a9b435707326c61331e4402b90bb83154bee4ce6bf619efade28f',
    windows_amd64: 'bf4e928f43409b8b2ce640dc284f847b6de4e02c53f60b3171298bc28b296258'
  },
  '1.1.0': {
    linux_amd64: '0e31e156edff6cc324405cda391d7144b0b99c265a7bdfa6644f457e530fe6d4',
    linux_arm64: '8c01a8f52356b15ce2c69be4cea193c56d092f913482d2e4a4d90ad6ec81fe64',
    darwin_amd64: 'a190962ca09a24d814916e26c8f98d01c1891fd0bae6192355675b8b16e38726',
    darwin_arm64: '295df24d247f4b276bd1ee04ae5f639b8feadebd68c01be1821c0b94cbd5cf75',
    windows_amd64: '397b5ccc27d8f890f955f1e91f8fb21e4c23995ec8f5a42257e72a14728bd4d5'
  }
}

export const PLUGIN_CHECKSUMS: ChecksumTable = {
  '1.2.1': {
    linux_amd64: '67c5ccaaf28dd44d2b6572684d84e344a02c2258af1d65ead3910b3156d3eaf5',
    linux_arm64: '77bbdfb785e22f8b1cae46392200a453a428009c4450a8dc86e10551cc06f28e',
    darwin_amd64: '4c360d362a9448b46f98046257d5b270b2c5b1beb04c14263e59cead898902c9',
    darwin_arm64: 'bf6e07fdf309c194c99870c8a2a326fa14f9f7572fcf61948d1fcb3249ab3285',
    windows_amd64: '416eb490a83e8371407cbff1abe0588c84b8cdd34372f936cb1f913b7d0da8c1'
  },
  '1.2.0': {
    linux_amd64: '06bb5198af31ce11b08c4557ae4c2cbfb09878dfa6b637b7407ebc2d57b87b34',
    linux_arm64: '49520105bdb707a7bd3a519c55cc1541fbb336ab45b665c9cb2f84593f20ff29',
    darwin_amd64: '4b5a3480fc1d6844a69f7d9483530e9be24a74441fd571ccd5eec9f6a5337eed',
    darwin_arm64: '2bcfc0ee3ad1cbb1854110e3f02b89d46c14feb5736de37cd237b9668f378f2f',
    windows_amd64: '4478b4a323363e264924349bf7007d4201621024b0f9252e0cfde42c0938c667'
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
