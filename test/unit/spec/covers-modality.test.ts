// A rule whose modality is not the modal verb of its own `covers` quote: a `spec check` warning at
// the modality (the one a CR's modify wrote), with the quote in a note, and a mark on the trace page.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { StaticTrace } from '../../../generator/emit/emit-trace-json.ts';
import { compileSpec } from '../../../generator/compile-spec.ts';
import { buildTrace } from '../../../generator/trace/build-trace.ts';
import { formatTrace } from '../../../generator/trace/format-trace.ts';
import { ruleDetails } from '../../../generator/trace/rule-details.ts';

const read = (path: string) => ({ path, text: readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8') });
const base = ['spec/documents.rules', 'spec/cpm-conversation.rules', 'spec/file-transfer.rules', 'spec/rfc5547-answerer.rules', 'spec/sdp-attributes.rules', 'spec/cr/cpm-cr-ft-release.cr'].map(read);

describe('covers-modality-mismatch', () => {
  it('is silent on the spec as landed', () => {
    const result = compileSpec(base);
    expect(result.ir).not.toBeNull();
    expect(result.diagnostics.filter((d) => d.code === 'covers-modality-mismatch')).toEqual([]);
  });

  it('warns at the modality a modify changed while the quote still says MAY', () => {
    const example = read('spec/examples/cr-4a-shall.cr');
    const result = compileSpec([...base, example]);
    expect(result.ir).not.toBeNull();
    const warnings = result.diagnostics.filter((d) => d.code === 'covers-modality-mismatch');
    const line = example.text.split('\n').findIndex((l) => l.includes('modify 7.6.1-4.a SHALL'));
    expect(warnings).toEqual([
      {
        code: 'covers-modality-mismatch',
        severity: 'warning',
        message: "rule '7.6.1-4.a' is SHALL, but the CR sentence it covers says MAY: change the modality or the covers quote",
        location: { file: example.path, line: line + 1, column: example.text.split('\n')[line]!.indexOf('SHALL') + 1 },
        notes: [{ message: expect.stringMatching(/^the covers quote "MAY check/), location: expect.objectContaining({ file: 'spec/cr/cpm-cr-ft-release.cr' }) }],
      },
    ]);
  });

  it('is marked on the trace page (html, md and json)', () => {
    const trace: StaticTrace = {
      generatedBy: 'test',
      clauses: [{ id: '7.6.1', title: 'File transfer session initiation' }],
      rules: [
        { id: '7.6.1-4.a', clause: '7.6.1', step: '4.a', modality: 'SHALL', summary: 's', cr: null, code: [], tests: [], covers: [{ step: '4.a', quote: 'MAY check if there are other files' }] },
        { id: '7.6.1-4.b', clause: '7.6.1', step: '4.b', modality: 'SHALL', summary: 's', cr: null, code: [], tests: [], covers: [{ step: '4.b', quote: 'SHALL send re-INVITE' }] },
      ],
    };
    const report = buildTrace(trace, new Map(), [], ruleDetails(trace, null, new Map()));
    const html = formatTrace(report, 'html');
    expect(html.match(/class="badge fail covers-modality-mismatch"/g)).toHaveLength(1);
    expect(html).toContain('the sentence says MAY, the rule is SHALL');
    expect(formatTrace(report, 'md')).toContain('| 7.6.1-4.a | SHALL ⚠ covers-modality-mismatch: the sentence says MAY |');
    const json = JSON.parse(formatTrace(report, 'json')) as { rules: { covers: { quoteModality?: string }[] }[] };
    expect(json.rules.map((r) => r.covers[0]!.quoteModality)).toEqual(['MAY', undefined]);
  });
});
