import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileTransferProcedures } from '../../../src/procedures.ts';
import {
  buildFileMedia,
  buildSessionOffer,
  fileAttributeTable,
  fileAttributesOf,
  getPath,
  getSetup,
  newFileTransferId,
  parseSessionDescription,
  prepareFile,
  serializeSessionDescription,
  type PreparedFile,
} from '../../../runtime/index.ts';

let dir: string;
let file: PreparedFile;
const content = Buffer.from('hello "file" transfer\n');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cpm-ft-offer-'));
  await writeFile(join(dir, 'note "1".txt'), content);
  file = await prepareFile(join(dir, 'note "1".txt'));
});
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

describe('prepareFile', () => {
  it('reads name, size, type and a streaming SHA-1 in the RFC 5547 hash form', () => {
    expect(file.name).toBe('note "1".txt');
    expect(file.size).toBe(content.length);
    expect(file.type).toBe('text/plain');
    const hex = createHash('sha1').update(content).digest('hex').toUpperCase().match(/../g)?.join(':');
    expect(file.hash).toEqual({ algorithm: 'sha-1', digest: hex });
  });
});

describe('buildFileMedia', () => {
  const path = ['msrp://127.0.0.1:4000/abc123;tcp'];

  it('writes one m=message line with path, accept-types, setup:actpass and the RFC 5547 attributes', () => {
    const id = newFileTransferId();
    const media = buildFileMedia(file, fileTransferProcedures, { path, port: 4000, transferId: id, withFileAttributes: true });
    const sdp = serializeSessionDescription(buildSessionOffer('127.0.0.1', [media]));
    expect(sdp).toContain('m=message 4000 TCP/MSRP *');
    expect(sdp).toContain('a=accept-types:text/plain');
    expect(sdp).toContain('a=setup:actpass');
    expect(sdp).toContain(`a=file-transfer-id:${id}`);
    expect(sdp).toContain('a=sendonly');
    // The quote in the name is percent-encoded inside the quoted name (RFC 5547 §6).
    expect(sdp).toContain(`name:"note %221%22.txt"`);
    expect(sdp).toMatch(/a=file-selector:.*size:22 .*hash:sha-1:[0-9A-F:]{59}/);
    const parsed = parseSessionDescription(sdp);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const m = parsed.value.media[0]!;
    expect(getPath(m)).toEqual(path);
    expect(getSetup(m)).toBe('actpass');
    const attrs = fileTransferProcedures.fileAttributes.parse(m.attributes);
    expect(attrs.ok && attrs.value.fileSelector?.name).toBe('note "1".txt');
    expect(attrs.ok && attrs.value.fileSelector?.size).toBe(content.length);
  });

  it('without add-file-attributes writes only the MSRP attributes and the direction', () => {
    const media = buildFileMedia(file, fileTransferProcedures, { path, port: 4000, transferId: 'x', withFileAttributes: false });
    const names = media.attributes.map((a) => a.name);
    expect(names).toEqual(['accept-types', 'path', 'setup', 'sendonly']);
  });

  it('gives every transfer a fresh token-safe file-transfer-id', () => {
    const ids = new Set(Array.from({ length: 100 }, () => newFileTransferId()));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });
});

describe('nothing the runtime produces is dropped by the generated builders', () => {
  // Whatever spec/sdp-attributes.rules says today: spec check guarantees it defines every attribute
  // the runtime writes, and this checks the generated builders then really put each on the wire.
  const produced = Object.entries(fileAttributeTable).filter(([, entry]) => entry.produces);
  const lineNames = (name: string): string[] => {
    const entry = fileAttributeTable[name as keyof typeof fileAttributeTable];
    return entry.kind === 'flag' ? [...entry.alternatives] : [name];
  };

  it('an offer for a file with a date carries a=file-date with its modification time', () => {
    const media = buildFileMedia(file, fileTransferProcedures, { path: ['msrp://127.0.0.1:4000/x;tcp'], port: 4000, transferId: newFileTransferId(), withFileAttributes: true });
    const sdp = serializeSessionDescription(buildSessionOffer('127.0.0.1', [media]));
    const date = file.modified.toUTCString().replace(/ GMT$/, ' +0000');
    expect(sdp).toContain(`a=file-date:modification:"${date}"\r\n`);
  });

  it('every attribute the runtime table marks as produced is written when the runtime sets it', () => {
    const value = { ...fileAttributesOf(file, newFileTransferId()), fileRange: { start: 5, stop: file.size } };
    const names = fileTransferProcedures.fileAttributes.build(value).map((a) => a.name);
    expect(produced.length).toBeGreaterThan(0);
    for (const [name, entry] of produced) {
      expect(value, `the runtime sets ${entry.property}`).toHaveProperty(entry.property);
      expect(names.some((n) => lineNames(name).includes(n)), `a=${name} on the wire`).toBe(true);
    }
    const parsed = fileTransferProcedures.fileAttributes.parse(fileTransferProcedures.fileAttributes.build(value));
    // Read back, the same attributes are there (the date only to the second, as RFC 5322 writes it).
    expect(parsed.ok && Object.keys(parsed.value).sort()).toEqual(Object.keys(value).sort());
    expect(parsed.ok && parsed.value.fileDate?.modification?.getTime()).toBe(Math.floor(file.modified.getTime() / 1000) * 1000);
  });
});
