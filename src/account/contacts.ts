/** The account's alternate contacts (AWS Account Management). */
import { GetAlternateContactCommand } from '@aws-sdk/client-account';
import { unlessAbsent } from '../aws/absent.js';
import type { AwsClients } from '../aws/clients.js';

export interface SecurityContact {
  email: string;
  name: string;
  phone: string;
  title: string;
}

/** The SECURITY alternate contact, or undefined when there is none (ResourceNotFound). */
export async function securityContact(ctx: { clients: AwsClients }): Promise<SecurityContact | undefined> {
  const answer = await unlessAbsent(ctx.clients.account.send(new GetAlternateContactCommand({ AlternateContactType: 'SECURITY' })), ['ResourceNotFound']);
  const c = answer?.AlternateContact;
  if (!c) return undefined;
  return { email: c.EmailAddress ?? '', name: c.Name ?? '', phone: c.PhoneNumber ?? '', title: c.Title ?? '' };
}
