// Hover text for the word under the cursor: a rule (modality, clause, summary, the CR sentence it
// covers, and a covers-modality-mismatch when the sentence says another modal verb), a clause, a
// document, an SDP attribute, a vocabulary name (kind, side, summary) or a modality keyword (what
// it makes the handler and runtime do). It reads whichever IR it is given: the server passes the
// last good one while the spec does not compile.
import { collapse, modalityOf, statementKey, type CrText } from '../coverage/extract-statements.ts';
import type { SpecIR } from '../ir/types.ts';
import { modalityMeaning, vocabularyEntries } from './lsp-vocabulary.ts';
import type { Word } from './word-at.ts';

/** 'SHALL NOT' / 'SHOULD NOT' when the word is half of one, else the word. */
function modalityAt(word: Word, lineText: string): string | null {
  const after = lineText.slice(word.end);
  const before = lineText.slice(0, word.start);
  if ((word.text === 'SHALL' || word.text === 'SHOULD') && /^ NOT\b/.test(after)) return `${word.text} NOT`;
  if (word.text === 'NOT') return /\b(SHALL|SHOULD) $/.exec(before)?.[1]?.concat(' NOT') ?? null;
  return modalityMeaning[word.text] === undefined ? null : word.text;
}

function ruleHover(ir: SpecIR, id: string, crText: CrText | null): string | null {
  const rule = ir.rules.find((r) => r.id === id);
  if (rule === undefined) return null;
  const clause = ir.clauses.find((c) => c.id === rule.clause);
  const statements: string[] = [];
  for (const c of rule.covers ?? []) {
    const key = statementKey(rule.clause, c.step);
    const quote = collapse(c.quote);
    const sentence = crText?.statements.find((s) => statementKey(s.clause, s.step) === key && s.text.includes(quote))?.text;
    statements.push(`> ${key}: ${sentence ?? `“${c.quote}”`}`);
    const quoted = modalityOf(quote);
    if (quoted !== null && quoted !== rule.modality) statements.push('', `⚠ covers-modality-mismatch: the sentence says ${quoted}, the rule is ${rule.modality}`);
  }
  const history = rule.history.map((h) => `${h.cr} ${h.revision} (${h.change})`).join(', ');
  return [
    `**${rule.id}** ${rule.modality} — ${rule.clause} ${clause?.title ?? ''}`.trimEnd(),
    '',
    rule.summary,
    ...(statements.length > 0 ? ['', 'CR statement:', ...statements] : []),
    ...(history === '' ? [] : ['', `History: ${history}`]),
  ].join('\n');
}

export function hoverMarkdown(word: Word, lineText: string, ir: SpecIR | null, crText: CrText | null): string | null {
  const modality = modalityAt(word, lineText);
  if (modality !== null) return `**${modality}** (modality): ${modalityMeaning[modality]}`;
  if (ir !== null) {
    const rule = ruleHover(ir, word.text, crText);
    if (rule !== null) return rule;
    const clause = ir.clauses.find((c) => c.id === word.text);
    if (clause !== undefined) return `**clause ${clause.id}** ${clause.title}${clause.external ? ' (external)' : ''}`;
    const document = ir.documents.find((d) => d.id === word.text);
    if (document !== undefined) return `**${document.id}** ${document.title}`;
    const attribute = ir.attributes.find((a) => a.name === word.text);
    if (attribute !== undefined) return `**a=${attribute.name}** (${attribute.kind}) ${attribute.summary}`;
  }
  const names = vocabularyEntries.filter((e) => e.name === word.text);
  if (names.length === 0) return null;
  return names.map((e) => `**${e.kind}** \`${e.name}\` (${e.role}): ${e.summary}`).join('\n\n');
}
