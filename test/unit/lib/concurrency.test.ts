import { describe, expect, it } from 'vitest';
import { mapConcurrent } from '../../../src/lib/concurrency.js';

describe('mapConcurrent', () => {
  it('keeps the order and never has more than `limit` in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const out = await mapConcurrent([5, 1, 4, 2, 3], 2, async (n) => {
      most = Math.max(most, ++inFlight);
      await new Promise((r) => setTimeout(r, n));
      inFlight -= 1;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30]);
    expect(most).toBe(2);
  });

  it('after a failure starts nothing new, and rejects only once the calls in flight have settled', async () => {
    const started: number[] = [];
    let settled = 0;
    const result = mapConcurrent([0, 1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      started.push(n);
      if (n === 0) throw new Error('denied');
      await new Promise((r) => setTimeout(r, 20));
      settled += 1;
      return n;
    });
    await expect(result).rejects.toThrow('denied');
    expect(started).toEqual([0, 1, 2]);
    expect(settled).toBe(2); // nothing of ours is still running once it has rejected
  });
});
