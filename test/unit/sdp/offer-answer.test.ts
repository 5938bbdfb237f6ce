import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSessionDescription } from '../../../runtime/sdp/parse-session-description.ts';
import { serializeSessionDescription } from '../../../runtime/sdp/serialize-session-description.ts';
import {
  answerDirection, answerSetup, buildAnswer, buildReoffer, classifyReoffer, connectingParty, findReusableSlot,
  sameFileSelector, validateAnswer, type MediaDecision,
} from '../../../runtime/sdp/offer-answer.ts';
import { getAttribute, setAttribute } from '../../../runtime/sdp/attribute-list.ts';
import { getDirection, getFileSelector, getFileTransferId, getPath, getSetup } from '../../../runtime/sdp/msrp-attributes.ts';
import type { SessionDescription } from '../../../runtime/sdp/session-description.ts';

const corpus = (name: string): SessionDescription => {
  const r = parseSessionDescription(readFileSync(join(import.meta.dirname, '../../corpus/sdp', name), 'utf8'));
  if (!r.ok) throw r.error;
  return r.value;
};
const unwrap = <T>(r: { ok: true; value: T } | { ok: false; error: Error }): T => {
  if (!r.ok) throw r.error;
  return r.value;
};
const origin = { username: '-', sessionId: '42', sessionVersion: '42', netType: 'IN', addrType: 'IP4', address: '198.51.100.7' };
const accept = (n: number): MediaDecision => ({ kind: 'accept', port: 9000 + n, path: [`msrp://198.51.100.7:${9000 + n}/s${n};tcp`] });

describe('answer rules', () => {
  it('mirrors directions and picks setup roles', () => {
    expect(answerDirection('sendonly')).toBe('recvonly');
    expect(answerDirection('recvonly')).toBe('sendonly');
    expect(answerDirection('inactive')).toBe('inactive');
    expect(answerSetup('actpass')).toBe('active');
    expect(answerSetup('passive')).toBe('active');
    expect(answerSetup('active')).toBe('passive');
    expect(answerSetup(undefined)).toBe('passive');
    expect(connectingParty('actpass', 'active')).toBe('answerer');
    expect(connectingParty(undefined, undefined)).toBe('offerer');
    expect(connectingParty('actpass', 'holdconn')).toBe('none');
  });
});

describe('buildAnswer', () => {
  const offer = corpus('rcs-push-three-files.sdp');
  it('accepts two files and rejects one, keeping every m-line', () => {
    const answer = unwrap(buildAnswer(offer, { origin, connection: { netType: 'IN', addrType: 'IP4', address: '198.51.100.7' }, decisions: [accept(0), { kind: 'reject' }, accept(2)] }));
    expect(answer.media.map((m) => m.port)).toEqual([9000, 0, 9002]);
    expect(answer.media[1]).toMatchObject({ media: 'message', proto: 'TCP/MSRP', formats: ['*'], attributes: [] });
    const first = answer.media[0]!;
    expect(getDirection(first)).toBe('recvonly');
    expect(getSetup(first)).toBe('active');
    expect(getPath(first)).toEqual(['msrp://198.51.100.7:9000/s0;tcp']);
    expect(getFileSelector(first)).toBe(getFileSelector(offer.media[0]!));
    expect(getFileTransferId(first)).toBe('1467634589');
    expect(getAttribute(first.attributes, 'accept-types')).toBe('image/jpeg');
    const negotiated = unwrap(validateAnswer(offer, answer));
    expect(negotiated.map((n) => n.accepted)).toEqual([true, false, true]);
    expect(negotiated[0]!.connectingParty).toBe('answerer');
    // Serializes as CRLF lines and parses back to the same answer.
    const text = serializeSessionDescription(answer);
    expect(unwrap(parseSessionDescription(text))).toEqual(answer);
  });
  it('answers a pull (recvonly) offer with sendonly and an active offer with passive', () => {
    const pull = structuredClone(offer);
    pull.media = [pull.media[0]!];
    pull.media[0]!.attributes = pull.media[0]!.attributes.map((a) => (a.name === 'sendonly' ? { name: 'recvonly', value: null } : a.name === 'setup' ? { name: 'setup', value: 'active' } : a));
    const answer = unwrap(buildAnswer(pull, { origin, decisions: [accept(0)] }));
    expect(getDirection(answer.media[0]!)).toBe('sendonly');
    expect(getSetup(answer.media[0]!)).toBe('passive');
    expect(unwrap(validateAnswer(pull, answer))[0]!.connectingParty).toBe('offerer');
  });
  it('keeps port 0 for an m-line offered with port 0 and refuses non-MSRP accepts', () => {
    const mixed = corpus('mixed-audio-and-closed-slot.sdp');
    const ok = unwrap(buildAnswer(mixed, { origin, decisions: [{ kind: 'reject' }, accept(1), accept(2)] }));
    expect(ok.media.map((m) => m.port)).toEqual([0, 0, 9002]);
    expect(ok.media[0]).toMatchObject({ media: 'audio', proto: 'RTP/AVP', formats: ['0', '8', '101'] });
    const bad = buildAnswer(mixed, { origin, decisions: [accept(0), accept(1), accept(2)] });
    expect(bad.ok).toBe(false);
    expect(buildAnswer(mixed, { origin, decisions: [accept(0)] }).ok).toBe(false);
  });
});

describe('validateAnswer rejects', () => {
  const offer = corpus('rcs-push-three-files.sdp');
  const good = (): SessionDescription => unwrap(buildAnswer(offer, { origin, decisions: [accept(0), accept(1), accept(2)] }));
  const reason = (answer: SessionDescription): string => {
    const r = validateAnswer(offer, answer);
    expect(r.ok).toBe(false);
    return r.ok ? '' : r.error.message;
  };
  it('a missing m-line', () => {
    const a = good();
    a.media.pop();
    expect(reason(a)).toMatch(/m-lines/);
  });
  it('another proto', () => {
    const a = good();
    a.media[1]!.proto = 'TCP/TLS/MSRP';
    expect(reason(a)).toMatch(/m-line 1: proto/);
  });
  it('sendrecv to a sendonly offer', () => {
    const a = good();
    setAttribute(a.media[0]!.attributes, 'recvonly', null);
    a.media[0]!.attributes = a.media[0]!.attributes.map((x) => (x.name === 'recvonly' ? { name: 'sendrecv', value: null } : x));
    expect(reason(a)).toMatch(/direction/);
  });
  it('a changed or missing file-selector, a changed transfer id, a missing path', () => {
    const a = good();
    setAttribute(a.media[2]!.attributes, 'file-selector', 'name:"other.txt" type:text/plain size:2048');
    expect(reason(a)).toMatch(/file-selector differs/);
    const b = good();
    b.media[2]!.attributes = b.media[2]!.attributes.filter((x) => x.name !== 'file-selector');
    expect(reason(b)).toMatch(/not echoed/);
    const c = good();
    setAttribute(c.media[0]!.attributes, 'file-transfer-id', 'zzz');
    expect(reason(c)).toMatch(/file-transfer-id/);
    const d = good();
    d.media[0]!.attributes = d.media[0]!.attributes.filter((x) => x.name !== 'path');
    expect(reason(d)).toMatch(/path/);
  });
  it('passive answer to a passive offer', () => {
    const passiveOffer = structuredClone(offer);
    for (const m of passiveOffer.media) setAttribute(m.attributes, 'setup', 'passive');
    const a = unwrap(buildAnswer(passiveOffer, { origin, decisions: [accept(0), accept(1), accept(2)] }));
    setAttribute(a.media[0]!.attributes, 'setup', 'passive');
    expect(validateAnswer(passiveOffer, a).ok).toBe(false);
  });
  it('accepts an echoed selector written differently (sha1, lowercase, unquoted type param)', () => {
    expect(sameFileSelector(
      'name:"a b.txt" type:text/plain;charset="utf-8" size:3 hash:sha-1:DA:39:A3:EE:5E:6B:4B:0D:32:55:BF:EF:95:60:18:90:AF:D8:07:09',
      'hash:sha1:da:39:a3:ee:5e:6b:4b:0d:32:55:bf:ef:95:60:18:90:af:d8:07:09 size:3 name:"a%20b.txt" type:text/plain; x-extra:1',
    )).toBe(false); // type differs (charset dropped)
    expect(sameFileSelector(
      'name:"a b.txt" size:3 hash:sha-1:DA:39:A3:EE:5E:6B:4B:0D:32:55:BF:EF:95:60:18:90:AF:D8:07:09',
      'hash:sha1:da:39:a3:ee:5e:6b:4b:0d:32:55:bf:ef:95:60:18:90:af:d8:07:09 size:3 name:"a%20b.txt" x-extra:1',
    )).toBe(true);
  });
});

describe('re-offers', () => {
  const offer = corpus('rcs-push-three-files.sdp');
  it('keeps slots in place, closes one with port 0 and reuses another with a new transfer id', () => {
    const next = unwrap(buildReoffer(offer, [
      { kind: 'close' },
      { kind: 'keep' },
      { kind: 'replace', attributes: [
        { name: 'file-selector', value: 'name:"next.txt" type:text/plain size:5' },
        { name: 'file-transfer-id', value: 'new-id-1' },
        { name: 'path', value: 'msrp://10.0.2.15:20000/new;tcp' },
        { name: 'sendonly', value: null },
      ] },
    ]));
    expect(next.origin.sessionVersion).toBe('3878962422');
    expect(next.media.map((m) => m.port)).toEqual([0, 20000, 20000]);
    expect(getFileTransferId(next.media[0]!)).toBe('1467634589');
    expect(next.media[1]).toEqual(offer.media[1]);
    expect(findReusableSlot(next)).toBe(0);
    // The answerer's reading of the re-offer.
    const statuses = unwrap(classifyReoffer(offer, next)).map((r) => r.status);
    expect(statuses).toEqual(['closed', 'unchanged', 'new']);
    // A later re-offer reuses the closed slot 0 for another file.
    const again = unwrap(buildReoffer(next, [{ kind: 'replace', port: 20000, attributes: [{ name: 'file-transfer-id', value: 'new-id-2' }] }]));
    expect(unwrap(classifyReoffer(next, again)).map((r) => r.status)).toEqual(['new', 'unchanged', 'unchanged']);
    // The original is untouched.
    expect(offer.media[0]!.port).toBe(20000);
  });
  it('refuses to drop m-lines and to reuse a slot with port 0', () => {
    const fewer = structuredClone(offer);
    fewer.media.pop();
    expect(classifyReoffer(offer, fewer).ok).toBe(false);
    const closed = unwrap(buildReoffer(offer, [{ kind: 'close' }]));
    expect(buildReoffer(closed, [{ kind: 'replace', attributes: [] }]).ok).toBe(false);
    expect(buildReoffer(offer, [{ kind: 'keep' }, { kind: 'keep' }, { kind: 'keep' }, { kind: 'keep' }]).ok).toBe(false);
  });
});
