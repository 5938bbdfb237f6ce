import { describe, expect, it } from 'vitest';
import { parseSessionDescription } from '../../../runtime/sdp/parse-session-description.ts';
import type { SessionDescription } from '../../../runtime/sdp/session-description.ts';
import { legacySetup } from '../../../runtime/transfer/sender-session-state.ts';

const sdp = (text: string): SessionDescription => {
  const parsed = parseSessionDescription(text.split('\n').map((l) => l.trim()).filter((l) => l.length > 0).join('\r\n') + '\r\n', 'test');
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
};

const offer = sdp(`v=0
  o=- 1 1 IN IP4 127.0.0.1
  s=-
  c=IN IP4 127.0.0.1
  t=0 0
  m=message 7000 TCP/MSRP *
  a=path:msrp://127.0.0.1:7000/a;tcp
  a=setup:actpass
  m=message 7000 TCP/MSRP *
  a=path:msrp://127.0.0.1:7000/b;tcp
  a=setup:actpass`);

const answerWith = (first: string, second: string): SessionDescription => sdp(`v=0
  o=- 2 2 IN IP4 127.0.0.1
  s=-
  c=IN IP4 127.0.0.1
  t=0 0
  m=message 8000 TCP/MSRP *
  a=path:msrp://127.0.0.1:8000/x;tcp
  ${first}
  m=message 8000 TCP/MSRP *
  a=path:msrp://127.0.0.1:8000/y;tcp
  ${second}`);

const setupOf = (d: SessionDescription, index: number): string | undefined =>
  d.media[index]?.attributes.find((a) => a.name === 'setup')?.value ?? undefined;

// RFC 4975 §5.4 / RFC 6135 §4: an answer without a=setup to an actpass offer reads as passive.
describe('legacySetup', () => {
  it('returns an answer that states its setup on every m-line unchanged', () => {
    const answer = answerWith('a=setup:active', 'a=setup:passive');
    expect(legacySetup(offer, answer)).toBe(answer);
  });

  it('adds setup:passive only to the m-line that lacks it, leaving the parsed answer as it was', () => {
    const answer = answerWith('a=setup:active', '');
    const read = legacySetup(offer, answer);
    expect(read).not.toBe(answer);
    expect(setupOf(read, 0)).toBe('active');
    expect(setupOf(read, 1)).toBe('passive');
    expect(setupOf(answer, 1)).toBeUndefined();
    expect(read.media[0]).toBe(answer.media[0]);
  });

  it('leaves a rejected (port 0) m-line without a=setup', () => {
    const answer = answerWith('', '');
    answer.media[1]!.port = 0;
    const read = legacySetup(offer, answer);
    expect(setupOf(read, 0)).toBe('passive');
    expect(setupOf(read, 1)).toBeUndefined();
  });
});
