// The spec front end as one pure function: spec texts in, IR and diagnostics out (no disk access).
// Stages: parse → prepare (collect, apply CRs) → check (report-*) → lower (lower-to-ir, ajv).
import type { Diagnostic } from './diagnostics/diagnostic.ts';
import { hasErrors, sortDiagnostics } from './diagnostics/diagnostic.ts';
import type { SpecIR } from './ir/types.ts';
import { validateIr } from './ir/validate-ir.ts';
import type { SpecFileNode } from './parse/ast.ts';
import { parseSpecFile } from './parse/parse-spec.ts';
import { applyChangeRequests } from './passes/apply-change-requests.ts';
import { collectDeclarations } from './passes/collect-declarations.ts';
import { lowerToIr } from './passes/lower-to-ir.ts';
import { reportActionArguments } from './passes/report-action-arguments.ts';
import { reportAttributeDefinitions } from './passes/report-attribute-definitions.ts';
import { reportCoversModality } from './passes/report-covers-modality.ts';
import { reportDecisionBranches } from './passes/report-decision-branches.ts';
import { reportDecisionPoints } from './passes/report-decision-points.ts';
import { reportEmptyClauses } from './passes/report-empty-clauses.ts';
import { reportMissingFields } from './passes/report-missing-fields.ts';
import { reportModalityConflicts } from './passes/report-modality-conflicts.ts';
import { reportSessionOutcomes } from './passes/report-session-outcomes.ts';
import { reportRuntimeAttributes } from './passes/report-runtime-attributes.ts';
import { reportRoleMismatch } from './passes/report-role-mismatch.ts';
import { reportRuleReferences } from './passes/report-rule-references.ts';
import { reportUnknownNames } from './passes/report-unknown-names.ts';
import { reportUnknownReferences } from './passes/report-unknown-references.ts';
import { reportUnreachableRules } from './passes/report-unreachable-rules.ts';
import { reportUnspecified } from './passes/report-unspecified.ts';
import { emptyModel, type SpecModel } from './passes/spec-model.ts';
import { Session } from './session.ts';

export interface SpecInput {
  /** Path relative to the repository root; diagnostics and IR locations use it as written. */
  path: string;
  text: string;
}

export interface CompileResult {
  /** null when any error was reported. */
  ir: SpecIR | null;
  /** Sorted by file (input order), line, column. */
  diagnostics: Diagnostic[];
  /** Milliseconds per stage (parse, prepare, check, lower). */
  timings: Record<string, number>;
}

const checkPasses: readonly ((model: SpecModel, session: Session) => void)[] = [
  reportUnknownReferences,
  reportUnknownNames,
  reportRoleMismatch,
  reportMissingFields,
  reportRuleReferences,
  reportDecisionPoints,
  reportCoversModality,
  reportActionArguments,
  reportEmptyClauses,
  reportAttributeDefinitions,
  reportRuntimeAttributes,
];

/** Checks of what the rules mean together, run on the lowered IR with the rule semantics. */
const semanticPasses: readonly ((ir: SpecIR, session: Session) => void)[] = [
  reportModalityConflicts,
  reportSessionOutcomes,
  reportDecisionBranches,
  reportUnspecified,
  (ir, session) => reportUnreachableRules(ir, session),
];

/**
 * Compiles spec files into the IR. Files are read in the order given: declarations first is not
 * required, but CRs are applied in the order their files appear (that order is the spec history).
 */
export function compileSpec(inputs: readonly SpecInput[]): CompileResult {
  const session = new Session();
  const paths = inputs.map((i) => i.path);
  const finish = (ir: SpecIR | null): CompileResult => ({ ir, diagnostics: sortDiagnostics(session.diagnostics, paths), timings: session.timings });

  const parsed = session.stage('parse', () =>
    inputs.map(({ path, text }) => ({ path, ast: parseSpecFile(path, text, session) })).filter((f): f is { path: string; ast: SpecFileNode } => f.ast !== null),
  );
  // Without every file the CR history is incomplete, so later stages would only report noise.
  if (!parsed.ok) return finish(null);

  const model = emptyModel(paths);
  session.stage('prepare', () => {
    collectDeclarations(parsed.value, model, session);
    applyChangeRequests(model, session);
  });
  session.stage('check', () => {
    for (const pass of checkPasses) pass(model, session);
  });
  if (hasErrors(session.diagnostics)) return finish(null);

  const lowered = session.stage('lower', () => {
    const ir = lowerToIr(model);
    session.diagnostics.push(...validateIr(ir));
    // What the rules mean together is checked only on an IR the schema accepted.
    if (!hasErrors(session.diagnostics)) for (const pass of semanticPasses) pass(ir, session);
    return ir;
  });
  return finish(lowered.ok && !hasErrors(session.diagnostics) ? lowered.value : null);
}
