// The focus's icon check (src/focus/relayed-icons.ts): only an icon a receiver would take is relayed;
// a hostile one (bytes not an image, a type other than declared, over the cap, a cid naming no
// part) is reported and its a=file-icon is dropped from the members' m-lines.
import { describe, expect, it } from 'vitest';
import { buildMultipart, createMedia, parseSipMessage, SipHeaders, type SipRequest } from '../../../runtime/index.ts';
import { iconPartsFor, iconsToRelay, keepIconAttribute } from '../../../src/focus/relayed-icons.ts';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

function sdpWithIcons(cids: readonly string[]): string {
  const lines = ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0'];
  cids.forEach((cid, i) => lines.push('m=message 9 TCP/MSRP *', 'a=sendonly', `a=path:msrp://127.0.0.1:9/s${i};tcp`, `a=file-selector:name:"f${i}.bin" size:10`, `a=file-transfer-id:t${i}`, `a=file-icon:cid:${cid}`));
  return `${lines.join('\r\n')}\r\n`;
}

function request(sdp: string, parts: ReadonlyArray<{ id: string; type: string; bytes: Buffer; disposition?: string }>): SipRequest {
  const sdpHeaders = new SipHeaders();
  sdpHeaders.append('Content-Type', 'application/sdp');
  const built = buildMultipart([{ headers: sdpHeaders, body: Buffer.from(sdp) }, ...parts.map((p) => {
    const headers = new SipHeaders();
    headers.append('Content-Type', p.type);
    headers.append('Content-ID', `<${p.id}>`);
    headers.append('Content-Disposition', p.disposition ?? 'icon');
    return { headers, body: p.bytes };
  })]);
  const head = [
    'INVITE sip:conf-factory@127.0.0.1 SIP/2.0', 'Via: SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bK1', 'From: <sip:alice@127.0.0.1>;tag=1', 'To: <sip:conf-factory@127.0.0.1>',
    'Call-ID: c1', 'CSeq: 1 INVITE', 'Max-Forwards: 70', `Content-Type: ${built.contentType}`, `Content-Length: ${built.body.length}`, '', '',
  ].join('\r\n');
  const parsed = parseSipMessage(Buffer.concat([Buffer.from(head), built.body]));
  if (!parsed.ok || parsed.value.kind !== 'request') throw new Error('test request did not parse');
  return parsed.value;
}

describe('iconsToRelay', () => {
  it('relays a good icon by its Content-ID; refuses text bytes, a mismatched type, an oversize icon and a dangling cid', () => {
    const req = request(sdpWithIcons(['good@a', 'text@a', 'gif@a', 'big@a', 'nowhere@a']), [
      { id: 'good@a', type: 'image/png', bytes: PNG },
      { id: 'text@a', type: 'image/png', bytes: Buffer.from('<script>alert(1)</script>') },
      { id: 'gif@a', type: 'image/gif', bytes: PNG },
      { id: 'big@a', type: 'image/png', bytes: Buffer.concat([PNG, Buffer.alloc(40 * 1024, 1)]) },
    ]);
    const found = iconsToRelay(req);
    expect([...found.byIndex.keys()]).toEqual([0]);
    expect(found.byIndex.get(0)?.contentId).toBe('good@a');
    expect(found.byIndex.get(0)?.icon.bytes.equals(PNG)).toBe(true);
    const reasons = new Map(found.problems.map((p) => [p.index, p.reason]));
    expect([...reasons.keys()]).toEqual([1, 2, 3, 4]);
    expect(reasons.get(1)).toMatch(/not image\/png, image\/jpeg/);
    expect(reasons.get(2)).toMatch(/declared "image\/gif" but its bytes are image\/png/);
    expect(reasons.get(3)).toMatch(/more than the limit/);
    expect(reasons.get(4)).toMatch(/no body part has/);
  });

  it('a member m-line keeps a=file-icon only with its icon, and the parts follow the open m-lines', () => {
    const media = createMedia({ media: 'message', port: 9, proto: 'TCP/MSRP', formats: ['*'], attributes: [{ name: 'file-icon', value: 'cid:x@a' }, { name: 'sendonly', value: null }] });
    keepIconAttribute(media, false);
    expect(media.attributes.map((a) => a.name)).toEqual(['sendonly']);
    const closed = createMedia({ media: 'message', port: 0, proto: 'TCP/MSRP', formats: ['*'] });
    const icons = new Map([[0, { contentId: 'a@a', icon: { type: 'image/png' as const, bytes: PNG } }], [1, { contentId: 'b@a', icon: { type: 'image/png' as const, bytes: PNG } }]]);
    expect(iconPartsFor([media, closed], icons).map((p) => p.contentId)).toEqual(['a@a']);
    expect(iconPartsFor([media, media], icons, [1]).map((p) => p.contentId)).toEqual(['b@a']);
  });
});
