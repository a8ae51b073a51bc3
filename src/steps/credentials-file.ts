/**
 * The credentials file: the console's CSV with the password and access key this run created. Secrets are kept
 * here from the moment AWS returns them; the file is filled once, and then exactly the journal tags of the
 * secrets it holds are cleared.
 */
import { DeleteAccessKeyCommand } from '@aws-sdk/client-iam';
import { cleanUpAndRethrow } from '../errors.js';
import { credentialsCsv, signInUrl } from '../lib/credentials-csv.js';
import type { SecretRegistry } from '../lib/secrets.js';
import { clearPending, type JournalEntry } from './secret-journal.js';
import type { CredentialKeeper, StepContext } from './types.js';

export class CredentialVault implements CredentialKeeper {
  password?: string;
  accessKey?: { id: string; secret: string };
  private keyAccountedFor = false;
  /** Set once a delivery was tried: a secret is written once or not at all. */
  deliveryTried = false;

  constructor(private readonly secrets: SecretRegistry) {}

  keepPassword(password: string): void {
    this.secrets.add(password);
    this.password = password;
  }

  keepAccessKey(key: { id: string; secret: string }): void {
    this.secrets.add(key.secret);
    this.accessKey = key;
    this.keyAccountedFor = false;
  }

  accessKeyAccountedFor(): void {
    this.keyAccountedFor = true;
  }

  get accountedFor(): boolean {
    return this.keyAccountedFor;
  }
}

/**
 * Writes the kept secrets to the reserved credentials file and clears their journal tags. Returns the file's
 * path, or undefined when there was nothing to write. When the file cannot be written, the secrets are lost:
 * a key created by this run is deleted (its journal tag stays, so the next run creates a new one), and the
 * password's journal tag stays, so the next run resets it.
 */
export async function deliverCredentials(ctx: StepContext, vault: CredentialVault, alias: string | undefined): Promise<string | undefined> {
  if (vault.deliveryTried || (!vault.password && !vault.accessKey)) return undefined;
  vault.deliveryTried = true;
  const file = ctx.files.credentials;
  const user = ctx.settings.adminUser;
  if (!file) throw new Error('secrets were created but no credentials file was reserved for them');
  const csv = credentialsCsv({
    userName: user,
    password: vault.password,
    accessKeyId: vault.accessKey?.id,
    secretAccessKey: vault.accessKey?.secret,
    consoleLoginLink: signInUrl(ctx.account.accountId, alias),
  });
  try {
    await file.fill(csv);
  } catch (err) {
    const key = vault.accessKey;
    await cleanUpAndRethrow(
      err,
      key
        ? [
            {
              leftBehind: `access key ${key.id} of ${user}, whose secret could not be saved: delete it (aws iam delete-access-key --user-name ${user} --access-key-id ${key.id}) or run init again, which replaces it`,
              run: () => ctx.clients.iam.send(new DeleteAccessKeyCommand({ UserName: user, AccessKeyId: key.id })),
            },
          ]
        : [],
    );
  }
  ctx.out.info(`  saved new credentials to ${file.path} (mode 0600)`);
  const saved: JournalEntry[] = [];
  if (vault.password) saved.push('password');
  if (vault.accessKey && vault.accountedFor) saved.push('accessKey');
  await clearPending(ctx, user, saved);
  return file.path;
}
