// --register [URI], --auth-user with the password from $CPM_FT_SIP_PASSWORD or --auth-password-file,
// --dns-server and --proxy: parsed alike by send, receive, serve and pull, turned into the client's
// auth / dns / outboundProxy options and a register() call; the password never on the command line.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runReceive } from '../../src/cli/commands/receive.ts';
import { parsePullArgs, parseServeArgs } from '../../src/cli/parse-pull-args.ts';
import { parseReceiveArgs } from '../../src/cli/parse-receive-args.ts';
import { parseSendArgs } from '../../src/cli/parse-send-args.ts';
import { registerOptions, resolveNetworkOptions, withOptionalRegisterUri } from '../../src/cli/parse-network-options.ts';
import { fakeClientFactory } from './helpers/fake-client.ts';
import { memoryIo } from './helpers/memory-io.ts';

const root = mkdtempSync(join(tmpdir(), 'cpm-ft-cli-net-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('network options', () => {
  it('--register takes an optional URI', () => {
    expect(withOptionalRegisterUri(['--register', '--dir', 'x'])).toEqual(['--register=', '--dir', 'x']);
    expect(withOptionalRegisterUri(['--register', 'sip:registrar.example.test'])).toEqual(['--register', 'sip:registrar.example.test']);
    expect(withOptionalRegisterUri(['--dir', 'x', '--register'])).toEqual(['--dir', 'x', '--register=']);
  });

  it('every command parses them the same way', () => {
    const flags = ['--register', '--register-expires', '60', '--auth-user', 'bob', '--dns-server', '127.0.0.1:5353', '--proxy', 'sip:127.0.0.1:5060'];
    const receive = parseReceiveArgs(['--sip', '127.0.0.1:0', '--dir', 'in', ...flags]);
    const send = parseSendArgs(['--from', 'sip:alice@example.test', '--to', 'sip:bob@example.test', ...flags, 'f.txt']);
    const serve = parseServeArgs(['--sip', '127.0.0.1:0', '--dir', 'in', ...flags]);
    const pull = parsePullArgs(['--from', 'sip:bob@example.test', '--selector', 'name:"a"', '--dir', 'in', ...flags]);
    const expected = { register: '', registerExpires: 60, acceptAnyUri: false, authUser: 'bob', authPasswordFile: undefined, dnsServer: '127.0.0.1:5353', proxy: 'sip:127.0.0.1:5060' };
    for (const parsed of [receive, send, serve, pull]) {
      expect(parsed.ok).toBe(true);
      if (parsed.ok) expect(parsed.value.network).toEqual(expected);
    }
    if (receive.ok) expect(registerOptions(receive.value.network!)).toEqual({ expires: 60 });
  });

  it('bad values are usage errors', () => {
    const bad = (extra: string[]): string => {
      const r = parseReceiveArgs(['--sip', '127.0.0.1:0', '--dir', 'in', ...extra]);
      return r.ok ? '' : r.error;
    };
    expect(bad(['--dns-server', 'dns.example'])).toContain('--dns-server');
    expect(bad(['--register', 'http://x'])).toMatch(/unexpected argument 'http:\/\/x'/i);
    expect(bad(['--register-expires', '60'])).toContain('needs --register');
    expect(bad(['--auth-password-file', 'p'])).toContain('needs --auth-user');
    expect(bad(['--register', '--register-expires', '0'])).toContain('--register-expires');
  });

  it('the password comes from the file (first line) or $CPM_FT_SIP_PASSWORD, never from an option', async () => {
    const file = join(root, 'pw');
    writeFileSync(file, 'from-file\nignored\n');
    const args = { register: undefined, registerExpires: undefined, acceptAnyUri: false, authUser: 'bob', authPasswordFile: undefined, dnsServer: undefined, proxy: undefined };
    expect(await resolveNetworkOptions({ ...args, authPasswordFile: 'pw' }, { cwd: root, env: {} })).toEqual({ ok: true, value: { auth: { username: 'bob', password: 'from-file' } } });
    expect(await resolveNetworkOptions(args, { cwd: root, env: { CPM_FT_SIP_PASSWORD: 'from-env' } })).toEqual({ ok: true, value: { auth: { username: 'bob', password: 'from-env' } } });
    const missing = await resolveNetworkOptions(args, { cwd: root, env: {} });
    expect(missing.ok ? '' : missing.error).toContain('CPM_FT_SIP_PASSWORD');
    const unreadable = await resolveNetworkOptions({ ...args, authPasswordFile: 'nope' }, { cwd: root, env: {} });
    expect(unreadable.ok ? '' : unreadable.error).toContain('ENOENT');
  });

  it('receive --register hands auth and dns to the client and registers after listening', async () => {
    const io = { ...memoryIo(root), env: { CPM_FT_SIP_PASSWORD: 's3cret' } };
    const fake = fakeClientFactory();
    let raise: () => void = () => undefined;
    const done = runReceive(['--sip', '127.0.0.1:0', '--dir', 'in', '--uri', 'sip:bob@example.test', '--register', 'sip:127.0.0.1:5060', '--auth-user', 'bob', '--dns-server', '127.0.0.1:5353'], io, {
      createClient: fake.createClient,
      onSignal: (handler) => {
        raise = () => handler('SIGTERM');
        return () => undefined;
      },
    });
    for (let i = 0; i < 400 && fake.log.registers.length === 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
    raise();
    expect(await done).toBe(0);
    expect(fake.log.options[0]).toMatchObject({ auth: { username: 'bob', password: 's3cret' }, dns: { server: '127.0.0.1:5353' }, localUri: 'sip:bob@example.test' });
    expect(fake.log.registers).toEqual([{ registrar: 'sip:127.0.0.1:5060' }]);
    expect(io.stdout.text).toContain('registered sip:bob@example.test');
    expect(io.stdout.text + io.stderr.text).not.toContain('s3cret');
  });
});
