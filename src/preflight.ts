// Everything an input points at (files, inline PEM, a trust policy) is read and checked here,
// before anything is installed, any token is requested or notation runs. Later phases use what
// was read here and never read those inputs again.
import type { Inputs } from './inputs.ts'
import { InputError } from './errors.ts'
import {
  assertValidTrustPolicy,
  parseTrustPolicy,
  type TrustPolicyDocument
} from './trust-policy.ts'
import {
  checkTrustStoreCertificates,
  loadCertificates,
  loadTrustStoreCertificates,
  type LoadedCertificate
} from './truststore.ts'
import { derToPem, isSelfSigned } from './x509.ts'

export interface Preflight {
  trustPolicy?: TrustPolicyDocument
  trustStoreCertificates?: LoadedCertificate[]
  /** Validity warnings about the trust store certificates. */
  trustStoreWarnings: string[]
  /** ca-certs as PEM blocks (intermediates, then root). */
  caChain?: string[]
}

const lines = (value: string): string[] => value.split(/\r?\n/)

export async function preflight(
  inputs: Inputs,
  workspace: string,
  now = new Date()
): Promise<Preflight> {
  const result: Preflight = { trustStoreWarnings: [] }
  const verifying = inputs.commands.includes('verify')
  if (verifying && inputs.verify.trustPolicy !== undefined) {
    const { document } = await parseTrustPolicy(inputs.verify.trustPolicy, { workspace })
    assertValidTrustPolicy(document)
    result.trustPolicy = document
  }
  if (verifying && inputs.verify.trustStoreCertificates.length > 0) {
    const certificates = await loadTrustStoreCertificates(
      inputs.verify.trustStoreCertificates,
      workspace
    )
    const type = inputs.verify.trustStore?.type ?? 'ca'
    result.trustStoreWarnings = checkTrustStoreCertificates(type, certificates, now)
    result.trustStoreCertificates = certificates
  }
  if (inputs.keyVault.caCerts !== undefined) {
    const chain = await loadCertificates('ca-certs', lines(inputs.keyVault.caCerts), workspace)
    if (chain.length === 0) throw new InputError('ca-certs', 'holds no certificate.')
    result.caChain = chain.map(c => derToPem(c.certificate.raw))
  }
  if (inputs.sign.timestampRootCert !== undefined && inputs.commands.includes('sign')) {
    const roots = await loadCertificates(
      'timestamp-root-cert',
      lines(inputs.sign.timestampRootCert),
      workspace
    )
    const root = roots[0]?.certificate
    if (roots.length !== 1 || !root) {
      throw new InputError(
        'timestamp-root-cert',
        `must hold exactly one certificate (found ${roots.length}).`
      )
    }
    if (!root.ca || !isSelfSigned(root)) {
      throw new InputError(
        'timestamp-root-cert',
        `'${roots[0]?.source}' is not a self-signed root CA certificate.`
      )
    }
  }
  return result
}
