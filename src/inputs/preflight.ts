// Everything an input points at (files, inline PEM, a trust policy, a local build context) is read
// and checked here, before anything is installed, any token is requested or notation runs. Later
// phases use what was read here and never read those inputs again.
import { isGitContext, loadIgnoreRules, resolveContext } from '../build/build-context.ts'
import { signerStore, type Inputs } from './inputs.ts'
import type { CheckedTrust } from '../notation/verify.ts'
import { refuseUnsupportedFlags } from '../notation/notation.ts'
import { InputError } from '../util/errors.ts'
import { parseReference } from '../registry/reference.ts'
import {
  assertValidTrustPolicy,
  canonicalTrustPolicy,
  generateTrustPolicy,
  parseTrustPolicy,
  uncoveredImages,
  type TrustPolicyDocument
} from '../trust/trust-policy.ts'
import {
  checkTrustStoreCertificates,
  loadCertificates,
  loadTimestampRoot,
  loadTrustStoreCertificates
} from '../trust/truststore.ts'
import { derToPem } from '../trust/x509.ts'

/** What preflight read and checked: the verify side's trust inputs, and ca-certs. */
export interface Preflight extends CheckedTrust {
  /** ca-certs as PEM blocks (intermediates, then root). */
  caChain?: string[]
}

const lines = (value: string): string[] => value.split(/\r?\n/)

export async function preflight(
  inputs: Inputs,
  workspace: string,
  now = new Date()
): Promise<Preflight> {
  const result: Preflight = { trustPolicyWarnings: [], trustStoreWarnings: [] }
  // The version to install is known now: a flag it lacks is refused before it is downloaded.
  if (inputs.commands.includes('sign')) refuseUnsupportedFlags(inputs.sign, inputs.notation.version)
  await checkBuildContext(inputs, workspace)
  const verifying = inputs.commands.includes('verify')
  if (verifying && inputs.verify.trustPolicy !== undefined) {
    const { document, warnings } = await parseTrustPolicy(inputs.verify.trustPolicy, { workspace })
    assertValidTrustPolicy(document)
    result.trustPolicy = canonicalTrustPolicy(document)
    result.trustPolicyWarnings = warnings
    checkPolicyStores(inputs, result.trustPolicy)
  }
  if (verifying) checkCoverage(inputs, result.trustPolicy)
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
  if (inputs.sign.timestampRootCert !== undefined) {
    result.timestampRootPem = await loadTimestampRoot(inputs.sign.timestampRootCert, workspace)
  }
  return result
}

/**
 * The stores a given policy names are the ones the action writes: the signer's store and tsa stores
 * (filled with timestamp-root-cert). Anything else would fail in notation only after the download,
 * the registry sign-in and the digest resolution. A statement asking for timestamp verification
 * without a tsa store would be ignored by notation: refused too.
 */
function checkPolicyStores(inputs: Inputs, policy: TrustPolicyDocument): void {
  const signer = signerStore(inputs)
  const written = `${signer.type}:${signer.name}`
  const hasTsaRoot = inputs.sign.timestampRootCert !== undefined
  const namesTsa = policy.trustPolicies.some(s =>
    s.trustStores?.some(ref => ref.startsWith('tsa:'))
  )
  if (hasTsaRoot && !namesTsa && !inputs.commands.includes('sign')) {
    throw new InputError(
      'timestamp-root-cert',
      'is not used: the trust policy names no tsa trust store to hold it. Add one (e.g. "tsa:timestamps") to the statements whose timestamps notation should check.'
    )
  }
  for (const statement of policy.trustPolicies) {
    const stores = statement.trustStores ?? []
    const tsa = stores.find(ref => ref.startsWith('tsa:'))
    if (tsa !== undefined && !hasTsaRoot) {
      throw new InputError(
        'timestamp-root-cert',
        `is required: trust policy statement "${statement.name}" uses trust store ${tsa}, which the action fills with the time-stamping authority's root certificate given as timestamp-root-cert.`
      )
    }
    const other = stores.find(ref => ref !== written && !ref.startsWith('tsa:'))
    if (other !== undefined) {
      throw new InputError(
        'trust-store',
        `trust policy statement "${statement.name}" uses trust store ${other}, but the action writes only ${written} (and tsa stores from timestamp-root-cert); set trust-store to ${other} or name ${written} in the policy.`
      )
    }
    const timestamp = statement.signatureVerification.verifyTimestamp
    if (
      timestamp !== undefined &&
      tsa === undefined &&
      statement.signatureVerification.level !== 'skip'
    ) {
      throw new InputError(
        'trust-policy',
        `statement "${statement.name}" sets verifyTimestamp "${timestamp}" but names no tsa trust store, so notation would check no timestamp: add "tsa:${signer.name}" to its trustStores and give timestamp-root-cert.`
      )
    }
  }
}

/**
 * Images the policy (given, or generated from registry-scopes) leaves uncovered, known from the
 * references alone when they are not built: refused now rather than after signing.
 */
function checkCoverage(inputs: Inputs, given: TrustPolicyDocument | undefined): void {
  const { verify } = inputs
  if (inputs.commands.includes('build')) return
  if (given === undefined && verify.registryScopes.length === 0) return
  const policy =
    given ??
    generateTrustPolicy({
      scopes: verify.registryScopes,
      identities: ['*'],
      level: verify.level,
      trustStore: { type: 'ca', name: 'preflight' }
    })
  const images = [...new Set(inputs.images)].map(line => {
    const ref = parseReference(line)
    return {
      input: line,
      registry: ref.registry,
      repository: ref.repository,
      digest: '',
      reference: line
    }
  })
  const uncovered = uncoveredImages(policy, images)
  if (uncovered.length > 0) {
    throw new InputError(
      given !== undefined ? 'trust-policy' : 'registry-scopes',
      `no trust policy statement covers ${[...new Set(uncovered.map(i => `${i.registry}/${i.repository}`))].join(', ')}.`
    )
  }
}

/**
 * A local build context and its Dockerfile, by the rules the packer applies when it packs them:
 * refused before anything is installed, a token is requested or anything is uploaded.
 */
async function checkBuildContext(inputs: Inputs, workspace: string): Promise<void> {
  if (!inputs.commands.includes('build')) return
  const { context, dockerfile } = inputs.build
  if (context === undefined || isGitContext(context)) return
  const resolved = await resolveContext({
    context,
    workspace,
    ...(dockerfile === undefined ? {} : { dockerfile })
  })
  // The .dockerignore too: a link out of the context, a device, an oversized file or a bad pattern.
  await loadIgnoreRules(resolved.context, resolved.dockerfile)
}
