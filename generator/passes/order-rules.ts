// The final rule order: clauses in declaration order, then steps as numbered (1 < 2 < 10, a < b,
// i < ii < iv, a parent step before its sub-steps), ties kept in the order rules were written.
import type { SpecModel, WorkingRule } from './spec-model.ts';

const romans: Record<string, number> = { i: 1, ii: 2, iii: 3, iv: 4, v: 5, vi: 6, vii: 7, viii: 8, ix: 9, x: 10, xi: 11, xii: 12 };

/** Sort key of one step segment: numbers, then letters (depth 1) or roman numerals (depth 2+), then words. */
function segmentKey(segment: string, depth: number): [number, number] {
  if (/^[0-9]+$/.test(segment)) return [0, Number(segment)];
  if (depth >= 2 && romans[segment] !== undefined) return [1, romans[segment]];
  if (/^[a-z]$/.test(segment)) return [1, segment.charCodeAt(0)];
  return [2, 0];
}

export function compareSteps(a: string | null, b: string | null): number {
  const as = a === null ? [] : a.split('.');
  const bs = b === null ? [] : b.split('.');
  for (let i = 0; i < Math.min(as.length, bs.length); i++) {
    const [ak, av] = segmentKey(as[i]!, i);
    const [bk, bv] = segmentKey(bs[i]!, i);
    if (ak !== bk) return ak - bk;
    if (av !== bv) return av - bv;
  }
  return as.length - bs.length;
}

export function orderRules(model: SpecModel): WorkingRule[] {
  const clauseRank = new Map(model.clauses.map((c, i) => [c.id, i]));
  const rank = (clause: string): number => clauseRank.get(clause) ?? model.clauses.length;
  return [...model.rules.values()].sort(
    (a, b) => rank(a.clause) - rank(b.clause) || a.clause.localeCompare(b.clause) || compareSteps(a.step, b.step) || a.order - b.order,
  );
}
