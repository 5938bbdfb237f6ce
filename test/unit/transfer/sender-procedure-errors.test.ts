// The sender executes only what the rules say: an action in a phase where it means nothing, a
// situation no rule covers, and an action a SHALL NOT rule forbids are typed errors naming the
// rule or the situation, reported in the summary and the log, never a silent default. The
// handlers here are written by hand (not generated from the spec), so a CR cannot change them.

import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildFileAttributes, parseFileAttributes } from '../../../generated/sdp/sdp-attributes.ts';
import {
  actionExecutors, createUdpTransport, createUserAgent, FileTransferSender, MsrpEndpoint,
  type ActionExecutorTable, type Decision, type FileTransferProcedures, type ProcedureHandlers, type TransferLogEvent,
} from '../../../runtime/index.ts';
import { markHandles, startPair, writeTestFile, type Pair } from '../../e2e/transfer-harness.ts';

const shall = (rule: string, action: Decision['action'], args: string[] = []): Decision => ({ rule, modality: 'SHALL', action, args });
const shallNot = (rule: string, action: Decision['action'], args: string[] = []): Decision => ({ rule, modality: 'SHALL NOT', action, args });

/** A minimal complete procedure: 1-1 set-up, release after the last SEND, BYE. */
const complete: ProcedureHandlers = {
  'send-files-requested': () => [shall('t-setup', 'follow-clause', ['7.3.1']), shall('t-setup', 'apply-rfc5547'), shall('t-attrs', 'add-file-attributes')],
  'last-send-acknowledged': () => [shall('t-release', 'follow-clause', ['7.6.2'])],
  'transfer-complete': () => [shall('t-bye', 'send-bye')],
};

let pair: Pair | undefined;
beforeEach(markHandles);
afterEach(async () => {
  await pair?.close();
  pair = undefined;
});

async function send(handlers: ProcedureHandlers): Promise<{ summary: Awaited<ReturnType<FileTransferSender['send']>['done']>; methods: string[]; log: TransferLogEvent[] }> {
  pair = await startPair('udp');
  const transport = await createUdpTransport({ host: '127.0.0.1', port: 0 });
  const endpoint = await MsrpEndpoint.create({ host: '127.0.0.1', port: 0 });
  const methods: string[] = [];
  const ua = createUserAgent({
    transports: [transport],
    localUri: 'sip:alice@127.0.0.1',
    logger: (e) => { if (e.kind === 'message' && e.direction === 'sent' && e.method !== undefined) methods.push(e.method); },
  });
  const procedures: FileTransferProcedures = { handlers, fileAttributes: { build: buildFileAttributes, parse: parseFileAttributes } };
  const log: TransferLogEvent[] = [];
  const sender = new FileTransferSender({ ua, endpoint, procedures, waitTimeoutMs: 3000, reportGraceMs: 0, log: (e) => log.push(e) });
  try {
    const file = join(pair.outbox, 'p.bin');
    await writeTestFile(file, 2000);
    const summary = await sender.send({ kind: 'one-recipient', uri: pair.receiverUri }, [file]).done;
    return { summary, methods, log };
  } finally {
    await sender.close();
    ua.close();
    await endpoint.close();
    await transport.close();
  }
}

describe('the executor table', () => {
  it('has an executor for every action; a table missing one does not type-check', () => {
    const { 'send-bye': _dropped, ...rest } = actionExecutors;
    // @ts-expect-error 'send-bye' has no executor
    const missing: ActionExecutorTable = rest;
    // @ts-expect-error an executor must serve at least one phase
    const empty: ActionExecutorTable = { ...actionExecutors, 'send-bye': {} };
    expect(Object.keys(missing)).not.toContain('send-bye');
    expect(empty['send-bye']).toEqual({});
  });
});

describe('procedure errors', () => {
  it('a complete hand-written procedure sends the file and releases the session', async () => {
    const { summary, methods } = await send(complete);
    expect(summary.error).toBeUndefined();
    expect(summary.ok).toBe(true);
    expect(methods).toEqual(['INVITE', 'ACK', 'BYE']);
  });

  it('an action in a phase where it means nothing fails the transfer naming the rule, before any INVITE', async () => {
    const { summary, methods } = await send({ ...complete, 'send-files-requested': (ctx) => [...(complete['send-files-requested']?.(ctx) ?? []), shall('t-odd', 'send-bye')] });
    expect(summary.ok).toBe(false);
    expect(summary.error?.code).toBe('ERR_PROCEDURE_ACTION_OUT_OF_PHASE');
    expect(summary.error?.message).toContain('rule t-odd asks for send-bye during set-up');
    expect(summary.files.map((f) => f.failure?.message)).toEqual([expect.stringContaining('ERR_PROCEDURE_ACTION_OUT_OF_PHASE')]);
    expect(methods).toEqual([]);
  });

  it('a situation after the last SEND that no rule covers is an error naming it; the runtime does not pick a default', async () => {
    const { summary, methods, log } = await send({ ...complete, 'last-send-acknowledged': () => [] });
    expect(summary.ok).toBe(false);
    expect(summary.files.map((f) => f.ok)).toEqual([true]);
    expect(summary.error?.code).toBe('ERR_PROCEDURE_UNCOVERED');
    expect(summary.error?.message).toMatch(/after the last SEND \(last-send-acknowledged(, success-report-received)?; facts: .*one-recipient.*\): no rule released the session or continued it/);
    expect(log.some((e) => e.kind === 'rule' && e['event'] === 'procedure-error' && e['code'] === 'ERR_PROCEDURE_UNCOVERED')).toBe(true);
    // The error tears the session down; no rule decided it, and the log says so.
    expect(methods).toEqual(['INVITE', 'ACK', 'BYE']);
  });

  it('a SHALL NOT rule stops the action another rule asks for, and names itself', async () => {
    const { summary, methods, log } = await send({ ...complete, 'transfer-complete': () => [shall('t-bye', 'send-bye'), shallNot('t-no-bye', 'send-bye')] });
    expect(summary.ok).toBe(false);
    expect(summary.error).toMatchObject({ code: 'ERR_PROCEDURE_PROHIBITED', rule: 't-no-bye' });
    expect(summary.error?.message).toContain('rule t-no-bye (SHALL NOT) forbids send-bye at transfer-complete');
    expect(summary.decisions).toContainEqual({ rule: 't-no-bye', action: 'send-bye', args: [], prohibited: true });
    expect(log.some((e) => e.kind === 'rule' && e['event'] === 'procedure-error' && e['rule'] === 't-no-bye' && e['action'] === 'send-bye')).toBe(true);
    expect(methods).not.toContain('BYE');
  });

  it('a follow-clause to a clause the runtime does not implement is a typed error', async () => {
    const { summary, methods } = await send({ ...complete, 'send-files-requested': () => [shall('t-setup', 'follow-clause', ['9.9.9']), shall('t-attrs', 'add-file-attributes')] });
    expect(summary.error?.code).toBe('ERR_PROCEDURE_UNKNOWN_CLAUSE');
    expect(summary.error?.message).toContain('rule t-setup follows clause 9.9.9');
    expect(methods).toEqual([]);
  });
});
