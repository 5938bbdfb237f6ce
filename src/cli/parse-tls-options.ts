// --tls-cert / --tls-key / --tls-ca for --transport tls. Both ends of SIP over TLS listen (RFC 3261
// §26.2 / §18: requests in either direction may open a connection), so sender and receiver alike need
// a certificate and key; --tls-ca adds the roots used to verify the peer (self-signed set-ups).
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createSecureContext } from 'node:tls';
import { fail, ok, type Result } from '../../runtime/index.ts';
import type { SipTransportName } from '../client-types.ts';

export const tlsOptionSpecs = {
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'tls-ca': { type: 'string' },
} as const;

export interface TlsPaths {
  readonly cert: string;
  readonly key: string;
  readonly ca: string | undefined;
}

export interface TlsCredentials {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly ca?: Buffer;
}

export const tlsUsage = `  --tls-cert FILE     PEM certificate (required with --transport tls)
  --tls-key FILE      PEM private key (required with --transport tls)
  --tls-ca FILE       PEM CA certificate(s) to verify the peer with
`;

export function parseTlsPaths(values: { 'tls-cert'?: string; 'tls-key'?: string; 'tls-ca'?: string }, transport: SipTransportName): Result<TlsPaths | undefined, string> {
  const given = values['tls-cert'] !== undefined || values['tls-key'] !== undefined || values['tls-ca'] !== undefined;
  if (transport !== 'tls') return given ? fail('--tls-cert/--tls-key/--tls-ca need --transport tls') : ok(undefined);
  const cert = values['tls-cert'];
  const key = values['tls-key'];
  if (cert === undefined || key === undefined) return fail('--transport tls needs --tls-cert FILE and --tls-key FILE');
  return ok({ cert, key, ca: values['tls-ca'] });
}

/** Reads the PEM files; the error names the file that could not be read. */
export async function readTlsCredentials(paths: TlsPaths, cwd: string): Promise<Result<TlsCredentials, string>> {
  const read = async (file: string): Promise<Result<Buffer, string>> => {
    try {
      return ok(await readFile(resolve(cwd, file)));
    } catch (error) {
      return fail(`cannot read '${file}': ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  };
  const cert = await read(paths.cert);
  if (!cert.ok) return cert;
  const key = await read(paths.key);
  if (!key.ok) return key;
  const usable = checkKeyPair(paths, cert.value, key.value);
  if (!usable.ok) return usable;
  if (paths.ca === undefined) return ok({ cert: cert.value, key: key.value });
  const ca = await read(paths.ca);
  if (!ca.ok) return ca;
  if (!ca.value.includes('-----BEGIN CERTIFICATE-----')) return fail(`'${paths.ca}' holds no PEM CA certificate (expected -----BEGIN CERTIFICATE-----)`);
  return ok({ cert: cert.value, key: key.value, ca: ca.value });
}

/**
 * Loads the pair once as TLS would, so a wrong file is named in words here rather than as OpenSSL's
 * "error:05800074:x509 certificate routines::key values mismatch" when the first connection opens.
 */
function checkKeyPair(paths: TlsPaths, cert: Buffer, key: Buffer): Result<void, string> {
  const loads = (options: { cert?: Buffer; key?: Buffer }): Error | undefined => {
    try {
      createSecureContext(options);
      return undefined;
    } catch (error) {
      return error as Error;
    }
  };
  if (loads({ cert }) !== undefined) return fail(`'${paths.cert}' holds no usable PEM certificate (expected -----BEGIN CERTIFICATE-----)`);
  if (loads({ key }) !== undefined) return fail(`'${paths.key}' holds no usable PEM private key (expected -----BEGIN ... PRIVATE KEY-----, unencrypted)`);
  const both = loads({ cert, key });
  if (both === undefined) return ok(undefined);
  const text = `${(both as { code?: string }).code ?? ''} ${both.message}`;
  if (/KEY_VALUES_MISMATCH|key values mismatch/i.test(text)) return fail(`the key in '${paths.key}' does not belong to the certificate in '${paths.cert}'`);
  return fail(`cannot use '${paths.cert}' with '${paths.key}': ${both.message.replace(/^error:[0-9A-F]+:[^:]*::?/i, '')}`);
}
