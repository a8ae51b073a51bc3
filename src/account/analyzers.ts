/** IAM Access Analyzer, per region. */
import { ListAnalyzersCommand, type AnalyzerSummary } from '@aws-sdk/client-accessanalyzer';
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
