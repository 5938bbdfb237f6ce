// For `spec coverage TEXT`: each CR whose own text (`text "path" [revision Rnn]`) covers clauses of
// TEXT is compared with TEXT, statement by statement, so a new revision of the CR shows what
// changed since the revision the rules implement.
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type { SpecIR } from '../ir/types.ts';
import { extractStatements, type CrText } from './extract-statements.ts';
import { statementChanges, textRevision, type StatementChange } from './text-changes.ts';

export interface ChangesSinceCr {
  cr: string;
  /** The CR's text, repository-relative. */
  text: string;
  /** The revision the CR says it implements, else the one its text names, else null. */
  implemented: string | null;
  /** The revision TEXT names, or null. */
  current: string | null;
  changes: StatementChange[];
}

export async function changesSinceCrs(ir: SpecIR, root: string, newSource: string, read: (absolutePath: string) => Promise<string>): Promise<ChangesSinceCr[]> {
  const newer: CrText = extractStatements(newSource);
  const clauses = new Set(newer.clauses.map((c) => c.id));
  const out: ChangesSinceCr[] = [];
  for (const cr of ir.crs) {
    if (cr.text === undefined || cr.text === null) continue;
    const file = isAbsolute(cr.text.path) ? cr.text.path : resolve(root, dirname(cr.text.source.file), cr.text.path);
    // An unreadable text is `spec check`'s cr-text-unreadable; here it has nothing to compare.
    const oldSource = await read(file).catch(() => null);
    if (oldSource === null) continue;
    const older = extractStatements(oldSource);
    if (!older.clauses.some((c) => clauses.has(c.id))) continue;
    out.push({
      cr: cr.id,
      text: relative(root, file).split('\\').join('/'),
      implemented: cr.text.revision ?? textRevision(oldSource),
      current: textRevision(newSource),
      changes: statementChanges(older, newer),
    });
  }
  return out;
}

/** The text report's lines for these comparisons. */
export function formatChangesSince(entries: readonly ChangesSinceCr[]): string[] {
  const lines: string[] = [];
  for (const e of entries) {
    const since = e.implemented ?? 'its text';
    lines.push(`changed since ${since} (${e.cr}, ${e.text}; this text is ${e.current ?? 'of no stated revision'}): ${e.changes.length === 0 ? 'no statement' : `${e.changes.length} statement${e.changes.length === 1 ? '' : 's'}`}`);
    for (const c of e.changes) {
      if (c.change === 'changed') {
        const modality = c.before!.modality === c.after!.modality ? c.after!.modality : `${c.before!.modality} → ${c.after!.modality}`;
        lines.push(`  changed ${c.id} (${modality}): "${c.after!.text}" (was "${c.before!.text}")`);
      } else if (c.change === 'added') lines.push(`  added ${c.id} (${c.after!.modality}): "${c.after!.text}"`);
      else lines.push(`  removed ${c.id} (${c.before!.modality}): "${c.before!.text}"`);
    }
  }
  return lines;
}
