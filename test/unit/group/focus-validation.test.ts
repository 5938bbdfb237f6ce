// The focus's answers to bad group INVITEs, over real UDP sockets on loopback: each validation
// failure must come back as the documented SIP status with a Warning saying why.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildResourceLists } from '../../../runtime/group/build-resource-lists.ts';
import { buildMultipart } from '../../../runtime/sip/syntax/multipart.ts';
import { SipHeaders } from '../../../runtime/sip/syntax/sip-headers.ts';
import { createUdpTransport } from '../../../runtime/sip/transport/udp-transport.ts';
import type { SipTransport } from '../../../runtime/sip/transport/sip-transport.ts';
import { createUserAgent } from '../../../runtime/sip/user-agent.ts';
import type { UserAgent } from '../../../runtime/sip/user-agent-types.ts';
import { createFocus } from '../../../src/focus/create-focus.ts';
import type { Focus, FocusEvent } from '../../../src/focus/focus-types.ts';

const OFFER = [
  'v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0',
  'm=message 9 TCP/MSRP *', 'a=accept-types:text/plain', 'a=path:msrp://127.0.0.1:9/abc;tcp', 'a=setup:actpass', 'a=sendonly',
  'a=file-selector:name:"a.txt" type:text/plain size:3', 'a=file-transfer-id:x1', '',
].join('\r\n');

function listBody(xml: string, sdp = OFFER): { body: Buffer; contentType: string } {
  const sdpHeaders = new SipHeaders().append('Content-Type', 'application/sdp');
  const listHeaders = new SipHeaders().append('Content-Type', 'application/resource-lists+xml').append('Content-Disposition', 'recipient-list');
  return buildMultipart([
    { headers: sdpHeaders, body: Buffer.from(sdp) },
    { headers: listHeaders, body: Buffer.from(xml) },
  ]);
}

describe('focus request validation over SIP', () => {
  let focus: Focus;
  let transport: SipTransport;
  let ua: UserAgent;
  const events: FocusEvent[] = [];
  let factory = '';

  beforeAll(async () => {
    focus = await createFocus({
      sip: { host: '127.0.0.1', port: 0, transport: 'udp' },
      groups: { 'sip:team@127.0.0.1': ['sip:bob@127.0.0.1:9'] },
      factoryUri: 'sip:conf-factory@127.0.0.1',
      maxMembers: 3,
      onEvent: (e) => events.push(e),
    });
    factory = `sip:conf-factory@127.0.0.1:${focus.sipAddress.port}`;
    transport = await createUdpTransport({ host: '127.0.0.1', port: 0 });
    ua = createUserAgent({ transports: [transport], localUri: 'sip:alice@127.0.0.1', supported: ['recipient-list-invite'] });
  });

  afterAll(async () => {
    ua.close();
    await transport.close();
    await focus.close();
  });

  async function inviteList(uris: readonly string[] | string, extra: { require?: boolean; target?: string } = {}) {
    const { body, contentType } = listBody(typeof uris === 'string' ? uris : buildResourceLists(uris));
    const headers = extra.require === false ? [] : [{ name: 'Require', value: 'recipient-list-invite' }];
    const result = await ua.invite(extra.target ?? factory, { body, contentType, headers });
    expect(result.kind).toBe('rejected');
    return { status: result.response.status, warning: result.response.headers.get('Warning') ?? '', headers: result.response.headers };
  }

  it('answers 400 to an empty recipient list', async () => {
    const r = await inviteList([]);
    expect(r.status).toBe(400);
    expect(r.warning).toMatch(/^399 127\.0\.0\.1 ".*empty/);
  });

  it('answers 400 to a duplicate member (RFC 3261 URI equality)', async () => {
    const r = await inviteList(['sip:bob@example.com', 'sip:carol@example.com', 'sip:bob@EXAMPLE.com']);
    expect(r.status).toBe(400);
    expect(r.warning).toContain('duplicates member 1');
  });

  it('answers 400 to a member that is not a SIP URI', async () => {
    const r = await inviteList(['sip:bob@example.com', 'mailto:carol@example.com']);
    expect(r.status).toBe(400);
    expect(r.warning).toContain('member 2');
  });

  it('answers 403 to more members than allowed', async () => {
    const r = await inviteList(['sip:a@h', 'sip:b@h', 'sip:c@h', 'sip:d@h']);
    expect(r.status).toBe(403);
    expect(r.warning).toContain('limit of 3');
  });

  it('answers 400 to a list carrying a DTD, without expanding it', async () => {
    const r = await inviteList('<!DOCTYPE x [<!ENTITY e "sip:a@h">]><resource-lists><list><entry uri="&e;"/></list></resource-lists>');
    expect(r.status).toBe(400);
    expect(r.warning).toContain('DOCTYPE');
  });

  it('answers 421 with Require when the list comes without Require: recipient-list-invite', async () => {
    const r = await inviteList(['sip:bob@example.com'], { require: false });
    expect(r.status).toBe(421);
    expect(r.headers.get('Require')).toBe('recipient-list-invite');
  });

  it('answers 415 with Accept to a body it does not understand', async () => {
    const result = await ua.invite(factory, { body: 'hello', contentType: 'text/plain', headers: [{ name: 'Require', value: 'recipient-list-invite' }] });
    expect(result.kind).toBe('rejected');
    expect(result.response.status).toBe(415);
    expect(result.response.headers.get('Accept')).toContain('application/sdp');
  });

  it('answers 404 to an unknown group URI', async () => {
    const result = await ua.invite(`sip:nobody@127.0.0.1:${focus.sipAddress.port}`, { body: OFFER, contentType: 'application/sdp' });
    expect(result.kind).toBe('rejected');
    expect(result.response.status).toBe(404);
    expect(result.response.headers.get('Warning')).toContain('no group');
  });

  it('answers 415 to a pre-defined group INVITE carrying a list', async () => {
    const r = await inviteList(['sip:bob@example.com'], { target: `sip:team@127.0.0.1:${focus.sipAddress.port}` });
    expect(r.status).toBe(415);
  });

  it('reports every rejection as an event with its machine-readable code', () => {
    const codes = events.filter((e) => e.type === 'request-rejected').map((e) => (e.type === 'request-rejected' ? e.code : ''));
    expect(codes).toEqual(expect.arrayContaining([
      'ERR_GROUP_MEMBERS_EMPTY', 'ERR_GROUP_MEMBER_DUPLICATE', 'ERR_GROUP_MEMBER_URI', 'ERR_GROUP_MEMBERS_TOO_MANY',
      'ERR_GROUP_LIST_ENTITY', 'ERR_FOCUS_REQUIRE', 'ERR_FOCUS_BODY', 'ERR_FOCUS_UNKNOWN_GROUP',
    ]));
  });
});
