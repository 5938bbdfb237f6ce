// The human-readable table of a BenchReport: one row per figure, with its ratio to the same-run
// baseline where the two measure the same kind of thing (bytes per second, memory).

import type { BenchReport } from './run-bench.ts';

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;
const rate = (n: number, unit: string): string => `${n >= 100 ? n.toFixed(0) : n.toFixed(1)} ${unit}`;
// Phases come from two processes' clocks, so a phase of a few ms can come out slightly negative.
const ms = (n: number | undefined): string => (n === undefined ? '?' : `${Math.max(0, n).toFixed(0)} ms`);
const ratio = (r: number): string => `${r.toFixed(2)}x`;
const size = (bytes: number): string =>
  bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(bytes % 1024 ** 3 === 0 ? 0 : 2)} GiB` : `${(bytes / 1024 ** 2).toFixed(bytes % 1024 ** 2 === 0 ? 0 : 2)} MiB`;

export function formatBenchReport(report: BenchReport): string {
  const b = report.baseline;
  const t = report.transfer;
  const rows: [string, string, string, string][] = [
    ['(a) baseline file -> TCP -> file', rate(b.megabytesPerSecond, 'MB/s'), '1.00x', `${size(report.sizeBytes)} in ${b.elapsedMs.toFixed(0)} ms, one process, no framing`],
    ['(b) cpm-ft send -> receive', rate(t.megabytesPerSecond, 'MB/s'), ratio(t.ratioToBaseline),
      `${t.elapsedMs.toFixed(0)} ms = hash+SIP ${ms(t.beforeDataMs)} + MSRP data ${ms(t.dataMs)} + fsync/check/publish ${ms(t.afterDataMs)}; `
      + `sender done at ${ms(t.senderDoneMs)} (REPORT grace); CPU ${t.senderCpuMs.toFixed(0)}/${t.receiverCpuMs.toFixed(0)} ms; ${t.ok ? 'SHA-1 match' : `FAILED: ${t.failure ?? ''}`}`],
    ['(c) peak RSS sender', mb(t.senderPeakRssBytes), ratio(t.senderPeakRssBytes / b.peakRssBytes), 'VmHWM of the sender process (baseline: both ends in one)'],
    ['(c) peak RSS receiver', mb(t.receiverPeakRssBytes), ratio(t.receiverPeakRssBytes / b.peakRssBytes), 'VmHWM of the receiver process'],
    ['    baseline peak RSS', mb(b.peakRssBytes), '1.00x', 'sampled every 10 ms'],
  ];
  for (const r of report.sessionRate) {
    rows.push([`(d) ${r.sessions} x 10 KiB, ${r.concurrency} concurrent`, rate(r.sessionsPerSecond, 'sessions/s'), '-',
      `${r.failures} failed, ${r.received} received, SIP over ${r.transport}, ${r.elapsedMs.toFixed(0)} ms; RSS ${mb(r.senderPeakRssBytes)} / ${mb(r.receiverPeakRssBytes)}`
      + (r.firstFailures.length > 0 ? `; first failure: ${r.firstFailures[0]}` : '')]);
  }
  const m = report.msrpParser;
  rows.push(['(e) MSRP parser, chunk bodies', rate(m.megabytesPerSecond, 'MB/s'), ratio(m.ratioToBaseline), `${m.chunkBytes / 1024} KiB chunks fed in 64 KiB reads, ${size(m.bodyBytes)}`]);
  const s = report.sipParser;
  rows.push(['(e) SIP parser, INVITE with SDP', rate(s.messagesPerSecond, 'msg/s'), '-', `${s.messageBytes}-byte CPM FT INVITE, ${s.messages} parses`]);
  const g = report.spec;
  rows.push(['(f) spec load + generate', `${(g.loadMs + g.generateMs).toFixed(0)} ms`, '-',
    `load ${g.loadMs.toFixed(0)} ms + generate ${g.generateMs.toFixed(0)} ms (${g.files} files), warm ${g.warmMs.toFixed(0)} ms`]);
  const u = report.startup;
  const vsNode = `of node -e 0 (${u.nodeMs.toFixed(0)} ms), median of ${u.runs}, ${u.entry === 'dist' ? 'built CLI, plain node' : 'sources through tsx'}`;
  rows.push(['(g) start-up: cpm-ft --version', `${u.versionMs.toFixed(0)} ms`, '-', `${ratio(u.versionRatio)} ${vsNode}`]);
  rows.push(['(g) start-up: 1-byte send', `${u.sendMs.toFixed(0)} ms`, '-', `${ratio(u.sendRatio)} ${vsNode}; process start to exit${u.ok ? '' : `; FAILED: ${u.failure ?? ''}`}`]);
  rows.push(['(g) client idle RSS', mb(u.clientIdleRssBytes), '-', 'VmHWM of a process that only created its client']);

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
