/** IAM Access Analyzer, per region. */
import { ListAnalyzersCommand, ListFindingsCommand, type AnalyzerSummary, type FindingSummary } from '@aws-sdk/client-accessanalyzer';
import type { AwsClients } from '../aws/clients.js';
import { allPages } from '../aws/pagination.js';

/** External-access analyzers (ACCOUNT, ORGANIZATION) of a region that are ACTIVE, or being created. */
export async function externalAccessAnalyzers(ctx: { clients: AwsClients }, region: string): Promise<AnalyzerSummary[]> {
  const client = ctx.clients.accessAnalyzer(region);
  const all = await allPages(async (nextToken) => {
    const page = await client.send(new ListAnalyzersCommand({ nextToken }));
    return { items: page.analyzers ?? [], next: page.nextToken };
  });
  return all.filter((a) => (a.type === 'ACCOUNT' || a.type === 'ORGANIZATION') && (a.status === 'ACTIVE' || a.status === 'CREATING'));
}

/** The ACTIVE findings of an analyzer: resources shared outside the zone of trust, or publicly. */
export async function activeFindings(ctx: { clients: AwsClients }, region: string, analyzerArn: string): Promise<FindingSummary[]> {
  const client = ctx.clients.accessAnalyzer(region);
  return allPages(async (nextToken) => {
    const page = await client.send(new ListFindingsCommand({ analyzerArn, filter: { status: { eq: ['ACTIVE'] } }, nextToken }));
    return { items: page.findings ?? [], next: page.nextToken };
  });
}
