/**
 * Every item of a paginated AWS list. `page(token)` makes one call and returns its items and the next token
 * (Organizations' and most services' NextToken), or undefined after the last page.
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

/** An IAM list answer: the next page's Marker, while IsTruncated. */
interface IamPage {
  IsTruncated?: boolean;
  Marker?: string;
}

/**
 * Every item of an IAM list (IAM pages with Marker and IsTruncated): `call(Marker)` makes one request, `pick` takes
 * its items. Every IAM list in the tool goes through here, so none stops at its first page.
 */
export function iamPages<P extends IamPage, T>(call: (Marker: string | undefined) => Promise<P>, pick: (page: P) => T[] | undefined): Promise<T[]> {
  return allPages(async (Marker) => {
    const page = await call(Marker);
    return { items: pick(page) ?? [], next: page.IsTruncated ? page.Marker : undefined };
  });
}
