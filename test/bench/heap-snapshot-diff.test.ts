// The heap snapshot comparison the soak's memory figures are explained with: nodes grouped by
// constructor (objects), by name (native memory such as ArrayBuffer backing stores) or by V8 type.
import { describe, expect, it } from 'vitest';
import { diffHeapGroups, groupHeapSnapshot } from '../../bench/heap-snapshot-diff.ts';

// The layout V8 writes: node_fields per node, types as indices into node_types[0], names into strings.
const fields = ['type', 'name', 'id', 'self_size', 'edge_count', 'trace_node_id', 'detachedness'];
const types = ['hidden', 'array', 'string', 'object', 'code', 'closure', 'regexp', 'number', 'native'];
const strings = ['', 'Session', 'system / JSArrayBufferData', 'onData', 'hello'];
const node = (type: string, name: number, size: number): number[] => [types.indexOf(type), name, 1, size, 0, 0, 0];
const snapshot = (nodes: number[][]) => ({ snapshot: { meta: { node_fields: fields, node_types: [types] as [string[]] } }, nodes: nodes.flat(), strings });

describe('heap snapshot groups', () => {
  it('counts and sizes objects by constructor, native memory by name, the rest by type', () => {
    const groups = groupHeapSnapshot(snapshot([node('object', 1, 40), node('object', 1, 40), node('native', 2, 1 << 20), node('closure', 3, 32), node('string', 4, 24)]));
    expect(groups.get('Session')).toEqual({ count: 2, selfBytes: 80 });
    expect(groups.get('system / JSArrayBufferData (native)')).toEqual({ count: 1, selfBytes: 1 << 20 });
    expect(groups.get('onData (closure)')).toEqual({ count: 1, selfBytes: 32 });
    expect(groups.get('(string)')).toEqual({ count: 1, selfBytes: 24 });
  });

  it('orders the groups by growth, groups of only one snapshot included', () => {
    const before = groupHeapSnapshot(snapshot([node('object', 1, 40), node('string', 4, 24)]));
    const after = groupHeapSnapshot(snapshot([node('object', 1, 40), node('object', 1, 40), node('native', 2, 4096)]));
    expect(diffHeapGroups(before, after).map((c) => [c.name, c.after.count - c.before.count, c.after.selfBytes - c.before.selfBytes])).toEqual([
      ['system / JSArrayBufferData (native)', 1, 4096], ['Session', 1, 40], ['(string)', -1, -24],
    ]);
  });
});
