// The shape of a vocabulary entry: everything about one event, guard, action or decision point in
// one declaration, so the tables the spec toolchain, the runtime and the conformance harness read
// (vocabulary.ts, roles.ts, action-executors.ts, expect-action.ts, expect-answer.ts, the scenario
// runners) are derived from the entries and a new entry is one file plus its line in its kind's
// index.ts. Each `define*` helper only types its argument (and keeps its literal role and phase);
// a field left out or of the wrong side fails `tsc` in the entry's own file.
import type { AnswererOutcome } from '../../testing/conformance/answerer-outcome.ts';
import type { ScenarioOutcome } from '../../testing/conformance/scenario-outcome.ts';
import type { ScenarioSetups } from '../../testing/conformance/scenario-setup.ts';
import type { ProcedureGuard, ProcedureRole } from './names.ts';
import type { DecisionField, Phase, PhaseExecutor, PhaseOfRole } from './phases.ts';

/** Where the public API (src/) shows this entry to applications, or null when it stays inside. */
export type ApiExposure = string | null;

/** What a conformance scenario of each side hands the wire checks. */
export interface Outcomes {
  sender: ScenarioOutcome;
  receiver: AnswererOutcome;
}

/** Problems showing that the entry's meaning is not on the wire; empty when it is. Never throws. */
export type WireCheckOf<R extends ProcedureRole> = (outcome: Outcomes[R], args: readonly string[]) => string[];

export interface EventEntry<N extends string = string, R extends ProcedureRole = ProcedureRole, P extends Phase = Phase> {
  readonly name: N;
  readonly role: R;
  /** The part of the procedure its rules plan (phases.ts). */
  readonly phase: P;
  readonly summary: string;
  /** Facts that always hold when it is raised; the scenario makes them true too. */
  readonly implies?: readonly ProcedureGuard[];
  readonly api: ApiExposure;
  /** How a conformance scenario raises it: changes to the situation the runner builds. */
  readonly raise: (setup: ScenarioSetups[R]) => void;
}

export interface GuardEntry<N extends string = string, R extends ProcedureRole = ProcedureRole> {
  readonly name: N;
  readonly role: R;
  readonly summary: string;
  readonly api: ApiExposure;
  /** How a conformance scenario makes the fact true. */
  readonly makeTrue: (setup: ScenarioSetups[R]) => void;
}

export type ArgumentKind = 'none' | 'clause';

/** What an action records in a phase's plan: a plan field it sets once, or a function. */
export type PhaseExecutorSpec<P extends Phase> = DecisionField<P> | PhaseExecutor<P>;
type ExecutorsOf<R extends ProcedureRole> = { readonly [P in PhaseOfRole<R>]?: PhaseExecutorSpec<P> };
/** At least one phase of its side: an action that means nothing anywhere does not belong in the vocabulary. */
export type ActionExecutorSpec<R extends ProcedureRole> = { [P in PhaseOfRole<R>]: { readonly [Q in P]: PhaseExecutorSpec<Q> } & ExecutorsOf<R> }[PhaseOfRole<R>];

export interface ActionEntry<N extends string = string, R extends ProcedureRole = ProcedureRole> {
  readonly name: N;
  readonly role: R;
  /** The argument kind a rule gives it (`follow-clause 7.6.2`), if any. */
  readonly args: ArgumentKind;
  readonly summary: string;
  /** Facts made true for the rest of the session once it is done (`spec check` uses them: fact-implications.ts). */
  readonly implies?: readonly ProcedureGuard[];
  readonly api: ApiExposure;
  /** What it records in the plan of each phase it means something in. */
  readonly executor: ActionExecutorSpec<R>;
  /** What a conformance test observes when it is done (present) and when it must not be (absent). */
  readonly wire: { readonly present: WireCheckOf<R>; readonly absent: WireCheckOf<R> };
  /**
   * For an action whose effect a well-behaved peer never shows (it refuses what the peer never
   * sends): how a scenario that expects the action makes the peer send it, so a runtime that skips
   * the action is seen to (`cpm-ft spec mutants`). Applied after the situation is built.
   */
  readonly observe?: (setup: ScenarioSetups[R]) => void;
}

export interface DecisionPointEntry<N extends string = string, R extends ProcedureRole = ProcedureRole> {
  readonly name: N;
  readonly role: R;
  readonly summary: string;
  /** The answer at a MAY rule when the application gives none. */
  readonly mayDefault: boolean;
  readonly api: ApiExposure;
  /** How a conformance scenario gives the application's answer. */
  readonly answer: (setup: ScenarioSetups[R], yes: boolean) => void;
}

export const defineEvent = <const N extends string, const R extends ProcedureRole, const P extends PhaseOfRole<R>>(entry: EventEntry<N, R, P>): EventEntry<N, R, P> => entry;
export const defineGuard = <const N extends string, const R extends ProcedureRole>(entry: GuardEntry<N, R>): GuardEntry<N, R> => entry;
export const defineAction = <const N extends string, const R extends ProcedureRole>(entry: ActionEntry<N, R>): ActionEntry<N, R> => entry;
export const defineDecisionPoint = <const N extends string, const R extends ProcedureRole>(entry: DecisionPointEntry<N, R>): DecisionPointEntry<N, R> => entry;

/** The registry of one kind: entries keyed by their own name, in the order given (which tables keep). */
export function byName<const T extends readonly { readonly name: string }[]>(entries: T): { readonly [E in T[number] as E['name']]: E } {
  return Object.fromEntries(entries.map((e) => [e.name, e])) as { readonly [E in T[number] as E['name']]: E };
}
