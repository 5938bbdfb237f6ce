// The stack's readers of a top Via (received stamping, transaction keys, response destinations)
// share one parse per Via text. These tests check that the shared parse is the same as parseVia's,
// that it cannot be changed by one holder under another, and that the readers still see the text
// they are given (a stamped Via is a new text, parsed anew).

import { describe, expect, it } from 'vitest';
import { parseVia } from '../../../runtime/sip/syntax/via.ts';
import { parseViaShared } from '../../../runtime/sip/syntax/top-via-cache.ts';
import { responseDestination, stampReceived } from '../../../runtime/sip/transport/stamp-received.ts';
import { serverTransactionKey } from '../../../runtime/sip/transaction/transaction-keys.ts';
import { testRequest } from './recording-transport.ts';

describe('the shared parse of a top Via', () => {
  it('equals parseVia, is one object per text, and is frozen', () => {
    const text = 'SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bKshared1;rport';
    const first = parseViaShared(text);
    expect(first).toEqual(parseVia(text));
    expect(parseViaShared(text)).toBe(first);
    expect(first.ok && Object.isFrozen(first.value) && Object.isFrozen(first.value.params)).toBe(true);
    expect(() => { if (first.ok) (first.value.params as Record<string, string | null>)['branch'] = 'changed'; }).toThrow(TypeError);
    expect(parseViaShared(text).ok && parseViaShared(text)).toMatchObject({ value: { params: { branch: 'z9hG4bKshared1' } } });
  });

  it('a malformed Via is an error each time, not a shared one', () => {
    const bad = parseViaShared('not a via');
    expect(bad.ok).toBe(false);
    expect(parseViaShared('not a via')).not.toBe(bad);
  });

  it('stamping received/rport on a shared parse writes a new Via and leaves the shared one as it was', () => {
    const request = testRequest('INVITE', 'z9hG4bKstamp1', 'via-cache-test');
    request.headers.setFirst('Via', 'SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bKstamp1;rport');
    const before = serverTransactionKey(request);
    const shared = parseViaShared('SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bKstamp1;rport');
    expect(stampReceived(request, { host: '192.0.2.7', port: 40000 })).toBe(true);
    expect(request.headers.get('Via')).toBe('SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bKstamp1;rport=40000;received=192.0.2.7');
    expect(shared.ok && shared.value.params).toEqual({ branch: 'z9hG4bKstamp1', rport: null });
    expect(responseDestination(request.headers.get('Via') ?? '')).toEqual({ host: '192.0.2.7', port: 40000 });
    expect(serverTransactionKey(request)).toBe(before);
  });
});
