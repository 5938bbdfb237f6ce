// `--decide POINT=yes|no` (repeatable): the user's answer at one of the spec's decision points (a MAY,
// SHOULD or SHOULD NOT rule; runtime/procedure/vocabulary.ts). Only the points of the given side are
// accepted, so `send` cannot be handed an answer only a receiver could use; an unknown point names
// the valid ones. The answers go to the library's `decisions` option unchanged.
import { decisionPointRoles, decisionPoints, fail, ok, type DecisionPoint, type ProcedureRole, type Result } from '../../runtime/index.ts';

export type DecisionAnswerMap = { readonly [P in DecisionPoint]?: boolean };

const yes = new Set(['yes', 'true', 'on', '1']);
const no = new Set(['no', 'false', 'off', '0']);

/** The decision points a side decides, in vocabulary order. */
export function decisionPointsOf(role: ProcedureRole): DecisionPoint[] {
  return (Object.keys(decisionPoints) as DecisionPoint[]).filter((point) => decisionPointRoles[point] === role);
}

export function parseDecideOptions(values: readonly string[], role: ProcedureRole): Result<DecisionAnswerMap, string> {
  const answers: { [P in DecisionPoint]?: boolean } = {};
  const valid = decisionPointsOf(role);
  for (const value of values) {
    const eq = value.indexOf('=');
    const point = (eq === -1 ? value : value.slice(0, eq)).trim();
    const answer = eq === -1 ? '' : value.slice(eq + 1).trim().toLowerCase();
    if (!valid.includes(point as DecisionPoint)) {
      return fail(`--decide: '${point}' is not a decision point of the ${role}; valid: ${valid.join(', ')}`);
    }
    if (!yes.has(answer) && !no.has(answer)) return fail(`--decide ${point} expects =yes or =no, got '${value}'`);
    const key = point as DecisionPoint;
    if (answers[key] !== undefined && answers[key] !== yes.has(answer)) return fail(`--decide ${point} is given both yes and no`);
    answers[key] = yes.has(answer);
  }
  return ok(answers);
}

export function decideUsage(role: ProcedureRole): string {
  return `  --decide POINT=yes|no
                      answer one of the spec's decision points (MAY / SHOULD rules) instead of
                      taking its default; repeatable. Points: ${decisionPointsOf(role).join(', ')}
`;
}
