// close() while an outgoing connect is still in flight must not leave that socket open behind it.
import { createServer, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { CpmError } from '../../../runtime/errors.ts';
import { createRequest, createTcpTransport, SipHeaders } from '../../../runtime/sip/index.ts';
import { assertNoLeakedHandles, snapshotHandles } from '../../helpers/active-handles.ts';
import { waitFor } from '../../helpers/fuzz-raw-peers.ts';

const options = (): ReturnType<typeof createRequest> =>
  createRequest(
    'OPTIONS',
    'sip:bob@127.0.0.1',
    new SipHeaders()
      .append('Via', 'SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bK-close-1')
      .append('From', '<sip:alice@127.0.0.1>;tag=a1')
      .append('To', '<sip:bob@127.0.0.1>')
      .append('Call-ID', 'close-race')
      .append('CSeq', '1 OPTIONS')
      .append('Max-Forwards', '70'),
  );

describe('stream transport close() with a connect in progress', () => {
  it('fails the send with ERR_SIP_TRANSPORT_CLOSED and leaves no socket open', async () => {
    const before = await snapshotHandles();
    const accepted: Socket[] = [];
    const peer = createServer((s) => {
      accepted.push(s);
      s.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => peer.listen(0, '127.0.0.1', resolve));
    const address = peer.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const transport = await createTcpTransport({ host: '127.0.0.1', port: 0 });

    const sending = transport.send(options(), { host: '127.0.0.1', port });
    const outcome = sending.then(() => 'sent', (e: unknown) => e);
    await transport.close();

    const result = await outcome;
    expect(result).toBeInstanceOf(CpmError);
    expect((result as CpmError).code).toBe('ERR_SIP_TRANSPORT_CLOSED');
    // Whatever reached the peer before the abort must be gone (the peer sees the close).
    const allClosed = await waitFor(() => (accepted.every((s) => s.destroyed || s.readableEnded) ? true : undefined), 2000);
    expect(allClosed).toBe(true);

    for (const s of accepted) s.destroy();
    await new Promise<void>((resolve) => peer.close(() => resolve()));
    await assertNoLeakedHandles(before, 2000);
  });
});
