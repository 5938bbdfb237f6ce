// A bare SIP user agent for the limits tests: sends hand-written RFC 5547 offers and holds the
// dialogs, so a test controls exactly how many sessions a peer has open and when each ends.

import { createHash, randomBytes } from 'node:crypto';
import { createUdpTransport, createUserAgent, type Dialog, type InviteResult, type SipTransport, type UserAgent } from '../../runtime/index.ts';

export interface RawOfferer {
  readonly ua: UserAgent;
  invite(target: string, sdp: string): Promise<InviteResult>;
  close(): Promise<void>;
}

/** `host`: the loopback address the offerer sends from (another one plays another machine). */
export async function rawOfferer(localUri: string, host = '127.0.0.1'): Promise<RawOfferer> {
  const transport: SipTransport = await createUdpTransport({ host, port: 0 });
  const ua = createUserAgent({ transports: [transport], localUri, userAgent: 'limits-test' });
  return {
    ua,
    invite: (target, sdp) => ua.invite(target, { body: sdp, contentType: 'application/sdp' }),
    async close() {
      for (const dialog of [...ua.dialogs.values()]) await ua.bye(dialog).catch(() => undefined);
      ua.close();
      await transport.close();
    },
  };
}

/** RFC 4975 §8 session id and RFC 5547 sha-1 in the file-selector's form (uppercase hex pairs). */
export const newSid = (): string => randomBytes(9).toString('base64url');
export const sha1Selector = (data: Buffer): string =>
  (createHash('sha1').update(data).digest('hex').toUpperCase().match(/../g) ?? []).join(':');

/** One pushed file (sendonly m=message), the offerer's MSRP URI in a=path. */
export function fileOffer(options: { path: string; setup: 'active' | 'actpass' | 'passive'; name: string; data: Buffer }): string {
  return [
    'v=0',
    `o=- ${Date.now()} 1 IN IP4 127.0.0.1`,
    's=-',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    `m=message ${new URL(options.path.replace(/^msrp:/, 'http:')).port || '2855'} TCP/MSRP *`,
    'a=accept-types:application/octet-stream',
    `a=path:${options.path}`,
    `a=setup:${options.setup}`,
    'a=sendonly',
    `a=file-selector:name:"${options.name}" type:application/octet-stream size:${options.data.length} hash:sha-1:${sha1Selector(options.data)}`,
    `a=file-transfer-id:${randomBytes(12).toString('base64url')}`,
    '',
  ].join('\r\n');
}

/** The answerer's a=path (first m-line). */
export function answeredPath(body: Buffer): string {
  const match = /^a=path:(.+)$/m.exec(body.toString('utf8'));
  if (match?.[1] === undefined) throw new Error(`no a=path in the answer:\n${body.toString('utf8')}`);
  return match[1].trim();
}

export type { Dialog };
