// --msrp-relay msrp://HOST:PORT;tcp and --msrp-relay-auth USER:PASSWORD (or CPM_FT_MSRP_RELAY_AUTH,
// which keeps the password out of the process list): the RFC 4976 relay send and receive use.
import { fail, ok, parseMsrpUri, type Result } from '../../runtime/index.ts';
import type { ClientOptions } from '../client-types.ts';

export const MSRP_RELAY_AUTH_ENV = 'CPM_FT_MSRP_RELAY_AUTH';

export const msrpRelayOptionSpecs = {
  'msrp-relay': { type: 'string' },
  'msrp-relay-auth': { type: 'string' },
} as const;

export const msrpRelayUsage = `  --msrp-relay URI    route MSRP through an RFC 4976 relay (msrp://HOST:PORT, or msrps:// for TLS)
  --msrp-relay-auth USER:PASSWORD
                      relay credentials, needed only if the relay challenges (default:
                      $${MSRP_RELAY_AUTH_ENV}, which keeps them out of ps)
`;

/** The relay as given on the command line; credentials may still come from the environment. */
export interface MsrpRelayArg {
  readonly uri: string;
  readonly auth: string | undefined;
}

/**
 * `msrp://HOST:PORT` and `msrps://HOST:PORT` are unambiguous: MSRP runs over TCP (RFC 4975 §6),
 * the `;tcp` a URI must carry is added when missing.
 */
export function normaliseRelayUri(uri: string): string {
  return /^msrps?:\/\/[^;]+$/i.test(uri.trim()) ? `${uri.trim().replace(/\/$/, '')};tcp` : uri.trim();
}

/** Checks the two options' syntax; the error is a one-line message for exit 2. */
export function parseMsrpRelayArgs(values: { readonly 'msrp-relay'?: string | undefined; readonly 'msrp-relay-auth'?: string | undefined }): Result<MsrpRelayArg | undefined, string> {
  const given = values['msrp-relay'];
  const auth = values['msrp-relay-auth'];
  if (given === undefined) {
    return auth === undefined ? ok(undefined) : fail('--msrp-relay-auth needs --msrp-relay URI');
  }
  const uri = normaliseRelayUri(given);
  const parsed = parseMsrpUri(uri);
  if (!parsed.ok) return fail(`--msrp-relay: not an MSRP URI: '${given}' (expected msrp://HOST:PORT or msrps://HOST:PORT)`);
  if (parsed.value.port === undefined) return fail(`--msrp-relay: '${given}' needs a port (msrp://HOST:PORT)`);
  if (parsed.value.port === 0) return fail(`--msrp-relay: '${given}' has port 0; give the relay's port`);
  if (auth !== undefined && auth.indexOf(':') <= 0) return fail('--msrp-relay-auth: expected USER:PASSWORD');
  return ok({ uri, auth });
}

/**
 * The client's msrpRelay option: the credentials from the option, else from the environment, else
 * none (they are needed only if the relay challenges; the client then says so).
 */
export function resolveMsrpRelay(arg: MsrpRelayArg, env: Readonly<Record<string, string | undefined>>): Result<NonNullable<ClientOptions['msrpRelay']>, string> {
  const text = arg.auth ?? env[MSRP_RELAY_AUTH_ENV];
  if (text === undefined || text === '') return ok({ uri: arg.uri });
  const colon = text.indexOf(':');
  if (colon <= 0) return fail(arg.auth === undefined ? `$${MSRP_RELAY_AUTH_ENV}: expected USER:PASSWORD` : '--msrp-relay-auth: expected USER:PASSWORD');
  return ok({ uri: arg.uri, username: text.slice(0, colon), password: text.slice(colon + 1) });
}
