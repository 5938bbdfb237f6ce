// Per-member outcomes of a group file transfer (CPM 7.4.1.1 / 7.4.1.2), as the sender learns
// them from the focus's conference event notifications (RFC 4575). Mirrored in src/client-types.ts.

/**
 * Where a member stands: `pending` (being invited), `connected` (in the session), `declined`
 * (answered 603/607), `busy` (486/600), `failed` (any other refusal, unreachable, or ended by
 * the focus), `left` (hung up). In the final summary `received` means every file reached it.
 */
export type MemberStatusKind = 'pending' | 'connected' | 'declined' | 'busy' | 'failed' | 'left';

export interface MemberStatusEvent {
  readonly member: string;
  readonly status: MemberStatusKind;
  /** The member's SIP answer to the focus, when it refused or could not be reached. */
  readonly sipStatus?: number;
  readonly reason?: string;
  /** Files the focus reported delivered to / failed for this member so far. */
  readonly filesDelivered: number;
  readonly filesFailed: number;
}

export interface MemberFileOutcome {
  readonly name: string;
  readonly delivered: boolean;
  readonly status?: number;
  readonly reason?: string;
}

export interface MemberOutcome {
  readonly member: string;
  readonly status: MemberStatusKind | 'received';
  readonly sipStatus?: number;
  readonly reason?: string;
  readonly files: readonly MemberFileOutcome[];
}

export interface GroupTransferEvents {
  'member-status': MemberStatusEvent;
}
