// The real-network options shared by send, receive, serve and pull: --register [URI], --auth-user
// (password from $CPM_FT_SIP_PASSWORD or --auth-password-file, never from the command line, so it
// stays out of ps), --dns-server HOST[:PORT] (RFC 3263 through that server), --proxy,
// --register-expires and --accept-any-uri.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { dnsServerAddress, fail, ok, type Result } from '../../runtime/index.ts';
import type { ClientOptions, ClientRegistration, CpmClient, RegisterOptions } from '../client-types.ts';
import { parseSipUri } from './parse-sip-uri.ts';

export const SIP_PASSWORD_ENV = 'CPM_FT_SIP_PASSWORD';

export const networkOptionSpecs = {
  register: { type: 'string' },
  'register-expires': { type: 'string' },
  'accept-any-uri': { type: 'boolean' },
  'auth-user': { type: 'string' },
  'auth-password-file': { type: 'string' },
  'dns-server': { type: 'string' },
  proxy: { type: 'string' },
} as const;

export const networkUsage = `  --register [URI]    register our address of record (--uri / --from) at URI, or at the AOR's
                      domain; refreshed while running, removed (Expires: 0) on exit
  --register-expires SECONDS
                      binding lifetime asked for (default 3600)
  --accept-any-uri    once registered, still accept INVITEs for other Request-URIs (default 404)
  --auth-user USER    digest user for 401/407 challenges; the password comes from
                      $${SIP_PASSWORD_ENV} or --auth-password-file FILE (first line)
  --dns-server HOST[:PORT]
                      locate SIP servers by RFC 3263 (NAPTR, SRV, A/AAAA) through this DNS server
  --proxy sip:H:P     outbound proxy for every out-of-dialog request
`;

export interface NetworkArgs {
  /** undefined: no --register; '' registers at the AOR's domain. */
  readonly register: string | undefined;
  readonly registerExpires: number | undefined;
  readonly acceptAnyUri: boolean;
  readonly authUser: string | undefined;
  readonly authPasswordFile: string | undefined;
  readonly dnsServer: string | undefined;
  readonly proxy: string | undefined;
}

/**
 * `--register` takes an optional URI, which node's parseArgs cannot express: a bare `--register`
 * (not followed by a sip:/sips: URI) is rewritten to `--register=` before parsing.
 */
export function withOptionalRegisterUri(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--register' && !/^sips?:/i.test(args[i + 1] ?? '')) out.push('--register=');
    else out.push(arg);
  }
  return out;
}

type NetworkValues = { readonly [K in keyof typeof networkOptionSpecs]?: (typeof networkOptionSpecs)[K]['type'] extends 'string' ? string : boolean };

export function parseNetworkArgs(values: NetworkValues): Result<NetworkArgs, string> {
  const register = values.register;
  if (register !== undefined && register !== '') {
    const uri = parseSipUri(register, '--register');
    if (!uri.ok) return uri;
  }
  let registerExpires: number | undefined;
  const expires = values['register-expires'];
  if (expires !== undefined) {
    if (!/^\d{1,9}$/.test(expires) || Number(expires) === 0) return fail(`--register-expires expects a whole number of seconds (at least 1), got '${expires}'`);
    if (register === undefined) return fail('--register-expires needs --register');
    registerExpires = Number(expires);
  }
  if (values['accept-any-uri'] === true && register === undefined) return fail('--accept-any-uri needs --register');
  if (values['auth-password-file'] !== undefined && values['auth-user'] === undefined) return fail('--auth-password-file needs --auth-user USER');
  if (values['auth-user'] === '') return fail('--auth-user expects a user name');
  const dns = values['dns-server'];
  if (dns !== undefined) {
    try {
      dnsServerAddress(dns);
    } catch (error) {
      return fail(`--dns-server: ${(error as Error).message}`);
    }
  }
  const proxy = values.proxy;
  if (proxy !== undefined) {
    const uri = parseSipUri(proxy, '--proxy');
    if (!uri.ok) return uri;
  }
  return ok({
    register,
    registerExpires,
    acceptAnyUri: values['accept-any-uri'] === true,
    authUser: values['auth-user'],
    authPasswordFile: values['auth-password-file'],
    dnsServer: dns,
    proxy,
  });
}

/**
 * The client options of the network arguments: the password read from the file (its first line)
 * or the environment. A missing password is an error naming both places.
 */
export async function resolveNetworkOptions(
  args: NetworkArgs,
  io: { readonly cwd: string; readonly env: Readonly<Record<string, string | undefined>> },
): Promise<Result<Pick<ClientOptions, 'auth' | 'dns' | 'outboundProxy'>, string>> {
  let auth: ClientOptions['auth'];
  if (args.authUser !== undefined) {
    let password: string | undefined;
    if (args.authPasswordFile !== undefined) {
      const path = resolve(io.cwd, args.authPasswordFile);
      try {
        password = (await readFile(path, 'utf8')).split(/\r?\n/)[0] ?? '';
      } catch (error) {
        return fail(`--auth-password-file: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
    } else password = io.env[SIP_PASSWORD_ENV];
    if (password === undefined || password === '') return fail(`--auth-user ${args.authUser} needs a password: set $${SIP_PASSWORD_ENV} or give --auth-password-file FILE`);
    auth = { username: args.authUser, password };
  }
  return ok({
    ...(auth !== undefined ? { auth } : {}),
    ...(args.dnsServer !== undefined ? { dns: { server: args.dnsServer } } : {}),
    ...(args.proxy !== undefined ? { outboundProxy: args.proxy } : {}),
  });
}

/** The register() options of the arguments, or undefined without --register. */
export function registerOptions(args: NetworkArgs): RegisterOptions | undefined {
  if (args.register === undefined) return undefined;
  return {
    ...(args.register !== '' ? { registrar: args.register } : {}),
    ...(args.registerExpires !== undefined ? { expires: args.registerExpires } : {}),
    ...(args.acceptAnyUri ? { acceptAnyRequestUri: true } : {}),
  };
}

/**
 * Registers when --register was given, printing one line per state change; resolves false (after
 * printing why) when the first REGISTER failed, so the command exits 1 at once.
 */
export async function registerIfAsked(client: CpmClient, args: NetworkArgs, say: (line: string) => void, complain: (line: string) => void): Promise<boolean> {
  const options = registerOptions(args);
  if (options === undefined) return true;
  let registration: ClientRegistration;
  try {
    registration = await client.register(options);
  } catch (error) {
    complain(`registration failed: ${(error as Error).message}`);
    return false;
  }
  say(`registered ${registration.aor}${registration.contact === undefined ? '' : ` as ${registration.contact}`}`);
  registration.on((event) => {
    if (event.state === 'failed') complain(`registration failed: ${event.error.message}${event.retryInSeconds === undefined ? '' : ` (retrying in ${event.retryInSeconds} s)`}`);
    else if (event.state === 'registered' && event.refresh) say(`registration of ${registration.aor} refreshed (${event.expires} s)`);
    else if (event.state === 'registered') say(`registered ${registration.aor} again (${event.expires} s)`);
  });
  return true;
}
