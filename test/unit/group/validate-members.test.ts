import { describe, expect, it } from 'vitest';
import { validateMembers, sipUriComparisonKey } from '../../../runtime/group/validate-members.ts';
import { groupErrorCodes } from '../../../runtime/group/group-error-codes.ts';
import { parseSipUri } from '../../../runtime/sip/syntax/sip-uri.ts';

const code = (uris: string[], maxMembers?: number): string | undefined => {
  const r = validateMembers(uris, maxMembers === undefined ? {} : { maxMembers });
  return r.ok ? undefined : r.error.code;
};

describe('validateMembers', () => {
  it('accepts distinct SIP URIs and returns them parsed, without angle brackets', () => {
    const r = validateMembers(['sip:bob@example.com', '<sips:carol@example.com:5061>']);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.value.map((m) => m.uri)).toEqual(['sip:bob@example.com', 'sips:carol@example.com:5061']);
      expect(r.value[1]?.parsed.port).toBe(5061);
    }
  });

  it('refuses an empty list', () => expect(code([])).toBe(groupErrorCodes.membersEmpty));

  it.each(['bob@example.com', 'tel:+123', 'sip:', 'sip:bob@exa mple.com', 'sip:bob@host:99999', ' '])('refuses the unparsable member %j', (uri) => {
    expect(code(['sip:ok@example.com', uri])).toBe(groupErrorCodes.memberUri);
  });

  it('names the offending entry by its 1-based position', () => {
    const r = validateMembers(['sip:a@h', 'sip:b@h', 'sip:a@H']);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.location?.line).toBe(3);
      expect(r.error.message).toContain('duplicates member 1');
    }
  });

  it.each([
    ['host case', 'sip:bob@EXAMPLE.com'],
    ['scheme case', 'SIP:bob@example.com'],
    ['escaped user', 'sip:%62ob@example.com'],
    ['irrelevant parameter', 'sip:bob@example.com;foo=bar'],
    ['angle brackets', '<sip:bob@example.com>'],
  ])('treats %s as the same member (RFC 3261 §19.1.4)', (_name, other) => {
    expect(code(['sip:bob@example.com', other])).toBe(groupErrorCodes.memberDuplicate);
  });

  it.each([
    ['user case', 'sip:Bob@example.com'],
    ['explicit port', 'sip:bob@example.com:5060'],
    ['transport parameter', 'sip:bob@example.com;transport=tcp'],
    ['sips scheme', 'sips:bob@example.com'],
  ])('treats %s as a different member', (_name, other) => {
    expect(code(['sip:bob@example.com', other])).toBeUndefined();
  });

  it('enforces maxMembers inclusively', () => {
    expect(code(['sip:a@h', 'sip:b@h'], 2)).toBeUndefined();
    expect(code(['sip:a@h', 'sip:b@h', 'sip:c@h'], 2)).toBe(groupErrorCodes.membersTooMany);
  });

  it('builds comparison keys with lower-cased transport values', () => {
    const a = parseSipUri('sip:x@h;transport=TCP');
    const b = parseSipUri('sip:x@H;transport=tcp');
    expect(a.ok && b.ok && sipUriComparisonKey(a.value) === sipUriComparisonKey(b.value)).toBe(true);
  });
});
