/** GuardDuty detectors, per region. */
import { GetDetectorCommand, ListDetectorsCommand } from '@aws-sdk/client-guardduty';
import type { AwsClients } from '../aws/clients.js';
import { allPages } from '../aws/pagination.js';

/** Whether the region has a detector that is ENABLED (a region has at most one). */
export async function guardDutyEnabled(ctx: { clients: AwsClients }, region: string): Promise<boolean> {
  const client = await ctx.clients.guardDuty(region);
  const ids = await allPages(async (NextToken) => {
    const page = await client.send(new ListDetectorsCommand({ NextToken }));
    return { items: page.DetectorIds ?? [], next: page.NextToken };
  });
  for (const DetectorId of ids) {
    if ((await client.send(new GetDetectorCommand({ DetectorId }))).Status === 'ENABLED') return true;
  }
  return false;
}
