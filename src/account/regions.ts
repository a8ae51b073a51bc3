/** The regions the account can use. */
import { ListRegionsCommand } from '@aws-sdk/client-account';
import type { AwsClients } from '../aws/clients.js';
import { allPages } from '../aws/pagination.js';

/** Enabled and enabled-by-default regions, by API (account:ListRegions), sorted. */
export async function enabledRegions(ctx: { clients: AwsClients }): Promise<string[]> {
  const regions = await allPages(async (NextToken) => {
    const page = await ctx.clients.account.send(
      new ListRegionsCommand({ RegionOptStatusContains: ['ENABLED', 'ENABLED_BY_DEFAULT'], MaxResults: 50, NextToken }),
    );
    return { items: page.Regions ?? [], next: page.NextToken };
  });
  return regions.flatMap((r) => (r.RegionName ? [r.RegionName] : [])).sort();
}
