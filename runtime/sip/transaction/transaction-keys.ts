import type { SipMessage } from '../syntax/sip-message.ts';
import { parseCSeq } from '../syntax/cseq.ts';
import { BRANCH_MAGIC_COOKIE, viaSentBy } from '../syntax/via.ts';
import { parseViaShared } from '../syntax/top-via-cache.ts';

/**
 * RFC 3261 §17.1.3: a response matches a client transaction when the branch of its top Via and
 * the method of its CSeq equal those of the request that created the transaction.
 */
export function clientTransactionKey(message: SipMessage): string | undefined {
  const via = parseViaShared(message.headers.get('Via') ?? '');
  const cseq = parseCSeq(message.headers.get('CSeq') ?? '');
  if (!via.ok || !cseq.ok) return undefined;
  const branch = via.value.params['branch'];
  if (branch === undefined || branch === null) return undefined;
  return `${branch}|${cseq.value.method}`;
}

/**
 * RFC 3261 §17.2.3: with a magic-cookie branch, a request matches a server transaction when the
 * top Via branch and sent-by equal the creating request's and the method matches, an ACK counting
 * as INVITE. `asMethod` lets CANCEL look up the INVITE it targets (RFC 3261 §9.2).
 * TODO(RFC 3261 §17.2.3): the RFC 2543 fallback (no magic cookie) matching on Request-URI, tags,
 * Call-ID and CSeq is not implemented; such requests each get a transaction keyed by their branch.
 */
export function serverTransactionKey(message: SipMessage, asMethod?: string): string | undefined {
  if (message.kind !== 'request') return undefined;
  const via = parseViaShared(message.headers.get('Via') ?? '');
  if (!via.ok) return undefined;
  const branch = via.value.params['branch'] ?? '';
  const method = asMethod ?? (message.method === 'ACK' ? 'INVITE' : message.method);
  const id = branch !== null && branch.startsWith(BRANCH_MAGIC_COOKIE) ? branch : `${branch}|${message.headers.get('Call-ID')}|${message.headers.get('CSeq')?.split(/\s+/)[0]}`;
  return `${id}|${viaSentBy(via.value)}|${method}`;
}
