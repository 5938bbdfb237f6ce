// Renders a trace report as JSON (the machine format), Markdown (a clause -> rule -> code -> test ->
// result table) or one self-contained HTML page with a clause tree and text/status filters.
import type { TraceReport, TraceRule } from './build-trace.ts';

export const traceFormats = ['json', 'md', 'html'] as const;
export type TraceFormat = (typeof traceFormats)[number];

/** Turns a repository path (and line) into a link that works from where the page is written. */
export type LinkTo = (path: string, line: number | null) => string;

const plainLink: LinkTo = (path, line) => (line === null ? path : `${path}#L${line}`);

export function formatTrace(report: TraceReport, format: TraceFormat, linkTo: LinkTo = plainLink): string {
  if (format === 'json') return formatJson(report);
  if (format === 'md') return formatMarkdown(report);
  return formatHtml(report, linkTo);
}

function totals(report: TraceReport): { pass: number; fail: number; missing: number } {
  const counts = { pass: 0, fail: 0, missing: 0 };
  for (const rule of report.rules) counts[rule.status] += 1;
  return counts;
}

function formatJson(report: TraceReport): string {
  const rules = report.rules.map((rule) => ({
    id: rule.id,
    clause: rule.clause,
    modality: rule.modality,
    summary: rule.summary,
    cr: rule.cr,
    status: rule.status,
    code: rule.code,
    covers: rule.covers,
    actions: rule.actions,
    tests: rule.tests.map((test) => ({ name: test.name, file: test.file, kind: test.kind, status: test.status, ...(test.message ? { message: test.message } : {}) })),
  }));
  return `${JSON.stringify({ rules }, null, 2)}\n`;
}

function crText(rule: TraceRule): string {
  return rule.cr === null ? '' : `${rule.cr.id} ${rule.cr.revision}`;
}

/** Clauses in report order, then any clause a rule names that the report lacks. */
function clauseGroups(report: TraceReport): { id: string; title: string; rules: TraceRule[] }[] {
  const ids = [...report.clauses.map((c) => c.id), ...report.rules.map((r) => r.clause)].filter((id, i, all) => all.indexOf(id) === i);
  return ids
    .map((id) => ({ id, title: report.clauses.find((c) => c.id === id)?.title ?? '', rules: report.rules.filter((r) => r.clause === id) }))
    .filter((group) => group.rules.length > 0);
}

function mdCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function formatMarkdown(report: TraceReport): string {
  const out: string[] = ['# Trace: clause → rule → code → test → result', ''];
  const counts = totals(report);
  out.push(`${report.rules.length} rules: ${counts.pass} pass, ${counts.fail} fail, ${counts.missing} missing.`, '');
  for (const group of clauseGroups(report)) {
    out.push(`## ${group.id} ${group.title}`.trimEnd(), '');
    out.push('| Rule | Modality | Summary | CR | Code | Tests | Result |', '| --- | --- | --- | --- | --- | --- | --- |');
    for (const rule of group.rules) {
      const code = rule.code.map((c) => `\`${c}\``).join('<br>');
      const tests = rule.tests.map((t) => `${t.status === 'pass' ? '✓' : t.status === 'fail' ? '✗' : '○'} ${t.name} (\`${t.file}\`)`).join('<br>');
      const mismatch = rule.covers.find((c) => c.quoteModality !== undefined)?.quoteModality;
      const modality = mismatch === undefined ? rule.modality : `${rule.modality} ⚠ covers-modality-mismatch: the sentence says ${mismatch}`;
      out.push(`| ${[rule.id, modality, rule.summary, crText(rule), code, tests, rule.status].map(mdCell).join(' | ')} |`);
    }
    out.push('');
  }
  return out.join('\n');
}

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const style = `
body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#1d232a}
header{display:flex;gap:1rem;align-items:center;flex-wrap:wrap}
input,select{font:inherit;padding:.3rem .5rem}
details{margin:.8rem 0;border-left:3px solid #ccd3da;padding-left:.8rem}
summary{font-weight:600;cursor:pointer}
.totals span{margin-right:1rem}.stmt{background:#f6f8fa;border-left:3px solid #8aa;padding:.2rem .5rem;margin:.3rem 0}
pre.msg{white-space:pre-wrap;background:#fff4f4;border:1px solid #f3c0c0;padding:.3rem;font-size:.8rem;max-height:12rem;overflow:auto}
.rule{margin:.6rem 0;padding:.5rem .7rem;border:1px solid #dde3e8;border-radius:6px}
.rule h3{margin:0;font-size:1rem}
.badge{display:inline-block;padding:0 .45rem;border-radius:4px;font-size:.8rem;margin-left:.4rem}
.pass{background:#d8f3dc;color:#1b4332}.fail{background:#ffd6d6;color:#7a0c0c}.missing{background:#eee;color:#555}
code{font-size:.85rem}ul{margin:.3rem 0 .3rem 1.2rem;padding:0}
`;

const script = `
const text = document.getElementById('filter');
const status = document.getElementById('status');
function apply() {
  const q = text.value.toLowerCase();
  for (const rule of document.querySelectorAll('.rule')) {
    const okText = q === '' || rule.textContent.toLowerCase().includes(q);
    const okStatus = status.value === '' || rule.dataset.status === status.value;
    rule.hidden = !(okText && okStatus);
  }
  for (const clause of document.querySelectorAll('details.clause')) {
    clause.hidden = clause.querySelectorAll('.rule:not([hidden])').length === 0;
  }
  const shown = document.querySelectorAll('.rule:not([hidden])').length;
  document.getElementById('empty').hidden = shown !== 0;
  document.getElementById('shown').textContent = String(shown);
}
text.addEventListener('input', apply);
status.addEventListener('change', apply);
`;

function locationLink(location: string, linkTo: LinkTo): string {
  const match = /^(.*?)(?::(\d+))?$/.exec(location)!;
  const href = linkTo(match[1]!, match[2] === undefined ? null : Number(match[2]));
  return `<a href="${esc(href)}"><code>${esc(location)}</code></a>`;
}

const list = (items: string[]): string => `<ul>${items.length === 0 ? '<li>none</li>' : items.map((i) => `<li>${i}</li>`).join('')}</ul>`;

/** The covers-modality-mismatch mark: the sentence's modal verb is not the rule's modality. */
function mismatchMark(rule: TraceRule, cover: TraceRule['covers'][number]): string {
  if (cover.quoteModality === undefined) return '';
  return ` <span class="badge fail covers-modality-mismatch" title="covers-modality-mismatch">the sentence says ${esc(cover.quoteModality)}, the rule is ${esc(rule.modality)}</span>`;
}

function htmlRule(rule: TraceRule, linkTo: LinkTo): string {
  const covers = rule.covers.map(
    (c) =>
      `<div class="stmt">${esc(`${rule.clause}${c.step === null ? '' : `-${c.step}`}`)}: ${c.statement === null ? `“${esc(c.quote)}”` : esc(c.statement)}${mismatchMark(rule, c)}</div>`,
  );
  const actions = rule.actions.map(
    (a) => `<code>${esc([a.name, ...a.args].join(' '))}</code> → ${a.executors.length === 0 ? 'no executor found' : a.executors.map((e) => locationLink(e, linkTo)).join(', ')}`,
  );
  const tests = rule.tests.map(
    (t) =>
      `<span class="badge ${t.status}">${t.status}</span> ${esc(t.name)} ${locationLink(t.file, linkTo)} <em>${t.kind}</em>${t.message ? `<pre class="msg">${esc(t.message)}</pre>` : ''}`,
  );
  return [
    `<div class="rule" data-status="${rule.status}" id="rule-${esc(rule.id)}">`,
    `<h3>${esc(rule.id)} <small>${esc(rule.modality)}</small><span class="badge ${rule.status}">${rule.status}</span></h3>`,
    `<p>${esc(rule.summary)}${rule.cr === null ? '' : ` <small>(${esc(crText(rule))})</small>`}</p>`,
    `<strong>CR statement</strong>${covers.length === 0 ? '<p>none named (no <code>covers</code>)</p>' : covers.join('')}`,
    `<strong>Generated code</strong>${list(rule.code.map((c) => locationLink(c, linkTo)))}`,
    `<strong>Runtime code per action</strong>${list(actions)}`,
    `<strong>Tests</strong>${list(tests)}`,
    '</div>',
  ].join('\n');
}

function formatHtml(report: TraceReport, linkTo: LinkTo): string {
  const counts = totals(report);
  const clauses = clauseGroups(report)
    .map((g) => `<details class="clause" open><summary>${esc(`${g.id} ${g.title}`.trim())}</summary>\n${g.rules.map((r) => htmlRule(r, linkTo)).join('\n')}\n</details>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>cpm-ft trace</title><style>${style}</style></head>
<body>
<header><h1>cpm-ft trace</h1>
<input id="filter" type="search" placeholder="Filter rules, code, tests">
<select id="status"><option value="">any status</option><option value="pass">pass</option><option value="fail">fail</option><option value="missing">missing</option></select>
</header>
<p class="totals" id="totals"><span>rules: <b id="total-rules">${report.rules.length}</b></span><span>pass: <b id="total-pass">${counts.pass}</b></span><span>fail: <b id="total-fail">${counts.fail}</b></span><span>missing: <b id="total-missing">${counts.missing}</b></span><span>shown: <b id="shown">${report.rules.length}</b></span></p>
<p id="empty" hidden>No rule matches the filter.</p>
${clauses}
<script>${script}</script>
</body></html>
`;
}
