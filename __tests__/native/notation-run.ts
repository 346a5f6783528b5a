// The real notation CLI run directly against the local stack's registry, with a private config,
// HOME and cache: for checks the action itself does not make (notation's own signatures to compare
// bytes with, tampered signatures, `notation ls` / `inspect` of native signatures).
import { execFile } from 'node:child_process'
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'

export interface NotationRun {
  code: number
  stdout: string
  stderr: string
}

export interface NotationHome {
  root: string
  configDir: string
  libexecDir: string
  run(args: string[]): Promise<NotationRun>
  /** A trust store `ca:<name>` holding `pems`, and a strict policy trusting `subject` for `scope`. */
  trust(name: string, pems: string[], subject: string, scope: string): Promise<void>
}

export async function notationHome(
  binary: string,
  root: string,
  env: { caFile: string; username: string; password: string }
): Promise<NotationHome> {
  const configDir = path.join(root, 'config')
  const libexecDir = path.join(root, 'libexec')
  await mkdir(configDir, { recursive: true })
  await mkdir(libexecDir, { recursive: true })
  const home: NotationHome = {
    root,
    configDir,
    libexecDir,
    run: args =>
      new Promise(resolve => {
        execFile(
          binary,
          args,
          {
            cwd: root,
            timeout: 60_000,
            env: {
              PATH: process.env['PATH'] ?? '',
              HOME: path.join(root, 'home'),
              XDG_CONFIG_HOME: path.join(root, 'xdg'),
              XDG_CACHE_HOME: path.join(root, 'cache'),
              NOTATION_CONFIG: configDir,
              NOTATION_LIBEXEC: libexecDir,
              NOTATION_USERNAME: env.username,
              NOTATION_PASSWORD: env.password,
              SSL_CERT_FILE: env.caFile,
              TZ: 'UTC'
            }
          },
          (error, stdout, stderr) => {
            const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1
            resolve({ code, stdout, stderr })
          }
        )
      }),
    async trust(name, pems, subject, scope) {
      const store = path.join(configDir, 'truststore', 'x509', 'ca', name)
      await mkdir(store, { recursive: true })
      await Promise.all(pems.map((pem, i) => writeFile(path.join(store, `cert-${i}.pem`), pem)))
      const policy = {
        version: '1.0',
        trustPolicies: [
          {
            name,
            registryScopes: [scope],
            signatureVerification: { level: 'strict' },
            trustStores: [`ca:${name}`],
            trustedIdentities: [`x509.subject: ${subject}`]
          }
        ]
      }
      await writeFile(path.join(configDir, 'trustpolicy.json'), JSON.stringify(policy), {
        mode: 0o600
      })
    }
  }
  return home
}

/** A CBOR decoder for what COSE envelopes hold (definite lengths, no floats); tags kept. */
export type Decoded =
  | number
  | bigint
  | string
  | Buffer
  | Decoded[]
  | Map<Decoded, Decoded>
  | { tag: number; value: Decoded }

export function decodeCbor(bytes: Buffer): Decoded {
  let at = 0
  const argument = (info: number): number => {
    if (info < 24) return info
    const size = { 24: 1, 25: 2, 26: 4, 27: 8 }[info]
    if (size === undefined) throw new Error(`unsupported CBOR argument ${info}`)
    const value = size === 8 ? Number(bytes.readBigUInt64BE(at)) : bytes.readUIntBE(at, size)
    at += size
    return value
  }
  const item = (): Decoded => {
    const first = bytes[at++]!
    const major = first >> 5
    const n = argument(first & 0x1f)
    switch (major) {
      case 0:
        return n
      case 1:
        return -1 - n
      case 2:
        return bytes.subarray(at, (at += n))
      case 3:
        return bytes.subarray(at, (at += n)).toString('utf8')
      case 4:
        return Array.from({ length: n }, item)
      case 5: {
        const map = new Map<Decoded, Decoded>()
        for (let i = 0; i < n; i++) map.set(item(), item())
        return map
      }
      case 6:
        return { tag: n, value: item() }
      default:
        throw new Error(`unsupported CBOR major type ${major}`)
    }
  }
  const value = item()
  if (at !== bytes.length) throw new Error('trailing bytes after the CBOR item')
  return value
}
