// The HTML trace in a real browser (headless Chromium through playwright-core): totals, the CR
// statement, generated and runtime code, tests tagged by rule with failure messages, links that
// work from wherever --out writes the page, the filter, the status selector and the empty-filter note.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { StaticTrace } from '../../generator/emit/emit-trace-json.ts';
import { run } from '../../src/cli/commands/trace.ts';
import { describeWithPeers, peerCommand } from '../helpers/system-peers.ts';
import { runCommand, scratchSpec, crText } from './workbench-helpers.ts';

let scratch: ReturnType<typeof scratchSpec>;
let browser: Browser;

const trace: StaticTrace = {
  generatedBy: 'test',
  clauses: [
    { id: '7.6.1', title: 'File transfer session initiation' },
    { id: '7.6.2', title: 'File transfer session release' },
  ],
  rules: [
    { id: '7.6.1-5', clause: '7.6.1', step: '5', modality: 'SHALL', summary: 'Tell the user the transfer failed.', cr: { id: 'CPM-CR-FT-RELEASE', revision: 'R01' }, code: ['generated/handlers/h.ts:3'], tests: [{ name: '7.6.1-5 wire: failure', file: 'generated/conformance/c.test.ts' }], covers: [{ step: '5', quote: 'SHALL tell the CPM User' }], actions: [{ name: 'indicate-transfer-failed', args: [] }] },
    { id: '7.6.2', clause: '7.6.2', step: null, modality: 'SHALL', summary: 'Send a BYE when done.', cr: { id: 'CPM-CR-FT-RELEASE', revision: 'R01' }, code: ['generated/handlers/h.ts:9'], tests: [{ name: '7.6.2 wire: bye', file: 'generated/conformance/c.test.ts' }], covers: [{ step: null, quote: 'SHALL end it with a SIP BYE' }], actions: [{ name: 'send-bye', args: [] }] },
  ],
};

const resultsFor = (root: string): unknown => ({
  testResults: [
    {
      name: join(root, 'generated/conformance/c.test.ts'),
      assertionResults: [
        { title: '7.6.1-5 wire: failure', status: 'passed' },
        { title: '7.6.2 wire: bye', status: 'failed', failureMessages: ['AssertionError: expected a BYE after the last 200'] },
      ],
    },
    { name: join(root, 'test/e2e/x.test.ts'), assertionResults: [{ title: 'a 413 makes the sender say it failed [7.6.1-5]', status: 'passed' }] },
  ],
});

describeWithPeers(['chromium'], 'trace page', () => {
  beforeAll(async () => {
    scratch = scratchSpec('trace');
    const root = scratch.root;
    mkdirSync(join(root, 'generated/handlers'), { recursive: true });
    mkdirSync(join(root, 'runtime/transfer'), { recursive: true });
    mkdirSync(join(root, 'test/e2e'), { recursive: true });
    writeFileSync(join(root, 'generated/trace.json'), JSON.stringify(trace));
    writeFileSync(join(root, 'generated/handlers/h.ts'), '// generated handler\n');
    writeFileSync(join(root, 'test/e2e/x.test.ts'), '// hand-written test\n');
    writeFileSync(join(root, 'runtime/transfer/executors.ts'), "export const table = {\n  'send-bye': () => 'bye',\n  'indicate-transfer-failed': () => 'told',\n};\n");
    writeFileSync(join(root, 'results.json'), JSON.stringify(resultsFor(root)));
    browser = await chromium.launch({ executablePath: peerCommand('chromium'), headless: true, args: ['--no-sandbox'] });
  });

  afterAll(async () => {
    await browser?.close();
    scratch?.remove();
  });

  it('shows totals, statements, code, tests and failures; filter, status and links work in Chromium', async () => {
    const r = await runCommand(run, ['--format', 'html', '--out', 'pages/deep/trace.html', '--results', 'results.json', '--text', crText], scratch.root);
    expect(r.code).toBe(0);
    const page = await browser.newPage();
    await page.goto(pathToFileURL(join(scratch.root, 'pages/deep/trace.html')).href);
    expect(await page.locator('#total-rules').textContent()).toBe('2');
    expect(await page.locator('#total-pass').textContent()).toBe('1');
    expect(await page.locator('#total-fail').textContent()).toBe('1');
    const bye = page.locator('[id="rule-7.6.2"]');
    await expect.poll(() => bye.locator('.stmt').textContent()).toContain('SHALL end it with a SIP BYE');
    expect(await bye.locator('pre.msg').textContent()).toBe('AssertionError: expected a BYE after the last 200');
    expect(await bye.textContent()).toContain('send-bye → runtime/transfer/executors.ts:2');
    const failed = page.locator('[id="rule-7.6.1-5"]');
    expect(await failed.textContent()).toContain('a 413 makes the sender say it failed [7.6.1-5]');

    await page.locator('#filter').fill('SIP BYE');
    expect(await bye.isVisible()).toBe(true);
    expect(await failed.isVisible()).toBe(false);
    expect(await page.locator('#shown').textContent()).toBe('1');
    await page.locator('#filter').fill('');
    await page.locator('#status').selectOption('pass');
    expect(await failed.isVisible()).toBe(true);
    expect(await bye.isVisible()).toBe(false);
    expect(await page.locator('#empty').isVisible()).toBe(false);
    await page.locator('#filter').fill('no rule says this');
    expect(await page.locator('#empty').isVisible()).toBe(true);
    expect(await page.locator('#empty').textContent()).toBe('No rule matches the filter.');
    await page.locator('#filter').fill('');
    await page.locator('#status').selectOption('');

    await bye.locator('a', { hasText: 'runtime/transfer/executors.ts:2' }).click();
    await page.waitForURL(/executors\.ts/);
    expect(decodeURIComponent(page.url())).toBe(`${pathToFileURL(join(scratch.root, 'runtime/transfer/executors.ts')).href}#L2`);
    expect(await page.locator('body').textContent()).toContain("'send-bye'");
    await page.close();
  });

  it('--repo-url links to the hosted repository instead', async () => {
    const r = await runCommand(run, ['--format', 'html', '--out', 'out.html', '--results', 'results.json', '--repo-url', 'https://example.org/cpm-ft/blob/main/'], scratch.root);
    expect(r.code).toBe(0);
    const html = readFileSync(join(scratch.root, 'out.html'), 'utf8');
    expect(html).toContain('href="https://example.org/cpm-ft/blob/main/runtime/transfer/executors.ts#L2"');
    expect(html).not.toMatch(/href="\.\.\//);
  });
});
