/**
 * Every item of a paginated AWS list. `page(token)` makes one call and returns its items and the next token
 * (IAM's Marker when IsTruncated, Organizations' NextToken), or undefined after the last page.
 */
export async function allPages<T>(page: (token: string | undefined) => Promise<{ items: T[]; next?: string }>): Promise<T[]> {
  const all: T[] = [];
  let token: string | undefined;
  do {
    const { items, next } = await page(token);
    all.push(...items);
    token = next;
  } while (token);
  return all;
}
