// `spec diff --from REV [--to REV]`: the effective rule sets of two revisions, compared field by
// field, what regenerating would change in generated/, and the CR history of the newer side.
import type { GuardIR, RuleIR, SpecIR } from '../ir/types.ts';

export interface FieldChange { field: string; from: string; to: string }
export interface RevisionDiff {
  from: string;
  to: string;
  added: string[];
  removed: string[];
  changed: { rule: string; fields: FieldChange[] }[];
  generated: { added: string[]; removed: string[]; changed: string[] };
  history: { cr: string; revision: string; title: string; changes: { kind: string; rule: string; fields: string[] }[] }[];
}

export function printGuardIr(guard: GuardIR | null): string {
  if (guard === null) return '';
  const operand = (g: GuardIR): string => (g.kind === 'and' || g.kind === 'or' ? `(${printGuardIr(g)})` : printGuardIr(g));
  switch (guard.kind) {
    case 'fact':
      return guard.name;
    case 'fired':
      return `fired(${guard.rule})`;
    case 'not':
      return `not ${operand(guard.operand)}`;
    case 'and':
    case 'or':
      return guard.operands.map(operand).join(` ${guard.kind} `);
  }
}

function fields(rule: RuleIR): Record<string, string> {
  return {
    modality: rule.modality,
    events: rule.triggers.map((t) => (t.guard === null ? t.event : `${t.event} when ${printGuardIr(t.guard)}`)).join('; '),
    guard: printGuardIr(rule.guard),
    decision: rule.decision ?? '',
    otherwise: rule.otherwiseOf ?? '',
    actions: rule.actions.map((a) => [a.name, ...a.args].join(' ')).join('; '),
    references: rule.references.join(', '),
    covers: (rule.covers ?? []).map((c) => `${c.step ?? '-'} "${c.quote}"`).join('; '),
    summary: rule.summary,
  };
}

export function compareRevisions(
  from: { label: string; ir: SpecIR; files: ReadonlyMap<string, string> },
  to: { label: string; ir: SpecIR; files: ReadonlyMap<string, string> },
): RevisionDiff {
  const before = new Map(from.ir.rules.map((r) => [r.id, r]));
  const after = new Map(to.ir.rules.map((r) => [r.id, r]));
  const changed: RevisionDiff['changed'] = [];
  for (const [id, rule] of after) {
    const old = before.get(id);
    if (old === undefined) continue;
    const a = fields(old);
    const b = fields(rule);
    const diffs = Object.keys(b).filter((k) => a[k] !== b[k]).map((field) => ({ field, from: a[field]!, to: b[field]! }));
    if (diffs.length > 0) changed.push({ rule: id, fields: diffs });
  }
  const paths = [...new Set([...from.files.keys(), ...to.files.keys()])].sort();
  return {
    from: from.label,
    to: to.label,
    added: [...after.keys()].filter((id) => !before.has(id)),
    removed: [...before.keys()].filter((id) => !after.has(id)),
    changed,
    generated: {
      added: paths.filter((p) => !from.files.has(p)),
      removed: paths.filter((p) => !to.files.has(p)),
      changed: paths.filter((p) => from.files.has(p) && to.files.has(p) && from.files.get(p) !== to.files.get(p)),
    },
    history: to.ir.crs.map((cr) => ({ cr: cr.id, revision: cr.revision, title: cr.title, changes: cr.changes.map((c) => ({ kind: c.kind, rule: c.rule, fields: c.fields ?? [] })) })),
  };
}

export function formatRevisionDiff(diff: RevisionDiff): string {
  const out: string[] = [`spec diff ${diff.from} → ${diff.to}`];
  if (diff.added.length + diff.removed.length + diff.changed.length === 0) out.push('  no rule changed');
  for (const id of diff.added) out.push(`  + ${id}`);
  for (const id of diff.removed) out.push(`  - ${id}`);
  for (const { rule, fields } of diff.changed) {
    out.push(`  ~ ${rule}`);
    for (const f of fields) out.push(`      ${f.field}: ${f.from === '' ? '(none)' : f.from} → ${f.to === '' ? '(none)' : f.to}`);
  }
  out.push('generated files:');
  const g = diff.generated;
  if (g.added.length + g.removed.length + g.changed.length === 0) out.push('  none change');
  for (const p of g.added) out.push(`  + ${p}`);
  for (const p of g.removed) out.push(`  - ${p}`);
  for (const p of g.changed) out.push(`  ~ ${p}`);
  out.push(`CR history (${diff.to}, spec/cr/ORDER):`);
  for (const cr of diff.history) {
    out.push(`  ${cr.cr} ${cr.revision}: ${cr.title}`);
    for (const c of cr.changes) out.push(`    ${c.kind === 'add' ? '+' : c.kind === 'remove' ? '-' : '~'} ${c.rule}${c.fields.length > 0 ? ` (${c.fields.join(', ')})` : ''}`);
  }
  return `${out.join('\n')}\n`;
}
