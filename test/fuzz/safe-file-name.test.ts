// Property-based fuzzing of peer-chosen file names: whatever a sender writes in `name:`, the result
// is one harmless path component and resolves directly inside the download folder.
import { basename, dirname, resolve, sep } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { collisionName, resolveInsideFolder, safeFileName } from '../../runtime/files/safe-file-name.ts';
import { CpmError } from '../../runtime/errors.ts';
import { FuzzMeter } from '../helpers/fuzz-meter.ts';
import { fuzzRuns } from '../helpers/fuzz-runs.ts';

const meter = new FuzzMeter();
afterAll(() => console.log(meter.summary('files')));

const folder = resolve('/tmp/cpm-ft-fuzz-downloads');
const seeds = { names: 0xf11e, resolve: 0xf11f };
const hostile = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc.string({ unit: fc.constantFrom('.', '/', '\\', '..', ' ', '\0', ':', 'C:', '~', 'a', 'CON', 'nul', '\u202e', '\u2066', 'é', '\u0301', '%2e', '%2f', '\r', '\n', '*', '?', '"', '<', '>', '|'), maxLength: 80 }),
  fc.constantFrom('..', '.', '', '/', '../../etc/passwd', '..\\..\\boot.ini', 'C:\\Windows\\x.exe', '/etc/shadow', '....//', '. .', ' ..', '.. ', 'CON.txt', 'lpt1', '\u202etxt.exe'),
);

describe('safeFileName: any offered name becomes one component inside the folder', () => {
  it('single component, no separators or controls, at most 255 bytes, resolves directly inside the folder', () => {
    fc.assert(
      fc.property(hostile, fc.integer({ min: 0, max: 1000 }), (offered, n) => {
        for (const name of [meter.run('safeFileName', offered.length, () => safeFileName(offered)), collisionName(safeFileName(offered), n)]) {
          expect(name.length).toBeGreaterThan(0);
          expect(name).not.toMatch(/[/\\\u0000-\u001f\u007f]/);
          expect(name === '.' || name === '..').toBe(false);
          expect(name.startsWith('.')).toBe(false);
          expect(Buffer.byteLength(name, 'utf8')).toBeLessThanOrEqual(255);
          expect(basename(name)).toBe(name);
          const r = meter.run('resolveInsideFolder', name.length, () => resolveInsideFolder(folder, name));
          expect(r.ok, r.ok ? '' : r.error.message).toBe(true);
          if (r.ok) {
            expect(dirname(r.value)).toBe(folder);
            expect(r.value.startsWith(folder + sep)).toBe(true);
          }
        }
        // Idempotent and NFC: a safe name stays as it is.
        const once = safeFileName(offered);
        expect(once).toBe(once.normalize('NFC'));
        expect(safeFileName(once)).toBe(once);
      }),
      { seed: seeds.names, ...fuzzRuns(3000) },
    );
  });

  it('resolveInsideFolder never returns a path outside the folder, whatever the name', () => {
    fc.assert(
      fc.property(hostile, (name) => {
        const r = meter.run('resolveInsideFolder', name.length, () => resolveInsideFolder(folder, name));
        if (!r.ok) {
          expect(r.error).toBeInstanceOf(CpmError);
          expect(r.error.code).toBe('ERR_FILE_NAME_UNSAFE');
          return;
        }
        expect(dirname(r.value)).toBe(folder);
        expect(r.value).not.toBe(folder);
      }),
      { seed: seeds.resolve, ...fuzzRuns(3000) },
    );
  });

  it('long names finish in time', () => {
    for (const text of ['a'.repeat(1 << 20), '.'.repeat(1 << 20), `${'a/'.repeat(1 << 19)}x`, `${'é'.repeat(1 << 18)}.txt`, ` ${' .'.repeat(1 << 19)}`]) {
      const name = meter.run('safeFileName', text.length, () => safeFileName(text));
      expect(Buffer.byteLength(name)).toBeLessThanOrEqual(255);
    }
  });
});
