// Finds a rule id in text as a whole id: '7.6.1-4.b' must not match inside '7.6.1-4.b.i' or
// '17.6.1-4.b', but may end a sentence ('see 7.6.1-4.b.').

function escape(id: string): string {
  return id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function ruleIdPattern(id: string): RegExp {
  return new RegExp(`(?<![\\w.-])${escape(id)}(?![\\w-]|\\.[\\w])`);
}

/** Only the provenance tag `@rule <id>`: how generated code marks the place that implements a rule. */
export function ruleTagPattern(id: string): RegExp {
  return new RegExp(`@rule\\s+${escape(id)}(?![\\w-]|\\.[\\w])`);
}

/**
 * 1-based line numbers of `text` that carry `id`. Generated files mention ids in many strings, so
 * for them only `@rule` tags count; hand-written code and tests may cite the id any way they like.
 */
export function linesCarrying(text: string, id: string, mode: 'tag' | 'any' = 'any'): number[] {
  const pattern = mode === 'tag' ? ruleTagPattern(id) : ruleIdPattern(id);
  const lines: number[] = [];
  text.split('\n').forEach((line, index) => {
    if (pattern.test(line)) lines.push(index + 1);
  });
  return lines;
}
