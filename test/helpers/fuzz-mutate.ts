// Mutation arbitraries for fuzzing parsers from a corpus of valid samples: byte flips, inserts,
// deletes, duplicated / dropped / swapped lines, huge spliced values and awkward characters
// (NUL, bare CR/LF, unicode, lone surrogates). Positions are drawn as plain integers and wrapped
// onto the sample, so shrinking stays meaningful whatever the sample length.
import fc from 'fast-check';

/** Characters that tend to break line-oriented parsers. */
export const awkwardTokens = [
  '\0', '\r', '\n', '\r\n', '\r\n\r\n', '\n\n', ' ', '\t', '\r\n ', ':', ';', ',', '"', '\\', '%', '<', '>', '@', '/', '*',
  '-------', '$', '#', '+', 'é', 'à', '†', '\u00a0', '\u2028', '\ufeff', '\ufffd', '😀', '\u202e', '\ud800', '\udfff', '\x7f', '\x85',
] as const;

export type Mutation =
  | { readonly kind: 'flip'; readonly at: number; readonly bit: number }
  | { readonly kind: 'insert'; readonly at: number; readonly bytes: Uint8Array }
  | { readonly kind: 'delete'; readonly at: number; readonly length: number }
  | { readonly kind: 'awkward'; readonly at: number; readonly token: string }
  | { readonly kind: 'splice'; readonly at: number; readonly fill: string; readonly length: number }
  | { readonly kind: 'duplicate-line'; readonly line: number }
  | { readonly kind: 'drop-line'; readonly line: number }
  | { readonly kind: 'swap-lines'; readonly a: number; readonly b: number };

const position = fc.nat({ max: 1 << 20 });

/** One mutation; `maxSplice` bounds the huge values (default 64 KiB). */
export function mutationArb(maxSplice = 64 * 1024): fc.Arbitrary<Mutation> {
  return fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: position, bit: fc.integer({ min: 0, max: 7 }) }),
    fc.record({ kind: fc.constant('insert' as const), at: position, bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
    fc.record({ kind: fc.constant('delete' as const), at: position, length: fc.integer({ min: 1, max: 32 }) }),
    fc.record({ kind: fc.constant('awkward' as const), at: position, token: fc.constantFrom(...awkwardTokens) }),
    fc.record({
      kind: fc.constant('splice' as const),
      at: position,
      fill: fc.constantFrom('a', ' ', '\t', '0', '9', ';', ',', '"', '\\', '%', '-', '=', ':', '/', 'é', '\r\n ', 'a=b;', '<sip:x>,'),
      length: fc.oneof(fc.integer({ min: 1, max: 256 }), fc.integer({ min: 1, max: maxSplice })),
    }),
    fc.record({ kind: fc.constant('duplicate-line' as const), line: position }),
    fc.record({ kind: fc.constant('drop-line' as const), line: position }),
    fc.record({ kind: fc.constant('swap-lines' as const), a: position, b: position }),
  );
}

/** Splits into lines keeping each line's terminator, so joining gives the input back. */
function splitKeep(buf: Buffer): Buffer[] {
  const lines: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < buf.length; i++) {
    if (buf[i] === 0x0a) {
      lines.push(buf.subarray(start, i + 1));
      start = i + 1;
    }
  }
  if (start < buf.length) lines.push(buf.subarray(start));
  return lines;
}

/** Applies one mutation to a byte buffer (a new buffer is returned). */
export function applyMutation(input: Buffer, m: Mutation): Buffer {
  const at = (n: number): number => n % (input.length + 1);
  switch (m.kind) {
    case 'flip': {
      if (input.length === 0) return input;
      const out = Buffer.from(input);
      const i = m.at % input.length;
      out[i] = out[i]! ^ (1 << m.bit);
      return out;
    }
    case 'insert':
      return Buffer.concat([input.subarray(0, at(m.at)), m.bytes, input.subarray(at(m.at))]);
    case 'delete':
      return Buffer.concat([input.subarray(0, at(m.at)), input.subarray(at(m.at) + m.length)]);
    case 'awkward':
      return Buffer.concat([input.subarray(0, at(m.at)), Buffer.from(m.token, 'utf8'), input.subarray(at(m.at))]);
    case 'splice': {
      const fill = Buffer.from(m.fill.repeat(Math.ceil(m.length / m.fill.length)).slice(0, m.length), 'utf8');
      return Buffer.concat([input.subarray(0, at(m.at)), fill, input.subarray(at(m.at))]);
    }
    case 'duplicate-line':
    case 'drop-line':
    case 'swap-lines': {
      const lines = splitKeep(input);
      if (lines.length === 0) return input;
      if (m.kind === 'swap-lines') {
        const a = m.a % lines.length;
        const b = m.b % lines.length;
        [lines[a], lines[b]] = [lines[b]!, lines[a]!];
      } else {
        const i = m.line % lines.length;
        if (m.kind === 'duplicate-line') lines.splice(i, 0, lines[i]!);
        else lines.splice(i, 1);
      }
      return Buffer.concat(lines);
    }
  }
}

/** A corpus sample with one to four mutations applied. */
export function mutatedBytes(samples: readonly Buffer[], options: { maxSplice?: number; maxMutations?: number } = {}): fc.Arbitrary<Buffer> {
  if (samples.length === 0) throw new Error('mutatedBytes needs at least one sample');
  return fc
    .tuple(fc.nat({ max: samples.length - 1 }), fc.array(mutationArb(options.maxSplice), { minLength: 1, maxLength: options.maxMutations ?? 4 }))
    .map(([index, mutations]) => mutations.reduce(applyMutation, samples[index]!));
}

/** As mutatedBytes, decoded as UTF-8 (invalid sequences become U+FFFD), for text parsers. */
export function mutatedText(samples: readonly string[], options: { maxSplice?: number; maxMutations?: number } = {}): fc.Arbitrary<string> {
  return mutatedBytes(samples.map((s) => Buffer.from(s, 'utf8')), options).map((b) => b.toString('utf8'));
}

/** Cut points for feeding a buffer in pieces: sorted offsets strictly inside the buffer. */
export function splitPieces(buf: Buffer, cuts: readonly number[]): Buffer[] {
  if (buf.length === 0) return [buf];
  const points = [...new Set(cuts.map((c) => c % buf.length).filter((c) => c > 0))].sort((a, b) => a - b);
  const pieces: Buffer[] = [];
  let prev = 0;
  for (const p of points) {
    pieces.push(buf.subarray(prev, p));
    prev = p;
  }
  pieces.push(buf.subarray(prev));
  return pieces;
}
