// The body of an ad-hoc group INVITE (CPM 7.4.1.1, RFC 5366 §4): multipart/mixed with the SDP and
// an RFC 4826 resource list of the recipients, marked Content-Disposition: recipient-list.

import { buildMultipart, type BuiltMultipart } from '../sip/syntax/multipart.ts';
import { SipHeaders } from '../sip/syntax/sip-headers.ts';
import { buildResourceLists } from '../group/build-resource-lists.ts';

export function buildGroupInviteBody(sdp: string, recipients: readonly string[]): BuiltMultipart {
  const sdpHeaders = new SipHeaders();
  sdpHeaders.append('Content-Type', 'application/sdp');
  const listHeaders = new SipHeaders();
  listHeaders.append('Content-Type', 'application/resource-lists+xml');
  // RFC 5366 §4: the list part is marked as the recipient list and must be handled.
  listHeaders.append('Content-Disposition', 'recipient-list');
  return buildMultipart([
    { headers: sdpHeaders, body: Buffer.from(sdp, 'utf8') },
    { headers: listHeaders, body: Buffer.from(buildResourceLists(recipients), 'utf8') },
  ]);
}
