// Emits generated/conformance/wire-scenarios.json: every wire-level conformance scenario of every
// unit as data (the same cases the generated test files call `wire()` with). Hand-written tests
// run these scenarios again in other configurations (test/conformance/shipped-configuration.test.ts
// runs them through the library's client with its default options) without loading the toolchain.
import type { WireCase } from './conformance-wire-cases.ts';
import { generatedHeaderText } from './generated-header.ts';

export interface WireScenarioData {
  /** The generated test file's unit (generated/conformance/<unit>.test.ts). */
  unit: string;
  /** The generated test's title. */
  title: string;
  rule: string;
  event: string;
  facts: string[];
  decide: Record<string, boolean>;
  held: Record<string, boolean>;
  expectations: { action: string; args: string[]; present: boolean }[];
}

export interface WireScenariosFile {
  generatedBy: string;
  scenarios: WireScenarioData[];
}

export function emitWireScenarios(units: ReadonlyMap<string, readonly WireCase[]>, sources: readonly string[]): string {
  const scenarios: WireScenarioData[] = [];
  for (const [unit, cases] of units) {
    for (const c of cases) {
      scenarios.push({
        unit,
        title: c.title,
        rule: c.rule.id,
        event: c.event,
        facts: [...c.facts],
        decide: Object.fromEntries(Object.entries(c.decide).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
        held: { ...c.held },
        expectations: c.expectations.map((e) => ({ action: e.action, args: [...e.args], present: e.present })),
      });
    }
  }
  const file: WireScenariosFile = { generatedBy: generatedHeaderText(sources), scenarios };
  return `${JSON.stringify(file, null, 2)}\n`;
}
