// Finds the normative statements of a CR's plain text: every sentence with SHALL, SHALL NOT, SHOULD,
// SHOULD NOT or MAY (upper case, as the CR writes its requirements) inside a clause of the change,
// with its clause and step ('4.b.ii'; null for the clause's unnumbered text, as in 7.6.2).
// A clause starts at a line holding only its number ('7.6.1.'), the next line is its title; steps
// are '1.', then 'a.', then 'i.' at the start of a line, each expected in sequence so a stray
// numbered line ('7. Modify the section ...') is read as text, not as a step.
import type { Modality } from '../ir/types.ts';

export interface CrStatement {
  /** '7.6.1-4.b.ii', or the clause id for an unnumbered statement; '#2' etc. when a step has several. */
  id: string;
  clause: string;
  step: string | null;
  modality: Modality;
  /** The sentence, whitespace collapsed. */
  text: string;
  /** 1-based line of the text where the step (or the clause's text) starts. */
  line: number;
}

export interface CrClauseText {
  id: string;
  title: string;
  line: number;
}

export interface CrText {
  clauses: CrClauseText[];
  statements: CrStatement[];
  /** Every step's whole text by key ('7.6.1-4.b', '7.6.2'), sentences joined, for quote look-ups. */
  steps: Map<string, { text: string; line: number }>;
}

const modalPattern = /\b(SHALL NOT|SHALL|SHOULD NOT|SHOULD|MAY)\b/;
const clauseHeading = /^\s*(\d+(?:\.\d+)+)\.?\s*$/;
const romans = ['i', 'ii', 'iii', 'iv', 'v', 'vi', 'vii', 'viii', 'ix', 'x', 'xi', 'xii'];

export const collapse = (text: string): string => text.replace(/\s+/g, ' ').trim();

/** The modality a piece of text states: its first modal phrase. */
export function modalityOf(text: string): Modality | null {
  return (modalPattern.exec(text)?.[1] as Modality | undefined) ?? null;
}

export const statementKey = (clause: string, step: string | null): string => (step === null ? clause : `${clause}-${step}`);

interface StepCursor {
  number: number;
  letter: string | null;
  roman: number;
}

/** The step a line opens, given where we are, or null when the line continues the current text. */
function openStep(line: string, at: StepCursor): { path: string; marker: number; cursor: StepCursor } | null {
  const match = /^\s*([0-9]+|[a-z]|[ivx]+)\.\s+/.exec(line);
  if (match === null) return null;
  const token = match[1]!;
  const marker = match[0].length;
  if (/^[0-9]+$/.test(token)) {
    if (Number(token) !== at.number + 1) return null;
    return { path: token, marker, cursor: { number: Number(token), letter: null, roman: 0 } };
  }
  if (at.number === 0) return null;
  const nextRoman = romans[at.roman];
  // 'i' after 'h' is a letter; after any other letter it opens the first sub-step.
  const asRoman = at.letter !== null && token === nextRoman && !(token === 'i' && at.letter === 'h' && at.roman === 0);
  if (asRoman) return { path: `${at.number}.${at.letter}.${token}`, marker, cursor: { ...at, roman: at.roman + 1 } };
  const nextLetter = at.letter === null ? 'a' : String.fromCharCode(at.letter.charCodeAt(0) + 1);
  if (token !== nextLetter) return null;
  return { path: `${at.number}.${token}`, marker, cursor: { number: at.number, letter: token, roman: 0 } };
}

function sentences(text: string): string[] {
  return collapse(text)
    .split(/(?<=\.)\s+(?=[A-Z])/)
    .filter((s) => s !== '');
}

export function extractStatements(source: string): CrText {
  const lines = source.split(/\r?\n/);
  const clauses: CrClauseText[] = [];
  const pieces: { clause: string; step: string | null; line: number; text: string[] }[] = [];
  let clause: string | null = null;
  let cursor: StepCursor = { number: 0, letter: null, roman: 0 };
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    const heading = clauseHeading.exec(line);
    if (heading !== null) {
      clause = heading[1]!;
      let titleIndex = index + 1;
      while (titleIndex < lines.length && lines[titleIndex]!.trim() === '') titleIndex++;
      clauses.push({ id: clause, title: collapse(lines[titleIndex] ?? ''), line: index + 1 });
      index = titleIndex;
      cursor = { number: 0, letter: null, roman: 0 };
      pieces.push({ clause, step: null, line: titleIndex + 2, text: [] });
      continue;
    }
    if (clause === null) continue;
    const opened = openStep(line, cursor);
    if (opened !== null) {
      cursor = opened.cursor;
      pieces.push({ clause, step: opened.path, line: index + 1, text: [line.slice(opened.marker)] });
    } else {
      pieces.at(-1)!.text.push(line);
    }
  }
  const statements: CrStatement[] = [];
  const steps = new Map<string, { text: string; line: number }>();
  for (const piece of pieces) {
    const key = statementKey(piece.clause, piece.step);
    steps.set(key, { text: collapse(piece.text.join(' ')), line: piece.line });
    const normative = sentences(piece.text.join(' ')).filter((s) => modalityOf(s) !== null);
    normative.forEach((text, i) => {
      statements.push({ id: i === 0 ? key : `${key}#${i + 1}`, clause: piece.clause, step: piece.step, modality: modalityOf(text)!, text, line: piece.line });
    });
  }
  return { clauses, statements, steps };
}
