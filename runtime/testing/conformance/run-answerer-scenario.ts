// Builds a real situation for a rule of the receiving side (RFC 5547 §8: push answerer, file server,
// receiver of re-offers) and runs it: the real FileTransferReceiver or FileServer, with the
// procedures the caller passes in (the generated handlers and SDP builders), answers a scripted
// offerer over loopback SIP and MSRP. The situation comes from the vocabulary entries: the event's
// `raise`, each fact's `makeTrue` and the accept-file point's `answer` change one
// AnswererScenarioSetup (scenario-setup.ts): who answers (receiver or file server), the offered
// direction, whether the selector has a hash or names the served file, what a re-INVITE offers,
// whether the pushed bytes differ from the offered hash. Everything it opens it closes.
import { withTimeout } from '../../with-timeout.ts';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MsrpEndpoint } from '../../msrp/msrp-endpoint.ts';
import { actionEntries, decisionPointEntries, eventEntries, guardEntries, type DecisionPoint, type ProcedureAction, type ProcedureEvent, type ProcedureGuard } from '../../procedure/vocabulary.ts';
import type { FileHash } from '../../sdp/file-attribute-codecs.ts';
import type { Dialog } from '../../sip/dialog/dialog.ts';
import { createUdpTransport } from '../../sip/transport/udp-transport.ts';
import { createUserAgent } from '../../sip/user-agent.ts';
import type { UserAgent, UserAgentDelegate } from '../../sip/user-agent-types.ts';
import type { PreparedFile } from '../../transfer/file-offer.ts';
import { FileServer } from '../../transfer/file-server.ts';
import type { FileTransferProcedures } from '../../transfer/file-transfer-procedures.ts';
import { FileTransferReceiver } from '../../transfer/file-transfer-receiver.ts';
import { answererFileSizes, type AnswererOutcome, type OfferedMline, type PushAttempt } from './answerer-outcome.ts';
import { defaultAnswererSetup, type AnswererScenarioSetup } from './scenario-setup.ts';
import { answerOf, describeOffer, newTransferId, offerSdp, ScriptedOfferer, type MlineOffer } from './scripted-offerer.ts';
import type { SipWireEntry } from './wire-record.ts';

export interface AnswererScenario {
  readonly rule: string;
  readonly event: ProcedureEvent;
  readonly facts: readonly ProcedureGuard[];
  readonly decide: Partial<Record<DecisionPoint, boolean>>;
  readonly procedures: FileTransferProcedures;
  /** The actions the test expects to see (their entries' `observe` hooks shape the offerer). */
  readonly actions?: readonly ProcedureAction[];
  /** Upper bound for the whole run; default 10 s. */
  readonly timeoutMs?: number;
  /** The answering side; default the runtime's bare receiver or file server (runtimeScenarioAnswerer). */
  readonly answerer?: ScenarioAnswererFactory;
}

/** The application's side of a receiving situation: who answers, its folder, its accept-file answer. */
export interface ScenarioAnswererInputs {
  readonly procedures: FileTransferProcedures;
  /** A receiver for pushes and re-offers, a file server for pulls. */
  readonly role: 'receiver' | 'file-server';
  /** The receiver's folder, or the folder the file server serves from. */
  readonly dir: string;
  /** The application's answer at the accept-file decision point; absent: its default. */
  readonly accept?: boolean;
}

/** The side under test, listening: the SIP URI offers go to, and how to end it. */
export interface ScenarioAnswerer {
  readonly uri: string;
  /** Ends whatever it still holds; called once, after the scenario, whatever happened. */
  close(): Promise<void>;
}

export type ScenarioAnswererFactory = (inputs: ScenarioAnswererInputs) => Promise<ScenarioAnswerer>;

export { answererFileSizes } from './answerer-outcome.ts';

/** The situation the entries build for this scenario's event, facts and answers. */
export function answererSetup(scenario: Pick<AnswererScenario, 'event' | 'facts' | 'decide' | 'actions'>): AnswererScenarioSetup {
  const setup = defaultAnswererSetup();
  const event = eventEntries[scenario.event];
  if (event.role === 'receiver') event.raise(setup);
  for (const [name, guard] of Object.entries(guardEntries)) if (scenario.facts.includes(name as ProcedureGuard) && guard.role === 'receiver') guard.makeTrue(setup);
  for (const [point, yes] of Object.entries(scenario.decide)) {
    const entry = decisionPointEntries[point as DecisionPoint];
    if (entry.role === 'receiver' && yes !== undefined) entry.answer(setup, yes);
  }
  for (const name of scenario.actions ?? []) {
    const entry = actionEntries[name];
    if (entry.role === 'receiver') entry.observe?.(setup);
  }
  return setup;
}

function sha1(bytes: Buffer): FileHash {
  const hex = createHash('sha1').update(bytes).digest('hex').toUpperCase();
  return { algorithm: 'sha-1', digest: hex.match(/../g)?.join(':') ?? '' };
}

async function fileOf(dir: string, name: string, bytes: Buffer, hash: FileHash): Promise<PreparedFile> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return { path, name, size: bytes.length, type: 'application/octet-stream', hash, modified: new Date() };
}

/** The final response the answerer gave to the INVITE or re-INVITE whose request or response headers are given. */
function finalResponse(offerer: ScriptedOfferer, headers: { get(name: string): string | undefined } | undefined): SipWireEntry | undefined {
  if (headers === undefined) return undefined;
  const callId = headers.get('Call-ID') ?? '';
  const cseq = Number((headers.get('CSeq') ?? '').trim().split(/\s+/)[0]);
  return offerer.record.sip().find((e) => e.from === 'peer' && e.kind === 'response' && e.method === 'INVITE' && e.callId === callId && e.cseq === cseq && (e.status ?? 0) >= 200);
}


/** The runtime's FileTransferReceiver or FileServer on a bare user agent and MSRP endpoint. */
export const runtimeScenarioAnswerer: ScenarioAnswererFactory = async (inputs) => {
  const transport = await createUdpTransport({ host: '127.0.0.1', port: 0 });
  const endpoint = await MsrpEndpoint.create({ host: '127.0.0.1' });
  const holder: { ua?: UserAgent } = {};
  const bye: Pick<UserAgent, 'bye'> = { bye: (dialog, headers) => (holder.ua as UserAgent).bye(dialog, headers) };
  let delegate: UserAgentDelegate;
  let closeSide: () => Promise<void>;
  if (inputs.role === 'file-server') {
    const server = new FileServer({ endpoint, ua: bye, procedures: inputs.procedures, dir: inputs.dir, waitTimeoutMs: 3000 });
    delegate = {
      onInvite: (incoming) => server.handleInvite(incoming),
      onReinvite: (dialog, incoming) => server.handleReinvite(dialog, incoming),
      onBye: (dialog) => server.handleBye(dialog),
    };
    closeSide = () => server.close();
  } else {
    const accept = inputs.accept;
    const receiver = new FileTransferReceiver({
      endpoint,
      ua: bye,
      procedures: inputs.procedures,
      dir: inputs.dir,
      staleTempPartAgeMs: false,
      maxSize: 1024 * 1024,
      ...(accept === undefined ? {} : { accept: () => accept }),
    });
    delegate = {
      onInvite: (incoming) => receiver.handleInvite(incoming),
      onReinvite: (dialog, incoming) => receiver.handleReinvite(dialog, incoming),
      onAck: (dialog) => receiver.handleAck(dialog),
      onBye: (dialog) => receiver.handleBye(dialog),
      onDialogTerminated: (dialog) => receiver.handleBye(dialog),
    };
    closeSide = () => receiver.close();
  }
  const ua = createUserAgent({ transports: [transport], localUri: 'sip:bob@127.0.0.1', userAgent: 'cpm-ft receiver under test', delegate });
  holder.ua = ua;
  return {
    uri: `sip:bob@127.0.0.1:${transport.local.port}`,
    async close() {
      await closeSide();
      ua.close();
      await endpoint.close();
      await transport.close();
    },
  };
};

interface Run {
  offer?: OfferedMline;
  reoffer?: OfferedMline;
  answer?: SipWireEntry;
  reanswer?: SipWireEntry;
  pushes: PushAttempt[];
  pulled?: { bytes: number; identical: boolean };
  dialog?: Dialog;
}

async function pushScenario(setup: AnswererScenarioSetup, offerer: ScriptedOfferer, target: string, outbox: string, run: Run): Promise<boolean> {
  const bytes = randomBytes(answererFileSizes.pushed);
  const hash = sha1(bytes);
  const corrupted = setup.corrupt;
  // Same size, other bytes: only a check of the hash can tell.
  const sent = corrupted ? Buffer.from(bytes.map((b) => b ^ 0xff)) : bytes;
  const file = await fileOf(outbox, 'alpha.txt', sent, hash);
  const first = offerer.session();
  const mline: MlineOffer = {
    direction: setup.direction,
    port: offerer.endpoint.port,
    name: file.name,
    type: file.type,
    size: file.size,
    hash: setup.withHash ? hash : undefined,
    transferId: newTransferId(),
    path: first.localPathText,
  };
  run.offer = describeOffer(mline);
  const pending = offerer.ua.invite(target, { body: offerSdp(mline, 1), contentType: 'application/sdp' });
  const result = await pending;
  run.answer = finalResponse(offerer, pending.request.headers);
  if (result.kind !== 'accepted') return corrupted;
  run.dialog = result.dialog;
  const answer = answerOf(result.response);
  if (answer === undefined || (answer.media[0]?.port ?? 0) === 0) return corrupted;
  if (setup.reoffer !== 'none') {
    let re: MlineOffer = mline;
    let second: ReturnType<ScriptedOfferer['session']> | undefined;
    let next: PreparedFile | undefined;
    if (setup.reoffer === 'port-zero') re = { ...mline, port: 0 };
    else if (setup.reoffer === 'new-transfer') {
      const more = randomBytes(answererFileSizes.reoffered);
      next = await fileOf(outbox, 'bravo.txt', more, sha1(more));
      second = offerer.session();
      re = { ...mline, name: next.name, size: next.size, hash: next.hash, transferId: newTransferId(), path: second.localPathText };
    }
    run.reoffer = describeOffer(re);
    const reinvited = await offerer.ua.reinvite(result.dialog, offerSdp(re, 2), 'application/sdp').catch(() => undefined);
    run.reanswer = finalResponse(offerer, reinvited?.response.headers);
    // The file of the first offer goes on its first session whatever the re-offer said: whether it
    // arrives shows whether the transfer was kept or closed.
    run.pushes.push(await offerer.push(first, answer, file, 'first'));
    const reanswer = reinvited === undefined || reinvited.response.status >= 300 ? undefined : answerOf(reinvited.response);
    if (second !== undefined && next !== undefined && reanswer !== undefined && (reanswer.media[0]?.port ?? 0) !== 0) {
      run.pushes.push(await offerer.push(second, reanswer, next, 'second'));
    }
    return corrupted;
  }
  run.pushes.push(await offerer.push(first, answer, file, 'first'));
  return corrupted;
}

async function pullScenario(setup: AnswererScenarioSetup, offerer: ScriptedOfferer, target: string, served: Buffer, run: Run): Promise<void> {
  const chunks: Buffer[] = [];
  let finished: () => void = () => {};
  const done = new Promise<void>((resolve) => { finished = resolve; });
  const session = offerer.session({
    write: (_position, data) => { chunks.push(Buffer.from(data)); },
    end: () => finished(),
  });
  const mline: MlineOffer = {
    direction: 'recvonly',
    port: offerer.endpoint.port,
    name: setup.selectorFindsFile ? 'served.txt' : 'missing.txt',
    type: undefined,
    size: undefined,
    hash: undefined,
    transferId: newTransferId(),
    path: session.localPathText,
  };
  run.offer = describeOffer(mline);
  const pending = offerer.ua.invite(target, { body: offerSdp(mline, 1), contentType: 'application/sdp' });
  const result = await pending;
  run.answer = finalResponse(offerer, pending.request.headers);
  if (result.kind !== 'accepted') return;
  run.dialog = result.dialog;
  const answer = answerOf(result.response);
  const media = answer?.media[0];
  if (answer === undefined || media === undefined || media.port === 0) return;
  if (!(await offerer.connect(session, answer))) return;
  await withTimeout(done, 3000, () => new Error('the served file did not finish within 3000 ms')).catch(() => undefined);
  const got = Buffer.concat(chunks);
  run.pulled = { bytes: got.length, identical: got.equals(served) };
}

export async function runAnswererScenario(scenario: AnswererScenario): Promise<AnswererOutcome> {
  const root = await mkdtemp(join(tmpdir(), 'cpm-ft-answerer-'));
  const dirs = { inbox: join(root, 'inbox'), served: join(root, 'served'), outbox: join(root, 'outbox') };
  for (const dir of Object.values(dirs)) await mkdir(dir);
  const servedBytes = randomBytes(answererFileSizes.served);
  await writeFile(join(dirs.served, 'served.txt'), servedBytes);
  const run: Run = { pushes: [] };
  let corrupted = false;
  let error: string | undefined;
  let published: string[] = [];
  const offerer = await ScriptedOfferer.create();
  const setup = answererSetup(scenario);
  const answerer = await (scenario.answerer ?? runtimeScenarioAnswerer)({
    procedures: scenario.procedures,
    role: setup.answerer,
    dir: setup.answerer === 'file-server' ? dirs.served : dirs.inbox,
    ...(setup.accept === undefined ? {} : { accept: setup.accept }),
  });
  try {
    const body = setup.answerer === 'file-server'
      ? pullScenario(setup, offerer, answerer.uri, servedBytes, run)
      : pushScenario(setup, offerer, answerer.uri, dirs.outbox, run).then((c) => { corrupted = c; });
    const ms = scenario.timeoutMs ?? 10_000;
    await withTimeout(body, ms, () => new Error(`the scenario for ${scenario.rule} did not finish within ${ms} ms`));
    await offerer.bye(run.dialog);
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  } finally {
    await answerer.close().catch(() => undefined);
    published = (await readdir(dirs.inbox)).filter((name) => !name.startsWith('.')).sort();
    await offerer.close();
    await rm(root, { recursive: true, force: true });
  }
  const offer = run.offer ?? { name: '', size: 0, selector: '', transferId: '' };
  return {
    kind: 'answerer',
    record: offerer.record,
    event: scenario.event,
    facts: scenario.facts,
    offer,
    reoffer: run.reoffer,
    answer: run.answer,
    reanswer: run.reanswer,
    corrupted,
    pushes: run.pushes,
    pulled: run.pulled,
    published,
    error,
  };
}
