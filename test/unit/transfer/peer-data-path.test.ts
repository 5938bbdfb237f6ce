// Which data path the sender picks from the answer: tuned only toward a recognised cpm-ft peer
// (or any peer when configured) and never through an RFC 4976 relay.
import { describe, expect, it } from 'vitest';
import { chooseDataPath, isCpmFtServer, type DataPathInputs } from '../../../runtime/transfer/peer-data-path.ts';

const base: DataPathInputs = { tuning: 'auto', successReport: false, chunkSize: 65_536, tunedChunkSize: 262_144, server: 'cpm-ft', relayed: false };

describe('peer data path', () => {
  it('recognises cpm-ft by the first product token of Server, with or without a version', () => {
    expect(isCpmFtServer('cpm-ft')).toBe(true);
    expect(isCpmFtServer('cpm-ft/1.4.0 (linux)')).toBe(true);
    expect(isCpmFtServer('  cpm-ft/2')).toBe(true);
    expect(isCpmFtServer('cpm-ft-focus')).toBe(false);
    expect(isCpmFtServer('Sipp/v3.6.1 cpm-ft')).toBe(false);
    expect(isCpmFtServer('kamailio (5.6.3 (x86_64/linux))')).toBe(false);
    expect(isCpmFtServer(undefined)).toBe(false);
    expect(isCpmFtServer('')).toBe(false);
  });

  it('tunes toward a cpm-ft peer without a relay: tuned chunks, partial, success REPORT', () => {
    expect(chooseDataPath(base)).toEqual({ chunkSize: 262_144, failureReport: 'partial', successReport: true });
  });

  it('keeps the safe defaults toward unknown peers, through relays, and when tuning is off', () => {
    const safe = { chunkSize: 65_536, failureReport: 'yes', successReport: false };
    expect(chooseDataPath({ ...base, server: 'Sipp/v3.6.1' })).toEqual(safe);
    expect(chooseDataPath({ ...base, server: undefined })).toEqual(safe);
    expect(chooseDataPath({ ...base, relayed: true })).toEqual(safe);
    expect(chooseDataPath({ ...base, tuning: 'off' })).toEqual(safe);
    expect(chooseDataPath({ ...base, tuning: 'always', relayed: true })).toEqual(safe);
    // The application's own Success-Report choice survives on the safe path.
    expect(chooseDataPath({ ...base, tuning: 'off', successReport: true }).successReport).toBe(true);
  });

  it('"always" tunes toward any peer reached without a relay', () => {
    expect(chooseDataPath({ ...base, tuning: 'always', server: 'Other/1.0' }).failureReport).toBe('partial');
  });
});
