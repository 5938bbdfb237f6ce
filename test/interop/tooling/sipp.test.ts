import { afterEach, describe, expect, it } from 'vitest';
import { describeWithPeers } from '../../helpers/system-peers.ts';
import { startSipp, runSipp, sippStartLines, SippExit } from '../../helpers/sipp.ts';
import { killTrackedChildren, trackedChildCount } from '../../helpers/child-process-registry.ts';

afterEach(async () => { await killTrackedChildren(); });

const transports = ['udp', 'tcp'] as const;

describeWithPeers(['sipp'], 'sipp', () => {
  describe.each(transports)('sipp scenarios against each other over %s', (transport) => {
    it('UAC offers a file, UAS answers mirroring selector and transfer id, re-INVITE closes, BYE', async () => {
      const uas = await startSipp({ scenario: 'uas-file-answer.xml', transport, keys: { msrp_port: 7655 } });
      await uas.ready();
      const uac = await runSipp({ scenario: 'uac-file-offer.xml', transport, remote: `127.0.0.1:${uas.port}`, service: 'bob', recvTimeoutMs: 3000, keys: { msrp_port: 7654 } });
      const server = await uas.done;
      expect(uac.exitCode, uac.errors).toBe(SippExit.allCallsSucceeded);
      expect(server.exitCode, server.errors).toBe(SippExit.allCallsSucceeded);
      const answer = server.messages.split(/^-{5,}.*$/m).find((m) => m.includes('SIP/2.0 200 OK') && m.includes('m=message 7655'));
      expect(answer).toMatch(/a=file-selector:name:"report\.pdf" type:application\/pdf size:1024 hash:sha-1:72:24/);
      expect(answer).toMatch(/a=file-transfer-id:ftid-\d+-1/);
      expect(answer).toMatch(/a=recvonly/);
      expect(sippStartLines(uac.messages).filter((l) => !l.startsWith('SIP/2.0 1'))).toEqual([
        `INVITE sip:bob@127.0.0.1:${uas.port};transport=${transport.toUpperCase()} SIP/2.0`,
        'SIP/2.0 200 OK',
        expect.stringMatching(/^ACK sip:bob@127\.0\.0\.1/),
        expect.stringMatching(/^INVITE sip:bob@127\.0\.0\.1/),
        'SIP/2.0 200 OK',
        expect.stringMatching(/^ACK /),
        expect.stringMatching(/^BYE /),
        'SIP/2.0 200 OK',
      ]);
    });

    it.each([488, 603])('UAS rejects with %i and the UAC acknowledges it', async (code) => {
      const uas = await startSipp({ scenario: `uas-reject-${code}.xml`, transport });
      await uas.ready();
      const uac = await runSipp({ scenario: 'uac-expect-reject.xml', transport, remote: `127.0.0.1:${uas.port}`, service: 'bob', recvTimeoutMs: 3000 });
      const server = await uas.done;
      expect(uac.exitCode, uac.errors).toBe(SippExit.allCallsSucceeded);
      expect(server.exitCode, server.errors).toBe(SippExit.allCallsSucceeded);
      expect(sippStartLines(uac.messages)).toContain(`SIP/2.0 ${code} ${code === 488 ? 'Not Acceptable Here' : 'Decline'}`);
      expect(sippStartLines(server.messages).some((l) => l.startsWith('ACK '))).toBe(true);
    });

    it('UAS never answers: the UAC times out and fails, the UAS ends quietly', async () => {
      const uas = await startSipp({ scenario: 'uas-no-answer.xml', transport, pauseMs: 1500 });
      await uas.ready();
      const uac = await runSipp({ scenario: 'uac-file-offer.xml', transport, remote: `127.0.0.1:${uas.port}`, service: 'bob', recvTimeoutMs: 800 });
      const server = await uas.done;
      expect(uac.exitCode).toBe(SippExit.someCallsFailed);
      expect(uac.killed).toBe(false);
      expect(server.killed).toBe(false);
      // Over TCP the UAC closing its connection mid-pause counts as a failed call on the UAS side.
      expect(server.exitCode, server.errors).toBe(transport === 'udp' ? SippExit.allCallsSucceeded : SippExit.someCallsFailed);
      expect(sippStartLines(server.messages).every((l) => l.startsWith('INVITE '))).toBe(true);
    });
  });

  describe('sipp helper', () => {
    it('ends a sipp nobody calls at its timeout (-timeout_error, or our kill timer) and reaps it', async () => {
      // A UAS with nobody calling: only the kill timer can end it.
      const run = await startSipp({ scenario: 'uas-reject-603.xml', transport: 'udp', timeoutMs: 500 });
      await run.ready();
      const result = await run.done;
      expect(result.exitCode).not.toBe(SippExit.allCallsSucceeded);
      expect(trackedChildCount()).toBe(0);
    });
  });
});
