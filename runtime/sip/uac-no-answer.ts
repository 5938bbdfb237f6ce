// One INVITE attempt that nobody has answered yet. RFC 3261 leaves the caller waiting for Timer B
// (32 s) in silence when a peer is down or only listens on another transport. Two things make that
// wait legible: a note after a few seconds saying where the request went and that nothing has
// answered (the transaction itself goes on), and, over UDP, a probe (started once T1 has passed
// without a response) that turns an ICMP port unreachable into a failure, as §18.4 would have the
// transport do.

import type { TimerHandle } from '../clock.ts';
import { CpmError } from '../errors.ts';
import type { NextHop } from './request-routing.ts';
import { probeUdpPort, type UdpPortProbe, type UdpProbeVerdict } from './udp-port-probe.ts';
import type { UaCore } from './user-agent-core.ts';
import type { InviteNoAnswer } from './user-agent-types.ts';

/** Default of UserAgentOptions.noAnswerNoticeMs: past a LAN round trip and several retransmissions. */
export const DEFAULT_NO_ANSWER_NOTICE_MS = 4000;

/** How long the probe listens for the ICMP answer: any real round trip, not a whole Timer B. */
const PROBE_LISTEN_MS = 3000;

export interface UnansweredWatch {
  /** A response arrived, or the attempt ended: no note, no probe verdict any more. */
  stop(): void;
}

const addressText = (hop: NextHop): string => {
  const { host, port } = hop.destination;
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
};

/** The typed error of a UDP destination the system reported unreachable. */
export function unreachableError(hop: NextHop, verdict: UdpProbeVerdict): CpmError {
  const where = addressText(hop);
  return verdict === 'refused'
    ? new CpmError('ERR_SIP_PORT_UNREACHABLE', `nothing listens on ${where} over UDP (the host answered ICMP port unreachable)`)
    : new CpmError('ERR_SIP_PORT_UNREACHABLE', `${where} cannot be reached over UDP (ICMP host or network unreachable)`);
}

/**
 * Watches one attempt sent to `hop`: calls `onNoAnswer` once if nothing answered within the UA's
 * notice time, and `onUnreachable` when a UDP probe hears the port is closed.
 */
export function watchUnanswered(
  core: UaCore, target: string, hop: NextHop, onNoAnswer: ((note: InviteNoAnswer) => void) | undefined, onUnreachable: (error: CpmError) => void,
): UnansweredWatch {
  let timer: TimerHandle | undefined;
  let probe: UdpPortProbe | undefined;
  let probeTimer: TimerHandle | undefined;
  const stop = (): void => {
    core.clock.clearTimeout(timer);
    timer = undefined;
    core.clock.clearTimeout(probeTimer);
    probeTimer = undefined;
    probe?.stop();
    probe = undefined;
    core.closers.delete(stop);
  };
  core.closers.add(stop);
  const noticeMs = core.options.noAnswerNoticeMs ?? DEFAULT_NO_ANSWER_NOTICE_MS;
  if (noticeMs > 0 && onNoAnswer !== undefined) {
    timer = core.clock.setTimeout(() => {
      timer = undefined;
      const note: InviteNoAnswer = {
        target, transport: hop.transport.protocol, destination: hop.destination, waitedMs: noticeMs,
        giveUpAfterMs: 64 * core.timers.T1,
      };
      core.guard('onNoAnswer', hop.transport, () => onNoAnswer(note));
    }, noticeMs);
  }
  if (hop.transport.protocol === 'UDP' && core.options.probeUdpPorts !== false) {
    // Only an INVITE still unanswered when Timer A first fires (T1) is probed: a peer that answers
    // sooner, as almost every one does, costs no socket, and a closed port still fails T1 after the send.
    probeTimer = core.clock.setTimeout(() => {
      probeTimer = undefined;
      probe = probeUdpPort(hop.destination, PROBE_LISTEN_MS, (verdict) => {
        if (probe === undefined) return;
        stop();
        onUnreachable(unreachableError(hop, verdict));
      });
    }, core.timers.T1);
  }
  return { stop };
}
