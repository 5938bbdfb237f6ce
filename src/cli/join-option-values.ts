// node's parseArgs refuses `--max-size -5` ("argument is ambiguous"): a value starting with a dash
// could be a forgotten argument. For options that take a value, a following token that looks like
// a negative number is that option's value, so it is joined (`--max-size=-5`) and the option's own
// parser says what it expects instead.

/** `args` with `--opt -N...` rewritten to `--opt=-N...` for the given value-taking option names. */
export function joinNegativeValues(args: readonly string[], valueOptions: Iterable<string>): string[] {
  const names = new Set([...valueOptions].map((name) => `--${name}`));
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') { out.push(...args.slice(i)); break; }
    const next = args[i + 1];
    if (names.has(arg) && next !== undefined && /^-\d/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

/** The names of the string-valued options of a parseArgs option table. */
export function valueOptionNames(options: Readonly<Record<string, { readonly type: string }>>): string[] {
  return Object.entries(options).filter(([, spec]) => spec.type === 'string').map(([name]) => name);
}
