/** The IAM console's credentials CSV, which `aws configure import --csv` reads. */

export interface DeliveredCredentials {
  userName: string;
  password?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  consoleLoginLink: string;
}

export const CSV_HEADER = 'User name,Password,Access key ID,Secret access key,Console login link';

function field(value: string | undefined): string {
  const v = value ?? '';
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function credentialsCsv(c: DeliveredCredentials): string {
  const row = [c.userName, c.password, c.accessKeyId, c.secretAccessKey, c.consoleLoginLink].map(field).join(',');
  return `${CSV_HEADER}\n${row}\n`;
}

export function signInUrl(accountId: string, alias: string | undefined): string {
  return `https://${alias ?? accountId}.signin.aws.amazon.com/console`;
}
