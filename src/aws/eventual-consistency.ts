import { isAwsError } from '../errors.js';
import type { Clock } from '../context.js';

/**
 * IAM is eventually consistent: a user created a moment ago can answer NoSuchEntity to the next call.
 * Retry such a follow-up call briefly; the sleep comes from the injected clock so tests do not wait.
 */
export async function retryWhileNotVisible<T>(
  clock: Clock,
  call: () => Promise<T>,
  { attempts = 6, firstDelayMs = 250 }: { attempts?: number; firstDelayMs?: number } = {},
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (attempt >= attempts || !isAwsError(err, 'NoSuchEntity')) throw err;
      await clock.sleep(firstDelayMs * 2 ** (attempt - 1));
    }
  }
}
