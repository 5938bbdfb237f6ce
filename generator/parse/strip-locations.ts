// Drops every `location` and block `end` key from an AST value: two ASTs are the same spec when
// they are equal after this (round-trip tests, `spec diff`, `spec fmt`'s safety check).
export function stripLocations<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v: unknown) => stripLocations(v)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) if (key !== 'location' && key !== 'end') out[key] = stripLocations(v);
    return out as T;
  }
  return value;
}
