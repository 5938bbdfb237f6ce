import { describe, expect, it } from 'vitest';
import { MsrpStreamSplitter, msrpHeader } from '../../helpers/msrp-stream-splitter.ts';
import { msrpSend, msrpResponse } from '../../helpers/sample-messages.ts';

describe('MSRP stream splitter', () => {
  it('reassembles a message split across segments, byte by byte, including a body holding a fake end-line', () => {
    const body = 'x\r\n-------other0001$\r\ny';
    const wire = msrpSend('tid00009', body, { toPort: 1, fromPort: 2 }) + msrpResponse('tid00008', 200, 'OK', { toPort: 1, fromPort: 2 });
    const splitter = new MsrpStreamSplitter();
    const out = [...Buffer.from(wire, 'latin1')].flatMap((byte) => splitter.push(Uint8Array.of(byte)));
    expect(out.map((m) => [m.tid, m.method ?? m.status])).toEqual([['tid00009', 'SEND'], ['tid00008', 200]]);
    expect(out[0]?.bodyLength).toBe(Buffer.byteLength(body));
    expect(out[0] && msrpHeader(out[0], 'message-id')).toBe('m-1');
    expect(out[1]?.comment).toBe('OK');
  });

  it('reports the # (aborted) continuation flag', () => {
    const [message] = new MsrpStreamSplitter().push(Buffer.from(msrpSend('tid00010', 'ab', { toPort: 1, fromPort: 2, flag: '#' })));
    expect(message?.flag).toBe('#');
  });
});
