// Key Vault's `sign` on a precomputed digest, through the official SDK's CryptographyClient: one
// client (so one key read) per run, the same credential and challenge rules as the certificate
// client (the 401 challenge's resource is checked against the vault's host, except on loopback).
import type { TokenCredential } from '@azure/core-auth'
import { ActionError, errorMessage } from '../util/errors.ts'
import { challengeOptions } from '../azure/keyvault.ts'
import { SDK_CLIENT_OPTIONS } from '../util/retry.ts'
import type { DigestSigner } from './envelope.ts'

/**
 * How long one Key Vault `sign` may take, retries included: the SDK sets no limit of its own, and a
 * vault that accepts the connection and never answers would hold every image behind the first.
 */
export const KEY_VAULT_SIGN_TIMEOUT_MS = 60_000

export async function keyVaultSigner(
  keyId: string,
  credential: TokenCredential,
  options: { signal?: AbortSignal; timeoutMs?: number } = {}
): Promise<DigestSigner> {
  const timeoutMs = options.timeoutMs ?? KEY_VAULT_SIGN_TIMEOUT_MS
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
      const limit = AbortSignal.timeout(timeoutMs)
      try {
        const result = await client.sign(algorithm, digest, {
          abortSignal: options.signal ? AbortSignal.any([options.signal, limit]) : limit
        })
        return Buffer.from(result.result)
      } catch (error) {
        options.signal?.throwIfAborted()
        if (limit.aborted) {
          throw new ActionError(
            `Key Vault ${new URL(keyId).host} did not answer a sign with ${keyId} within the ${timeoutMs / 1000} s limit.`,
            { cause: error }
          )
        }
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
