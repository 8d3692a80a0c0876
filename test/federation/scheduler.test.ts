import { describe, expect, it } from 'vitest';
import { nextDelay, SyncScheduler } from '../../src/trust/federation/scheduler.js';

describe('sync scheduling', () => {
  const fixed = { intervalMs: 900_000, retryBaseMs: 30_000, jitter: 0.1 };

  it('waits the interval after a success, jittered within ±10 %', () => {
    expect(nextDelay(0, { ...fixed, random: () => 0 })).toBe(810_000);
    expect(nextDelay(0, { ...fixed, random: () => 1 })).toBe(990_000);
  });

  it('backs off exponentially after failures, never beyond the interval', () => {
    const mid = { ...fixed, random: () => 0.5 };
    expect([1, 2, 3, 4, 5, 6].map((n) => nextDelay(n, mid))).toEqual([30_000, 60_000, 120_000, 240_000, 480_000, 900_000]);
    expect(nextDelay(1000, mid)).toBe(900_000);
  });

  it('retries a failing key sooner than a succeeding one and stops when told', async () => {
    const runs: string[] = [];
    const scheduler = new SyncScheduler(
      async () => ['good', 'bad'],
      async (key) => {
        runs.push(key);
        return key === 'good';
      },
      { intervalMs: 400, retryBaseMs: 40, jitter: 0, random: () => 0 },
    );
    scheduler.start();
    await new Promise((resolve) => setTimeout(resolve, 300));
    scheduler.stop();
    const count = runs.length;
    expect(runs.filter((k) => k === 'good')).toHaveLength(1);
    expect(runs.filter((k) => k === 'bad').length).toBeGreaterThanOrEqual(3);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(runs).toHaveLength(count);
  });
});
