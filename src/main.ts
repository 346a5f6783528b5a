// The flow: read inputs once, then one group per phase. Errors end in core.setFailed.
import * as core from '@actions/core'
import type { AzureIdentity } from './azure/azure.ts'
import type { BuildTarget } from './build/build.ts'
import { ActionError, InputError, errorMessage } from './util/errors.ts'
import { getInputs, resolvesCertificate, signerStore, type Inputs } from './inputs/inputs.ts'
import { install, type InstallResult } from './install/install.ts'
import { detectPlatform } from './install/platform.ts'
import {
  postStateInEnvironment,
  saveCleanup,
  savePostStateDefaults,
  saveWorkDir
} from './util/state.ts'
import type {
  ImageResult,
  RegistryCredential,
  ResolvedImage,
  SigningCertificate
} from './util/types.ts'
import { logLine } from './util/untrusted.ts'

export async function run(): Promise<void> {
  // performance.now() counts from process start: what the action costs before it does anything.
  core.debug(`notation-akv-action started in ${performance.now().toFixed(1)} ms`)
  savePostStateDefaults()
  const planted = postStateInEnvironment()
  if (planted.length > 0) {
    // The runner sets STATE_* only for post steps: here they were planted, e.g. by a GITHUB_ENV
    // line, to make this step act as post (which older versions did) and skip its work.
    const one = planted.length === 1
    core.setFailed(
      `${planted.join(', ')} ${one ? 'is' : 'are'} set in the environment of the main step. ` +
        "The runner sets the action's STATE_ variables only for its post step, so an earlier step " +
        `(a GITHUB_ENV line) or the workflow put ${one ? 'it' : 'them'} there. ` +
        'Refusing to run: nothing was installed, signed or verified.'
    )
    return
  }
  const controller = new AbortController()
  const cancel = (signal: NodeJS.Signals): void => {
    core.warning(`Received ${signal}: cancelling.`)
    controller.abort(new ActionError(`Cancelled by ${signal}.`))
  }
  process.once('SIGINT', cancel)
  process.once('SIGTERM', cancel)
  try {
    const inputs = getInputs()
    await bounded(main(inputs, controller.signal), inputs.timeoutMinutes, controller)
  } catch (caught) {
    // Aborted work fails in its own words ("cancelled"); why it was aborted is the news. A stopped
    // build already says why and names its ACR run (which may still be going): kept whole.
    const stoppedBuild = caught instanceof ActionError && caught.name === 'BuildStoppedError'
    const error: unknown =
      controller.signal.aborted && !stoppedBuild ? controller.signal.reason : caught
    // User mistakes and remote refusals read best as one line; bugs keep their stack in debug.
    if (
      !(error instanceof InputError) &&
      !(error instanceof ActionError) &&
      error instanceof Error
    ) {
      core.debug(error.stack ?? error.message)
    }
    core.setFailed(errorMessage(error))
  } finally {
    process.off('SIGINT', cancel)
    process.off('SIGTERM', cancel)
  }
}

/**
 * Time the aborted work gets to end its children and cancel remote runs after a timeout. A build's
 * cancel is bounded below it (CANCEL_TIMEOUT_MS in build.ts, 7 s), so it ends and says so in time.
 */
const ABORT_GRACE_MS = 10_000

/**
 * Bounds the whole action by timeout-minutes: on expiry the work is aborted (notation children get
 * SIGTERM, an ACR run is cancelled) and given a short grace to do so before the step fails.
 */
async function bounded(
  work: Promise<void>,
  minutes: number | undefined,
  controller: AbortController
): Promise<void> {
  if (minutes === undefined) return work
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new ActionError(
        `The action did not finish within timeout-minutes (${minutes}).`
      )
      controller.abort(error)
      const grace = new Promise(resolve => setTimeout(resolve, ABORT_GRACE_MS).unref())
      void Promise.race([work.catch(() => undefined), grace]).then(() => reject(error))
    }, minutes * 60_000)
  })
  try {
    await Promise.race([work, timeout])
  } finally {
    clearTimeout(timer)
  }
}

function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let promise: Promise<T> | undefined
  return () => (promise ??= fn())
}

async function main(inputs: Inputs, signal: AbortSignal): Promise<void> {
  saveCleanup(inputs.cleanup)
  const commands = new Set(inputs.commands)
  const workspace = process.env['GITHUB_WORKSPACE'] || process.cwd()
  if (commands.has('build')) {
    // Every build input is checked before anything is installed or uploaded.
    const { planBuild } = await import('./build/build.ts')
    planBuild(buildTarget(inputs))
  }
  // Phase modules load only when a command needs them: `setup` parses none of them.
  const working = commands.has('build') || commands.has('sign') || commands.has('verify')
  const { preflight } = await import('./inputs/preflight.ts')
  const checked = await preflight(inputs, workspace)
  // The native signer needs no notation: only setup, verify and skip-if-signed install it then.
  const native = inputs.sign.signer === 'native'
  const needsNotation =
    !native || commands.has('setup') || commands.has('verify') || inputs.sign.skipIfSigned
  let installed: InstallResult | undefined
  if (needsNotation) {
    const platform = detectPlatform()
    const result = await core.group('Install notation and the azure-kv plugin', () =>
      install(
        { notation: inputs.notation, plugin: inputs.plugin },
        {
          platform,
          onWorkDir: saveWorkDir,
          ...(process.env['RUNNER_TEMP'] ? { tempDir: process.env['RUNNER_TEMP'] } : {})
        }
      )
    )
    installed = result
    core.setOutput('notation-version', result.notation.version)
    core.setOutput('notation-path', result.notation.path)
    core.info(`notation ${result.notation.version} is ready at ${result.notation.path}`)
  }
  if (!working) return
  const workDir = installed?.workDir ?? (await privateWorkDir())

  const { createAzureIdentity } = await import('./azure/azure.ts')
  const { parseImages, registryCredentials, resolveDigests } = await import('./registry/access.ts')
  const azure = once(() => createAzureIdentity(inputs.azure))
  // Registries may be reached anonymously when no Azure identity is configured at all.
  const optionalAzure = once(async (): Promise<AzureIdentity | undefined> => {
    try {
      return await azure()
    } catch (error) {
      if (error instanceof InputError && error.input === 'azure-credential') return undefined
      throw error
    }
  })

  let images: ResolvedImage[]
  let credentials: Map<string, RegistryCredential | undefined>
  if (commands.has('build')) {
    const identity = await azure()
    const { runBuild } = await import('./build/build.ts')
    const built = await core.group('Build with ACR Tasks', () =>
      runBuild({
        target: buildTarget(inputs),
        credential: identity.credential,
        workspace,
        signal,
        // The packed context goes in the action's private folder, which the post step removes
        // even when a timeout ended the build before it could clean up.
        tempDir: workDir,
        ...(process.env['AZURE_RESOURCE_MANAGER_ENDPOINT']
          ? { armEndpoint: process.env['AZURE_RESOURCE_MANAGER_ENDPOINT'] }
          : {})
      })
    )
    core.setOutput('digest', built.digest)
    images = built.images
    credentials = await core.group('Sign in to the registry', () =>
      registryCredentials(
        images.map(i => i.registry),
        inputs.registry,
        optionalAzure
      )
    )
  } else {
    const parsed = parseImages(inputs.images)
    credentials = await core.group('Sign in to registries', () =>
      registryCredentials(
        parsed.map(p => p.ref.registry),
        inputs.registry,
        optionalAzure
      )
    )
    images = await core.group('Resolve digests', () => resolveDigests(parsed, credentials))
  }
  core.setOutput('digests', images.map(i => i.reference).join('\n'))
  if (!commands.has('sign') && !commands.has('verify')) {
    await report(images.map(baseResult), inputs, undefined, [], [])
    return
  }

  let certificate: SigningCertificate | undefined
  let identity: AzureIdentity | undefined
  if (resolvesCertificate(inputs)) {
    identity = await azure()
    const credential = identity.credential
    const { resolveSigningCertificate } = await import('./azure/keyvault.ts')
    certificate = await core.group('Key Vault certificate', () =>
      resolveSigningCertificate(inputs.keyVault, {
        credential,
        ...(checked.caChain ? { caChain: checked.caChain } : {})
      })
    )
    core.setOutput('key-id', certificate.keyId)
    core.setOutput('certificate-subject', certificate.subject)
    // The subject is Key Vault's text: printed inert (see untrusted.ts). Verify alone signs
    // nothing: there the certificate is what verification trusts.
    const role = commands.has('sign') ? 'Signing' : 'Trusted'
    logLine(
      `${role} certificate ${certificate.subject} (key ${certificate.keyId}), valid until ${certificate.notAfter.toISOString()}`
    )
  }

  let results = images.map(baseResult)
  const failures: string[] = []
  const notationCommands: string[] = []
  if (commands.has('sign') && native) {
    if (!certificate || !identity) {
      throw new InputError('certificate', 'or key-id is required to sign.')
    }
    const { findAlreadySigned, signFailureMessage } = await import('./notation/sign.ts')
    const { signNative } = await import('./native/index.ts')
    // skip-if-signed decides by notation verify, as on the notation path (notation is installed then).
    const alreadySigned =
      inputs.sign.skipIfSigned && installed
        ? (unsigned: readonly ResolvedImage[]) =>
            findAlreadySigned(unsigned, {
              ...signingContext(installed, inputs, credentials, workspace, signal, certificate),
              identity
            })
        : undefined
    notationCommands.push(
      `native signer: ${inputs.sign.signatureFormat} envelopes signed by Key Vault key ${certificate.keyId}`
    )
    results = await signNative(images, {
      certificate,
      credential: identity.credential,
      credentials,
      format: inputs.sign.signatureFormat,
      userMetadata: inputs.sign.userMetadata.map(({ key, value }) => [key, value] as const),
      ...(inputs.sign.expiry === undefined ? {} : { expiry: inputs.sign.expiry }),
      forceReferrersTag: inputs.sign.forceReferrersTag,
      maxConcurrency: inputs.maxConcurrency,
      signal,
      ...(alreadySigned ? { alreadySigned } : {})
    })
    const message = signFailureMessage(results)
    if (message) failures.push(message)
  } else if (commands.has('sign')) {
    if (!certificate) throw new InputError('certificate', 'or key-id is required to sign.')
    if (!installed) throw new Error('Bug: signing with notation, which was not installed.')
    const { describeSignCommand, signImages, signFailureMessage } =
      await import('./notation/sign.ts')
    const signContext = {
      ...signingContext(installed, inputs, credentials, workspace, signal, certificate),
      ...(identity ? { identity } : {}),
      ...(checked.timestampRootPem ? { timestampRootPem: checked.timestampRootPem } : {})
    }
    notationCommands.push(describeSignCommand(signContext))
    results = await signImages(images, signContext)
    const message = signFailureMessage(results)
    if (message) failures.push(message)
  }

  let warnings: string[] = []
  if (commands.has('verify')) {
    if (!installed) throw new Error('Bug: verifying without notation installed.')
    const { prepareTrust, verifyArgs, verifyImages } = await import('./notation/verify.ts')
    notationCommands.push(
      `notation ${verifyArgs('<registry>/<repository>@<digest>', inputs.verify.userMetadata).join(' ')}`
    )
    const context = {
      ...notationContext(installed, credentials, workspace, signal),
      verify: inputs.verify,
      maxConcurrency: inputs.maxConcurrency,
      store: signerStore(inputs),
      preflight: checked,
      ...(certificate ? { certificate } : {})
    }
    const trust = await core.group('Trust store and trust policy', () =>
      prepareTrust(images, context)
    )
    warnings = trust.warnings
    // An image whose signing failed is already reported; verify the rest.
    const toVerify = images.filter((_, i) => results[i]?.error === undefined)
    const outcomes = await verifyImages(toVerify, context)
    results = results.map(result => {
      const index = toVerify.findIndex(i => i.reference === result.reference)
      return index < 0 ? result : { ...result, ...outcomes[index] }
    })
    const unverified = results.filter(
      (r, i) => r.verified !== true && toVerify.includes(images[i]!)
    )
    if (unverified.length > 0) {
      failures.push(
        [
          `Verification failed for ${unverified.length} of ${toVerify.length} image${toVerify.length === 1 ? '' : 's'}:`,
          ...unverified.map(r => `  ${r.reference ?? r.input}: ${r.error ?? 'not verified'}`)
        ].join('\n')
      )
    }
  }

  await report(results, inputs, certificate, warnings, notationCommands)
  if (failures.length > 0) throw new ActionError(failures.join('\n'))
}

function buildTarget(inputs: Inputs): BuildTarget {
  return { build: inputs.build, azure: inputs.azure, images: inputs.images }
}

/**
 * The job-private folder when nothing is installed (the native signer): made and recorded as
 * install makes it, so the post step removes it.
 */
async function privateWorkDir(): Promise<string> {
  const { mkdir, mkdtemp } = await import('node:fs/promises')
  const os = await import('node:os')
  const path = await import('node:path')
  const tempDir = process.env['RUNNER_TEMP'] || os.tmpdir()
  await mkdir(tempDir, { recursive: true })
  const dir = await mkdtemp(path.join(tempDir, 'notation-akv-'))
  saveWorkDir(dir)
  return dir
}

function baseResult(image: ResolvedImage): ImageResult {
  return { input: image.input, reference: image.reference, digest: image.digest }
}

/** Signing always needs the certificate; verifying needs it unless the inputs name the trust anchors and identities. */
function notationContext(
  installed: InstallResult,
  credentials: Map<string, RegistryCredential | undefined>,
  workspace: string,
  signal: AbortSignal
) {
  return {
    notationPath: installed.notation.path,
    configDir: installed.configDir,
    libexecDir: installed.libexecDir,
    credentials,
    workspace,
    signal
  }
}

/** What signing with notation needs from this run, whichever signer asks for it. */
function signingContext(
  installed: InstallResult,
  inputs: Inputs,
  credentials: Map<string, RegistryCredential | undefined>,
  workspace: string,
  signal: AbortSignal,
  certificate: SigningCertificate
) {
  return {
    ...notationContext(installed, credentials, workspace, signal),
    sign: inputs.sign,
    maxConcurrency: inputs.maxConcurrency,
    notationVersion: installed.notation.version,
    workDir: installed.workDir,
    certificate
  }
}

async function report(
  results: ImageResult[],
  inputs: Inputs,
  certificate: SigningCertificate | undefined,
  warnings: string[],
  commands: string[]
): Promise<void> {
  const { imagesOutput, writeSummary } = await import('./report/summary.ts')
  core.setOutput('images', imagesOutput(results))
  const ran = { sign: inputs.commands.includes('sign'), verify: inputs.commands.includes('verify') }
  await writeSummary(results, {
    commands,
    ran,
    // A verify-only run made no signature: it has no format to report.
    ...(ran.sign ? { signatureFormat: inputs.sign.signatureFormat } : {}),
    warnings,
    ...(certificate ? { certificate } : {})
  })
}
