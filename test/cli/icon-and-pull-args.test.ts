// Arguments for automatic icons (send --no-icon) and several pulls in one session (pull --selector ×N).
import { describe, expect, it } from 'vitest';
import { parsePullArgs } from '../../src/cli/parse-pull-args.ts';
import { parseSendArgs } from '../../src/cli/parse-send-args.ts';

describe('send --no-icon', () => {
  it('automatic icons are on by default and off with --no-icon; an --icon still belongs to its FILE', () => {
    const base = ['--from', 'sip:alice@127.0.0.1', '--to', 'sip:bob@127.0.0.1:5070'];
    const on = parseSendArgs([...base, 'a.jpg']);
    expect(on.ok && on.value.autoIcons).toBe(true);
    const off = parseSendArgs([...base, '--no-icon', '--icon', 't.png', 'a.jpg', 'b.jpg']);
    expect(off.ok && off.value.autoIcons).toBe(false);
    expect(off.ok && [...off.value.icons]).toEqual([['a.jpg', 't.png']]);
  });
});

describe('pull --selector', () => {
  const base = ['--from', 'sip:bob@127.0.0.1:5070', '--dir', 'inbox'];
  it('takes several selectors in order', () => {
    const parsed = parsePullArgs([...base, '--selector', 'name:"a.bin"', '--selector', 'name:"b.bin" size:5']);
    expect(parsed.ok && parsed.value.selectors).toEqual([{ name: 'a.bin' }, { name: 'b.bin', size: 5 }]);
  });
  it('names the bad one when there are several', () => {
    const parsed = parsePullArgs([...base, '--selector', 'name:"a.bin"', '--selector', 'colour:blue']);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(/^--selector #2: /);
  });
});
