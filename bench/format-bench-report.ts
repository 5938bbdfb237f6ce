// The human-readable table of a BenchReport: one row per figure, with its ratio to the same-run
// baseline where the two measure the same kind of thing (bytes per second, memory).

import { perGiB, type Spread } from './bench-summary.ts';
import type { BenchReport } from './run-bench.ts';
import type { SessionRateResult } from './session-rate-bench.ts';

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;
const rate = (n: number, unit: string): string => `${n >= 100 ? n.toFixed(0) : n.toFixed(1)} ${unit}`;
// Phases come from two processes' clocks, so a phase of a few ms can come out slightly negative.
const ms = (n: number | undefined): string => (n === undefined ? '?' : `${Math.max(0, n).toFixed(0)} ms`);
const ratio = (r: number): string => `${r.toFixed(2)}x`;
const size = (bytes: number): string =>
  bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(bytes % 1024 ** 3 === 0 ? 0 : 2)} GiB` : `${(bytes / 1024 ** 2).toFixed(bytes % 1024 ** 2 === 0 ? 0 : 2)} MiB`;
const spread = (s: Spread, format: (n: number) => string): string => `median ${format(s.median)}, min ${format(s.min)}, max ${format(s.max)}`;
const cpu = (total: number, main: number | undefined, bytes: number): string =>
  `${perGiB(total, bytes).toFixed(0)}${main === undefined ? '' : ` (main thread ${perGiB(main, bytes).toFixed(0)})`}`;

type Row = [string, string, string, string];

function transferRows(report: BenchReport): Row[] {
  const b = report.baseline;
  const t = report.transfer;
  const sum = report.summary;
  if (b === undefined || t === undefined || sum === undefined) return [];
  const of = sum.runs > 1 ? ` (median of ${sum.runs} runs)` : '';
  const rows: Row[] = [
    ['(a) baseline file -> TCP -> file', rate(b.megabytesPerSecond, 'MB/s'), '1.00x', `${size(report.sizeBytes)} in ${b.elapsedMs.toFixed(0)} ms, one process, no framing; CPU ${perGiB(b.cpuMs, b.sizeBytes).toFixed(0)} ms/GiB${of}`],
    ...fairRows(report),
    ['(b) cpm-ft send -> receive', rate(t.megabytesPerSecond, 'MB/s'), ratio(t.ratioToBaseline),
      `${t.elapsedMs.toFixed(0)} ms = hash+SIP ${ms(t.beforeDataMs)} + MSRP data ${ms(t.dataMs)} + fsync/check/publish ${ms(t.afterDataMs)}; `
      + `sender settled at ${ms(t.senderDoneMs)}; ${t.ok ? 'SHA-1 match' : `FAILED: ${t.failure ?? ''}`}`
      + (report.hashCache === 'warm' ? '; sender SHA-1 from its hash cache (a resend)' : '')],
    ['    CPU per GiB, sender / receiver', `${perGiB(t.senderCpuMs, t.sizeBytes).toFixed(0)} / ${perGiB(t.receiverCpuMs, t.sizeBytes).toFixed(0)} ms`, '-',
      `sender ${cpu(t.senderCpuMs, t.senderMainThreadCpuMs, t.sizeBytes)}, receiver ${cpu(t.receiverCpuMs, t.receiverMainThreadCpuMs, t.sizeBytes)} ms; all threads (main thread)`],
  ];
  const f = report.fairBaseline;
  if (f !== undefined) {
    rows.push(['    (b) against (a2)', ratio(t.ratioToFairBaseline), '-',
      `CPU per GiB against (a2)'s same side: sender ${ratio(t.senderCpuMs / f.senderCpuMs)}, receiver ${ratio(t.receiverCpuMs / f.receiverCpuMs)}`]);
  }
  if (sum.runs > 1) {
    rows.push(['    (b) against (a2) over the runs', ratio(sum.ratioToFairBaseline.median), '-',
      `ratio ${spread(sum.ratioToFairBaseline, ratio)}; CPU sender ${spread(sum.senderCpuRatioToFair, ratio)}, receiver ${spread(sum.receiverCpuRatioToFair, ratio)}`]);
    rows.push(['    (b) over the runs', rate(sum.megabytesPerSecond.median, 'MB/s'), ratio(sum.ratioToBaseline.median),
      `ratio ${spread(sum.ratioToBaseline, ratio)}; (a) ${spread(sum.baselineMegabytesPerSecond, (n) => n.toFixed(0))} MB/s; (b) ${spread(sum.megabytesPerSecond, (n) => n.toFixed(0))} MB/s`]);
    rows.push(['    CPU per GiB over the runs', `${sum.senderCpuMsPerGiB.median.toFixed(0)} / ${sum.receiverCpuMsPerGiB.median.toFixed(0)} ms`, '-',
      `sender ${spread(sum.senderCpuMsPerGiB, (n) => n.toFixed(0))}; receiver ${spread(sum.receiverCpuMsPerGiB, (n) => n.toFixed(0))}; (a) ${spread(sum.baselineCpuMsPerGiB, (n) => n.toFixed(0))}`]);
  }
  rows.push(
    ['(c) peak RSS sender', mb(t.senderPeakRssBytes), ratio(t.senderPeakRssBytes / b.peakRssBytes), 'VmHWM of the sender process (baseline: both ends in one)'],
    ['(c) peak RSS receiver', mb(t.receiverPeakRssBytes), ratio(t.receiverPeakRssBytes / b.peakRssBytes), 'VmHWM of the receiver process'],
    ['    baseline peak RSS', mb(b.peakRssBytes), '1.00x', 'sampled every 10 ms'],
  );
  return rows;
}

/** (a2) and the floor its CPU is shown against, so a slowed baseline would show. */
function fairRows(report: BenchReport): Row[] {
  const f = report.fairBaseline;
  const a = report.baseline;
  if (f === undefined || a === undefined) return [];
  const floor = report.sha1sumCpuMs === undefined ? 'no sha1sum here'
    : `floor 2 x sha1sum ${perGiB(report.sha1sumCpuMs, report.sizeBytes).toFixed(0)} + (a) ${perGiB(a.cpuMs, a.sizeBytes).toFixed(0)} = `
      + `${perGiB(2 * report.sha1sumCpuMs + a.cpuMs, report.sizeBytes).toFixed(0)} ms/GiB`;
  return [
    ['(a2) fair: hash, stream, hash+write+fsync', rate(f.megabytesPerSecond, 'MB/s'), ratio(f.megabytesPerSecond / a.megabytesPerSecond),
      `two processes; ${f.ok ? 'SHA-1 match' : 'FAILED'}; RSS ${mb(f.senderPeakRssBytes)} / ${mb(f.receiverPeakRssBytes)}`],
    ['    (a2) CPU per GiB, sender / receiver', `${perGiB(f.senderCpuMs, f.sizeBytes).toFixed(0)} / ${perGiB(f.receiverCpuMs, f.sizeBytes).toFixed(0)} ms`, '-',
      `together ${perGiB(f.senderCpuMs + f.receiverCpuMs, f.sizeBytes).toFixed(0)} ms/GiB; ${floor}`],
  ];
}

/** ` (kernel a / b, main thread c / d)`: where each side's CPU per session went. */
function sessionSplit(r: SessionRateResult): string {
  const main = r.senderMainThreadCpuMsPerSession !== undefined && r.receiverMainThreadCpuMsPerSession !== undefined
    ? `, main thread ${r.senderMainThreadCpuMsPerSession.toFixed(2)} / ${r.receiverMainThreadCpuMsPerSession.toFixed(2)}` : '';
  return ` (kernel ${r.senderKernelCpuMsPerSession.toFixed(2)} / ${r.receiverKernelCpuMsPerSession.toFixed(2)}${main})`;
}

/** `; sender RSS idle a -> b after n sessions (+c, d x)`: what the sessions left in the sender. */
function senderRss(r: SessionRateResult): string {
  const sessions = r.sessions + r.warmUpSessions;
  const grown = r.senderRssAfterBytes - r.senderIdleRssBytes;
  return `; sender RSS idle ${mb(r.senderIdleRssBytes)} -> ${mb(r.senderRssAfterBytes)} after ${sessions} sessions (${grown >= 0 ? '+' : ''}${mb(grown)}, ${ratio(r.senderRssAfterBytes / r.senderIdleRssBytes)}; new / old space ${mb(r.senderNewSpaceAfterBytes)} / ${mb(r.senderOldSpaceAfterBytes)}; scavenges per 100 sessions ${(100 * r.senderScavengesPerSession).toFixed(0)} / ${(100 * r.receiverScavengesPerSession).toFixed(0)}, full collections ${(100 * r.senderFullCollectionsPerSession).toFixed(1)})`;
}

/** (i): the dispatcher deployment with 1 and 2 focus instances, and the failover time. */
function deployRows(report: BenchReport): Row[] {
  const d = report.deploy;
  if (d === undefined) return [];
  if ('skipped' in d) return [['(i) deployment behind kamailio', 'skipped', '-', d.skipped]];
  const load = `load average ${d.loadAverage[0].toFixed(1)} -> ${d.loadAverage[1].toFixed(1)}`;
  return [
    ...d.rates.map((r): Row => [`(i) ${r.focusInstances} focus behind the dispatcher`, rate(r.sessionsPerSecond, 'sessions/s'), '-',
      `${r.sessions} group sessions (${d.fileBytes / 1024} KiB to ${d.members} members), ${r.concurrency} concurrent, ${r.failures} failed; `
      + `per instance ${Object.entries(r.perInstance).map(([k, v]) => `${k} ${v}`).join(', ')}; 2 receivers; ${d.kamailioVersion}; ${load}`
      + (r.firstFailure === undefined ? '' : `; first failure: ${r.firstFailure}`)]),
    ['(i) focus SIGKILLed: first session served', `${d.kill.firstServedMs.toFixed(0)} ms`, '-',
      `by the survivor, from the kill; ${d.kill.failedInFlight} sessions under way failed (on the killed instance), `
      + `${d.kill.failedAfterKill} of ${d.kill.sessionsAfterKill} started after the kill failed; probes every ${d.kill.pingIntervalSeconds} s`],
  ];
}

export function formatBenchReport(report: BenchReport): string {
  const rows: Row[] = transferRows(report);
  for (const r of report.sessionRate) {
    rows.push([`(d) ${r.sessions} x 10 KiB, ${r.concurrency} concurrent`, rate(r.sessionsPerSecond, 'sessions/s'), '-',
      `${r.failures} failed, ${r.received} received, SIP over ${r.transport}, ${r.elapsedMs.toFixed(0)} ms${r.warmUpSessions > 0 ? ` after ${r.warmUpSessions} warm-up sessions${r.coldSessionsPerSecond === undefined ? '' : ` (those ran at ${r.coldSessionsPerSecond.toFixed(0)}/s from a fresh process)`}` : ''}; CPU per session ${r.senderCpuMsPerSession.toFixed(2)} / ${r.receiverCpuMsPerSession.toFixed(2)} ms${sessionSplit(r)}; RSS ${mb(r.senderPeakRssBytes)} / ${mb(r.receiverPeakRssBytes)}${senderRss(r)}`
      + (r.firstFailures.length > 0 ? `; first failure: ${r.firstFailures[0]}` : '')]);
  }
  const m = report.msrpParser;
  if (m !== undefined) {
    rows.push(['(e) MSRP parser, chunk bodies', rate(m.megabytesPerSecond, 'MB/s'), m.ratioToBaseline === undefined ? '-' : ratio(m.ratioToBaseline), `${m.chunkBytes / 1024} KiB chunks fed in 64 KiB reads, ${size(m.bodyBytes)}`]);
  }
  const s = report.sipParser;
  if (s !== undefined) rows.push(['(e) SIP parser, INVITE with SDP', rate(s.messagesPerSecond, 'msg/s'), '-', `${s.messageBytes}-byte CPM FT INVITE, ${s.messages} parses`]);
  const g = report.spec;
  if (g !== undefined) {
    rows.push(['(f) spec load + generate', `${(g.loadMs + g.generateMs).toFixed(0)} ms`, '-',
      `load ${g.loadMs.toFixed(0)} ms + generate ${g.generateMs.toFixed(0)} ms (${g.files} files), warm ${g.warmMs.toFixed(0)} ms`]);
  }
  const relay = report.relay;
  if (relay !== undefined) {
    if ('skipped' in relay) rows.push(['(h) kamailio MSRP relay vs direct', 'skipped', '-', relay.skipped]);
    else {
      rows.push(['(h) kamailio MSRP relay vs direct', rate(relay.relayed.megabytesPerSecond, 'MB/s'), ratio(relay.ratio),
        `${size(relay.sizeBytes)}, ${relay.chunkBytes / 1024} KiB chunks both ways: direct ${rate(relay.direct.megabytesPerSecond, 'MB/s')}; ${relay.kamailioVersion}; `
        + (relay.direct.ok && relay.relayed.ok ? 'SHA-1 match' : `FAILED: ${relay.relayed.failure ?? relay.direct.failure ?? ''}`)]);
    }
  }
  rows.push(...deployRows(report));
  const u = report.startup;
  if (u !== undefined) {
    const vsNode = `of node -e 0 (${u.nodeMs.toFixed(0)} ms), median of ${u.runs}, ${u.entry === 'dist' ? 'built CLI, plain node' : 'sources through tsx'}`;
    rows.push(['(g) start-up: cpm-ft --version', `${u.versionMs.toFixed(0)} ms`, '-', `${ratio(u.versionRatio)} ${vsNode}`]);
    rows.push(['(g) start-up: 1-byte send', `${u.sendMs.toFixed(0)} ms`, '-', `${ratio(u.sendRatio)} ${vsNode}; process start to exit${u.ok ? '' : `; FAILED: ${u.failure ?? ''}`}`]);
    rows.push(['(g) client idle RSS', mb(u.clientIdleRssBytes), '-', 'VmHWM of a process that only created its client']);
  }

  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((row) => row[i]!.length), ['figure', 'value', 'vs (a)'][i]!.length));
  const line = (cells: readonly string[]): string =>
    `${cells[0]!.padEnd(widths[0]!)}  ${cells[1]!.padStart(widths[1]!)}  ${cells[2]!.padStart(widths[2]!)}  ${cells[3]}`.trimEnd();
  const m0 = report.machine;
  return [
    `cpm-ft bench${report.quick ? ' --quick' : ''}: ${m0.cpus} cores (${m0.cpuModel}), Node ${m0.node}, ${m0.platform}, loopback`,
    '',
    line(['figure', 'value', 'vs (a)', 'notes']),
    line([''.padEnd(widths[0]!, '-'), ''.padEnd(widths[1]!, '-'), ''.padEnd(widths[2]!, '-'), '-----']),
    ...rows.map(line),
    '',
    report.ok ? 'all transfers succeeded' : 'SOME TRANSFERS FAILED',
    '',
  ].join('\n');
}
