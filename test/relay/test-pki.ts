// Test certificates from the system openssl: a CA and a leaf for 127.0.0.1 signed by it, in a temp
// dir. Two calls give two unrelated CAs, for the "untrusted certificate" cases.
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestPki {
  readonly ca: Buffer;
  readonly cert: Buffer;
  readonly key: Buffer;
  dispose(): Promise<void>;
}

export async function createTestPki(name: string): Promise<TestPki> {
  const dir = await mkdtemp(join(tmpdir(), `cpm-ft-pki-${name}-`));
  const at = (f: string): string => join(dir, f);
  const run = (args: string[]): void => { execFileSync('openssl', args, { stdio: 'ignore' }); };
  run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', at('ca.key'), '-out', at('ca.pem'), '-days', '1', '-subj', `/CN=cpm-ft test CA ${name}`]);
  run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', at('leaf.key'), '-out', at('leaf.csr'), '-subj', '/CN=127.0.0.1']);
  await writeFile(at('ext.cnf'), 'subjectAltName=IP:127.0.0.1\n');
  run(['x509', '-req', '-in', at('leaf.csr'), '-CA', at('ca.pem'), '-CAkey', at('ca.key'), '-CAcreateserial', '-out', at('leaf.pem'), '-days', '1', '-extfile', at('ext.cnf')]);
  const [ca, cert, key] = await Promise.all([readFile(at('ca.pem')), readFile(at('leaf.pem')), readFile(at('leaf.key'))]);
  return { ca, cert, key, dispose: () => rm(dir, { recursive: true, force: true }) };
}
