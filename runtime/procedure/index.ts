export * from './vocabulary.ts';
export type * from './decision.ts';
