import { describe, expect, it } from 'vitest';
import { buildGroupInviteBody, parseMultipart } from '../../../runtime/index.ts';
import { buildResourceLists as buildResourceList } from '../../../runtime/group/index.ts';

describe('buildGroupInviteBody (RFC 5366)', () => {
  it('puts the SDP and the recipient list in a multipart/mixed body', () => {
    const built = buildGroupInviteBody('v=0\r\n', ['sip:bob@example.com', 'sip:carol@example.com']);
    expect(built.contentType).toMatch(/^multipart\/mixed;boundary=/);
    const parts = parseMultipart(built.body, built.contentType);
    expect(parts.ok).toBe(true);
    if (!parts.ok) return;
    expect(parts.value.map((p) => p.headers.get('Content-Type'))).toEqual(['application/sdp', 'application/resource-lists+xml']);
    expect(parts.value[1]?.headers.get('Content-Disposition')).toBe('recipient-list');
    expect(parts.value[0]?.body.toString()).toBe('v=0\r\n');
    const xml = parts.value[1]?.body.toString() ?? '';
    expect(xml).toContain('<entry uri="sip:bob@example.com" cp:copyControl="to"/>');
    expect(xml).toContain('<entry uri="sip:carol@example.com" cp:copyControl="to"/>');
  });

  it('escapes XML special characters in URIs', () => {
    const xml = buildResourceList(['sip:a@x.com;p="<&>"']);
    expect(xml).toContain('uri="sip:a@x.com;p=&quot;&lt;&amp;&gt;&quot;"');
  });
});
