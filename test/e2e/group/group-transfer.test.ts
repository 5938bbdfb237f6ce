// End-to-end group file transfer on loopback: a focus, three receiving clients (one declining
// every offer) and a sending client; an ad-hoc list via the conference factory (CPM 7.4.1.1) and
// a pre-defined group (CPM 7.4.1.2). Every accepting member must end up with identical bytes.

import { join } from 'node:path';
import { rm } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClient } from '../../../src/client.ts';
import { seedProcedures } from '../../helpers/seed-spec.ts';
import type { CpmClient, MemberStatusEvent, TransferSummary } from '../../../src/client-types.ts';
import { createFocus } from '../../../src/focus/create-focus.ts';
import type { Focus, FocusEvent } from '../../../src/focus/focus-types.ts';
import { listDir, sha1Of, tempDir, writeTestFile } from '../transfer-harness.ts';
import { assertNoLeakedHandles, snapshotHandles, type HandleSnapshot } from '../../helpers/active-handles.ts';

interface Member {
  readonly name: string;
  readonly client: CpmClient;
  readonly dir: string;
  readonly uri: string;
  readonly ends: Promise<void>;
}

async function startMember(name: string, accept: boolean): Promise<Member> {
  const dir = await tempDir(`group-${name}`);
  const client = await createClient({ localUri: `sip:${name}@127.0.0.1`, sip: { host: '127.0.0.1', port: 0, transport: 'udp' } });
  client.receive({ dir, accept: () => accept });
  const ends = new Promise<void>((resolve) => client.on('session-end', () => resolve()));
  return { name, client, dir, uri: `sip:${name}@127.0.0.1:${client.sipAddress.port}`, ends };
}

describe('group file transfer through the focus', () => {
  let focus: Focus | undefined;
  let members: Member[] = [];
  let sender: CpmClient | undefined;
  let outbox = '';
  let events: FocusEvent[] = [];
  let baseline: HandleSnapshot;

  beforeEach(async () => {
    baseline = await snapshotHandles();
    events = [];
    members = [await startMember('bob', true), await startMember('carol', true), await startMember('dave', false)];
    focus = await createFocus({
      sip: { host: '127.0.0.1', port: 0, transport: 'udp' },
      groups: { 'sip:team@127.0.0.1': [...members.map((m) => m.uri), 'sip:alice@127.0.0.1'] },
      factoryUri: 'sip:conf-factory@127.0.0.1',
      maxMembers: 10,
      // Small per-leg buffer so the multi-megabyte file exercises backpressure.
      relayHighWaterMark: 64 * 1024,
      legAnswerTimeoutMs: 10_000,
      onEvent: (e) => events.push(e),
    });
    // Its assertions count the member legs of one session per send (the seed's step 4: a re-INVITE
    // for a queued batch), so the sender runs the frozen seed's procedures.
    sender = await createClient({ localUri: 'sip:alice@127.0.0.1', sip: { host: '127.0.0.1', port: 0, transport: 'udp' }, successReport: true, chunkSize: 16 * 1024, procedures: await seedProcedures() });
    outbox = await tempDir('group-outbox');
  });

  afterEach(async () => {
    await sender?.close();
    await focus?.close();
    for (const m of members) {
      await m.client.close();
      await rm(m.dir, { recursive: true, force: true });
    }
    await rm(outbox, { recursive: true, force: true });
    // Other engineers run tests concurrently: nothing of ours may stay open.
    await assertNoLeakedHandles(baseline, 2000);
  });

  async function expectDelivered(files: readonly string[], summary: TransferSummary): Promise<void> {
    expect(summary.ok, JSON.stringify(summary.files.map((f) => f.failure))).toBe(true);
    expect(summary.files.map((f) => f.ok)).toEqual(files.map(() => true));
    await Promise.all(members.filter((m) => m.name !== 'dave').map((m) => m.ends));
    for (const m of members) {
      const names = await listDir(m.dir);
      if (m.name === 'dave') {
        expect(names).toEqual([]);
        continue;
      }
      expect(names).toEqual(files.map((f) => f.split('/').pop()).sort());
      for (const f of files) expect(await sha1Of(join(m.dir, f.split('/').pop() ?? ''))).toBe(await sha1Of(f));
    }
    const completed = events.filter((e): e is Extract<FocusEvent, { type: 'file-completed' }> => e.type === 'file-completed');
    expect(completed).toHaveLength(files.length);
    for (const c of completed) {
      expect([...c.delivered].sort()).toEqual(members.filter((m) => m.name !== 'dave').map((m) => m.uri).sort());
      expect(c.failed).toEqual([]);
    }
    const legs = events.filter((e): e is Extract<FocusEvent, { type: 'leg-answered' }> => e.type === 'leg-answered');
    expect(legs.find((l) => l.member.includes('dave'))?.status).toBe(603);
    expect(legs.filter((l) => l.status === 200)).toHaveLength(2);
  }

  /** The sender's view, from the focus's conference notifications (RFC 4575). */
  function expectMemberReports(files: readonly string[], summary: TransferSummary, statuses: readonly MemberStatusEvent[]): void {
    const names = files.map((f) => f.split('/').pop());
    const byMember = new Map((summary.members ?? []).map((m) => [m.member, m]));
    expect([...byMember.keys()].sort()).toEqual(members.map((m) => m.uri).sort());
    for (const m of members) {
      const outcome = byMember.get(m.uri);
      if (m.name === 'dave') {
        expect(outcome).toMatchObject({ status: 'declined', sipStatus: 603, reason: 'Decline' });
        expect(outcome?.files.every((f) => !f.delivered)).toBe(true);
      } else {
        expect(outcome?.status, JSON.stringify(summary.members)).toBe('received');
        expect(outcome?.files.map((f) => [f.name, f.delivered])).toEqual(names.map((n) => [n, true]));
      }
    }
    expect(statuses.find((s) => s.member.includes('dave'))).toMatchObject({ status: 'declined', sipStatus: 603 });
    for (const m of members.filter((x) => x.name !== 'dave')) {
      const mine = statuses.filter((s) => s.member === m.uri);
      // The focus answers the sender once one member has accepted, so a member still being invited
      // may first be reported in an RFC 4575 state before connection; then it connects.
      const connectedAt = mine.findIndex((s) => s.status === 'connected');
      expect(connectedAt, JSON.stringify(mine)).toBeGreaterThanOrEqual(0);
      expect(mine.slice(0, connectedAt).map((s) => s.status).filter((s) => !['pending', 'dialing-out', 'alerting'].includes(s))).toEqual([]);
      expect(mine.at(-1)).toMatchObject({ status: 'connected', filesDelivered: files.length, filesFailed: 0 });
    }
  }

  it('relays an ad-hoc send to three recipients via the conference factory', async () => {
    const small = join(outbox, 'notes.txt');
    const big = join(outbox, 'video.bin');
    await writeTestFile(small, 40_000);
    await writeTestFile(big, 3 * 1024 * 1024 + 17);
    const factory = `sip:conf-factory@127.0.0.1:${focus!.sipAddress.port}`;
    const transfer = sender!.send({ kind: 'recipient-list', uris: members.map((m) => m.uri), factory }, [small, big]);
    const statuses: MemberStatusEvent[] = [];
    transfer.on('member-status', (e) => statuses.push(e));
    const summary = await transfer.done;
    await expectDelivered([small, big], summary);
    expectMemberReports([small, big], summary, statuses);
    const started = events.find((e) => e.type === 'session-started');
    expect(started).toMatchObject({ kind: 'ad-hoc', members: members.map((m) => m.uri) });
    await waitFor(() => events.some((e) => e.type === 'session-ended'));
    expect(focus!.activeSessions).toBe(0);
  }, 60_000);

  it('answers 603 when every member declines, and the sender reports the failure', async () => {
    const file = join(outbox, 'unwanted.txt');
    await writeTestFile(file, 1000);
    const transfer = sender!.send({ kind: 'recipient-list', uris: [members[2]!.uri], factory: `sip:conf-factory@127.0.0.1:${focus!.sipAddress.port}` }, [file]);
    const summary = await transfer.done;
    expect(summary.ok).toBe(false);
    expect(summary.files[0]?.failure?.status).toBe(603);
    expect(events.find((e) => e.type === 'session-answered')).toMatchObject({ status: 603, acceptedMedia: [] });
    await waitFor(() => events.some((e) => e.type === 'session-ended'));
    expect(await listDir(members[2]!.dir)).toEqual([]);
  }, 30_000);

  it('relays a pre-defined group send, leaving the originator out of the fan-out', async () => {
    const file = join(outbox, 'report.pdf');
    await writeTestFile(file, 700_001);
    const transfer = sender!.send({ kind: 'predefined-group', uri: `sip:team@127.0.0.1:${focus!.sipAddress.port}` }, [file]);
    const statuses: MemberStatusEvent[] = [];
    transfer.on('member-status', (e) => statuses.push(e));
    const summary = await transfer.done;
    await expectDelivered([file], summary);
    expectMemberReports([file], summary, statuses);
    expect(events.find((e) => e.type === 'session-started')).toMatchObject({ kind: 'predefined-group', members: members.map((m) => m.uri) });
  }, 60_000);
});

async function waitFor(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
