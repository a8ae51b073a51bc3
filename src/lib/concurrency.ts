/**
 * Maps `items` through `fn` with at most `limit` calls in flight, keeping the order of `items`.
 * On the first failure no further item is started, and the promise rejects only once the calls already in
 * flight have settled: when it returns, no work it started is still running (nothing keeps calling AWS for a
 * result nobody will read).
 */
export async function mapConcurrent<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (next < items.length && !failure) {
      const i = next++;
      try {
        results[i] = await fn(items[i] as T, i);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure) throw failure.error;
  return results;
}
