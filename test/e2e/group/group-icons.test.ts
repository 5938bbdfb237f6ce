// RFC 5547 §6 file icons in group sessions, end to end through the focus: the ad-hoc group INVITE
// carries SDP, the RFC 4826 recipient list and the icon part in one multipart/mixed body; the focus
// checks the icon and relays it to every member with the file (same Content-ID, a=file-icon kept);
// a later batch's icon comes with the re-INVITE. (Hostile icons at the focus: test/unit/group/relayed-icons.test.ts.)
import { writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../../../src/client.ts';
import type { CpmClient, IncomingTransferEvents, LogEvent } from '../../../src/client-types.ts';
import { createFocus } from '../../../src/focus/create-focus.ts';
import type { Focus, FocusEvent } from '../../../src/focus/focus-types.ts';
import { parseMultipart } from '../../../runtime/index.ts';
import { seedProcedures } from '../../helpers/seed-spec.ts';
import { sha1Of, tempDir, writeTestFile } from '../transfer-harness.ts';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
// A GIF89a header, so the icon the focus gets is an image of another type than it is declared.
const GIF = Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64');

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c(); });

interface Member { readonly name: string; readonly client: CpmClient; readonly dir: string; readonly uri: string; readonly icons: Array<IncomingTransferEvents['icon']>; readonly logs: LogEvent[]; readonly ended: Promise<void> }

async function member(name: string): Promise<Member> {
  const dir = await tempDir(`group-icon-${name}`);
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const logs: LogEvent[] = [];
  const client = await createClient({ localUri: `sip:${name}@127.0.0.1`, sip: { host: '127.0.0.1', port: 0, transport: 'tcp' }, log: (e) => logs.push(e) });
  cleanups.push(() => client.close());
  const icons: Array<IncomingTransferEvents['icon']> = [];
  client.on('icon', (i) => icons.push(i));
  client.receive({ dir });
  const ended = new Promise<void>((resolve) => client.on('session-end', () => resolve()));
  return { name, client, dir, uri: `sip:${name}@127.0.0.1:${client.sipAddress.port};transport=tcp`, icons, logs, ended };
}

async function world(): Promise<{ focus: Focus; events: FocusEvent[]; members: Member[]; sender: CpmClient; senderLogs: LogEvent[]; outbox: string }> {
  const members = [await member('bob'), await member('carol')];
  const events: FocusEvent[] = [];
  const focus = await createFocus({
    sip: { host: '127.0.0.1', port: 0, transport: 'tcp' }, groups: {}, factoryUri: 'sip:conf-factory@127.0.0.1', maxMembers: 10, legAnswerTimeoutMs: 10_000,
    onEvent: (e) => events.push(e),
  });
  cleanups.push(() => focus.close());
  const senderLogs: LogEvent[] = [];
  // The seed's step 4 brings a queued batch by a re-INVITE in the same session.
  const sender = await createClient({ localUri: 'sip:alice@127.0.0.1', sip: { host: '127.0.0.1', port: 0, transport: 'tcp' }, procedures: await seedProcedures(), log: (e) => senderLogs.push(e), autoIcons: false });
  cleanups.push(() => sender.close());
  const outbox = await tempDir('group-icon-out');
  cleanups.push(() => rm(outbox, { recursive: true, force: true }));
  return { focus, events, members, sender, senderLogs, outbox };
}

const adHoc = (focus: Focus, members: readonly Member[]) =>
  ({ kind: 'recipient-list' as const, factory: `sip:conf-factory@127.0.0.1:${focus.sipAddress.port};transport=tcp`, uris: members.map((m) => m.uri) });

describe('file icons in an ad-hoc group session through the focus', () => {
  it('the INVITE holds SDP + resource list + icon; each member gets the icon and the file; a later batch\'s icon rides the re-INVITE', async () => {
    const w = await world();
    await writeTestFile(join(w.outbox, 'slides.pdf'), 150_000);
    await writeTestFile(join(w.outbox, 'later.bin'), 20_000);
    await writeFile(join(w.outbox, 'thumb.png'), PNG);
    const transfer = w.sender.send(adHoc(w.focus, w.members), [{ path: join(w.outbox, 'slides.pdf'), icon: join(w.outbox, 'thumb.png') }]);
    transfer.queue([{ path: join(w.outbox, 'later.bin'), icon: { type: 'image/gif', bytes: GIF } }]);
    const summary = await transfer.done;
    expect(summary.ok, JSON.stringify(summary.files.map((f) => f.failure))).toBe(true);
    await Promise.all(w.members.map((m) => m.ended));

    const invite = w.senderLogs.find((e) => e.kind === 'sip' && e.direction === 'sent' && e['method'] === 'INVITE' && e['status'] === undefined);
    const contentType = String(invite?.['contentType']);
    const parts = parseMultipart(Buffer.from(String(invite?.['body']), 'utf8'), contentType);
    expect(parts.ok && parts.value.map((p) => [p.headers.get('Content-Type'), p.headers.get('Content-Disposition') ?? ''])).toEqual([
      ['application/sdp', ''], ['application/resource-lists+xml', 'recipient-list'], ['image/png', 'icon'],
    ]);
    for (const m of w.members) {
      expect(await sha1Of(join(m.dir, 'slides.pdf')), m.name).toBe(await sha1Of(join(w.outbox, 'slides.pdf')));
      expect(await sha1Of(join(m.dir, 'later.bin')), m.name).toBe(await sha1Of(join(w.outbox, 'later.bin')));
      expect(m.icons.map((i) => [i.name, i.type, i.bytes.toString('base64')]), m.name).toEqual([
        ['slides.pdf', 'image/png', PNG.toString('base64')], ['later.bin', 'image/gif', GIF.toString('base64')],
      ]);
      // The member's INVITE from the focus is multipart too, with the sender's Content-ID.
      const legInvite = m.logs.find((e) => e.kind === 'sip' && e.direction === 'received' && e['method'] === 'INVITE' && e['status'] === undefined);
      expect(String(legInvite?.['contentType'])).toMatch(/^multipart\/mixed/);
    }
    expect(w.events.filter((e) => e.type === 'icon-relayed').map((e) => e.type === 'icon-relayed' && [e.media, e.iconType])).toEqual([[0, 'image/png'], [0, 'image/gif']]);
  });
});
