// RFC 5547 §6 file-icon: the icon checks (magic bytes, size, declared type), the multipart INVITE
// body (SDP, recipient list, icon parts), and the receiving side's extraction with every hostile
// variant refused while the file offer itself stays readable.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildFileInviteBody, checkIcon, extractOfferedIcons, parseMultipart, parseSipMessage, readIconFile, saveIcon, sniffIconType,
  type FileIcon, type SipRequest,
} from '../../../runtime/index.ts';
import { fileTransferProcedures } from '../../../src/procedures.ts';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46]);
const WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.from([4, 0, 0, 0]), Buffer.from('WEBPVP8 ')]);
const png: FileIcon = { type: 'image/png', bytes: PNG };

const dirs: string[] = [];
afterEach(async () => { for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true }); });
const temp = async (): Promise<string> => { const d = await mkdtemp(join(tmpdir(), 'cpm-ft-icon-')); dirs.push(d); return d; };

describe('RFC 5547 §6 icon checks', () => {
  it('recognises PNG, JPEG, GIF and WebP by their bytes and nothing else', () => {
    expect([PNG, JPEG, GIF, WEBP].map(sniffIconType)).toEqual(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
    expect(sniffIconType(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeUndefined();
    expect(sniffIconType(Buffer.from('BM6\0\0\0'))).toBeUndefined();
  });

  it('refuses empty, oversized, unknown and mis-declared icons with ERR_FILE_ICON', () => {
    const refused = (bytes: Buffer, options: Parameters<typeof checkIcon>[1] = {}): string => {
      const r = checkIcon(bytes, options);
      if (r.ok) throw new Error('accepted');
      expect(r.error.code).toBe('ERR_FILE_ICON');
      return r.error.message;
    };
    expect(refused(Buffer.alloc(0))).toMatch(/empty/);
    expect(refused(Buffer.concat([PNG, Buffer.alloc(100)]), { maxBytes: 64 })).toMatch(/more than the limit of 64/);
    expect(refused(Buffer.from('GIF'))).toMatch(/is not image\/png, image\/jpeg/);
    expect(refused(PNG, { declaredType: 'image/gif' })).toMatch(/declared "image\/gif" but its bytes are image\/png/);
    expect(checkIcon(PNG, { declaredType: 'IMAGE/PNG; x=1' }).ok).toBe(true);
  });

  it('reads an icon file, refusing a folder and a file over the limit', async () => {
    const d = await temp();
    await writeFile(join(d, 'i.png'), PNG);
    expect((await readIconFile(join(d, 'i.png'))).type).toBe('image/png');
    await expect(readIconFile(d)).rejects.toMatchObject({ code: 'ERR_FILE_ICON' });
    await expect(readIconFile(join(d, 'i.png'), 10)).rejects.toThrow(/more than the limit of 10/);
    await expect(readIconFile(join(d, 'missing.png'))).rejects.toThrow(/cannot open icon/);
  });
});

const SDP = (icon: string | undefined, extra = ''): string => [
  'v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0',
  'm=message 7394 TCP/MSRP *', 'a=sendonly', 'a=accept-types:image/jpeg', 'a=path:msrp://127.0.0.1:7394/abc;tcp',
  'a=file-selector:name:"photo.jpg" type:image/jpeg size:1000 hash:sha-1:72:24:5F:E8:65:3D:DA:F3:71:36:2F:86:D4:71:91:3E:E4:A2:CE:2E',
  'a=file-transfer-id:vBnG916bdberum2fFEABR', ...(icon === undefined ? [] : [`a=file-icon:${icon}`]), ...(extra === '' ? [] : [extra]), '',
].join('\r\n');

function invite(body: Buffer | string, contentType: string): SipRequest {
  const payload = typeof body === 'string' ? Buffer.from(body) : body;
  const head = [
    'INVITE sip:bob@127.0.0.1 SIP/2.0', 'Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK1', 'From: <sip:alice@127.0.0.1>;tag=1',
    'To: <sip:bob@127.0.0.1>', 'Call-ID: c1', 'CSeq: 1 INVITE', 'Max-Forwards: 70', 'Contact: <sip:alice@127.0.0.1>',
    `Content-Type: ${contentType}`, `Content-Length: ${payload.length}`, '', '',
  ].join('\r\n');
  const parsed = parseSipMessage(Buffer.concat([Buffer.from(head), payload]));
  if (!parsed.ok || parsed.value.kind !== 'request') throw new Error(`test INVITE does not parse: ${parsed.ok ? 'response' : parsed.error.message}`);
  return parsed.value;
}

describe('the multipart INVITE body', () => {
  it('is plain SDP without icons or recipients, multipart/mixed with SDP, list and icon parts otherwise', () => {
    expect(buildFileInviteBody({ sdp: 'v=0\r\n' })).toEqual({ body: 'v=0\r\n', contentType: 'application/sdp' });
    const built = buildFileInviteBody({ sdp: SDP('cid:icon-1@127.0.0.1'), recipients: ['sip:bob@127.0.0.1', 'sip:carol@127.0.0.1'], icons: [{ contentId: 'icon-1@127.0.0.1', icon: png }] });
    expect(built.contentType).toMatch(/^multipart\/mixed;boundary=cpm-[0-9a-f]{24}$/);
    const parts = parseMultipart(built.body as Buffer, built.contentType);
    if (!parts.ok) throw parts.error;
    expect(parts.value.map((p) => [p.headers.get('Content-Type'), p.headers.get('Content-Disposition') ?? null, p.headers.get('Content-ID') ?? null])).toEqual([
      ['application/sdp', null, null],
      ['application/resource-lists+xml', 'recipient-list', null],
      ['image/png', 'icon', '<icon-1@127.0.0.1>'],
    ]);
    expect(parts.value[2]?.body.equals(PNG)).toBe(true);
  });

  it('round-trips: the receiver finds the icon its m-line names', () => {
    const built = buildFileInviteBody({ sdp: SDP('cid:icon-1@127.0.0.1'), icons: [{ contentId: 'icon-1@127.0.0.1', icon: png }] });
    const found = extractOfferedIcons(invite(built.body, built.contentType), fileTransferProcedures);
    expect(found.problems).toEqual([]);
    expect(found.icons).toHaveLength(1);
    expect(found.icons[0]).toMatchObject({ index: 0, transferId: 'vBnG916bdberum2fFEABR', name: 'photo.jpg', type: 'image/png', contentId: 'icon-1@127.0.0.1' });
    expect(found.icons[0]?.bytes.equals(PNG)).toBe(true);
  });
});

describe('hostile icons are refused, the offer is not', () => {
  const part = (headers: string[], body: Buffer): Buffer => Buffer.concat([Buffer.from(`--b\r\n${headers.join('\r\n')}\r\n\r\n`), body, Buffer.from('\r\n')]);
  const body = (sdp: string, ...parts: Buffer[]): Buffer => Buffer.concat([part(['Content-Type: application/sdp'], Buffer.from(sdp)), ...parts, Buffer.from('--b--\r\n')]);
  const problems = (raw: Buffer, type = 'multipart/mixed;boundary=b'): string[] => {
    const found = extractOfferedIcons(invite(raw, type), fileTransferProcedures);
    expect(found.icons).toEqual([]);
    return found.problems.map((p) => p.reason);
  };
  const icon = (id: string, type: string, bytes: Buffer, disposition = 'icon'): Buffer => part([`Content-Type: ${type}`, `Content-ID: <${id}>`, `Content-Disposition: ${disposition}`], bytes);

  it('wrong type, oversized, missing part, cid pointing nowhere, other disposition, base64, bad cid', () => {
    expect(problems(body(SDP('cid:a@x'), icon('a@x', 'image/png', Buffer.from('<svg/>'))))).toEqual([expect.stringMatching(/is not image\/png/)]);
    expect(problems(body(SDP('cid:a@x'), icon('a@x', 'image/gif', PNG)))).toEqual([expect.stringMatching(/declared "image\/gif"/)]);
    expect(problems(body(SDP('cid:a@x'), icon('a@x', 'image/png', Buffer.concat([PNG, Buffer.alloc(40 * 1024)]))))).toEqual([expect.stringMatching(/more than the limit of 32768/)]);
    expect(problems(body(SDP('cid:a@x')))).toEqual([expect.stringMatching(/Content-ID <a@x>, which no body part has/)]);
    expect(problems(body(SDP('cid:elsewhere@x'), icon('a@x', 'image/png', PNG)))).toEqual([expect.stringMatching(/<elsewhere@x>, which no body part has/)]);
    expect(problems(body(SDP('cid:a@x'), icon('a@x', 'image/png', PNG, 'attachment; filename=x.png')))).toEqual([expect.stringMatching(/Content-Disposition "attachment", not icon/)]);
    expect(problems(body(SDP('cid:a@x'), part(['Content-Type: image/png', 'Content-ID: <a@x>', 'Content-Transfer-Encoding: base64'], Buffer.from(PNG.toString('base64')))))).toEqual([expect.stringMatching(/base64/)]);
    expect(problems(body(SDP('cid:%E0%A4%A@x'), icon('a@x', 'image/png', PNG)))).toEqual([expect.stringMatching(/not a valid cid: URL|no body part/)]);
    // A plain SDP INVITE with a=file-icon has no part at all.
    expect(problems(Buffer.from(SDP('cid:a@x')), 'application/sdp')).toEqual([expect.stringMatching(/no body part has/)]);
    // The offer is still read by the generated parser as an ordinary file offer.
    const attrs = fileTransferProcedures.fileAttributes.parse([{ name: 'file-selector', value: 'name:"x.bin" size:10' }, { name: 'file-transfer-id', value: 'x' }, { name: 'sendonly', value: null }, { name: 'file-icon', value: 'cid:a@x' }]);
    expect(attrs.ok).toBe(true);
  });

  it('a traversal Content-ID is just a name: saveIcon stores the icon under the file name inside the folder', async () => {
    const raw = body(SDP('cid:../../etc/passwd@x'), icon('../../etc/passwd@x', 'image/png', PNG));
    const found = extractOfferedIcons(invite(raw, 'multipart/mixed;boundary=b'), fileTransferProcedures);
    const got = found.icons[0];
    if (got === undefined) throw new Error(`no icon: ${found.problems.map((p) => p.reason).join('; ')}`);
    const d = await temp();
    const path = await saveIcon(d, '../../evil/photo.jpg', got);
    expect(path).toBe(join(d, 'photo.jpg.icon.png'));
    expect(await saveIcon(d, '../../evil/photo.jpg', got)).toBe(join(d, 'photo.jpg.icon (1).png'));
    // An existing symlink at the target name is never followed or overwritten.
    await symlink('/tmp/never-written-by-cpm-ft', join(d, 'x.icon.png'));
    expect(await saveIcon(d, 'x', got)).toBe(join(d, 'x.icon (1).png'));
    expect((await readdir(d)).sort()).toEqual(['photo.jpg.icon (1).png', 'photo.jpg.icon.png', 'x.icon (1).png', 'x.icon.png']);
    expect((await readFile(join(d, 'photo.jpg.icon.png'))).equals(PNG)).toBe(true);
  });
});
