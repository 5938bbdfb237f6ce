import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MsrpEndpoint } from '../../../runtime/msrp/msrp-endpoint.ts';
import { memorySink, patterned } from './helpers.ts';

// A throwaway self-signed certificate for 127.0.0.1, made with the system openssl.
function selfSigned() {
  const dir = mkdtempSync(join(tmpdir(), 'msrp-tls-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'),
      '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    return { key: readFileSync(join(dir, 'k.pem')), cert: readFileSync(join(dir, 'c.pem')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('MSRP over TLS (msrps)', () => {
  it('binds and moves a message byte for byte', async () => {
    const { key, cert } = selfSigned();
    const passiveEp = await MsrpEndpoint.create({ tls: { key, cert } });
    const activeEp = await MsrpEndpoint.create({ listen: false, tlsClient: { ca: cert } });
    try {
      const got = memorySink(1_000_000);
      const passive = passiveEp.createSession({ delegate: { onMessageStart: () => got.sink } });
      const active = activeEp.createSession();
      expect(passive.localUri.scheme).toBe('msrps');
      passive.setRemotePath([active.localUri]);
      active.setRemotePath([passive.localUri]);
      await active.connect();
      const body = patterned(1_000_000, 9);
      await active.send([body], { size: body.length, contentType: 'application/octet-stream' }).done;
      expect(await got.ended).toBe('$');
      expect(got.data.equals(body)).toBe(true);
    } finally {
      await activeEp.close();
      await passiveEp.close();
    }
  });
});
