// Key Vault's `sign` on a precomputed digest, through the official SDK's CryptographyClient: one
// client (so one key read) per run, the same credential and challenge rules as the certificate
// client (the 401 challenge's resource is checked against the vault's host, except on loopback).
import type { TokenCredential } from '@azure/core-auth'
import { ActionError, errorMessage } from '../util/errors.ts'
import { challengeOptions } from '../azure/keyvault.ts'
import { SDK_CLIENT_OPTIONS } from '../util/retry.ts'
import type { DigestSigner } from './envelope.ts'

export async function keyVaultSigner(
  keyId: string,
  credential: TokenCredential
): Promise<DigestSigner> {
  const { CryptographyClient } = await import('@azure/keyvault-keys')
  const client = new CryptographyClient(keyId, credential, {
    ...challengeOptions(new URL(keyId).origin),
    ...SDK_CLIENT_OPTIONS,
    userAgentOptions: { userAgentPrefix: 'notation-akv-action' }
  })
  // The client reads the key once, on its first operation; signs started meanwhile would each read
  // it again. The first sign runs alone, the rest after it.
  let first: Promise<unknown> | undefined
  return async (algorithm, digest) => {
    const sign = async (): Promise<Buffer> => {
      try {
        const result = await client.sign(algorithm, digest)
        return Buffer.from(result.result)
      } catch (error) {
        const status = (error as { statusCode?: number }).statusCode
        const grant =
          status === 401 || status === 403
            ? " The identity needs 'keys sign' (role Key Vault Crypto User)."
            : ''
        throw new ActionError(
          `Key Vault refused to sign with ${keyId}: ${errorMessage(error)}${grant}`,
          { cause: error }
        )
      }
    }
    if (first === undefined) {
      const signed = sign()
      first = signed.catch(() => undefined)
      return signed
    }
    await first
    return sign()
  }
}
