// The generator back end: a pure function from the IR to the generated files (repository-relative
// path -> text). No disk access, no clock, no absolute paths: the same IR gives byte-identical output.
import { Project, QuoteKind } from 'ts-morph';
import type { AttributeIR, SpecIR } from './ir/types.ts';
import type { ConformanceCase } from './emit/conformance-cases.ts';
import { emitConformance } from './emit/emit-conformance.ts';
import { emitHandlerIndex } from './emit/emit-handler-index.ts';
import { emitHandlers } from './emit/emit-handlers.ts';
import type { HandlerUnit } from './emit/emit-handlers.ts';
import { emitSdp } from './emit/emit-sdp.ts';
import { emitTraceJson } from './emit/emit-trace-json.ts';
import { emitWireScenarios } from './emit/emit-wire-scenarios.ts';
import type { WireCase } from './emit/conformance-wire-cases.ts';
import { distinctSources } from './emit/generated-header.ts';
import { rulesByUnit, triggeredEvents } from './emit/rule-semantics.ts';

/** Where generated files live, relative to the repository root. */
export const generatedDir = 'generated';

function fileStem(path: string): string {
  const base = path.split('/').pop() ?? path;
  return base.replace(/\.[^.]*$/, '');
}

export function handlerUnits(ir: SpecIR): HandlerUnit[] {
  const units: HandlerUnit[] = [];
  for (const [unit, rules] of rulesByUnit(ir)) {
    // Clause sources in rule order, so reordering independent clause declarations changes nothing.
    const clauseIds = distinctSources(rules.map((rule) => rule.clause));
    const clauseSources = clauseIds.flatMap((id) => ir.clauses.filter((clause) => clause.id === id).map((clause) => clause.source.file));
    units.push({
      unit,
      sources: distinctSources([...clauseSources, ...rules.map((rule) => rule.source.file)]),
      rules,
      events: triggeredEvents(rules),
    });
  }
  return units;
}

function sdpUnits(attributes: readonly AttributeIR[]): Map<string, AttributeIR[]> {
  const units = new Map<string, AttributeIR[]>();
  for (const attribute of attributes) {
    const unit = fileStem(attribute.source.file);
    units.set(unit, [...(units.get(unit) ?? []), attribute]);
  }
  return units;
}

export function generate(ir: SpecIR): Map<string, string> {
  const project = new Project({ useInMemoryFileSystem: true, manipulationSettings: { quoteKind: QuoteKind.Single } });
  const files = new Map<string, string>();
  const tests = new Map<string, ConformanceCase[]>();
  const wireScenarios = new Map<string, WireCase[]>();
  const units = handlerUnits(ir);
  // Wire tests build file m-lines with the SDP module generated from the spec's file-transfer-id attribute.
  const fileAttributeUnit = ir.attributes.find((attribute) => attribute.name === 'file-transfer-id');
  const sdpModule = fileAttributeUnit === undefined ? undefined : fileStem(fileAttributeUnit.source.file);
  for (const unit of units) {
    files.set(`${generatedDir}/handlers/${unit.unit}.ts`, emitHandlers(project, unit));
    const conformance = emitConformance(unit, ir.clauses, sdpModule === undefined ? {} : { sdpModule });
    const testFile = `${generatedDir}/conformance/${unit.unit}.test.ts`;
    files.set(testFile, conformance.text);
    tests.set(testFile, conformance.cases);
    wireScenarios.set(unit.unit, conformance.cases.filter((c): c is WireCase => 'kind' in c && c.kind === 'wire'));
  }
  if (units.length > 0) {
    files.set(`${generatedDir}/conformance/wire-scenarios.json`, emitWireScenarios(wireScenarios, distinctSources(units.flatMap((u) => u.sources))));
  }
  if (units.length > 0) {
    files.set(`${generatedDir}/handlers/index.ts`, emitHandlerIndex(project, units, triggeredEvents(ir.rules)));
  }
  for (const [unit, attributes] of sdpUnits(ir.attributes)) {
    files.set(`${generatedDir}/sdp/${unit}.ts`, emitSdp(project, { unit, attributes }));
  }
  files.set(`${generatedDir}/trace.json`, emitTraceJson(ir, files, tests));
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
