// Registry access for a run: one credential per registry (registry-username/password for the one
// registry they are bound to, the Azure identity for registries known to be ACR, nothing for the
// rest), and every `images` line pinned to its digest.
import * as core from '@actions/core'
import { acrAccessToken, type AzureIdentity } from '../azure/azure.ts'
import { parseReference, sameRegistry } from './reference.ts'
import {
  ACR_DOMAINS,
  ACR_REFRESH_TOKEN_USERNAME,
  RegistryClient,
  exchangeAcrRefreshToken,
  isAcrRegistry
} from './registry.ts'
import type { ImageReference, RegistryCredential, ResolvedImage } from '../util/types.ts'
import { logLine } from '../util/untrusted.ts'

/** Registry credentials given as inputs, and which registries count as ACR. */
export interface RegistryOptions {
  username?: string
  password?: string
  /** The one registry username/password go to (registry-server, or the one registry of images). */
  server?: string
  /** acr-registries: registries to treat as ACR besides login servers under ACR's domains. */
  acrRegistries: string[]
}

export interface ParsedImage {
  input: string
  ref: ImageReference
}

/** Parses the `images` lines (validated already by getInputs); a repeated line is processed once. */
export function parseImages(lines: string[]): ParsedImage[] {
  const unique = [...new Set(lines)]
  if (unique.length < lines.length)
    core.warning('images lists some references more than once; each is processed once.')
  return unique.map(input => ({ input, ref: parseReference(input) }))
}

/**
 * A credential for each registry: registry-username/password for the registry they are bound to
 * (registry-server, or the one registry of `images`); an ACR refresh token from the Azure identity
 * for a registry known to be ACR; otherwise none (anonymous). The Entra token never goes to a
 * registry that is not known to be ACR, whatever its 401 says.
 */
export async function registryCredentials(
  registries: string[],
  options: RegistryOptions,
  identity: () => Promise<AzureIdentity | undefined>
): Promise<Map<string, RegistryCredential | undefined>> {
  const credentials = new Map<string, RegistryCredential | undefined>()
  const { username, password, server, acrRegistries } = options
  for (const registry of new Set(registries)) {
    if (
      username !== undefined &&
      password !== undefined &&
      server !== undefined &&
      sameRegistry(registry, server)
    ) {
      credentials.set(registry, { username, password })
      continue
    }
    if (!isAcrRegistry(registry, acrRegistries)) {
      core.info(
        `${registry} is not known to be an Azure Container Registry (under ${ACR_DOMAINS.join(', ')}, or listed in acr-registries): reaching it without the Azure identity.`
      )
      credentials.set(registry, undefined)
      continue
    }
    const azure = await identity()
    if (!azure) {
      credentials.set(registry, undefined)
      continue
    }
    const refreshToken = await exchangeAcrRefreshToken(
      registry,
      await acrAccessToken(azure),
      azure.tenantId
    )
    core.info(`Signed in to ${registry} with the Azure identity.`)
    credentials.set(registry, { username: ACR_REFRESH_TOKEN_USERNAME, password: refreshToken })
  }
  return credentials
}

/** Resolves tags to digests (and checks given digests), a few registries calls at a time. */
export async function resolveDigests(
  images: ParsedImage[],
  credentials: Map<string, RegistryCredential | undefined>
): Promise<ResolvedImage[]> {
  const clients = new Map<string, RegistryClient>()
  const clientFor = (registry: string): RegistryClient => {
    let client = clients.get(registry)
    if (!client) {
      const credential = credentials.get(registry)
      client = new RegistryClient(registry, credential ? { credential } : {})
      clients.set(registry, client)
    }
    return client
  }
  const resolved = await Promise.all(
    images.map(({ input, ref }) => clientFor(ref.registry).resolve(input, ref))
  )
  for (const image of resolved) {
    const tagged = image.input.includes('@') ? '' : ` (from ${image.input})`
    logLine(`${image.reference}${tagged}`)
  }
  return resolved
}
