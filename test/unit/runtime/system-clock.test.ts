import { describe, expect, it } from 'vitest';
import { createFakeClock, createSystemClock } from '../../../runtime/clock.ts';

// The real clock hands back handles that carry their node timer; these check the behaviour every
// protocol timer relies on (fires once, a cleared timer never fires, clearing is idempotent), with
// zero-delay timers so nothing here waits on the wall clock.
describe('the system clock', () => {
  it('fires a timer once and never fires one cleared before it was due', async () => {
    const clock = createSystemClock();
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('kept'), 0);
    const cleared = clock.setTimeout(() => fired.push('cleared'), 0);
    clock.clearTimeout(cleared);
    clock.clearTimeout(cleared);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(fired).toEqual(['kept']);
  });

  it('gives distinct ids, and ignores undefined, fired and foreign handles', async () => {
    const clock = createSystemClock();
    const a = clock.setTimeout(() => undefined, 0);
    const b = clock.setTimeout(() => undefined, 0);
    expect(a.id).not.toBe(b.id);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(() => {
      clock.clearTimeout(a);
      clock.clearTimeout(undefined);
      clock.clearTimeout(createFakeClock().setTimeout(() => undefined, 10));
    }).not.toThrow();
  });
});
