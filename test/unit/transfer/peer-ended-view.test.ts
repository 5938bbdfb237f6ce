// How a failure reads once the receiver has ended the session with a BYE: a connection that went
// down because of that BYE (its process closing under data still in flight resets the connection,
// whichever of the BYE and the reset the sender handles first) is told as the receiver's release,
// while a failure with a cause of its own, or one the BYE itself reports, keeps it.
import { describe, expect, it } from 'vitest';
import { withPeerEndedView } from '../../../runtime/transfer/sender-run.ts';
import { withFailureCode } from '../../../runtime/transfer/transfer-types.ts';

const released = { source: 'peer-bye', code: 'ERR_SESSION_ENDED_BY_PEER', message: 'the receiver closed the session (receiving stopped)' };

describe('withPeerEndedView', () => {
  it('a reset or broken pipe after the BYE reads as the receiver closing the session', () => {
    for (const message of ['MSRP connection error: write ECONNRESET', 'MSRP connection error: read ECONNRESET', 'MSRP connection error: write EPIPE']) {
      expect(withPeerEndedView(withFailureCode({ source: 'connection', message }), '200 receiving stopped')).toEqual(released);
    }
  });

  it('the MSRP session closed for the BYE, a 481 and a timeout read the same way', () => {
    expect(withPeerEndedView(withFailureCode({ source: 'connection', message: 'MSRP session abc123 closed' }), '200 receiving stopped')).toEqual(released);
    expect(withPeerEndedView(withFailureCode({ source: 'connection', status: 481, message: 'chunk refused' }), '200 receiving stopped')).toEqual(released);
    expect(withPeerEndedView(withFailureCode({ source: 'timeout', message: 'no response' }), '200')).toEqual({ ...released, message: 'the receiver closed the session' });
  });

  it('another connection failure keeps its text, with the receiver\'s reason added', () => {
    const cause = withFailureCode({ source: 'connection', message: 'MSRP connection error: connect ETIMEDOUT' });
    expect(withPeerEndedView(cause, '503 disk full')).toEqual({ ...cause, message: 'MSRP connection error: connect ETIMEDOUT; the receiver ended the session: 503 disk full' });
    // A reset the receiver's BYE reports as its own cause (the connection cut under it) stays the cause.
    const reset = withFailureCode({ source: 'connection', message: 'MSRP connection error: read ECONNRESET' });
    expect(withPeerEndedView(reset, '503 the MSRP connection closed before big.bin was complete')).toEqual({
      ...reset, message: 'MSRP connection error: read ECONNRESET; the receiver ended the session: 503 the MSRP connection closed before big.bin was complete',
    });
  });

  it('without a BYE, or for a failure that is not about the connection, the cause stays as it is', () => {
    const reset = withFailureCode({ source: 'connection', message: 'MSRP connection error: write ECONNRESET' });
    expect(withPeerEndedView(reset, undefined)).toBe(reset);
    const refused = withFailureCode({ source: 'msrp-response', status: 400, message: 'hash mismatch' });
    expect(withPeerEndedView(refused, '200 receiving stopped')).toBe(refused);
  });
});
