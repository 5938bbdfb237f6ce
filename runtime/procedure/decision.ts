import type { DecisionPoint, Modality, ProcedureAction, ProcedureEvent, ProcedureGuard } from './vocabulary.ts';

/** The modalities that leave the choice to the application. */
export type DecidedModality = Exclude<Modality, 'SHALL' | 'SHALL NOT'>;

/**
 * What a generated handler returns: the actions the spec requires, in rule order, each naming the
 * rule that asked for it, so tests and logs can say which clause step caused which message.
 */
export interface Decision {
  readonly rule: string;
  readonly modality: Modality;
  readonly action: ProcedureAction;
  readonly args: readonly string[];
}

/** The facts and choices a handler reads. Handlers are pure functions of this context. */
export interface ProcedureContext {
  /** Boolean facts about the session, computed by the client before the handler runs. */
  readonly facts: Readonly<Record<ProcedureGuard, boolean>>;
  /**
   * The client's choice at the decision point of a MAY / SHOULD / SHOULD NOT rule; called only when
   * the rule's guard holds. Unanswered by the application, SHOULD is yes, SHOULD NOT no, and MAY the
   * vocabulary's default for the point.
   */
  decide(point: DecisionPoint, rule: string, modality: DecidedModality): boolean;
}

/**
 * The generated procedure handlers, keyed by the event that triggers them. The runtime's sending client
 * receives this object from its caller (src/ passes the generated one), so the runtime never imports
 * generated code and a regenerated spec changes behaviour without touching the runtime.
 */
export type ProcedureHandlers = { readonly [E in ProcedureEvent]?: (ctx: ProcedureContext) => Decision[] };
