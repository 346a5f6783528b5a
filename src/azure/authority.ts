// The Entra authority every Azure sign-in goes to, the action's and the plugin's. Credentials (a
// GitHub OIDC assertion, a client secret) are sent there, so it is never taken from the environment
// unchecked: AZURE_AUTHORITY_HOST may name a known cloud's authority, anything else must be named
// by the step itself in `azure-authority-host`. No heavy imports: getInputs checks this up front.
import { InputError } from '../util/errors.ts'

/** The Entra authorities of Azure's clouds (public, China, US Government). Microsoft Cloud Germany
 * (login.microsoftonline.de) closed on 2021-10-29 and is not among them. */
export const KNOWN_AUTHORITIES: readonly string[] = [
  'https://login.microsoftonline.com',
  'https://login.chinacloudapi.cn',
  'https://login.microsoftonline.us'
]

export const DEFAULT_AUTHORITY = 'https://login.microsoftonline.com'

export interface Authority {
  /** An https origin, without a trailing slash. */
  host: string
  /** One of KNOWN_AUTHORITIES: instance discovery works; otherwise it is turned off. */
  known: boolean
  /** Where it came from, for the log line. */
  from: 'azure-authority-host' | 'AZURE_AUTHORITY_HOST' | 'default'
}

/** An https origin (a trailing `/` allowed), or undefined when the value is anything else. */
function httpsOrigin(value: string): string | undefined {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return undefined
  }
  const plain =
    url.protocol === 'https:' &&
    url.username === '' &&
    url.password === '' &&
    url.pathname === '/' &&
    url.search === '' &&
    url.hash === '' &&
    !/[?#]/.test(value)
  return plain ? url.origin : undefined
}

/** `azure-authority-host`: an https URL with nothing but scheme, host and port. */
export function parseAuthorityInput(value: string): string {
  const origin = httpsOrigin(value)
  if (origin === undefined) {
    throw new InputError(
      'azure-authority-host',
      `'${value}' must be an https URL with only a host (and port), such as https://login.microsoftonline.us: no http, path, query or credentials.`
    )
  }
  return origin
}

/** A value from the environment, quoted and cut short for a message. */
function quoted(value: string): string {
  return JSON.stringify(value.length > 200 ? `${value.slice(0, 200)}…` : value)
}

/**
 * The authority to use: `azure-authority-host` when given, else AZURE_AUTHORITY_HOST when it is a
 * known cloud's, else the public cloud's. AZURE_AUTHORITY_HOST naming anything else (another host,
 * plain http, a path) is refused, since a variable set by an earlier step would otherwise receive
 * the credentials.
 */
export function resolveAuthority(
  input: string | undefined,
  envValue: string | undefined
): Authority {
  const fromInput = input === undefined ? undefined : parseAuthorityInput(input)
  const env = envValue === undefined || envValue === '' ? undefined : envValue
  if (env !== undefined) {
    const origin = httpsOrigin(env)
    const acceptable =
      origin !== undefined && (KNOWN_AUTHORITIES.includes(origin) || origin === fromInput)
    if (!acceptable) {
      throw new InputError(
        'azure-authority-host',
        `AZURE_AUTHORITY_HOST in the environment is ${quoted(env)}, which is neither a known cloud's Entra authority ` +
          `(${KNOWN_AUTHORITIES.join(', ')}) nor the one named in azure-authority-host` +
          `${fromInput === undefined ? '' : ` (${fromInput})`}; Azure credentials are not sent to it. ` +
          'Name your authority in azure-authority-host (https only), or remove AZURE_AUTHORITY_HOST.'
      )
    }
  }
  if (fromInput !== undefined) {
    return {
      host: fromInput,
      known: KNOWN_AUTHORITIES.includes(fromInput),
      from: 'azure-authority-host'
    }
  }
  if (env !== undefined) {
    return { host: httpsOrigin(env)!, known: true, from: 'AZURE_AUTHORITY_HOST' }
  }
  return { host: DEFAULT_AUTHORITY, known: true, from: 'default' }
}
