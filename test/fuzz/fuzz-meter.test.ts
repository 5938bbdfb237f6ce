// The fuzz meter's slow-input check counts CPU time: a call kept waiting (as a process waits for a
// core on a loaded machine) is not slow, a call that works past its budget every time is.
import { describe, expect, it } from 'vitest';
import { budgetMs, FuzzMeter } from '../helpers/fuzz-meter.ts';

const cpuMs = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
/** Works (spins) until this process has used `ms` more CPU time. */
const burn = (ms: number): number => {
  const until = cpuMs() + ms;
  let spins = 0;
  while (cpuMs() < until) spins++;
  return spins;
};
/** Waits `ms` without working, as a descheduled process does. */
const wait = (ms: number): void => { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms); };

describe('FuzzMeter', () => {
  it('a call that waits past the budget without working is not slow', () => {
    const meter = new FuzzMeter();
    let calls = 0;
    expect(meter.run('waits', 4, () => { calls++; wait(budgetMs(4) + 150); return 'parsed'; })).toBe('parsed');
    expect(calls).toBe(1);
    expect(meter.count('waits')).toBe(1);
  });

  it('a call that works past its budget every time fails, naming the parser and the budget', () => {
    const meter = new FuzzMeter();
    let calls = 0;
    expect(() => meter.run('quadratic', 0, () => { calls++; return burn(budgetMs(0) + 50); })).toThrow(/^quadratic: \d+ ms of CPU for a 0-byte input, four times over \(budget 250 ms\)$/);
    expect(calls).toBe(4);
  }, 60_000);

  it('a call over the budget once (a collection during it) is retried and passes', () => {
    const meter = new FuzzMeter();
    let calls = 0;
    expect(meter.run('once', 0, () => (++calls === 1 ? burn(budgetMs(0) + 50) : 0))).toBe(0);
    expect(calls).toBe(2);
    expect(meter.summary('test')).toMatch(/^fuzz: test 1 inputs: once 1 \(worst \d+\.\d ms CPU\)$/);
  }, 60_000);
});
