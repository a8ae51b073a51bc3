/**
 * Reads of things that may not exist: AWS answers "not found" with an error (IAM's NoSuchEntity, Account
 * Management's ResourceNotFound), which for a read means "absent", not "failed". One helper, so every read says so
 * the same way and no other error is ever taken for absence.
 */
import { isAwsError } from '../errors.js';

/** The call's answer, or undefined when AWS says the thing does not exist. */
export async function unlessAbsent<T>(call: Promise<T>, notFound: string[] = ['NoSuchEntity']): Promise<T | undefined> {
  try {
    return await call;
  } catch (err) {
    if (isAwsError(err, ...notFound)) return undefined;
    throw err;
  }
}

/** A delete that finds the thing already gone has done its job: a re-run, or a retry after a lost answer, converges. */
export async function deleted(call: Promise<unknown>): Promise<void> {
  await unlessAbsent(call);
}
