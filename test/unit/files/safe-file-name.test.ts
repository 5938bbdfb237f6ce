import { mkdtempSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { collisionName, resolveInsideFolder, safeFileName } from '../../../runtime/files/safe-file-name.ts';

const folder = mkdtempSync(join(tmpdir(), 'cpm-safe-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const hostile = [
  '../../etc/passwd', '..\\..\\windows\\system32\\cmd.exe', '/etc/shadow', 'C:\\boot.ini', '..', '.', '...', '',
  '.bashrc', '....hidden', 'a/../../b', 'CON', 'con.txt', 'LPT1', 'nul.tar.gz', 'name\0.txt', 'line\r\nbreak.txt',
  'tab\there', 'trailing. . .', '  spaced  ', 'a:b*c?d"e<f>g|h', '\u202eexe.txt', 'x'.repeat(300), `${'é'.repeat(200)}.jpeg`,
  '日本語'.repeat(40) + '.png', '\\\\server\\share\\x', 'dir/', '~/.ssh/authorized_keys', '%2e%2e%2fpasswd',
];

describe('safeFileName', () => {
  it('keeps ordinary names', () => {
    expect(safeFileName('IMG_0001.jpg')).toBe('IMG_0001.jpg');
    expect(safeFileName('Résumé – 日本語.docx')).toBe('Résumé – 日本語.docx');
    expect(safeFileName('Annual report (final).pdf')).toBe('Annual report (final).pdf');
  });
  it('strips paths, dots, controls and reserved names', () => {
    expect(safeFileName('../../etc/passwd')).toBe('passwd');
    expect(safeFileName('..\\..\\windows\\cmd.exe')).toBe('cmd.exe');
    expect(safeFileName('.bashrc')).toBe('bashrc');
    expect(safeFileName('..')).toBe('file');
    expect(safeFileName('')).toBe('file');
    expect(safeFileName('con.txt')).toBe('_con.txt');
    expect(safeFileName('name\0.txt')).toBe('name.txt');
    expect(safeFileName('a:b*c?.txt')).toBe('a_b_c_.txt');
  });
  it('fits 255 UTF-8 bytes and keeps the extension', () => {
    const long = safeFileName(`${'é'.repeat(200)}.jpeg`);
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(255);
    expect(long.endsWith('.jpeg')).toBe(true);
    expect(long).not.toContain('\uFFFD');
  });
  it('every hostile name stays inside the folder and can be created there', () => {
    for (const name of hostile) {
      const safe = safeFileName(name);
      expect(safe).not.toMatch(/[/\\\0]/);
      expect(safe.startsWith('.')).toBe(false);
      expect(Buffer.byteLength(safe)).toBeLessThanOrEqual(255);
      const target = resolveInsideFolder(folder, safe);
      expect(target.ok).toBe(true);
      if (!target.ok) continue;
      expect(dirname(target.value)).toBe(resolve(folder));
      writeFileSync(target.value, 'x', { flag: 'w' });
    }
    expect(readdirSync(folder).length).toBeGreaterThan(10);
  });
  it('property: any string becomes one safe component', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (s) => {
      const safe = safeFileName(s);
      expect(safe.length).toBeGreaterThan(0);
      expect(safe).not.toMatch(/[/\\\u0000-\u001f]/);
      expect(safe === '.' || safe === '..' || safe.startsWith('.')).toBe(false);
      expect(Buffer.byteLength(safe)).toBeLessThanOrEqual(255);
      expect(resolveInsideFolder(folder, safe).ok).toBe(true);
    }));
  });
});

describe('resolveInsideFolder and collisionName', () => {
  it('refuses anything that leaves the folder', () => {
    for (const bad of ['../x', '..', '/etc/passwd', 'a/b', '', '.']) expect(resolveInsideFolder(folder, bad).ok).toBe(false);
    const r = resolveInsideFolder(folder, '..foo');
    expect(r.ok).toBe(true);
  });
  it('numbers collisions before the extension within 255 bytes', () => {
    expect(collisionName('photo.jpg', 0)).toBe('photo.jpg');
    expect(collisionName('photo.jpg', 2)).toBe('photo (2).jpg');
    expect(collisionName('README', 1)).toBe('README (1)');
    const long = collisionName(`${'x'.repeat(251)}.txt`, 12);
    expect(Buffer.byteLength(long)).toBe(255);
    expect(long.endsWith(' (12).txt')).toBe(true);
  });
});
