/**
 * The regions the AWS SDK knows, from its own partition data (@aws-sdk/core), so that a region AWS adds reaches
 * users with an SDK update rather than a release of this tool. A misspelt region ("eu-wset-1") is exit 2 with a
 * suggestion before any call, instead of retrying a host name that does not resolve for 14 seconds.
 */
import { UsageError } from '../errors.js';

interface PartitionData {
  partitions: { id: string; regions: Record<string, unknown> }[];
}

/**
 * partition id → its regions. The data is not among @aws-sdk/core's exports, so it is read from the ES module
 * build next to the entry point that is; undefined if a later SDK moves it (the check is then skipped, never
 * wrong: the pinned version is covered by a unit test).
 */
export async function knownRegions(): Promise<Map<string, string[]> | undefined> {
  try {
    const entry = import.meta.resolve('@aws-sdk/core/client');
    const file = new URL('../../../dist-es/submodules/client/util-endpoints/lib/aws/partitions.js', entry);
    const { partitionsInfo } = (await import(file.href)) as { partitionsInfo: PartitionData };
    return new Map(partitionsInfo.partitions.map((p) => [p.id, Object.keys(p.regions).filter((r) => !r.endsWith('-global'))]));
  } catch {
    return undefined;
  }
}

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] as number;
      row[j] = Math.min(above + 1, (row[j - 1] as number) + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length] as number;
}

/** The known regions nearest to `region` (the ones at the smallest distance, within 3 edits; at most 3). */
export function closestRegions(region: string, all: string[]): string[] {
  const scored = all.map((r) => ({ r, d: distance(region, r) })).filter((x) => x.d <= 3);
  const best = Math.min(...scored.map((x) => x.d));
  return scored.filter((x) => x.d === best).map((x) => x.r).sort().slice(0, 3);
}

/**
 * Exit 2 for a region no partition has. `source` says where the region came from: "--region", or the
 * environment or profile the SDK read it from.
 */
export function checkRegionKnown(region: string, regions: Map<string, string[]> | undefined, source: string): void {
  if (!regions) return;
  const all = [...regions.values()].flat();
  if (all.includes(region)) return;
  const near = closestRegions(region, all);
  const suggestion = near.length ? ` Did you mean ${near.join(' or ')}?` : ` The regions are listed at https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html.`;
  throw new UsageError(`${source}: "${region}" is not an AWS region.${suggestion}`);
}
