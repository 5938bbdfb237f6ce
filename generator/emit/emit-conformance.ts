// Emits generated/conformance/<unit>.test.ts from templates/conformance.test.ts.hbs.
import type { ClauseIR } from '../ir/types.ts';
import { conformanceCases } from './conformance-cases.ts';
import type { ConformanceCase } from './conformance-cases.ts';
import type { HandlerUnit } from './emit-handlers.ts';
import { distinctSources, generatedHeader } from './generated-header.ts';
import { handlerName, literal } from './names.ts';
import { renderTemplate } from './templates.ts';

function list(items: readonly string[]): string {
  return `[${items.map(literal).join(', ')}]`;
}

function expectedLiteral(test: ConformanceCase): string {
  const items = test.expected.map((d) => `{ action: ${literal(d.action)}, args: ${list(d.args)}, modality: ${literal(d.modality)} }`);
  return items.length === 0 ? '[]' : `[\n      ${items.join(',\n      ')},\n    ]`;
}

export interface ConformanceOutput {
  text: string;
  cases: ConformanceCase[];
}

export function emitConformance(unit: HandlerUnit, clauses: readonly ClauseIR[]): ConformanceOutput {
  const cases = conformanceCases(unit.rules, unit.events);
  const used = unit.events.filter((event) => cases.some((c) => c.event === event));
  const clauseIds = [...new Set(unit.rules.map((rule) => rule.clause))];
  const data = {
    header: generatedHeader(distinctSources(unit.sources)),
    unit: unit.unit,
    handlers: used.map(handlerName).sort(),
    clauses: clauseIds
      .map((id) => {
        const clause = clauses.find((c) => c.id === id);
        return {
          titleLiteral: literal(clause === undefined ? id : `${id} ${clause.title}`),
          tests: cases
            .filter((c) => c.rule.clause === id)
            .map((c) => ({
              titleLiteral: literal(c.title),
              handler: handlerName(c.event),
              facts: list(c.facts),
              yes: list(c.yes),
              ruleLiteral: literal(c.rule.id),
              expected: expectedLiteral(c),
            })),
        };
      })
      .filter((clause) => clause.tests.length > 0),
  };
  return { text: renderTemplate('conformance.test.ts.hbs', data), cases };
}
