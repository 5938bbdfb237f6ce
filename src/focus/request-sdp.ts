// The SDP of a request to the focus: the body itself, or the application/sdp part of a
// multipart/mixed body (RFC 5366 §4 lists, RFC 5547 §6 icons ride beside it, in an INVITE and in a
// re-INVITE bringing a later batch alike).

import { parseMultipart, type SipRequest } from '../../runtime/index.ts';

export function sdpOfRequest(request: SipRequest): string | undefined {
  const type = (request.headers.get('Content-Type') ?? '').trim();
  if (!/^multipart\//i.test(type)) return request.body.toString('utf8');
  const parts = parseMultipart(request.body, type);
  if (!parts.ok) return undefined;
  return parts.value.find((p) => /^application\/sdp\s*(;|$)/i.test((p.headers.get('Content-Type') ?? '').trim()))?.body.toString('utf8');
}
