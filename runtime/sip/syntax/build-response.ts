import { SipHeaders } from './sip-headers.ts';
import { createResponse, reasonPhrase, type SipResponse } from './sip-message.ts';
import { parseNameAddr, formatNameAddr } from './name-addr.ts';

/**
 * RFC 3261 §8.2.6.2: a response copies From, Call-ID, CSeq and every Via of the request in order,
 * and To, adding a tag when the request had none and one is given (the UAS's dialog tag).
 */
export function createResponseTo(
  request: { readonly headers: SipHeaders },
  status: number,
  options: { reason?: string; toTag?: string; headers?: Iterable<{ name: string; value: string }>; body?: Buffer } = {},
): SipResponse {
  const headers = new SipHeaders();
  for (const via of request.headers.getAll('Via')) headers.append('Via', via);
  const from = request.headers.get('From');
  if (from !== undefined) headers.append('From', from);
  let to = request.headers.get('To');
  if (to !== undefined && options.toTag !== undefined) {
    const parsed = parseNameAddr(to);
    if (parsed.ok && parsed.value.params['tag'] === undefined) {
      to = formatNameAddr({ ...parsed.value, params: { ...parsed.value.params, tag: options.toTag } });
    }
  }
  if (to !== undefined) headers.append('To', to);
  const callId = request.headers.get('Call-ID');
  if (callId !== undefined) headers.append('Call-ID', callId);
  const cseq = request.headers.get('CSeq');
  if (cseq !== undefined) headers.append('CSeq', cseq);
  for (const f of options.headers ?? []) headers.append(f.name, f.value);
  return createResponse(status, options.reason ?? reasonPhrase(status), headers, options.body ?? Buffer.alloc(0));
}
