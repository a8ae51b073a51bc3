import { describe, expect, it } from 'vitest';
import { allPages } from '../../../src/aws/pagination.js';

describe('allPages', () => {
  it('follows the token from page to page and stops after the last', async () => {
    const pages: Record<string, { items: number[]; next?: string }> = {
      start: { items: [1, 2], next: 'b' },
      b: { items: [], next: 'c' }, // AWS may return an empty page that is not the last
      c: { items: [3] },
    };
    const asked: (string | undefined)[] = [];
    const all = await allPages(async (token) => {
      asked.push(token);
      return pages[token ?? 'start'] as { items: number[]; next?: string };
    });
    expect(all).toEqual([1, 2, 3]);
    expect(asked).toEqual([undefined, 'b', 'c']);
  });
});
