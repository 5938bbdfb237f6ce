// Enforces generator/ir/schema.json on an IR with ajv. The front end only lowers checked specs, so an
// IR that fails here is a toolchain bug: it is reported as an `internal-error` naming the failing paths.
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import type { SpecIR } from './types.ts';

const schema = JSON.parse(readFileSync(new URL('./schema.json', import.meta.url), 'utf8')) as Record<string, unknown>;
let validator: ValidateFunction | undefined;

/** Returns [] when `ir` matches the schema, otherwise one internal-error diagnostic per violation. */
export function validateIr(ir: unknown): Diagnostic[] {
  validator ??= new Ajv({ allErrors: true, strict: true }).compile(schema);
  if (validator(ir)) return [];
  return (validator.errors ?? []).map((e) => ({
    code: 'internal-error',
    severity: 'error' as const,
    message: `internal error (toolchain bug): the IR does not match generator/ir/schema.json: ${e.instancePath || '/'} ${e.message ?? 'is invalid'}${
      e.params !== undefined && Object.keys(e.params).length > 0 ? ` ${JSON.stringify(e.params)}` : ''
    }`,
    location: null,
    notes: [],
  }));
}

export const isSpecIr = (ir: unknown): ir is SpecIR => validateIr(ir).length === 0;
