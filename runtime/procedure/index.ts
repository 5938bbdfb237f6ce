export * from './vocabulary.ts';
export * from './roles.ts';
export * from './fact-implications.ts';
export type * from './decision.ts';
export * from './decision-defaults.ts';
