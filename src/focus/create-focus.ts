// A minimal CPM group focus: a SIP user agent that answers INVITEs to its conference factory URI
// (ad-hoc lists, CPM 7.4.1.1 / RFC 5366) and to its pre-defined group URIs (CPM 7.4.1.2), fans
// each session out to the members and relays the files over MSRP.

import {
  cpmContactParams, createTcpTransport, createUdpTransport, createUserAgent, type Dialog, dialogKey,
  type IncomingInvite, MsrpEndpoint, type SipTransport, type UserAgent,
} from '../../runtime/index.ts';
import { classifyFocusInvite, RECIPIENT_LIST_INVITE } from './classify-focus-invite.ts';
import type { Focus, FocusEvent, FocusOptions } from './focus-types.ts';
import { GroupSession } from './group-session.ts';

const quoteWarning = (text: string): string => `"${text.replace(/[\\"]/g, "'").replace(/[\r\n]+/g, ' ')}"`;

export async function createFocus(options: FocusOptions): Promise<Focus> {
  const emit = (event: FocusEvent): void => {
    try {
      options.onEvent?.(event);
    } catch {
      // An observer's bug must not break the signalling.
    }
  };
  const transport: SipTransport =
    options.sip.transport === 'tcp'
      ? await createTcpTransport({ host: options.sip.host, port: options.sip.port })
      : await createUdpTransport({ host: options.sip.host, port: options.sip.port });
  let msrp: MsrpEndpoint;
  try {
    msrp = await MsrpEndpoint.create({ host: options.msrpHost ?? options.sip.host, port: 0 });
  } catch (error) {
    await transport.close();
    throw error;
  }
  const local = transport.local;
  const hostText = local.host.includes(':') ? `[${local.host}]` : local.host;
  const sessions = new Set<GroupSession>();
  const bySenderDialog = (dialog: Dialog): GroupSession | undefined => {
    const key = dialogKey(dialog.id);
    for (const s of sessions) if (s.senderDialog !== undefined && dialogKey(s.senderDialog.id) === key) return s;
    return undefined;
  };
  const byLegDialog = (dialog: Dialog): GroupSession | undefined => [...sessions].find((s) => s.ownsLegDialog(dialog));

  // Replaced as a whole by setGroups (the CLI reloads the groups file): a session classified
  // against the old directory keeps its members.
  let groups = options.groups;
  const onInvite = (incoming: IncomingInvite): void => {
    const classified = classifyFocusInvite(incoming.request, {
      groups,
      maxMembers: options.maxMembers,
      ...(options.factoryUri === undefined ? {} : { factoryUri: options.factoryUri }),
    });
    if (!classified.ok) {
      const r = classified.error;
      // RFC 3261 §20.43: warn-code 399 carries free text; the reason phrase stays short.
      incoming.reject(r.status, r.reason, [...(r.headers ?? []), { name: 'Warning', value: `399 ${hostText} ${quoteWarning(r.warning)}` }]);
      emit({ type: 'request-rejected', requestUri: incoming.request.uri, status: r.status, code: r.code, warning: r.warning });
      return;
    }
    const session = new GroupSession(
      {
        ua,
        msrp,
        host: local.host,
        legAnswerTimeoutMs: options.legAnswerTimeoutMs ?? 30_000,
        relayHighWaterMark: options.relayHighWaterMark ?? 256 * 1024,
        waitingMemberBufferBytes: options.waitingMemberBufferBytes ?? 16 * 1024 * 1024,
        msrpTransactionTimeoutMs: options.msrpTransactionTimeoutMs ?? 30_000,
        ...(options.msrpSetupTimeoutMs !== undefined ? { msrpSetupTimeoutMs: options.msrpSetupTimeoutMs } : {}),
        ...(options.idleTimeoutMs !== undefined ? { idleTimeoutMs: options.idleTimeoutMs } : {}),
        emit,
        ended: (s) => sessions.delete(s),
      },
      classified.value,
    );
    sessions.add(session);
    // RFC 3261 §13.3.1.1: a provisional response while the members are being invited.
    incoming.progress(183, 'Session Progress');
    void session.start(incoming).catch(() => {
      if (!incoming.answered) incoming.reject(500, 'Server Internal Error');
      void session.close();
    });
  };

  const ua: UserAgent = createUserAgent({
    transports: [transport],
    localUri: options.factoryUri ?? `sip:focus@${hostText}:${local.port}`,
    // RFC 5366 §3: senders require this extension; without listing it the UA would answer 420.
    supported: [RECIPIENT_LIST_INVITE],
    contactParams: cpmContactParams(),
    userAgent: 'cpm-ft-focus',
    ...(options.sipTimers === undefined ? {} : { timers: options.sipTimers }),
    ...(options.outboundProxy === undefined ? {} : { outboundProxy: options.outboundProxy }),
    ...(options.sipLogger === undefined ? {} : { logger: options.sipLogger }),
    // RFC 6665 §4.5.2: the originator's SUBSCRIBE to the conference package reuses its INVITE dialog.
    dialogMethods: ['SUBSCRIBE'],
    delegate: {
      onInvite,
      onAck: (dialog) => bySenderDialog(dialog)?.ack(),
      onDialogRequest: (dialog, incoming) => {
        const session = bySenderDialog(dialog);
        if (session === undefined) incoming.respond(481, 'Subscription Does Not Exist');
        else session.subscribe(incoming);
      },
      onReinvite: (dialog, incoming) => {
        const session = bySenderDialog(dialog);
        // Re-INVITEs from members (e.g. a session refresh) are not propagated to the sender:
        // RFC 3264 §8 lets us answer with our unchanged session description, refreshed.
        if (session === undefined) {
          incoming.reject(488, 'Not Acceptable Here', [{ name: 'Warning', value: `399 ${hostText} "the focus does not renegotiate member legs"` }]);
          return;
        }
        void session.reinvite(incoming).catch(() => {
          if (!incoming.answered) incoming.reject(500, 'Server Internal Error');
        });
      },
      onBye: (dialog) => {
        const sender = bySenderDialog(dialog);
        if (sender !== undefined) void sender.senderBye();
        else void byLegDialog(dialog)?.legEnded(dialog, 'the member ended its session');
      },
      onDialogTerminated: (dialog, reason) => {
        const sender = bySenderDialog(dialog);
        if (sender !== undefined) void sender.senderBye();
        else void byLegDialog(dialog)?.legEnded(dialog, reason);
      },
    },
  });

  let closed = false;
  return {
    sipAddress: { host: local.host, port: local.port, transport: options.sip.transport },
    factoryUri: options.factoryUri,
    get groups() { return groups; },
    setGroups(next) { groups = next; },
    get activeSessions() { return sessions.size; },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([...sessions].map((s) => s.close()));
      ua.close();
      await msrp.close();
      await transport.close();
    },
  };
}
