// Every wire expectation passes on a correct record made by a hand-played sender, and fails (with a
// message saying why) on a record that is wrong in exactly the way the action forbids. A check that
// could not fail would make its generated wire tests worthless.
import { beforeAll, describe, expect, it } from 'vitest';
import type { ProcedureAction, ProcedureGuard } from '../../../runtime/procedure/vocabulary.ts';
import { expectAction, expectNoAction } from '../../../runtime/testing/conformance/expect-action.ts';
import type { ScenarioOutcome } from '../../../runtime/testing/conformance/scenario-outcome.ts';
import { createScriptedPeer, type ScriptedPeer, type ScriptedPeerScript } from '../../../runtime/testing/conformance/scripted-peer.ts';
import { WireRecord, type SipWireEntry, type WireEntry, type WireMline } from '../../../runtime/testing/conformance/wire-record.ts';
import { HandSender, fileMline, offer } from './hand-driven-sender.ts';

const recipients = ['sip:carol@example.com', 'sip:dave@example.com'];

async function session(script: ScriptedPeerScript, drive: (s: HandSender, p: ScriptedPeer) => Promise<void>, rest: Partial<ScenarioOutcome> & { facts: ProcedureGuard[] }): Promise<ScenarioOutcome> {
  const peer = await createScriptedPeer({ script });
  const sender = await HandSender.create(peer);
  try {
    await drive(sender, peer);
  } finally {
    await sender.close();
    await peer.close();
  }
  return {
    record: peer.record,
    batch: [],
    queued: [],
    peer: { ...peer.uris, recipients },
    injectedFailure: undefined,
    failures: [],
    decisions: [],
    raised: [],
    error: undefined,
    ...rest,
  };
}

/** A copy of the outcome whose record went through `change` (entries renumbered in the new order). */
function rewrite(o: ScenarioOutcome, change: (entries: WireEntry[]) => WireEntry[]): ScenarioOutcome {
  const record = new WireRecord();
  for (const entry of change([...o.record.entries])) {
    const { seq: _seq, ...rest } = entry;
    record.add(rest as Parameters<WireRecord['add']>[0]);
  }
  return { ...o, record };
}

const isInitialInvite = (e: WireEntry): e is SipWireEntry => e.protocol === 'sip' && e.from === 'sender' && e.kind === 'request' && e.method === 'INVITE' && !e.inDialog;
const isReinvite = (e: WireEntry): e is SipWireEntry => e.protocol === 'sip' && e.from === 'sender' && e.kind === 'request' && e.method === 'INVITE' && e.inDialog;
const isBye = (e: WireEntry): boolean => e.protocol === 'sip' && e.from === 'sender' && e.kind === 'request' && e.method === 'BYE';

function editSip(o: ScenarioOutcome, test: (e: WireEntry) => e is SipWireEntry, edit: (e: SipWireEntry) => SipWireEntry): ScenarioOutcome {
  return rewrite(o, (entries) => entries.map((e) => (test(e) ? edit(e) : e)));
}

function editMline(o: ScenarioOutcome, test: (e: WireEntry) => e is SipWireEntry, index: number, edit: (m: WireMline) => WireMline | undefined): ScenarioOutcome {
  return editSip(o, test, (e) => ({
    ...e,
    sdp: { mlines: (e.sdp?.mlines ?? []).flatMap((m) => (m.index === index ? [edit(m)].filter((x): x is WireMline => x !== undefined) : [m])) },
  }));
}

let full: ScenarioOutcome;
let factory: ScenarioOutcome;
let group: ScenarioOutcome;
let failed: ScenarioOutcome;
let unechoed: ScenarioOutcome;
let unechoedSent: ScenarioOutcome;

beforeAll(async () => {
  // 1-1, two files with success reports, then a re-INVITE reusing m-line 0 for a queued file and
  // closing m-line 1, then BYE: every action of clause 7.6.1 step 1-4.b and 7.6.2 happens.
  full = await session({}, async (s, p) => {
    await s.invite(p.uris.recipient, offer([fileMline({ name: 'a.txt', size: 10 }, 'tid-a', 0), fileMline({ name: 'b.txt', size: 20 }, 'tid-b', 1)]));
    await s.sendFile(0, 10, { successReport: true });
    await s.sendFile(1, 20, { successReport: true });
    await s.reinvite(offer([fileMline({ name: 'c.txt', size: 30 }, 'tid-c', 0), fileMline({ name: 'b.txt', size: 20 }, 'tid-b', 1, 0)], 2));
    await s.sendFile(0, 30, { successReport: true });
    await s.bye();
  }, {
    facts: ['one-recipient', 'one-to-one-session', 'more-than-one-file', 'success-report-requested', 'pending-files-same-destination', 'wants-mline-reuse', 'unused-mlines'],
    batch: [{ name: 'a.txt', size: 10 }, { name: 'b.txt', size: 20 }],
    queued: [{ name: 'c.txt', size: 30 }],
  });
  const one = offer([fileMline({ name: 'a.txt', size: 10 }, 'tid-a', 0)]);
  const single = { batch: [{ name: 'a.txt', size: 10 }] };
  factory = await session({}, async (s, p) => {
    await s.invite(p.uris.factory, one, recipients);
    await s.sendFile(0, 10);
    await s.bye();
  }, { facts: ['recipient-list'], ...single });
  group = await session({}, async (s, p) => {
    await s.invite(p.uris.group, one);
    await s.sendFile(0, 10);
    await s.bye();
  }, { facts: ['predefined-group'], ...single });
  // RFC 5547's answer rules are only put to the test by a peer that leaves a file-selector out: a.txt's
  // answer lacks it, so a.txt must not be sent while b.txt is.
  const two = offer([fileMline({ name: 'a.txt', size: 10 }, 'tid-a', 0), fileMline({ name: 'b.txt', size: 20 }, 'tid-b', 1)]);
  const pair = { facts: ['one-recipient', 'one-to-one-session', 'more-than-one-file'] as ProcedureGuard[], batch: [{ name: 'a.txt', size: 10 }, { name: 'b.txt', size: 20 }] };
  unechoed = await session({ omitSelectorEcho: ['a.txt'] }, async (s, p) => {
    await s.invite(p.uris.recipient, two);
    await s.sendFile(1, 20);
    await s.bye();
  }, pair);
  unechoedSent = await session({ omitSelectorEcho: ['a.txt'] }, async (s, p) => {
    await s.invite(p.uris.recipient, two);
    await s.sendFile(0, 10);
    await s.sendFile(1, 20);
    await s.bye();
  }, pair);
  failed = await session({ files: { 'a.txt': { sendStatus: 413 } } }, async (s, p) => {
    await s.invite(p.uris.recipient, one);
    await s.sendFile(0, 10);
    await s.bye();
  }, { facts: ['one-recipient'], ...single, injectedFailure: { file: 'a.txt', status: 413, via: 'response' }, failures: [{ name: 'a.txt', status: 413, source: 'msrp-response' }] });
});

describe('expectations hold on correct records', () => {
  const onFull: [ProcedureAction, string[]][] = [
    ['follow-clause', ['7.3.1']], ['add-file-attributes', []], ['one-mline-per-file', []], ['check-pending-files', []],
    ['send-reinvite', []], ['reuse-mline', []], ['close-unused-mline', []], ['send-bye', []], ['follow-clause', ['7.6.2']],
  ];
  for (const [action, args] of onFull) {
    it(`${action} ${args.join(' ')} on a 1-1 session with a re-INVITE batch`, () => {
      expect(expectAction(full, action, args)).toEqual([]);
    });
  }
  it('follow-clause 7.4.1.1 on a list INVITE to the factory', () => expect(expectAction(factory, 'follow-clause', ['7.4.1.1'])).toEqual([]));
  it('follow-clause 7.4.1.2 on an INVITE to the group URI', () => expect(expectAction(group, 'follow-clause', ['7.4.1.2'])).toEqual([]));
  it('indicate-transfer-failed when the sender reported the 413', () => expect(expectAction(failed, 'indicate-transfer-failed')).toEqual([]));
  it('absences hold where nothing of the kind happened', () => {
    for (const action of ['check-pending-files', 'send-reinvite', 'reuse-mline', 'close-unused-mline', 'indicate-transfer-failed'] as const) {
      expect(expectNoAction(factory, action), action).toEqual([]);
    }
    expect(expectNoAction(factory, 'follow-clause', ['7.3.1'])).toEqual([]);
    expect(expectNoAction(group, 'follow-clause', ['7.4.1.1'])).toEqual([]);
  });
});

describe('expectations fail on wrong records', () => {
  const fails = (problems: string[], pattern: RegExp): void => {
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.join('\n')).toMatch(pattern);
  };

  it('follow-clause 7.3.1: wrong Request-URI, missing ICSI feature tag, missing CPM ids', () => {
    fails(expectAction(editSip(full, isInitialInvite, (e) => ({ ...e, requestUri: 'sip:mallory@127.0.0.1' })), 'follow-clause', ['7.3.1']), /Request-URI/);
    fails(expectAction(editSip(full, isInitialInvite, (e) => ({ ...e, headers: e.headers.filter((h) => h.name !== 'Accept-Contact') })), 'follow-clause', ['7.3.1']), /Accept-Contact/);
    fails(expectAction(editSip(full, isInitialInvite, (e) => ({ ...e, headers: e.headers.filter((h) => h.name !== 'Contribution-ID') })), 'follow-clause', ['7.3.1']), /Contribution-ID/);
    fails(expectAction(factory, 'follow-clause', ['7.3.1']), /recipient list/);
  });

  it('follow-clause 7.4.1.1: no list part, no Require, a missing recipient, not the factory', () => {
    fails(expectAction(editSip(factory, isInitialInvite, (e) => ({ ...e, parts: e.parts.slice(0, 1) })), 'follow-clause', ['7.4.1.1']), /resource-lists/);
    fails(expectAction(editSip(factory, isInitialInvite, (e) => ({ ...e, headers: e.headers.filter((h) => h.name !== 'Require') })), 'follow-clause', ['7.4.1.1']), /Require/);
    fails(expectAction({ ...factory, peer: { ...factory.peer, recipients: [...recipients, 'sip:erin@example.com'] } }, 'follow-clause', ['7.4.1.1']), /erin/);
    fails(expectAction(group, 'follow-clause', ['7.4.1.1']), /Request-URI|multipart/);
  });

  it('follow-clause 7.4.1.2: not the group URI', () => {
    fails(expectAction(full, 'follow-clause', ['7.4.1.2']), /Request-URI/);
  });

  it('follow-clause with a clause that has no wire meaning', () => {
    fails(expectAction(full, 'follow-clause', ['9.9.9']), /no wire meaning/);
  });

  it('apply-rfc5547 on a session whose peer left a file-selector out', () => {
    expect(expectAction(unechoed, 'apply-rfc5547')).toEqual([]);
  });

  it('apply-rfc5547: a peer that echoed everything, a file sent without its selector echoed, an echoed file not sent', () => {
    fails(expectAction(full, 'apply-rfc5547'), /repeated every file-selector/);
    fails(expectAction(unechoedSent, 'apply-rfc5547'), /did not repeat the file-selector of a\.txt, yet the file was sent/);
    const noSendOfB = rewrite(unechoed, (entries) => entries.filter((e) => !(e.protocol === 'msrp' && e.from === 'sender' && e.file?.name === 'b.txt')));
    fails(expectAction(noSendOfB, 'apply-rfc5547'), /b\.txt was never sent/);
  });

  it('apply-rfc5547: wrong proto, direction or a file never sent', () => {
    fails(expectAction(editMline(full, isInitialInvite, 0, (m) => ({ ...m, proto: 'RTP/AVP' })), 'apply-rfc5547'), /proto RTP\/AVP/);
    fails(expectAction(editMline(full, isInitialInvite, 1, (m) => ({ ...m, direction: 'sendrecv' })), 'apply-rfc5547'), /direction sendrecv/);
    const noSendOfB = rewrite(full, (entries) => entries.filter((e) => !(e.protocol === 'msrp' && e.from === 'sender' && e.file?.name === 'b.txt')));
    fails(expectAction(noSendOfB, 'apply-rfc5547'), /b\.txt was never sent/);
    const noMlines = editSip(full, isInitialInvite, (e) => ({ ...e, sdp: { mlines: [] } }));
    fails(expectAction(noMlines, 'apply-rfc5547'), /offered no m-line/);
  });

  it('add-file-attributes: selector without hash, wrong size, no transfer id', () => {
    const strip = (key: string) => (m: WireMline): WireMline => ({ ...m, fileSelector: (m.fileSelector ?? '').replace(new RegExp(`\\s*${key}:\\S+`), '') });
    fails(expectAction(editMline(full, isInitialInvite, 0, strip('hash')), 'add-file-attributes'), /lacks hash/);
    fails(expectAction(editMline(full, isInitialInvite, 0, (m) => ({ ...m, fileSelector: (m.fileSelector ?? '').replace('size:10', 'size:11') })), 'add-file-attributes'), /size 11 is not 10/);
    fails(expectAction(editMline(full, isInitialInvite, 1, (m) => ({ ...m, fileTransferId: undefined })), 'add-file-attributes'), /file-transfer-id/);
  });

  it('one-mline-per-file: a file missing from the INVITE, or duplicate transfer ids', () => {
    fails(expectAction(editMline(full, isInitialInvite, 1, () => undefined), 'one-mline-per-file'), /1 m-lines for 2 files/);
    fails(expectAction(editMline(full, isInitialInvite, 1, (m) => ({ ...m, fileTransferId: 'tid-a' })), 'one-mline-per-file'), /not distinct/);
  });

  it('check-pending-files: the queued file never offered in a re-INVITE', () => {
    fails(expectAction(rewrite(full, (entries) => entries.filter((e) => !isReinvite(e))), 'check-pending-files'), /c\.txt was not offered/);
  });

  it('send-reinvite: before the success REPORT, or none at all', () => {
    const early = rewrite(full, (entries) => {
      const last = [...entries].reverse().find((e) => e.protocol === 'msrp' && e.method === 'REPORT' && e.file?.name === 'b.txt');
      const rest = entries.filter((e) => e !== last);
      const at = rest.findIndex(isReinvite);
      return last === undefined ? rest : [...rest.slice(0, at + 1), last, ...rest.slice(at + 1)];
    });
    fails(expectAction(early, 'send-reinvite'), /before the (success REPORT|first batch's last)/);
    fails(expectAction(factory, 'send-reinvite'), /none was sent/);
  });

  it('reuse-mline: m-line 0 keeps its transfer id', () => {
    fails(expectAction(editMline(full, isReinvite, 0, (m) => ({ ...m, fileTransferId: 'tid-a' })), 'reuse-mline'), /kept its file-transfer-id/);
  });

  it('close-unused-mline: the unused m-line left open', () => {
    fails(expectAction(editMline(full, isReinvite, 1, (m) => ({ ...m, port: 9 })), 'close-unused-mline'), /m-line 1 still has port 9/);
  });

  it('send-bye: BYE before the last MSRP answer, no BYE, BYE not answered 200', () => {
    const early = rewrite(full, (entries) => {
      const bye = entries.find(isBye);
      const rest = entries.filter((e) => e !== bye);
      const at = rest.findIndex((e) => e.protocol === 'msrp' && e.file?.name === 'c.txt');
      return bye === undefined ? rest : [...rest.slice(0, at), bye, ...rest.slice(at)];
    });
    fails(expectAction(early, 'send-bye'), /before the peer's last MSRP/);
    fails(expectAction(rewrite(full, (entries) => entries.filter((e) => !isBye(e))), 'send-bye'), /0 BYEs/);
    const refused = rewrite(full, (entries) => entries.map((e) => (e.protocol === 'sip' && e.from === 'peer' && e.method === 'BYE' ? { ...e, status: 500 } : e)));
    fails(expectAction(refused, 'follow-clause', ['7.6.2']), /not answered 200/);
  });

  it('indicate-transfer-failed: no event, or the wrong status', () => {
    fails(expectAction({ ...failed, failures: [] }, 'indicate-transfer-failed'), /no 'file-failed' event names a\.txt/);
    fails(expectAction({ ...failed, failures: [{ name: 'a.txt', status: 500, source: 'msrp-response' }] }, 'indicate-transfer-failed'), /status 500, not 413/);
    fails(expectAction(full, 'indicate-transfer-failed'), /injected no failure/);
  });

  it('absences fail where the action did happen', () => {
    for (const action of ['check-pending-files', 'send-reinvite', 'reuse-mline', 'close-unused-mline', 'send-bye', 'one-mline-per-file', 'add-file-attributes', 'apply-rfc5547'] as const) {
      expect(expectNoAction(full, action).length, action).toBeGreaterThan(0);
    }
    expect(expectNoAction(full, 'follow-clause', ['7.6.2']).length).toBeGreaterThan(0);
    expect(expectNoAction(full, 'follow-clause', ['7.3.1']).length).toBeGreaterThan(0);
    expect(expectNoAction(failed, 'indicate-transfer-failed').length).toBeGreaterThan(0);
  });

  it('a scenario that did not run to its end fails every expectation', () => {
    expect(expectAction({ ...full, error: 'the transfer did not finish' }, 'send-bye')[0]).toMatch(/scenario error/);
  });
});
