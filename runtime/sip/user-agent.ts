// `createUserAgent`: a SIP user agent core (RFC 3261 §8, §12-§15) over the given transports. The
// work is split by job: user-agent-core.ts (shared state, Via/Contact, logging, dialog ending),
// uac-invite.ts (a new INVITE and its CANCEL), uac-in-dialog.ts (ACK, re-INVITE, BYE, other
// in-dialog requests), uas-receive.ts (every received message), uas-in-dialog.ts (requests inside
// a dialog), incoming-invite.ts (answering an INVITE).

import type { Dialog } from './dialog/dialog.ts';
import { formatNameAddr } from './syntax/name-addr.ts';
import { formatSipUri, type SipUri } from './syntax/sip-uri.ts';
import { Registration, type RegistrationOptions } from './registration.ts';
import { sendBye, sendDialogRequest, sendReinvite } from './uac-in-dialog.ts';
import { sendInvite } from './uac-invite.ts';
import { receiveMessage } from './uas-receive.ts';
import { UaCore } from './user-agent-core.ts';
import type { HeaderList, InDialogResult, InviteOptions, PendingInvite, UserAgent, UserAgentHoldings, UserAgentOptions } from './user-agent-types.ts';

/** Creates a SIP user agent core (RFC 3261 §8, §12-§15) over the given transports. */
export function createUserAgent(options: UserAgentOptions): UserAgent {
  return new UserAgentImpl(options);
}

class UserAgentImpl implements UserAgent {
  readonly #core: UaCore;

  constructor(options: UserAgentOptions) {
    const core = new UaCore(options);
    this.#core = core;
    for (const transport of options.transports) {
      transport.onMessage((message, source) => receiveMessage(core, message, source));
      transport.onDiagnostic((diagnostic) => core.emit({ kind: 'diagnostic', transport: transport.protocol, diagnostic }));
      transport.onConnectionRefused?.((destination, error) => core.layer.failClientsTo(transport, destination, error));
    }
  }

  get options(): UserAgentOptions {
    return this.#core.options;
  }

  get dialogs(): ReadonlyMap<string, Dialog> {
    return this.#core.dialogs;
  }

  invite(target: string, options: InviteOptions = {}): PendingInvite {
    return sendInvite(this.#core, target, options);
  }

  reinvite(dialog: Dialog, body?: Buffer | string, contentType?: string, headers?: HeaderList): Promise<InDialogResult> {
    return sendReinvite(this.#core, dialog, body, contentType, headers);
  }

  bye(dialog: Dialog, headers?: HeaderList): Promise<InDialogResult> {
    return sendBye(this.#core, dialog, headers);
  }

  request(dialog: Dialog, method: string, options: { body?: Buffer | string; contentType?: string; headers?: HeaderList } = {}): Promise<InDialogResult> {
    return sendDialogRequest(this.#core, dialog, method, options);
  }

  register(options: RegistrationOptions): Registration {
    return new Registration(this.#core, options);
  }

  setRequestUriCheck(check: ((uri: SipUri) => boolean) | undefined): void {
    this.#core.requestUriCheck = check;
  }

  held(): UserAgentHoldings {
    const core = this.#core;
    return {
      transactions: core.layer.size,
      dialogs: core.dialogs.size,
      awaitingAck: core.awaitingAck.size,
      sentAcks: core.sentAcks.size,
      incoming: core.incoming.size,
    };
  }

  close(): void {
    this.#core.close();
  }
}

// Used by callers that want the canonical Route value for a proxy URI.
export const routeForProxy = (proxy: SipUri): string => formatNameAddr({ uri: formatSipUri({ ...proxy, params: { ...proxy.params, lr: null } }), params: {} });
