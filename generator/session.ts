// A compile session: passes report problems here instead of throwing, so every problem of a stage
// comes out together (peggy's compiler session, in small).
import type { SourceLocation } from './ir/types.ts';
import type { Diagnostic, DiagnosticNote, Severity } from './diagnostics/diagnostic.ts';

export type Stage = 'parse' | 'prepare' | 'check' | 'lower';

export class Session {
  readonly diagnostics: Diagnostic[] = [];
  readonly timings: Record<string, number> = {};

  report(severity: Severity, code: string, message: string, location: SourceLocation | null, notes: DiagnosticNote[] = []): void {
    this.diagnostics.push({ code, severity, message, location, notes });
  }

  error(code: string, message: string, location: SourceLocation | null, notes: DiagnosticNote[] = []): void {
    this.report('error', code, message, location, notes);
  }

  warning(code: string, message: string, location: SourceLocation | null, notes: DiagnosticNote[] = []): void {
    this.report('warning', code, message, location, notes);
  }

  get errorCount(): number {
    return this.diagnostics.filter((d) => d.severity === 'error').length;
  }

  /** Runs one stage, timing it; returns false when the stage added errors (later stages should not run). */
  stage<T>(name: Stage, run: () => T): { value: T; ok: boolean } {
    const before = this.errorCount;
    const start = performance.now();
    const value = run();
    this.timings[name] = (this.timings[name] ?? 0) + (performance.now() - start);
    return { value, ok: this.errorCount === before };
  }
}
