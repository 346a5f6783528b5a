// Image references as the distribution spec and notation read them: `registry/repository[:tag][@digest]`.
// The registry must be explicit: a signature must never land on an image Docker Hub guessed for us.
import { InputError } from '../util/errors.ts'
import type { ImageReference } from '../util/types.ts'

const HOST =
  /^(?:localhost|(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))+|\[[0-9a-fA-F:]+\])(?::[0-9]{1,5})?$/
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*'
const REPOSITORY = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`)
const TAG = /^[\w][\w.-]{0,127}$/
export const DIGEST = /^sha256:[a-f0-9]{64}$|^sha512:[a-f0-9]{128}$/

/** Parses one reference or throws an InputError naming `input` and the reference. */
export function parseReference(value: string, input = 'images'): ImageReference {
  const fail = (why: string): never => {
    throw new InputError(input, `'${value}' ${why}`)
  }
  if (value.length > 1024) fail('is longer than 1024 characters.')
  if (/\s/.test(value)) fail('contains white space.')
  if (value.startsWith('-')) fail('starts with "-"; a reference starts with its registry host.')
  let rest = value
  let digest: string | undefined
  const at = rest.indexOf('@')
  if (at >= 0) {
    digest = rest.slice(at + 1)
    rest = rest.slice(0, at)
    if (!DIGEST.test(digest))
      fail(
        'has a malformed digest; use @sha256: with 64 (or @sha512: with 128) lowercase hex characters.'
      )
  }
  const slash = rest.indexOf('/')
  if (slash < 0) fail('must name its registry, e.g. myregistry.azurecr.io/app:v1.')
  const registry = rest.slice(0, slash)
  let path = rest.slice(slash + 1)
  if (!HOST.test(registry)) {
    fail(
      `must start with a registry host such as myregistry.azurecr.io or 127.0.0.1:5000 (got '${registry}').`
    )
  }
  let tag: string | undefined
  const colon = path.lastIndexOf(':')
  if (colon >= 0) {
    tag = path.slice(colon + 1)
    path = path.slice(0, colon)
    if (!TAG.test(tag)) fail('has an invalid tag (letters, digits, _ . -; at most 128).')
  }
  if (!REPOSITORY.test(path) || path.length > 255) {
    fail('has an invalid repository name (lowercase letters, digits and separators . _ __ - /).')
  }
  if (tag === undefined && digest === undefined) fail('needs a tag or a digest.')
  return {
    registry,
    repository: path,
    ...(tag === undefined ? {} : { tag }),
    ...(digest === undefined ? {} : { digest })
  }
}

export function formatReference(ref: {
  registry: string
  repository: string
  digest: string
}): string {
  return `${ref.registry}/${ref.repository}@${ref.digest}`
}

/** A registry as `images` names it, `host[:port]`; `input` is the input it came from. */
export function parseRegistryHost(value: string, input: string): string {
  if (!HOST.test(value)) {
    throw new InputError(
      input,
      `'${value}' is not a registry host[:port] such as myregistry.azurecr.io or 127.0.0.1:5000 (no scheme, path or spaces).`
    )
  }
  return value
}

/** Two spellings of one registry: host names are case-insensitive. */
export function sameRegistry(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase()
}

/** A loopback host name (localhost, 127.0.0.0/8, ::1): the only hosts plain HTTP may carry a credential to. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1')
  return host === 'localhost' || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host)
}

/** Registries reached over plain HTTP, as notation does: localhost only. */
export function registryOrigin(registry: string): string {
  return /^localhost(:\d+)?$/.test(registry) ? `http://${registry}` : `https://${registry}`
}
