// Renders a trace report as JSON (the machine format), Markdown (a clause -> rule -> code -> test ->
// result table) or one self-contained HTML page with a clause tree and text/status filters.
import type { TraceReport, TraceRule } from './build-trace.ts';

export const traceFormats = ['json', 'md', 'html'] as const;
export type TraceFormat = (typeof traceFormats)[number];

export function formatTrace(report: TraceReport, format: TraceFormat): string {
  if (format === 'json') return formatJson(report);
  if (format === 'md') return formatMarkdown(report);
  return formatHtml(report);
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
    tests: rule.tests.map((test) => ({ name: test.name, file: test.file, kind: test.kind, status: test.status })),
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
  const counts = { pass: 0, fail: 0, missing: 0 };
  for (const rule of report.rules) counts[rule.status] += 1;
  out.push(`${report.rules.length} rules: ${counts.pass} pass, ${counts.fail} fail, ${counts.missing} missing.`, '');
  for (const group of clauseGroups(report)) {
    out.push(`## ${group.id} ${group.title}`.trimEnd(), '');
    out.push('| Rule | Modality | Summary | CR | Code | Tests | Result |', '| --- | --- | --- | --- | --- | --- | --- |');
    for (const rule of group.rules) {
      const code = rule.code.map((c) => `\`${c}\``).join('<br>');
      const tests = rule.tests.map((t) => `${t.status === 'pass' ? '✓' : t.status === 'fail' ? '✗' : '○'} ${t.name} (\`${t.file}\`)`).join('<br>');
      out.push(`| ${[rule.id, rule.modality, rule.summary, crText(rule), code, tests, rule.status].map(mdCell).join(' | ')} |`);
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
}
text.addEventListener('input', apply);
status.addEventListener('change', apply);
`;

function htmlRule(rule: TraceRule): string {
  const code = rule.code.map((c) => `<li><a href="${esc(c.replace(/:(\d+)$/, '#L$1'))}"><code>${esc(c)}</code></a></li>`).join('');
  const tests = rule.tests
    .map((t) => `<li><span class="badge ${t.status}">${t.status}</span> ${esc(t.name)} <code>${esc(t.file)}</code> <em>${t.kind}</em></li>`)
    .join('');
  return [
    `<div class="rule" data-status="${rule.status}" id="rule-${esc(rule.id)}">`,
    `<h3>${esc(rule.id)} <small>${esc(rule.modality)}</small><span class="badge ${rule.status}">${rule.status}</span></h3>`,
    `<p>${esc(rule.summary)}${rule.cr === null ? '' : ` <small>(${esc(crText(rule))})</small>`}</p>`,
    `<strong>Code</strong><ul>${code || '<li>none</li>'}</ul>`,
    `<strong>Tests</strong><ul>${tests || '<li>none</li>'}</ul>`,
    '</div>',
  ].join('\n');
}

function formatHtml(report: TraceReport): string {
  const clauses = clauseGroups(report)
    .map((g) => `<details class="clause" open><summary>${esc(`${g.id} ${g.title}`.trim())}</summary>\n${g.rules.map(htmlRule).join('\n')}\n</details>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>cpm-ft trace</title><style>${style}</style></head>
<body>
<header><h1>cpm-ft trace</h1>
<input id="filter" type="search" placeholder="Filter rules, code, tests">
<select id="status"><option value="">any status</option><option value="pass">pass</option><option value="fail">fail</option><option value="missing">missing</option></select>
</header>
${clauses}
<script>${script}</script>
</body></html>
`;
}
