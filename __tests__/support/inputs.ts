// Typed `Inputs` for tests that call phase modules directly: the values getInputs gives when only
// the command is set, to spread overrides onto. (getInputs itself would refuse a run without images.)
import type { Inputs } from '../../src/inputs/inputs.ts'

export function defaultInputs(): Inputs {
  return {
    commands: ['sign'],
    images: [],
    notation: { version: '1.3.2' },
    plugin: { version: '1.2.1' },
    azure: { credential: 'auto' },
    keyVault: {
      createCertificate: false,
      policy: { validityMonths: 12, keyType: 'RSA', keySize: 2048, keyCurve: 'P-256' }
    },
    registry: { acrRegistries: [] },
    sign: {
      signer: 'notation',
      signatureFormat: 'cose',
      userMetadata: [],
      forceReferrersTag: true,
      pluginConfig: [],
      skipIfSigned: false
    },
    maxConcurrency: 4,
    verify: {
      registryScopes: [],
      trustedIdentities: [],
      level: 'strict',
      trustStoreCertificates: [],
      userMetadata: []
    },
    build: { args: [], secretArgs: [] },
    cleanup: true
  }
}
