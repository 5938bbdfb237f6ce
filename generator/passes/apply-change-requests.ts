// Builds the final rule set: base rules first, then each CR's add / modify / remove in CR order,
// reporting duplicate ids, changes to rules that do not exist, and CRs applied out of order.
import type { SourceLocation } from '../ir/types.ts';
import type { ModifyNode, RuleFieldKind, RuleFieldNode, RuleNode } from '../parse/ast.ts';
import { stripLocations } from '../parse/strip-locations.ts';
import type { Session } from '../session.ts';
import { splitRuleId, type AppliedChange, type SpecModel, type WorkingRule } from './spec-model.ts';

// Fields a rule may write once; `on`, `do`, `see` and `covers` may repeat.
const singleFields: readonly RuleFieldKind[] = ['if', 'decision', 'otherwise', 'summary'];

/** The diffable fields of a rule, in the order `spec diff` lists them. */
export const ruleFieldNames = ['modality', 'triggers', 'guard', 'decision', 'otherwise', 'actions', 'references', 'covers', 'summary'] as const;

function reportRepeatedFields(fields: RuleFieldNode[], session: Session): void {
  const first = new Map<RuleFieldKind, SourceLocation>();
  for (const field of fields) {
    if (!singleFields.includes(field.kind)) continue;
    const earlier = first.get(field.kind);
    if (earlier === undefined) first.set(field.kind, field.location);
    else session.error('duplicate-field', `'${field.kind}' may appear only once in a rule`, field.location, [{ message: 'first written here', location: earlier }]);
  }
}

/** Writes the fields present in `fields` over `rule` (a kind present replaces the whole field). */
function writeFields(rule: WorkingRule, fields: RuleFieldNode[]): void {
  const present = new Set(fields.map((f) => f.kind));
  if (present.has('on')) rule.triggers = [];
  if (present.has('do')) rule.actions = [];
  if (present.has('see')) rule.references = [];
  if (present.has('covers')) rule.covers = [];
  for (const field of fields) {
    switch (field.kind) {
      case 'on':
        rule.triggers.push({ event: field.event, guard: field.guard });
        break;
      case 'if':
        rule.guard = field.guard;
        break;
      case 'decision':
        rule.decision = field.point;
        rule.decisionLocation = field.location;
        break;
      case 'otherwise':
        rule.otherwiseOf = field.rule;
        break;
      case 'do':
        rule.actions.push({ action: field.action, args: field.args, location: field.location });
        break;
      case 'see':
        rule.references.push(...field.refs);
        break;
      case 'summary':
        rule.summary = field.text;
        break;
      case 'covers':
        rule.covers.push(field);
        break;
    }
  }
}

function newRule(node: RuleNode, order: number, cr: { id: string; revision: string } | null): WorkingRule {
  const { clause, step } = splitRuleId(node.id.value);
  const rule: WorkingRule = {
    id: node.id.value,
    source: node.id.location,
    clause,
    step,
    modality: { value: node.modality.value, location: node.modality.location },
    triggers: [],
    guard: null,
    decision: null,
    decisionLocation: node.modality.location,
    otherwiseOf: null,
    actions: [],
    references: [],
    covers: [],
    summary: null,
    cr,
    history: cr === null ? [] : [{ cr: cr.id, revision: cr.revision, change: 'added' }],
    order,
  };
  writeFields(rule, node.fields);
  return rule;
}

function snapshot(rule: WorkingRule): Record<(typeof ruleFieldNames)[number], string> {
  return {
    modality: rule.modality.value,
    triggers: JSON.stringify(stripLocations(rule.triggers)),
    guard: JSON.stringify(stripLocations(rule.guard)),
    decision: rule.decision?.value ?? '',
    otherwise: rule.otherwiseOf?.value ?? '',
    actions: JSON.stringify(stripLocations(rule.actions)),
    references: JSON.stringify(rule.references.map((r) => r.value)),
    covers: JSON.stringify(rule.covers.map((c) => [c.step?.value ?? null, c.quote])),
    summary: rule.summary ?? '',
  };
}

function modify(rule: WorkingRule, change: ModifyNode, cr: { id: string; revision: string }): string[] {
  const before = snapshot(rule);
  if (change.modality !== null) {
    rule.modality = { value: change.modality.value, location: change.modality.location };
    // A rule whose modality changes without a decision field keeps pointing at the new modality.
    if (!change.fields.some((f) => f.kind === 'decision')) rule.decisionLocation = change.modality.location;
  }
  writeFields(rule, change.fields);
  rule.source = change.id.location;
  rule.cr = cr;
  rule.history.push({ cr: cr.id, revision: cr.revision, change: 'modified' });
  const after = snapshot(rule);
  return ruleFieldNames.filter((name) => before[name] !== after[name]);
}

export function applyChangeRequests(model: SpecModel, session: Session): void {
  const rules = model.rules;
  let order = 0;
  const add = (node: RuleNode, cr: { id: string; revision: string } | null, what: string): boolean => {
    reportRepeatedFields(node.fields, session);
    const existing = rules.get(node.id.value);
    if (existing !== undefined) {
      session.error(
        cr === null ? 'duplicate-rule' : 'cr-adds-existing-rule',
        `${what} rule '${node.id.value}', which is already defined`,
        node.id.location,
        [{ message: 'first defined here', location: existing.source }],
      );
      return false;
    }
    rules.set(node.id.value, newRule(node, order++, cr));
    return true;
  };

  for (const node of model.baseRules) add(node, null, 'duplicate');

  const applied = new Set<string>();
  for (const crNode of model.crNodes) {
    const cr = { id: crNode.id, revision: crNode.revision };
    const title = crNode.fields.find((f) => f.kind === 'title');
    if (title === undefined) session.error('cr-missing-title', `CR '${crNode.id}' has no title`, crNode.location);
    const amends = crNode.fields.flatMap((f) => (f.kind === 'amends' ? f.clauses : []));
    if (amends.length === 0) session.error('cr-missing-amends', `CR '${crNode.id}' does not say which clauses it amends`, crNode.location);
    for (const field of crNode.fields) {
      if (field.kind === 'after' && !applied.has(field.cr.value))
        session.error('cr-order', `CR '${crNode.id}' must be applied after '${field.cr.value}', which has not been applied before it`, field.cr.location);
    }
    const changes: AppliedChange[] = [];
    const amendsClause = (ruleId: string, location: SourceLocation): void => {
      const { clause } = splitRuleId(ruleId);
      if (amends.length > 0 && !amends.some((a) => a.value === clause))
        session.warning('cr-clause-not-amended', `CR '${crNode.id}' changes rule '${ruleId}' of clause ${clause}, which it does not list in 'amends'`, location);
    };
    for (const field of crNode.fields) {
      switch (field.kind) {
        case 'add':
          amendsClause(field.rule.id.value, field.rule.id.location);
          if (add(field.rule, cr, `CR '${crNode.id}' adds`)) changes.push({ kind: 'add', rule: field.rule.id.value, fields: [], source: field.location });
          break;
        case 'modify': {
          amendsClause(field.id.value, field.id.location);
          reportRepeatedFields(field.fields, session);
          const rule = rules.get(field.id.value);
          if (rule === undefined) {
            session.error('cr-modifies-missing-rule', `CR '${crNode.id}' modifies rule '${field.id.value}', which does not exist`, field.id.location);
            break;
          }
          changes.push({ kind: 'modify', rule: field.id.value, fields: modify(rule, field, cr), source: field.location });
          break;
        }
        case 'remove':
          amendsClause(field.id.value, field.id.location);
          if (!rules.delete(field.id.value)) {
            session.error('cr-removes-missing-rule', `CR '${crNode.id}' removes rule '${field.id.value}', which does not exist`, field.id.location);
            break;
          }
          changes.push({ kind: 'remove', rule: field.id.value, fields: [], source: field.location });
          break;
        default:
          break;
      }
    }
    applied.add(crNode.id);
    const text = crNode.fields.find((f) => f.kind === 'text');
    const crText = text === undefined ? null : { path: text.path, revision: text.revision, location: text.location };
    model.crs.push({ id: crNode.id, revision: crNode.revision, title: title?.text ?? '', amends, text: crText, changes, source: crNode.location });
  }
}
