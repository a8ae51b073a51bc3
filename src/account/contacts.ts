/** The account's alternate contacts (AWS Account Management). */
import { GetAlternateContactCommand, GetContactInformationCommand } from '@aws-sdk/client-account';
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

/** The alternate contact types AWS knows; CIS and the Startup Security Baseline want all three set. */
export const ALTERNATE_CONTACT_TYPES = ['BILLING', 'OPERATIONS', 'SECURITY'] as const;
export type AlternateContactType = (typeof ALTERNATE_CONTACT_TYPES)[number];

/** The alternate contacts of these types, or undefined where none is set. */
export async function alternateContacts<T extends AlternateContactType>(ctx: { clients: AwsClients }, types: readonly T[]): Promise<Record<T, SecurityContact | undefined>> {
  const read = await Promise.all(
    types.map(async (type) => {
      const answer = await unlessAbsent(ctx.clients.account.send(new GetAlternateContactCommand({ AlternateContactType: type })), ['ResourceNotFound']);
      const c = answer?.AlternateContact;
      return [type, c ? { email: c.EmailAddress ?? '', name: c.Name ?? '', phone: c.PhoneNumber ?? '', title: c.Title ?? '' } : undefined] as const;
    }),
  );
  return Object.fromEntries(read) as Record<T, SecurityContact | undefined>;
}

/** The fields of the primary contact the Account Management API requires; the check names any that are empty. */
export const PRIMARY_CONTACT_FIELDS = ['FullName', 'AddressLine1', 'City', 'PostalCode', 'CountryCode', 'PhoneNumber'] as const;

/** The primary contact, or undefined when the account has none (ResourceNotFound). */
export async function primaryContact(ctx: { clients: AwsClients }): Promise<Partial<Record<(typeof PRIMARY_CONTACT_FIELDS)[number], string>> | undefined> {
  const answer = await unlessAbsent(ctx.clients.account.send(new GetContactInformationCommand({})), ['ResourceNotFound']);
  return answer?.ContactInformation;
}
