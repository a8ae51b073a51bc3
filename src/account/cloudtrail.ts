/** CloudTrail trails and whether they are logging. */
import { DescribeTrailsCommand, GetTrailStatusCommand, type Trail } from '@aws-sdk/client-cloudtrail';
import type { AwsClients } from '../aws/clients.js';

type Ctx = { clients: AwsClients };

/** The trails a region sees: its own, and the multi-region and organization trails of other home regions. */
export async function trailsSeenIn(ctx: Ctx, region: string): Promise<Trail[]> {
  const client = await ctx.clients.cloudTrail(region);
  return (await client.send(new DescribeTrailsCommand({ includeShadowTrails: true }))).trailList ?? [];
}

/** Whether the trail records events now, asked of its home region. */
export async function isLogging(ctx: Ctx, trail: Trail, region: string): Promise<boolean> {
  const client = await ctx.clients.cloudTrail(trail.HomeRegion ?? region);
  return (await client.send(new GetTrailStatusCommand({ Name: trail.TrailARN ?? trail.Name }))).IsLogging === true;
}
