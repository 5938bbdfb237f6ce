// Captures loopback traffic with tshark and decodes it into a typed summary, so interop tests can assert
// on what actually went over the wire (and on what Wireshark thinks is malformed).
import { spawn, execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CpmError } from '../../runtime/errors.ts';
import { trackChild, stopChild, waitForExit } from './child-process-registry.ts';
import { parsePdml, walk, find, show, type PdmlNode } from './pdml.ts';
import { MsrpStreamSplitter, type MsrpMessageSummary } from './msrp-stream-splitter.ts';
import { peerCommand } from './system-peer-lookup.ts';

const execFileAsync = promisify(execFile);

/** Ports whose traffic must be decoded as a given protocol (ephemeral ports defeat tshark's heuristics). */
export interface DecodeAs {
  readonly udpSip?: readonly number[];
  readonly tcpSip?: readonly number[];
  readonly tcpMsrp?: readonly number[];
}

export interface SdpMediaSummary {
  readonly media: string;
  readonly port: number;
  readonly proto: string;
  readonly formats: readonly string[];
  /** a= lines below this m= line, split at the first colon. */
  readonly attributes: ReadonlyArray<{ readonly name: string; readonly value?: string }>;
}

export interface SipMessageSummary {
  readonly kind: 'request' | 'response';
  readonly method?: string;
  readonly status?: number;
  readonly cseq?: { readonly seq: number; readonly method: string };
  readonly callId?: string;
  /** Via, Route and Record-Route header values in wire order (one entry per header field). */
  readonly via: readonly string[];
  readonly route: readonly string[];
  readonly recordRoute: readonly string[];
  readonly sdp?: { readonly media: readonly SdpMediaSummary[] };
}

export type ExpertSeverity = 'chat' | 'note' | 'warning' | 'error';

export interface ExpertInfo {
  readonly frame: number;
  readonly protocol: string;
  readonly severity: ExpertSeverity;
  readonly message: string;
}

export interface FrameSummary {
  readonly number: number;
  readonly protocols: readonly string[];
  readonly transport: 'udp' | 'tcp' | 'other';
  readonly srcPort?: number;
  readonly dstPort?: number;
  readonly sip: readonly SipMessageSummary[];
  /** MSRP messages completed in this frame (split by the helper; see msrp-stream-splitter.ts). */
  readonly msrp: readonly MsrpMessageSummary[];
  /** tshark's own MSRP decode of the first message in the segment, kept as a cross-check. */
  readonly tsharkMsrp?: { readonly tid?: string; readonly method?: string; readonly status?: number };
  readonly malformed: boolean;
}

export interface CaptureSummary {
  readonly frames: readonly FrameSummary[];
  readonly sip: ReadonlyArray<SipMessageSummary & { readonly frame: number }>;
  readonly msrp: ReadonlyArray<MsrpMessageSummary & { readonly frame: number }>;
  readonly malformed: ReadonlyArray<{ readonly frame: number; readonly protocol: string; readonly text: string }>;
  /** Expert infos of severity warning or error only. */
  readonly expert: readonly ExpertInfo[];
}

// Wireshark's PI_* severity constants as printed in PDML.
const SEVERITY: Readonly<Record<string, ExpertSeverity>> = {
  '2097152': 'chat', '4194304': 'note', '6291456': 'warning', '8388608': 'error',
};

/** BPF filter for the given ports on either transport. */
export function captureFilter(ports: readonly number[]): string {
  if (ports.length === 0) throw new CpmError('ERR_TEST_TSHARK', 'captureFilter needs at least one port');
  return `(udp or tcp) and (${ports.map((p) => `port ${p}`).join(' or ')})`;
}

function decodeAsArgs(decodeAs: DecodeAs): string[] {
  const args: string[] = [];
  for (const p of decodeAs.udpSip ?? []) args.push('-d', `udp.port==${p},sip`);
  for (const p of decodeAs.tcpSip ?? []) args.push('-d', `tcp.port==${p},sip`);
  for (const p of decodeAs.tcpMsrp ?? []) args.push('-d', `tcp.port==${p},msrp`);
  return args;
}

export interface TsharkCapture {
  readonly file: string;
  /** SIGINT, wait for tshark to flush and exit. Idempotent. */
  stop(): Promise<void>;
  /** Stops if needed, then decodes. */
  decode(decodeAs: DecodeAs): Promise<CaptureSummary>;
  /** Stops and removes the temp dir. */
  dispose(): Promise<void>;
}

export interface StartCaptureOptions {
  readonly ports: readonly number[];
  readonly readyTimeoutMs?: number;
  /** Delay before SIGINT so the last packets reach the capture buffer. */
  readonly settleMs?: number;
}

/**
 * Starts `tshark -i lo` and resolves once packets are really being captured. tshark prints "Capturing on"
 * before the kernel filter is attached, so that line alone loses the first packets: the helper then sends
 * canary datagrams to a private port until tshark (-P -l) prints one, and hides that port when decoding.
 */
export async function startCapture(options: StartCaptureOptions): Promise<TsharkCapture> {
  const dir = await mkdtemp(join(tmpdir(), 'cpm-ft-tshark-'));
  const file = join(dir, 'capture.pcapng');
  const canary = createSocket('udp4');
  await new Promise<void>((resolve) => canary.bind(0, '127.0.0.1', () => resolve()));
  const canaryPort = canary.address().port;
  const filter = `${captureFilter(options.ports)} or (udp and port ${canaryPort})`;
  // A 64 MiB capture buffer (dumpcap's default is 2 MiB): loopback transfers run at hundreds of MB/s,
  // and a dropped segment would hide the very chunk a test looks for.
  const child = trackChild(spawn(peerCommand('tshark'), ['-i', 'lo', '-B', '64', '-n', '-P', '-l', '-w', file, '-f', filter], {
    stdio: ['ignore', 'pipe', 'pipe'],
  }));
  let stderr = '';
  let sawPacket = false;
  let ticker: NodeJS.Timeout | undefined;
  let deadline: NodeJS.Timeout | undefined;
  // tshark loads every dissector before its first packet line: seconds on a loaded machine.
  const timeoutMs = options.readyTimeoutMs ?? 20_000;
  const ready = new Promise<void>((resolve, reject) => {
    deadline = setTimeout(() => reject(new CpmError('ERR_TEST_TSHARK', `tshark not capturing after ${timeoutMs} ms: ${stderr}`)), timeoutMs);
    child.stdout?.on('data', () => {
      if (!sawPacket) { sawPacket = true; resolve(); }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (ticker === undefined && stderr.includes('Capturing on')) {
        ticker = setInterval(() => canary.send('cpm-ft-canary', canaryPort, '127.0.0.1'), 50);
      }
    });
    child.once('exit', (code) => reject(new CpmError('ERR_TEST_TSHARK', `tshark exited (${code}) before capturing: ${stderr}`)));
    child.once('error', (error) => reject(new CpmError('ERR_TEST_TSHARK', 'cannot run tshark', { cause: error })));
  });
  const cleanupReadiness = (): void => {
    if (ticker !== undefined) clearInterval(ticker);
    if (deadline !== undefined) clearTimeout(deadline);
    canary.close();
  };
  try {
    await ready;
  } catch (error) {
    cleanupReadiness();
    await stopChild(child, 'SIGKILL');
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  cleanupReadiness();
  // Keep draining -P output so tshark never blocks on a full pipe.
  child.stdout?.resume();
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      await new Promise((r) => setTimeout(r, options.settleMs ?? 300));
      // SIGINT makes tshark (and its dumpcap child) flush and close the pcapng properly.
      await stopChild(child, 'SIGINT', 5000);
      await waitForExit(child);
    })();
    return stopped;
  };
  return {
    file,
    stop,
    async decode(decodeAs) { await stop(); return decodeCaptureFile(file, decodeAs, { hideUdpPort: canaryPort }); },
    async dispose() { await stop(); await rm(dir, { recursive: true, force: true }); },
  };
}

/** Runs `tshark -r FILE -T pdml` with decode-as options and summarises every frame. */
export async function decodeCaptureFile(file: string, decodeAs: DecodeAs, options: { hideUdpPort?: number } = {}): Promise<CaptureSummary> {
  const hide = options.hideUdpPort === undefined ? [] : ['-Y', `!(udp.port == ${options.hideUdpPort})`];
  const { stdout } = await execFileAsync(peerCommand('tshark'), ['-r', file, '-n', '-T', 'pdml', ...hide, ...decodeAsArgs(decodeAs)], {
    maxBuffer: 256 * 1024 * 1024,
  });
  return summarisePdml(stdout, decodeAs);
}

function num(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

function summariseSdp(sdp: PdmlNode): { media: SdpMediaSummary[] } {
  const media: Array<{ media: string; port: number; proto: string; formats: string[]; attributes: Array<{ name: string; value?: string }> }> = [];
  // Fields come in wire order, so each a= belongs to the last m= before it (RFC 4566 §5).
  for (const field of sdp.children) {
    const name = field.attrs['name'];
    if (name === 'sdp.media') {
      const formats = field.children.filter((c) => c.attrs['name'] === 'sdp.media.format').map((c) => c.attrs['show'] ?? '');
      media.push({
        media: show(field, 'sdp.media.media') ?? '',
        port: num(show(field, 'sdp.media.port')) ?? -1,
        proto: show(field, 'sdp.media.proto') ?? '',
        formats,
        attributes: [],
      });
    } else if (name === 'sdp.media_attr') {
      const raw = field.attrs['show'] ?? '';
      const colon = raw.indexOf(':');
      media[media.length - 1]?.attributes.push(colon < 0 ? { name: raw } : { name: raw.slice(0, colon), value: raw.slice(colon + 1) });
    }
  }
  return { media };
}

function summariseSip(sip: PdmlNode): SipMessageSummary {
  const method = show(sip, 'sip.Method');
  const status = num(show(sip, 'sip.Status-Code'));
  const seq = num(show(sip, 'sip.CSeq.seq'));
  const cseqMethod = show(sip, 'sip.CSeq.method');
  const callId = show(sip, 'sip.Call-ID');
  const sdp = find(sip, 'sdp');
  const headerValues = (field: string): string[] => [...walk(sip)]
    .filter(({ node }) => node.tag === 'field' && node.attrs['name'] === field)
    .map(({ node }) => node.attrs['show'] ?? '');
  return {
    kind: status === undefined ? 'request' : 'response',
    ...(method !== undefined && status === undefined ? { method } : {}),
    ...(status !== undefined ? { status } : {}),
    ...(seq !== undefined && cseqMethod !== undefined ? { cseq: { seq, method: cseqMethod } } : {}),
    ...(callId !== undefined ? { callId } : {}),
    via: headerValues('sip.Via'),
    route: headerValues('sip.Route'),
    recordRoute: headerValues('sip.Record-Route'),
    ...(sdp !== undefined ? { sdp: summariseSdp(sdp) } : {}),
  };
}

function hexToBytes(hex: string): Uint8Array {
  return Buffer.from(hex.replace(/:/g, ''), 'hex');
}

/** Pure: PDML text -> summary. Exported for tests on stored captures. */
export function summarisePdml(pdml: string, decodeAs: DecodeAs = {}): CaptureSummary {
  const msrpPorts = new Set(decodeAs.tcpMsrp ?? []);
  const splitters = new Map<string, MsrpStreamSplitter>();
  const frames: FrameSummary[] = [];
  const malformed: Array<{ frame: number; protocol: string; text: string }> = [];
  const expert: ExpertInfo[] = [];
  for (const packet of parsePdml(pdml)) {
    const number = num(show(packet, 'frame.number')) ?? frames.length + 1;
    const protocols = (show(packet, 'frame.protocols') ?? '').split(':').filter((p) => p !== '');
    const transport = protocols.includes('tcp') ? 'tcp' : protocols.includes('udp') ? 'udp' : 'other';
    const srcPort = num(show(packet, `${transport}.srcport`));
    const dstPort = num(show(packet, `${transport}.dstport`));
    const sip: SipMessageSummary[] = [];
    let isMalformed = false;
    let tsharkMsrp: FrameSummary['tsharkMsrp'];
    for (const { node, proto } of walk(packet)) {
      const name = node.attrs['name'];
      if (node.tag === 'proto' && name === 'sip') sip.push(summariseSip(node));
      if (node.tag === 'proto' && name === 'msrp' && tsharkMsrp === undefined) {
        const tid = show(node, 'msrp.transaction.id');
        const method = show(node, 'msrp.method');
        const status = num(show(node, 'msrp.status.code'));
        tsharkMsrp = { ...(tid !== undefined ? { tid } : {}), ...(method !== undefined ? { method } : {}), ...(status !== undefined ? { status } : {}) };
      }
      if (name === '_ws.malformed') {
        isMalformed = true;
        malformed.push({ frame: number, protocol: proto, text: node.attrs['showname'] ?? node.attrs['show'] ?? 'Malformed Packet' });
      }
      if (node.tag === 'field' && name === '_ws.expert') {
        const severity = SEVERITY[show(node, '_ws.expert.severity') ?? ''];
        if (severity === 'warning' || severity === 'error') {
          expert.push({ frame: number, protocol: proto, severity, message: show(node, '_ws.expert.message') ?? node.attrs['showname'] ?? '' });
        }
      }
    }
    const msrp: MsrpMessageSummary[] = [];
    const payload = find(packet, 'tcp.payload');
    const retransmission = find(packet, 'tcp.analysis.retransmission') !== undefined;
    if (transport === 'tcp' && payload !== undefined && !retransmission && srcPort !== undefined && dstPort !== undefined
      && (msrpPorts.has(srcPort) || msrpPorts.has(dstPort))) {
      // One splitter per stream direction: MSRP may span segments and one segment may hold several messages.
      const key = `${show(packet, 'tcp.stream') ?? '?'}:${srcPort}`;
      let splitter = splitters.get(key);
      if (splitter === undefined) { splitter = new MsrpStreamSplitter(); splitters.set(key, splitter); }
      msrp.push(...splitter.push(hexToBytes(payload.attrs['value'] ?? payload.attrs['show'] ?? '')));
    }
    frames.push({
      number, protocols, transport,
      ...(srcPort !== undefined ? { srcPort } : {}),
      ...(dstPort !== undefined ? { dstPort } : {}),
      sip, msrp,
      ...(tsharkMsrp !== undefined ? { tsharkMsrp } : {}),
      malformed: isMalformed,
    });
  }
  return {
    frames,
    sip: frames.flatMap((f) => f.sip.map((m) => ({ ...m, frame: f.number }))),
    msrp: frames.flatMap((f) => f.msrp.map((m) => ({ ...m, frame: f.number }))),
    malformed,
    expert,
  };
}
