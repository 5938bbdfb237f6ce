// SIP over a lossy loopback relay: the first INVITE, the first 200 to it, the first ACK and the
// first BYE are dropped (and, in a second run, every pair of datagrams is delivered in reverse
// order). RFC 3261 §17.1.1.2 (Timer A: the INVITE is retransmitted), §13.3.1.4 (the UAS resends its
// 2xx until the ACK arrives) and §17.1.2.2 (Timer E: the BYE is retransmitted) must still complete
// the transfer, with the file intact.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startLossyUdpRelay, type Direction } from '../helpers/lossy-udp-relay.ts';
import { countWhenPassed } from '../helpers/test-counters.ts';
import { sha1Of, writeTestFile } from '../e2e/transfer-harness.ts';
import { folderNames } from './fault-checks.ts';
import { runtimePairPerTest, type RuntimePair } from './runtime-pair.ts';

let pair: RuntimePair | undefined;
const pairs = runtimePairPerTest();

/** The first line of a SIP datagram, classified as the messages this test drops. */
function kindOf(datagram: Buffer, direction: Direction): string | undefined {
  const text = datagram.toString('latin1');
  const first = text.slice(0, text.indexOf('\r\n'));
  const cseq = /\r\nCSeq:\s*\d+\s+(\w+)/i.exec(text)?.[1];
  if (direction === 'toServer' && /^(INVITE|ACK|BYE) /.test(first)) return first.split(' ')[0];
  if (direction === 'toClient' && /^SIP\/2\.0 200 /.test(first) && cseq === 'INVITE') return '200-INVITE';
  return undefined;
}

describe('SIP over a lossy UDP relay', () => {
  for (const reorder of [false, true]) {
    it(`drops the first INVITE, 200, ACK and BYE${reorder ? ' and reorders datagrams' : ''}: retransmission completes the transfer`, async () => {
      const dropped: string[] = [];
      pair = await pairs.start({
        // RFC 3261 T1 of 20 ms: retransmissions come quickly, Timer B/F (64*T1) is still 1.3 s.
        t1: 20,
        relay: (serverPort) => startLossyUdpRelay({
          serverPort,
          ...(reorder ? { reorderWindow: 2 } : {}),
          dropFirst: {
            count: 4,
            match: (datagram, direction) => {
              const kind = kindOf(datagram, direction);
              if (kind === undefined || dropped.includes(kind)) return false;
              dropped.push(kind);
              return true;
            },
          },
        }),
      });
      const file = join(pair.outbox, 'lossy.bin');
      await writeTestFile(file, 256 * 1024);
      const ended = new Promise<void>((resolve) => pair!.receiver.on('session-end', () => resolve()));
      const summary = await pair.sender.send({ kind: 'one-recipient', uri: pair.uri() }, [file]).done;
      expect(summary.ok).toBe(true);
      await ended;
      expect(dropped.sort()).toEqual(['200-INVITE', 'ACK', 'BYE', 'INVITE']);
      // The relay really dropped them and the UAs really sent again.
      const sent = (method: string) => pair!.sip.filter((m) => m.side === 'sender' && m.direction === 'sent' && m.method === method && m.status === undefined).length;
      expect(sent('INVITE')).toBeGreaterThanOrEqual(2);
      expect(sent('BYE')).toBeGreaterThanOrEqual(2);
      expect(pair.sip.filter((m) => m.side === 'receiver' && m.direction === 'sent' && m.method === 'INVITE' && m.status === 200).length).toBeGreaterThanOrEqual(2);
      expect(await folderNames(pair.inbox)).toEqual(['lossy.bin']);
      expect(await sha1Of(join(pair.inbox, 'lossy.bin'))).toBe(await sha1Of(file));
      await pair.relay?.flush();
      countWhenPassed('faults', 4);
    }, 20_000);
  }
});
