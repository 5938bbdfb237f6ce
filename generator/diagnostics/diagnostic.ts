// Spec problems are data: collected by passes through the session, located, then formatted.
import type { SourceLocation } from '../ir/types.ts';

export type Severity = 'error' | 'warning';

export interface DiagnosticNote {
  message: string;
  location: SourceLocation | null;
}

export interface Diagnostic {
  /** Stable kebab-case code, named after what went wrong (duplicate-rule, unknown-event, ...). */
  code: string;
  severity: Severity;
  message: string;
  /** null only for problems that belong to no spec file (internal errors, a stale parser). */
  location: SourceLocation | null;
  notes: DiagnosticNote[];
}

export const hasErrors = (diagnostics: readonly Diagnostic[]): boolean => diagnostics.some((d) => d.severity === 'error');

/** Stable order: by file (in the given file order, unknown files last), line, column, code. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[], fileOrder: readonly string[]): Diagnostic[] {
  const rank = (file: string | undefined): number => {
    if (file === undefined) return -1;
    const i = fileOrder.indexOf(file);
    return i === -1 ? fileOrder.length : i;
  };
  return [...diagnostics].sort(
    (a, b) =>
      rank(a.location?.file) - rank(b.location?.file) ||
      (a.location?.file ?? '').localeCompare(b.location?.file ?? '') ||
      (a.location?.line ?? 0) - (b.location?.line ?? 0) ||
      (a.location?.column ?? 0) - (b.location?.column ?? 0) ||
      a.code.localeCompare(b.code) ||
      a.message.localeCompare(b.message),
  );
}
