// Emits generated/conformance/<unit>.test.ts from templates/conformance.test.ts.hbs: handler-level
// tests (conformance-cases.ts) and wire-level scenario tests (conformance-wire-cases.ts) per rule.
import type { ClauseIR } from '../ir/types.ts';
import { conformanceCases } from './conformance-cases.ts';
import type { ConformanceCase } from './conformance-cases.ts';
import { conformanceWireCases, type WireCase } from './conformance-wire-cases.ts';
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

function decideLiteral(test: WireCase): string {
  const entries = Object.entries(test.decide).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.length === 0 ? '{}' : `{ ${entries.map(([point, answer]) => `${literal(point)}: ${answer}`).join(', ')} }`;
}

function heldLiteral(test: WireCase): string {
  const entries = Object.entries(test.held);
  return entries.length === 0 ? '{}' : `{ ${entries.map(([fact, value]) => `${literal(fact)}: ${value}`).join(', ')} }`;
}

function expectationsLiteral(test: WireCase): string {
  const items = test.expectations.map((e) => `{ action: ${literal(e.action)}, args: ${list(e.args)}, present: ${e.present} }`);
  return items.length === 0 ? '[]' : `[\n      ${items.join(',\n      ')},\n    ]`;
}

export interface ConformanceOutput {
  text: string;
  /** Handler-level then wire-level cases; the trace lists every one under its rule. */
  cases: ConformanceCase[];
}

export interface ConformanceEmitOptions {
  /** Stem of the generated SDP module with buildFileAttributes/parseFileAttributes (spec/sdp-attributes.rules by default). */
  sdpModule?: string;
}

export function emitConformance(unit: HandlerUnit, clauses: readonly ClauseIR[], options: ConformanceEmitOptions = {}): ConformanceOutput {
  const cases = conformanceCases(unit.rules, unit.events);
  const wireCases = conformanceWireCases(unit.rules, unit.events);
  const used = unit.events.filter((event) => cases.some((c) => c.event === event));
  const clauseIds = [...new Set(unit.rules.map((rule) => rule.clause))];
  const data = {
    header: generatedHeader(distinctSources(unit.sources)),
    unit: unit.unit,
    sdpModule: options.sdpModule ?? 'sdp-attributes',
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
          wireTests: wireCases
            .filter((c) => c.rule.clause === id)
            .map((c) => ({
              titleLiteral: literal(c.title),
              ruleLiteral: literal(c.rule.id),
              eventLiteral: literal(c.event),
              facts: list(c.facts),
              decide: decideLiteral(c),
              held: heldLiteral(c),
              expectations: expectationsLiteral(c),
            })),
        };
      })
      .filter((clause) => clause.tests.length > 0 || clause.wireTests.length > 0),
  };
  return { text: renderTemplate('conformance.test.ts.hbs', data), cases: [...cases, ...wireCases] };
}
