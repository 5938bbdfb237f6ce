// Compares two V8 heap snapshots (.heapsnapshot, e.g. the soak's mid.heapsnapshot and
// end.heapsnapshot from `cpm-ft bench --soak --soak-heap-snapshots DIR`): objects counted and
// self sizes summed by constructor (or by V8's node type for strings, arrays, code...), and the
// groups that grew the most between the two. A leak shows as a group that keeps growing in count;
// a flat live heap under a growing RSS points at the allocator or V8 keeping freed pages instead.
//   node --import tsx bench/heap-snapshot-diff.ts BEFORE.heapsnapshot AFTER.heapsnapshot [TOP]
import { readFile } from 'node:fs/promises';

export interface HeapGroup {
  readonly count: number;
  readonly selfBytes: number;
}

interface SnapshotJson {
  readonly snapshot: { readonly meta: { readonly node_fields: readonly string[]; readonly node_types: readonly [readonly string[], ...unknown[]] } };
  readonly nodes: readonly number[];
  readonly strings: readonly string[];
}

/** Objects grouped by constructor name ('object' nodes) or by `(type)` for every other node type. */
export function groupHeapSnapshot(json: SnapshotJson): Map<string, HeapGroup> {
  const fields = json.snapshot.meta.node_fields;
  const typeNames = json.snapshot.meta.node_types[0];
  const width = fields.length;
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f)) as [number, number, number];
  const groups = new Map<string, { count: number; selfBytes: number }>();
  for (let i = 0; i < json.nodes.length; i += width) {
    const type = typeNames[json.nodes[i + typeAt] as number] ?? 'unknown';
    const name = json.strings[json.nodes[i + nameAt] as number] ?? '?';
    // Native nodes are named by what they hold (an ArrayBuffer's backing store, a system object): kept apart.
    const key = type === 'object' ? name : type === 'closure' || type === 'native' ? `${name} (${type})` : `(${type})`;
    const group = groups.get(key) ?? { count: 0, selfBytes: 0 };
    group.count += 1;
    group.selfBytes += json.nodes[i + sizeAt] as number;
    groups.set(key, group);
  }
  return groups;
}

export interface HeapGroupChange {
  readonly name: string;
  readonly before: HeapGroup;
  readonly after: HeapGroup;
}

/** Every group of either snapshot, largest growth in self size first. */
export function diffHeapGroups(before: Map<string, HeapGroup>, after: Map<string, HeapGroup>): HeapGroupChange[] {
  const none: HeapGroup = { count: 0, selfBytes: 0 };
  const names = new Set([...before.keys(), ...after.keys()]);
  return [...names].map((name) => ({ name, before: before.get(name) ?? none, after: after.get(name) ?? none }))
    .sort((a, b) => (b.after.selfBytes - b.before.selfBytes) - (a.after.selfBytes - a.before.selfBytes));
}

const total = (groups: Map<string, HeapGroup>): HeapGroup => [...groups.values()].reduce((t, g) => ({ count: t.count + g.count, selfBytes: t.selfBytes + g.selfBytes }), { count: 0, selfBytes: 0 });

if (import.meta.url === `file://${process.argv[1]}`) {
  const [beforePath, afterPath, topText = '25'] = process.argv.slice(2);
  if (beforePath === undefined || afterPath === undefined) {
    process.stderr.write('usage: heap-snapshot-diff BEFORE.heapsnapshot AFTER.heapsnapshot [TOP]\n');
    process.exit(2);
  }
  const load = async (path: string): Promise<Map<string, HeapGroup>> => groupHeapSnapshot(JSON.parse(await readFile(path, 'utf8')) as SnapshotJson);
  const before = await load(beforePath);
  const after = await load(afterPath);
  const kib = (b: number): string => (b / 1024).toFixed(1);
  const row = (name: string, b: HeapGroup, a: HeapGroup): string =>
    `${name.slice(0, 48).padEnd(48)} ${String(b.count).padStart(8)} ${String(a.count).padStart(8)} ${String(a.count - b.count).padStart(8)} ${kib(b.selfBytes).padStart(10)} ${kib(a.selfBytes).padStart(10)} ${kib(a.selfBytes - b.selfBytes).padStart(10)}`;
  const changes = diffHeapGroups(before, after);
  const top = Number(topText);
  process.stdout.write(`${'group'.padEnd(48)} ${'count'.padStart(8)} ${'count'.padStart(8)} ${'Δ'.padStart(8)} ${'KiB'.padStart(10)} ${'KiB'.padStart(10)} ${'Δ KiB'.padStart(10)}\n`);
  process.stdout.write(`${row('total', total(before), total(after))}\n`);
  for (const c of [...changes.slice(0, top), ...changes.slice(-Math.min(top, 10)).filter((c) => !changes.slice(0, top).includes(c))]) process.stdout.write(`${row(c.name, c.before, c.after)}\n`);
}
