/**
 * The credentials file: the console's CSV with the password and access key this run created. Secrets are kept
 * here from the moment AWS returns them; the file is filled once, and then exactly the journal tags of the
 * secrets it holds are cleared.
 */
import { DeleteAccessKeyCommand } from '@aws-sdk/client-iam';
import { basename, dirname, extname, join } from 'node:path';
import type { Context } from '../context.js';
import { cleanUpAndRethrow, FileTakenOverError, RuntimeError } from '../errors.js';
import { credentialsCsv, signInUrl } from '../lib/credentials-csv.js';
import type { SecretRegistry } from '../lib/secrets.js';
import { clearPending, JOURNAL_TAGS, markAccessKeyPending, markAccessKeySaved, markPasswordPending, type JournalEntry } from './journal.js';
import type { CredentialKeeper, StepContext } from '../steps/types.js';

/** How many "-recovered-N" names are tried beside a credentials file that was taken over. */
const RESCUE_TRIES = 20;

export class CredentialVault implements CredentialKeeper {
  password?: string;
  accessKey?: { id: string; secret: string };
  /** The user's keys before this run created one: what the journal tells strays apart by. */
  keysBefore: string[] = [];
  private keyAccountedFor = false;
  /** Set once a delivery was tried: a secret is written once or not at all. */
  deliveryTried = false;

  constructor(private readonly secrets: SecretRegistry) {}

  keepPassword(password: string): void {
    this.secrets.add(password);
    this.password = password;
  }

  keepAccessKey(key: { id: string; secret: string }, before: string[]): void {
    this.secrets.add(key.secret);
    this.accessKey = key;
    this.keysBefore = before;
    this.keyAccountedFor = false;
  }

  accessKeyAccountedFor(): void {
    this.keyAccountedFor = true;
  }

  get accountedFor(): boolean {
    return this.keyAccountedFor;
  }
}

/** "creds.csv" → "creds-recovered.csv", "creds-recovered-2.csv", …: beside the file, still a CSV. */
export function rescueNames(path: string, tries = RESCUE_TRIES): string[] {
  const ext = extname(path);
  const stem = join(dirname(path), basename(path, ext));
  return Array.from({ length: tries }, (_, i) => `${stem}-recovered${i === 0 ? '' : `-${i + 1}`}${ext}`);
}

/** Writes `data` to a new file beside `path` (exclusive, 0600, checked after writing); its path. */
async function saveBeside(ctx: Pick<Context, 'fs'>, path: string, data: string): Promise<string> {
  let last: unknown;
  for (const candidate of rescueNames(path)) {
    const state = await ctx.fs.inspectTarget(candidate);
    if (state.kind === 'blocked') throw new RuntimeError(state.reason);
    if (state.kind === 'taken') continue;
    try {
      const file = await ctx.fs.reserve(candidate);
      await file.fill(data);
      return candidate;
    } catch (err) {
      last = err;
    }
  }
  throw last instanceof Error ? last : new RuntimeError(`no free name for a file beside ${path}`);
}

/**
 * Writes the kept secrets to the reserved credentials file and clears their journal tags. Returns the file's
 * path, or undefined when there was nothing to write.
 *
 * - The file cannot be written (full disk, …): the secrets are lost. A key created by this run is deleted (its
 *   journal tag stays, so the next run creates a new one), and the password's journal tag stays, so the next run
 *   resets it.
 * - The file was deleted or replaced while the run went on: the secrets go to a new file beside it, the journal
 *   stays (now naming that file), and the run stops with exit 3 saying where they are.
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
    let failure = err;
    if (err instanceof FileTakenOverError) {
      const rescued = await saveBeside(ctx, file.path, csv).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))));
      if (typeof rescued === 'string') return keptBeside(ctx, vault, err, rescued);
      failure = new RuntimeError(`${err.message}, and no file beside it could take the new credentials either: ${rescued.message}`);
    }
    const key = vault.accessKey;
    await cleanUpAndRethrow(
      failure,
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
  // A saved key must never be replaced by a re-run; if strays were not looked for yet, the journal still tells them apart.
  if (vault.accessKey && !vault.accountedFor) await markAccessKeySaved(ctx, user, vault.keysBefore, vault.accessKey.id, file.path);
  await clearPending(ctx, user, saved);
  return file.path;
}

/**
 * The secrets are in `rescued`, not where the operator was told. Nothing is cleared: the journal stays and is
 * pointed at `rescued`, so a re-run knows which file it makes stale. Always throws: the run stops here.
 */
async function keptBeside(ctx: StepContext, vault: CredentialVault, taken: FileTakenOverError, rescued: string): Promise<never> {
  const user = ctx.settings.adminUser;
  const what = [vault.password && 'console password', vault.accessKey && `access key ${vault.accessKey.id}`].filter(Boolean).join(' and ');
  const stop = new RuntimeError(
    `${taken.message}, so ${user}'s new ${what} could not be saved there; they were saved to ${rescued} (mode 0600) instead.`,
    `Take them from ${rescued}. The journal tags on ${user} stay (${JOURNAL_TAGS.join(', ')}): the next init replaces ` +
      `this ${what}, and ${rescued} stops working then. To keep them instead, remove the tags first: ` +
      `aws iam untag-user --user-name ${user} --tag-keys ${JOURNAL_TAGS.join(' ')}`,
  );
  return cleanUpAndRethrow(stop, [
    {
      leftBehind: `the journal tags on ${user} still name ${taken.path}`,
      run: async () => {
        if (vault.password) await markPasswordPending(ctx, user, rescued);
        if (vault.accessKey) await markAccessKeyPending(ctx, user, vault.keysBefore, rescued);
      },
    },
  ]);
}
