// What the focus knows about each member of one group session, kept as RFC 4575 conference
// state: the leg's status, how and why it ended, and (our extension) each file's outcome.

import type { ConferenceInfo, DisconnectionMethod, EndpointStatus, FileDelivery } from '../../runtime/index.ts';

interface MemberState {
  status: EndpointStatus;
  method?: DisconnectionMethod;
  sipStatus?: number;
  reason?: string;
  readonly files: Map<string, FileDelivery>;
}

export class ConferenceState {
  readonly entity: string;
  readonly #members = new Map<string, MemberState>();
  #version = 0;

  constructor(entity: string, members: readonly string[]) {
    this.entity = entity;
    // RFC 4575 §5.6.5: the focus is calling the member out.
    for (const m of members) this.#members.set(m, { status: 'dialing-out', files: new Map() });
  }

  /** The member's final answer to the focus's INVITE. */
  answered(member: string, sipStatus: number, reasonPhrase: string, joined: boolean): void {
    const m = this.#members.get(member);
    if (m === undefined) return;
    if (joined) {
      m.status = 'connected';
      return;
    }
    m.status = 'disconnected';
    // RFC 4575 §5.6.7: busy when the member said so (486 / 600), failed for any other refusal.
    m.method = sipStatus === 486 || sipStatus === 600 ? 'busy' : 'failed';
    m.sipStatus = sipStatus;
    m.reason = reasonPhrase;
  }

  /** The member's leg ended after it had joined. */
  left(member: string, reason: string, method: DisconnectionMethod): void {
    const m = this.#members.get(member);
    if (m === undefined || m.status === 'disconnected') return;
    m.status = 'disconnected';
    m.method = method;
    m.reason = reason;
  }

  file(member: string, delivery: FileDelivery): void {
    this.#members.get(member)?.files.set(delivery.transferId, delivery);
  }

  /** A full-state document with the next version number (RFC 4575 §4.6: one more per NOTIFY). */
  snapshot(active: boolean): ConferenceInfo {
    this.#version += 1;
    const users = [...this.#members.entries()].map(([entity, m]) => ({
      entity,
      state: 'full' as const,
      endpoints: [{
        entity,
        status: m.status,
        ...(m.method === undefined ? {} : { disconnectionMethod: m.method }),
        ...(m.sipStatus === undefined ? {} : { sipStatus: m.sipStatus }),
        ...(m.reason === undefined ? {} : { reason: m.reason }),
        files: [...m.files.values()],
      }],
    }));
    return {
      entity: this.entity,
      state: 'full',
      version: this.#version,
      active,
      userCount: [...this.#members.values()].filter((m) => m.status === 'connected').length,
      users,
    };
  }
}
