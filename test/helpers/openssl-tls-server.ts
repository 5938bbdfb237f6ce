// TLS peers for the certificate-refusal tests: self-signed certificates made with openssl, and
// OpenSSL's own s_server, which (unlike node:tls) refuses a client certificate inside the handshake
// and says why with an alert.
import { execFileSync, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** A self-signed certificate for 127.0.0.1, written to `dir` as NAME.key and NAME.pem. */
export async function makeLoopbackCertificate(dir: string, name: string): Promise<{ key: Buffer; cert: Buffer }> {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, `${name}.key`), '-out', join(dir, `${name}.pem`), '-days', '2', '-subj', `/CN=${name}`, '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  return { key: await readFile(join(dir, `${name}.key`)), cert: await readFile(join(dir, `${name}.pem`)) };
}

/** A port free a moment ago on 127.0.0.1 (s_server cannot be asked for port 0 and report it). */
export async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address !== null ? address.port : 0;
}

/**
 * `openssl s_server` on 127.0.0.1 with the certificate NAME.pem / NAME.key from `dir`, requiring a
 * client certificate signed by the CA file `ca` in `dir` (-Verify, -verify_return_error). Resolves
 * with its port once it accepts; `cleanup` receives the step that stops it.
 */
export async function startOpensslServer(dir: string, name: string, ca: string, cleanup: Array<() => Promise<void> | void>): Promise<number> {
  const port = await freeLoopbackPort();
  // Its stdin stays open (s_server stops at end of input).
  const child = spawn('openssl', ['s_server', '-accept', `127.0.0.1:${port}`, '-cert', join(dir, `${name}.pem`), '-key', join(dir, `${name}.key`), '-CAfile', join(dir, ca), '-Verify', '1', '-verify_return_error'], { stdio: ['pipe', 'pipe', 'pipe'] });
  cleanup.push(async () => {
    child.kill();
    await new Promise((resolve) => { if (child.exitCode !== null || child.signalCode !== null) resolve(undefined); else child.once('exit', resolve); });
  });
  await new Promise<void>((resolve, reject) => {
    let seen = '';
    child.stdout.on('data', (chunk: Buffer) => { seen += chunk.toString(); if (seen.includes('ACCEPT')) resolve(); });
    child.once('exit', (code) => reject(new Error(`openssl s_server exited with ${code}: ${seen}`)));
  });
  return port;
}
