import { describe, expect, it } from 'vitest';
import {
  applyConferenceInfo, buildConferenceInfo, conferenceInfoErrorCodes, parseConferenceInfo, type ConferenceInfo,
} from '../../../runtime/group/conference-info.ts';
import { memberStatusOf } from '../../../runtime/transfer/group-conference-subscription.ts';

const sample: ConferenceInfo = {
  entity: 'sip:team@example.com',
  state: 'full',
  version: 3,
  active: true,
  userCount: 1,
  users: [
    { entity: 'sip:bob@example.com', state: 'full', endpoints: [{ entity: 'sip:bob@example.com', status: 'connected', files: [
      { transferId: 'abc', outcome: 'delivered' },
      { transferId: 'd"e<f>&', outcome: 'failed', status: 413, reason: 'too "large" & <big>' },
    ] }] },
    { entity: 'sip:dave@example.com', state: 'full', endpoints: [{ entity: 'sip:dave@example.com', status: 'disconnected', disconnectionMethod: 'failed', sipStatus: 603, reason: 'Decline', files: [] }] },
    { entity: 'sip:eve@example.com', state: 'full', endpoints: [{ entity: 'sip:eve@example.com', status: 'disconnected', disconnectionMethod: 'departed', reason: 'the member ended its session', files: [] }] },
  ],
};

describe('conference-info build/parse (RFC 4575)', () => {
  it('round-trips users, endpoint status, disconnection reason with SIP status, file outcomes and version', () => {
    const xml = buildConferenceInfo(sample);
    expect(xml).toContain('<reason>SIP ;cause=603 ;text=&quot;Decline&quot;</reason>');
    const parsed = parseConferenceInfo(xml);
    expect(parsed.ok && parsed.value).toEqual(sample);
  });

  it('reads a document from another focus: prefixes, unknown elements, free-text reason, unknown status', () => {
    const xml = `<?xml version="1.0"?>
      <ci:conference-info xmlns:ci="urn:ietf:params:xml:ns:conference-info" xmlns:x="urn:other" entity="sip:c@h" state="partial" version="7">
        <x:vendor><ci:users/></x:vendor>
        <ci:users><ci:user entity="sip:a@h" state="partial"><ci:display-text>A &amp; B</ci:display-text>
          <ci:endpoint entity="sip:a@h;gr=1"><ci:status>exploding</ci:status><ci:disconnection-info><ci:reason>gone</ci:reason></ci:disconnection-info></ci:endpoint>
        </ci:user></ci:users>
      </ci:conference-info>`;
    const parsed = parseConferenceInfo(xml);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value).toMatchObject({ state: 'partial', version: 7, users: [{ entity: 'sip:a@h', state: 'partial', displayText: 'A & B', endpoints: [{ entity: 'sip:a@h;gr=1', reason: 'gone', files: [] }] }] });
    expect(parsed.value.users[0]?.endpoints[0]?.status).toBeUndefined();
  });

  it.each([
    ['a DOCTYPE with an entity (billion laughs)', '<!DOCTYPE c [<!ENTITY a "aaaa">]><conference-info entity="x" version="1">&a;</conference-info>', conferenceInfoErrorCodes.entity],
    ['an external entity reference', '<conference-info entity="x" version="1"><users>&xxe;</users></conference-info>', conferenceInfoErrorCodes.entity],
    ['a character reference to NUL', '<conference-info entity="&#0;" version="1"/>', conferenceInfoErrorCodes.parse],
    ['unclosed elements', '<conference-info entity="x" version="1"><users>', conferenceInfoErrorCodes.parse],
    ['mismatched tags', '<conference-info entity="x" version="1"><users></user></conference-info>', conferenceInfoErrorCodes.parse],
    ['an undeclared prefix', '<p:conference-info entity="x" version="1"/>', conferenceInfoErrorCodes.parse],
    ['another root element', '<resource-lists xmlns="urn:ietf:params:xml:ns:resource-lists"/>', conferenceInfoErrorCodes.parse],
    ['a non-numeric version', '<conference-info entity="x" version="-1"/>', conferenceInfoErrorCodes.parse],
    ['a missing entity', '<conference-info version="1"/>', conferenceInfoErrorCodes.parse],
    ['two root elements', '<conference-info entity="x" version="1"/><conference-info entity="x" version="1"/>', conferenceInfoErrorCodes.parse],
    ['deep nesting', `<conference-info entity="x" version="1">${'<a>'.repeat(100)}${'</a>'.repeat(100)}</conference-info>`, conferenceInfoErrorCodes.tooLarge],
    ['too many elements', `<conference-info entity="x" version="1">${'<a/>'.repeat(20_001)}</conference-info>`, conferenceInfoErrorCodes.tooLarge],
    ['an oversized body', `<conference-info entity="x" version="1">${' '.repeat(300 * 1024)}</conference-info>`, conferenceInfoErrorCodes.tooLarge],
    ['a bad user state', '<conference-info entity="x" version="1"><users><user entity="u" state="weird"/></users></conference-info>', conferenceInfoErrorCodes.parse],
  ])('refuses %s', (_what, xml, code) => {
    const parsed = parseConferenceInfo(xml);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error.code).toBe(code);
  });

  it('applies partial notifications in version order and ignores stale ones (RFC 4575 §4.6)', () => {
    const full = applyConferenceInfo(undefined, sample);
    expect(full.ok).toBe(true);
    if (!full.ok) return;
    const partial: ConferenceInfo = {
      entity: sample.entity, state: 'partial', version: 4,
      users: [
        { entity: 'sip:bob@example.com', state: 'partial', endpoints: [{ entity: 'sip:bob@example.com', state: 'partial', status: 'disconnected', disconnectionMethod: 'departed', files: [{ transferId: 'ghi', outcome: 'delivered' }] }] },
        { entity: 'sip:eve@example.com', state: 'deleted', endpoints: [] },
      ],
    };
    const next = applyConferenceInfo(full.value.info, partial);
    expect(next.ok).toBe(true);
    if (!next.ok) return;
    const bob = next.value.info.users.find((u) => u.entity === 'sip:bob@example.com')?.endpoints[0];
    expect(bob?.status).toBe('disconnected');
    expect(bob?.files.map((f) => f.transferId)).toEqual(['abc', 'd"e<f>&', 'ghi']);
    expect(next.value.info.users.map((u) => u.entity)).toEqual(['sip:bob@example.com', 'sip:dave@example.com']);
    const stale = applyConferenceInfo(next.value.info, { ...sample, version: 2 });
    expect(stale.ok && stale.value.stale).toBe(true);
    expect(applyConferenceInfo(next.value.info, { ...partial, version: 9 }).ok).toBe(false);
  });

  it('maps endpoints to member statuses', () => {
    const eps = sample.users.map((u) => memberStatusOf(u.endpoints[0]));
    expect(eps).toEqual(['connected', 'declined', 'left']);
    expect(memberStatusOf({ entity: 'x', status: 'disconnected', disconnectionMethod: 'busy', sipStatus: 486, files: [] })).toBe('busy');
    expect(memberStatusOf({ entity: 'x', status: 'disconnected', disconnectionMethod: 'failed', sipStatus: 408, files: [] })).toBe('failed');
    expect(memberStatusOf({ entity: 'x', status: 'dialing-out', files: [] })).toBe('pending');
  });
});
