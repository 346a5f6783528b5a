// The azure-credential kinds and the options the Azure identity is made from. Apart from azure.ts
// so that reading the inputs, on every step's start-up path, does not load the identity code.
export const CREDENTIALS = ['auto', 'oidc', 'environment', 'cli', 'managed-identity'] as const
export type CredentialKind = (typeof CREDENTIALS)[number]

/** Which Azure identity to use, and where ACR Tasks builds run. */
export interface AzureOptions {
  credential: CredentialKind
  clientId?: string
  tenantId?: string
  /** azure-authority-host: an https origin (see resolveAuthority for how it combines with the env). */
  authorityHost?: string
  subscriptionId?: string
  resourceGroup?: string
}
