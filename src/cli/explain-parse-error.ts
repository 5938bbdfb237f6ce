// node:util parseArgs errors in a user's words: an unknown option names the command's valid options
// (and the closest one, for a typo), a missing value says which option needs one. Other messages keep
// their first line (node's can run to three, with advice about positionals that rarely applies).

type OptionTable = Readonly<Record<string, { readonly type: string; readonly short?: string }>>;

/** Edit distance counting a swap of two neighbours as one edit (typos like --dri for --dir). */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number): number => d[i]?.[j] ?? Number.MAX_SAFE_INTEGER;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      (d[i] as number[])[j] = best;
    }
  }
  return at(a.length, b.length);
}

export function explainParseError(error: unknown, options: OptionTable): string {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  const names = Object.keys(options).sort();
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const given = /'(-{1,2}[^']*)'/.exec(message)?.[1] ?? '';
    const bare = given.replace(/^-+/, '').split('=')[0] ?? '';
    const closest = names
      .map((name) => ({ name, d: distance(bare, name) }))
      .filter(({ d, name }) => d <= Math.max(1, Math.floor(name.length / 3)))
      // Closest first; on a tie, the one that starts like what was typed.
      .sort((x, y) => x.d - y.d || Number(y.name[0] === bare[0]) - Number(x.name[0] === bare[0]))[0];
    const hint = closest === undefined ? '' : ` (did you mean --${closest.name}?)`;
    return `unknown option ${given}${hint}; valid options: ${names.map((n) => `--${n}`).join(', ')}`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const option = /'(--[a-z0-9-]+)/i.exec(message)?.[1];
    if (option !== undefined && /argument missing/.test(message)) return `${option} needs a value`;
    if (option !== undefined && /does not take an argument/.test(message)) return `${option} takes no value`;
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const given = /'([^']*)'/.exec(message)?.[1];
    if (given !== undefined) return `unexpected argument '${given}': this command takes options only (${names.map((n) => `--${n}`).join(', ')})`;
  }
  return message.split('\n')[0] ?? 'bad arguments';
}
