// Types for the peggy-generated grammar/rules-parser.js (see generator/parse/parse-spec.ts for the typed wrapper).
export interface PeggyPosition { offset: number; line: number; column: number }
export interface PeggyLocation { source: unknown; start: PeggyPosition; end: PeggyPosition }
export type PeggyExpectation =
  | { type: 'literal'; text: string; ignoreCase: boolean }
  | { type: 'class'; parts: unknown[]; inverted: boolean; ignoreCase: boolean }
  | { type: 'any' }
  | { type: 'end' }
  | { type: 'other'; description: string };
export class SyntaxError extends Error {
  expected: PeggyExpectation[] | null;
  found: string | null;
  location: PeggyLocation;
}
export const StartRules: string[];
export function parse(input: string, options?: { grammarSource?: string; startRule?: string }): unknown;
