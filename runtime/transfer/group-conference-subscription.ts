// The subscriber side of the `conference` event package (RFC 4575 over RFC 6665) for one group
// file-transfer session: the sender subscribes inside its INVITE dialog to the focus (RFC 6665
// §4.5.2 dialog reuse), folds every NOTIFY into the member state and reports member changes.
// This carries information only; no CPM 7.6.x decision is taken here.

import {
  applyConferenceInfo, CONFERENCE_EVENT, CONFERENCE_INFO_CONTENT_TYPE, parseConferenceInfo,
  type ConferenceEndpoint, type ConferenceInfo,
} from '../group/conference-info.ts';
import { systemClock, type Clock } from '../clock.ts';
import type { Dialog } from '../sip/dialog/dialog.ts';
import type { IncomingDialogRequest, UserAgent } from '../sip/user-agent-types.ts';
import type { MemberFileOutcome, MemberOutcome, MemberStatusEvent, MemberStatusKind } from './group-member-types.ts';
import type { TransferLogger } from './transfer-types.ts';

export interface GroupConferenceSubscriptionOptions {
  readonly ua: UserAgent;
  readonly dialog: Dialog;
  readonly onStatus: (event: MemberStatusEvent) => void;
  readonly log?: TransferLogger;
  /** Timer of the bounded waits; default the UA's clock, else the system clock. */
  readonly clock?: Clock;
}

/** How a member's endpoint reads to the user (see MemberStatusKind). */
export function memberStatusOf(ep: ConferenceEndpoint | undefined): MemberStatusKind {
  switch (ep?.status) {
    case 'connected':
    case 'on-hold':
    case 'muted-via-focus':
      return 'connected';
    case 'disconnected':
    case 'disconnecting':
      // RFC 3261 §21.6.2 / RFC 8688: 603 and 607 are the callee's refusal.
      if (ep.sipStatus === 603 || ep.sipStatus === 607) return 'declined';
      if (ep.disconnectionMethod === 'busy' || ep.sipStatus === 486 || ep.sipStatus === 600) return 'busy';
      if (ep.disconnectionMethod === 'departed') return 'left';
      return 'failed';
    default:
      return 'pending';
  }
}

export class GroupConferenceSubscription {
  readonly #options: GroupConferenceSubscriptionOptions;
  #info: ConferenceInfo | undefined;
  #state: 'subscribing' | 'active' | 'refused' | 'terminated' = 'subscribing';
  readonly #waiters = new Set<() => void>();
  readonly #emitted = new Map<string, string>();
  /** The focus ended the subscription itself (a terminated NOTIFY): its state is final. */
  #final = false;

  constructor(options: GroupConferenceSubscriptionOptions) {
    this.#options = options;
  }

  get dialog(): Dialog { return this.#options.dialog; }
  get info(): ConferenceInfo | undefined { return this.#info; }

  /** RFC 6665 §4.1.2.1: SUBSCRIBE with Event: conference; the state arrives in NOTIFYs. */
  start(): void {
    void this.#subscribe(3600).then((status) => {
      if (status >= 300 && this.#state === 'subscribing') {
        // The focus does not serve the package (405/489/...): the transfer goes on without it.
        this.#state = 'refused';
        this.#wake();
      }
    });
  }

  async #subscribe(expires: number): Promise<number> {
    try {
      const { response } = await this.#options.ua.request(this.#options.dialog, 'SUBSCRIBE', {
        headers: [
          { name: 'Event', value: CONFERENCE_EVENT },
          { name: 'Expires', value: String(expires) },
          { name: 'Accept', value: CONFERENCE_INFO_CONTENT_TYPE },
        ],
      });
      this.#options.log?.({ kind: 'sip', event: 'conference-subscribe', expires, status: response.status });
      return response.status;
    } catch (error) {
      this.#options.log?.({ kind: 'sip', event: 'conference-subscribe', expires, message: error instanceof Error ? error.message : String(error) });
      return 408;
    }
  }

  /** A NOTIFY in our dialog (RFC 6665 §4.1.3). */
  handleNotify(incoming: IncomingDialogRequest): void {
    const { request } = incoming;
    const event = (request.headers.get('Event') ?? '').split(';')[0]?.trim().toLowerCase();
    if (event !== CONFERENCE_EVENT) {
      // RFC 6665 §4.1.3: a NOTIFY for a package we did not subscribe to is refused.
      incoming.respond(489, 'Bad Event');
      return;
    }
    if (request.body.length > 0) {
      const parsed = parseConferenceInfo(request.body);
      const applied = parsed.ok ? applyConferenceInfo(this.#info, parsed.value) : parsed;
      if (!applied.ok) {
        this.#options.log?.({ kind: 'sip', event: 'conference-notify-invalid', code: applied.error.code, message: applied.error.message });
        incoming.respond(400, 'Bad Request');
        return;
      }
      this.#info = applied.value.info;
    }
    // RFC 6665 §4.1.3: Subscription-State says whether more notifications will come.
    const subState = (request.headers.get('Subscription-State') ?? '').split(';')[0]?.trim().toLowerCase();
    incoming.respond(200, 'OK');
    if (subState === 'terminated') {
      this.#state = 'terminated';
      this.#final = true;
    }
    else if (this.#state === 'subscribing') this.#state = 'active';
    this.#report();
    this.#wake();
  }

  #report(): void {
    for (const user of this.#info?.users ?? []) {
      const ep = user.endpoints[0];
      const event: MemberStatusEvent = {
        member: user.entity,
        status: memberStatusOf(ep),
        ...(ep?.sipStatus === undefined ? {} : { sipStatus: ep.sipStatus }),
        ...(ep?.reason === undefined ? {} : { reason: ep.reason }),
        filesDelivered: ep?.files.filter((f) => f.outcome === 'delivered').length ?? 0,
        filesFailed: ep?.files.filter((f) => f.outcome === 'failed').length ?? 0,
      };
      const key = JSON.stringify(event);
      if (this.#emitted.get(user.entity) === key) continue;
      this.#emitted.set(user.entity, key);
      this.#options.onStatus(event);
    }
  }

  /** True when every member either left the session or has an outcome for each of `transferIds`. */
  #settled(transferIds: readonly string[]): boolean {
    const info = this.#info;
    if (info === undefined) return false;
    return info.users.every((u) => {
      const ep = u.endpoints[0];
      if (memberStatusOf(ep) !== 'connected' && memberStatusOf(ep) !== 'pending') return true;
      return transferIds.every((id) => ep?.files.some((f) => f.transferId === id) === true);
    });
  }

  #wake(): void {
    for (const w of [...this.#waiters]) w();
  }

  #until(predicate: () => boolean, timeoutMs: number): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve) => {
      const clock = this.#options.clock ?? this.#options.ua.options.clock ?? systemClock;
      const done = (): void => {
        clock.clearTimeout(timer);
        this.#waiters.delete(check);
        resolve();
      };
      const check = (): void => { if (predicate()) done(); };
      const timer = clock.setTimeout(done, timeoutMs);
      this.#waiters.add(check);
    });
  }

  /**
   * Before the session is released: waits (bounded by `answerWaitMs`) while the focus is still
   * inviting a member, since a member that accepts late still gets the files; then (bounded by
   * `timeoutMs`) until the focus has reported every member's outcome for the files sent; then
   * unsubscribes (RFC 6665 §4.1.2.3, Expires: 0) and waits for the terminated NOTIFY that carries
   * the final state.
   */
  async finish(transferIds: readonly string[], timeoutMs: number, answerWaitMs = timeoutMs): Promise<void> {
    const ended = (): boolean => this.#state === 'refused' || this.#state === 'terminated' || this.#options.dialog.state === 'terminated';
    const inviting = (): boolean => (this.#info?.users ?? []).some((u) => memberStatusOf(u.endpoints[0]) === 'pending');
    await this.#until(() => ended() || !inviting(), answerWaitMs);
    await this.#until(() => ended() || (this.#state === 'active' && this.#settled(transferIds)), timeoutMs);
    if (ended()) return;
    const status = await this.#subscribe(0);
    if (status >= 300) return;
    await this.#until(ended, timeoutMs);
  }

  /**
   * The members' outcomes for this session's files (`files`: transfer id → name). A member has
   * `received` when every file reached it. When the focus went away without its final NOTIFY (it
   * crashed, or the path to it broke), a member it last showed as in the session with a file still
   * unreported is `failed`: nobody can say it got that file, so it is never counted as delivered.
   */
  members(files: ReadonlyMap<string, string>): MemberOutcome[] {
    const lost = 'the focus stopped reporting before this outcome was known';
    return (this.#info?.users ?? []).map((user) => {
      const ep = user.endpoints[0];
      const outcomes: MemberFileOutcome[] = [...files.entries()].map(([id, name]) => {
        const f = ep?.files.find((d) => d.transferId === id);
        if (f === undefined) return { name, delivered: false, reason: this.#final ? 'no delivery reported' : lost };
        return { name, delivered: f.outcome === 'delivered', ...(f.status === undefined ? {} : { status: f.status }), ...(f.reason === undefined ? {} : { reason: f.reason }) };
      });
      const received = outcomes.length > 0 && outcomes.every((o) => o.delivered);
      const status = memberStatusOf(ep);
      const unknown = !this.#final && (status === 'connected' || status === 'pending') && outcomes.some((o) => o.reason === lost);
      return {
        member: user.entity,
        status: received ? 'received' : unknown ? 'failed' : status,
        ...(ep?.sipStatus === undefined ? {} : { sipStatus: ep.sipStatus }),
        ...(unknown ? { reason: lost } : ep?.reason === undefined ? {} : { reason: ep.reason }),
        files: outcomes,
      };
    });
  }

  /** Wakes anyone still waiting (transfer aborted). */
  close(): void {
    this.#state = 'terminated';
    this.#wake();
  }
}

/** Folds one session's member outcomes into those of earlier sessions of the same transfer. */
export function mergeMemberOutcomes(held: readonly MemberOutcome[], next: readonly MemberOutcome[]): MemberOutcome[] {
  const byMember = new Map(held.map((m) => [m.member, m]));
  for (const m of next) {
    const old = byMember.get(m.member);
    if (old === undefined) { byMember.set(m.member, m); continue; }
    const files = [...old.files, ...m.files];
    const received = files.length > 0 && files.every((f) => f.delivered);
    const latest = m.status === 'received' ? old : m;
    byMember.set(m.member, {
      member: m.member,
      status: received ? 'received' : latest.status === 'received' ? 'failed' : latest.status,
      ...(latest.sipStatus === undefined ? {} : { sipStatus: latest.sipStatus }),
      ...(latest.reason === undefined ? {} : { reason: latest.reason }),
      files,
    });
  }
  return [...byMember.values()];
}
