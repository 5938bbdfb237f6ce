// The resume flags of `cpm-ft send` and `cpm-ft receive`, where the resume state lives by default, and
// the hash cache beside it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultHashCacheDir, defaultResumeStatePath, runSend } from '../../src/cli/commands/send.ts';
import { fakeClientFactory } from './helpers/fake-client.ts';
import { memoryIo } from './helpers/memory-io.ts';
import { parseReceiveArgs } from '../../src/cli/parse-receive-args.ts';
import { parseSendArgs } from '../../src/cli/parse-send-args.ts';

const send = ['--from', 'sip:a@127.0.0.1', '--to', 'sip:b@127.0.0.1:5070'];

describe('resume options', () => {
  it('send resumes by default, takes --resume-state FILE, and --no-resume turns it off', () => {
    const plain = parseSendArgs([...send, 'f']);
    expect(plain.ok && [plain.value.resume, plain.value.resumeState]).toEqual([true, undefined]);
    const state = parseSendArgs([...send, '--resume-state', 's.json', 'f']);
    expect(state.ok && [state.value.resume, state.value.resumeState]).toEqual([true, 's.json']);
    const off = parseSendArgs([...send, '--no-resume', 'f']);
    expect(off.ok && off.value.resume).toBe(false);
    expect(parseSendArgs([...send, '--no-resume', '--resume-state', 's.json', 'f'])).toEqual({ ok: false, error: '--no-resume cannot be combined with --resume-state' });
  });

  it('receive keeps partials only with --keep-partials', () => {
    const base = ['--sip', '127.0.0.1:0', '--dir', 'in'];
    const plain = parseReceiveArgs(base);
    expect(plain.ok && plain.value.keepPartials).toBe(false);
    const keep = parseReceiveArgs([...base, '--keep-partials']);
    expect(keep.ok && keep.value.keepPartials).toBe(true);
  });

  it('the default state file follows XDG_STATE_HOME, else ~/.local/state', () => {
    expect(defaultResumeStatePath({ XDG_STATE_HOME: '/var/st', HOME: '/home/u' })).toBe('/var/st/cpm-ft/resume.json');
    expect(defaultResumeStatePath({ XDG_STATE_HOME: 'relative', HOME: '/home/u' })).toBe('/home/u/.local/state/cpm-ft/resume.json');
    expect(defaultResumeStatePath({ HOME: '/home/u' })).toBe('/home/u/.local/state/cpm-ft/resume.json');
  });

  it('send keeps the hash cache next to the resume state, and --no-resume turns it off too', async () => {
    expect(defaultHashCacheDir({ XDG_STATE_HOME: '/var/st', HOME: '/home/u' })).toBe('/var/st/cpm-ft/hash-cache');
    expect(defaultHashCacheDir({ XDG_STATE_HOME: 'relative', HOME: '/home/u' })).toBe('/home/u/.local/state/cpm-ft/hash-cache');
    const root = mkdtempSync(join(tmpdir(), 'cpm-ft-hash-cache-cli-'));
    try {
      writeFileSync(join(root, 'f'), 'x');
      const io = { ...memoryIo(root), env: { XDG_STATE_HOME: join(root, 'xdg') } };
      const on = fakeClientFactory();
      expect(await runSend([...send, 'f'], io, { createClient: on.createClient })).toBe(0);
      expect(on.log.options[0]?.hashCacheDir).toBe(join(root, 'xdg', 'cpm-ft', 'hash-cache'));
      const off = fakeClientFactory();
      expect(await runSend([...send, '--no-resume', 'f'], io, { createClient: off.createClient })).toBe(0);
      expect(off.log.options[0]?.hashCacheDir).toBeUndefined();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
