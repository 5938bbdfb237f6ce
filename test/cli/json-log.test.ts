import { describe, expect, it } from 'vitest';
import { createJsonLog, formatJsonLogLine } from '../../src/cli/json-log.ts';
import { MemoryStream } from './helpers/memory-io.ts';

describe('JSON log', () => {
  it('writes one valid JSON object per line, whatever the values hold', () => {
    const out = new MemoryStream();
    const log = createJsonLog(out, () => new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678)));
    log({ kind: 'sip', direction: 'sent', method: 'INVITE', cseq: 1, reason: 'line one\nline two\r\n' });
    log({ kind: 'msrp', direction: 'received', status: 413, body: Buffer.from('abc'), bytes: new Uint8Array(7), total: 10n });
    log({ kind: 'rule', rule: '7.6.1-4.a', error: Object.assign(new Error('boom'), { code: 'ERR_X' }) });
    const lines = out.text.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(3);
    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    // Every line carries when it was logged, first, as an ISO 8601 UTC timestamp.
    for (const line of lines) expect(line.startsWith('{"time":"2026-01-02T03:04:05.678Z",')).toBe(true);
    for (const event of parsed) delete event['time'];
    expect(parsed[0]).toEqual({ kind: 'sip', direction: 'sent', method: 'INVITE', cseq: 1, reason: 'line one\nline two\r\n' });
    expect(parsed[1]).toEqual({ kind: 'msrp', direction: 'received', status: 413, body: { bytes: 3 }, bytes: { bytes: 7 }, total: '10' });
    expect(parsed[2]).toEqual({ kind: 'rule', rule: '7.6.1-4.a', error: { name: 'Error', message: 'boom', code: 'ERR_X' } });
  });

  it('stamps lines with the real clock by default', () => {
    const out = new MemoryStream();
    const before = Date.now();
    createJsonLog(out)({ kind: 'file', event: 'complete' });
    const time = (JSON.parse(out.text) as { time: string }).time;
    expect(time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(Date.parse(time)).toBeGreaterThanOrEqual(before - 1);
    expect(Date.parse(time)).toBeLessThanOrEqual(Date.now());
  });

  it('survives circular values', () => {
    const event: Record<string, unknown> = { kind: 'file' };
    event['self'] = event;
    expect(JSON.parse(formatJsonLogLine(event as { kind: 'file' }))).toEqual({ kind: 'file', self: '[circular]' });
  });
});
