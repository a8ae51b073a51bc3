/**
 * The account's SECURITY alternate contact (CIS 1.2): who AWS tells about a security issue in the account.
 * An existing contact is changed only by values given explicitly; PutAlternateContact replaces all four fields,
 * so the ones not given are sent as they are.
 */
import { PutAlternateContactCommand, type AlternateContact } from '@aws-sdk/client-account';
import { securityContact, type SecurityContact } from '../account/contacts.js';
import { UsageError } from '../errors.js';
import { plan, type FieldChange, type Step } from './types.js';

/** The fields of the contact to write, as far as flags and answers gave them. */
export type SecurityContactWish = Partial<SecurityContact>;

const FIELDS: [keyof SecurityContact, keyof AlternateContact, string][] = [
  ['email', 'EmailAddress', 'email'],
  ['name', 'Name', 'name'],
  ['phone', 'PhoneNumber', 'phone'],
  ['title', 'Title', 'title'],
];

interface ContactData {
  contact?: SecurityContact;
}

/** The default name when only an email is given: its local part ("security" for security@example.com). */
export function defaultContactName(email: string): string {
  return email.split('@')[0]?.slice(0, 64) || 'Security';
}

export const securityContactStep: Step<ContactData> = {
  id: 'security-contact',
  title: 'Security contact',

  async inspect(ctx) {
    const wish = ctx.settings.securityContact;
    const current = await securityContact(ctx);
    if (!wish) {
      return plan(this, 'skip', current ? `security contact ${current.email} left as it is (--no-security-contact)` : 'no security contact (--no-security-contact)', {});
    }
    if (!current) {
      if (!wish.email) return plan(this, 'skip', 'no security contact: none given (--security-contact-email <email> adds one)', {});
      if (!wish.phone) {
        throw new UsageError('--security-contact-phone: AWS requires a phone number for the security contact; give one with the email.');
      }
      const contact = { email: wish.email, name: wish.name ?? defaultContactName(wish.email), phone: wish.phone, title: wish.title ?? 'Security' };
      const changes = FIELDS.map(([key, , field]) => ({ field, to: contact[key] }));
      return plan(this, 'create', `security contact ${contact.name} <${contact.email}>`, { contact }, changes);
    }
    const contact = { ...current, ...Object.fromEntries(Object.entries(wish).filter(([, v]) => v !== undefined)) } as SecurityContact;
    const changes: FieldChange[] = FIELDS.filter(([key]) => contact[key] !== current[key]).map(([key, , field]) => ({
      field,
      from: current[key],
      to: contact[key],
    }));
    const summary = `security contact ${contact.name} <${contact.email}>`;
    return changes.length ? plan(this, 'update', summary, { contact }, changes) : plan(this, 'unchanged', summary, {});
  },

  async apply(ctx, p) {
    const c = p.data.contact;
    if (!c || (p.status !== 'create' && p.status !== 'update')) return {};
    // Idempotent: a retry after a lost answer writes the same values again.
    await ctx.clients.account.send(
      new PutAlternateContactCommand({ AlternateContactType: 'SECURITY', EmailAddress: c.email, Name: c.name, PhoneNumber: c.phone, Title: c.title }),
    );
    return {};
  },
};
