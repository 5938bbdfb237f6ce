// The apply-rfc5547 action is checkable: with it the sender holds an answer to RFC 5547 §8 (the
// file-selector and file-transfer-id of each accepted m-line echoed); without it only RFC 3264.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildAnswer, validateAnswer, type MediaDecision } from '../../../runtime/sdp/offer-answer.ts';
import { setAttribute } from '../../../runtime/sdp/attribute-list.ts';
import { parseSessionDescription } from '../../../runtime/sdp/parse-session-description.ts';
import type { SessionDescription } from '../../../runtime/sdp/session-description.ts';

const offer = ((): SessionDescription => {
  const r = parseSessionDescription(readFileSync(join(import.meta.dirname, '../../corpus/sdp/rcs-push-three-files.sdp'), 'utf8'));
  if (!r.ok) throw r.error;
  return r.value;
})();
const origin = { username: '-', sessionId: '42', sessionVersion: '42', netType: 'IN', addrType: 'IP4', address: '198.51.100.7' };
const accept = (n: number): MediaDecision => ({ kind: 'accept', port: 9000 + n, path: [`msrp://198.51.100.7:${9000 + n}/s${n};tcp`] });

function answerWith(change: (a: SessionDescription) => void): SessionDescription {
  const built = buildAnswer(offer, { origin, decisions: [accept(0), accept(1), accept(2)] });
  if (!built.ok) throw built.error;
  change(built.value);
  return built.value;
}

describe('RFC 5547 answer rules (apply-rfc5547)', () => {
  it('a changed file-selector fails under RFC 5547 and passes plain RFC 3264', () => {
    const answer = answerWith((a) => setAttribute(a.media[1]!.attributes, 'file-selector', 'name:"other.bin" size:1'));
    const strict = validateAnswer(offer, answer, { rfc5547: true });
    expect(strict.ok).toBe(false);
    expect(strict.ok ? '' : strict.error.message).toMatch(/m-line 1: answer file-selector differs/);
    expect(validateAnswer(offer, answer, { rfc5547: false }).ok).toBe(true);
  });

  it('a file-transfer-id not echoed fails under RFC 5547 only', () => {
    const answer = answerWith((a) => setAttribute(a.media[2]!.attributes, 'file-transfer-id', 'not-the-offered-one'));
    expect(validateAnswer(offer, answer, { rfc5547: true }).ok).toBe(false);
    expect(validateAnswer(offer, answer, { rfc5547: false }).ok).toBe(true);
  });

  it('port 0 is a rejected file under either rule set', () => {
    const answer = answerWith((a) => { a.media[0]!.port = 0; });
    for (const rfc5547 of [true, false]) {
      const r = validateAnswer(offer, answer, { rfc5547 });
      expect(r.ok && r.value[0]?.accepted).toBe(false);
    }
  });
});
