/**
 * Named profiles, checked before the SDK looks for credentials: an unknown one is named with the files searched
 * (and whether it came from AWS_PROFILE), instead of the SDK's "could not load credentials from any providers".
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../errors.js';

/** Where the SDK reads profiles from, as it decides it. */
export function profileFiles(env: NodeJS.ProcessEnv): { config: string; credentials: string } {
  const home = env.HOME || env.USERPROFILE || homedir();
  return {
    config: env.AWS_CONFIG_FILE || join(home, '.aws', 'config'),
    credentials: env.AWS_SHARED_CREDENTIALS_FILE || join(home, '.aws', 'credentials'),
  };
}

/** The profile names a file defines: "[profile name]" or "[default]" in config, "[name]" in credentials. */
export function profilesIn(text: string, kind: 'config' | 'credentials'): string[] {
  const names: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const section = /^\s*\[\s*([^\]]+?)\s*\]\s*(?:[#;].*)?$/.exec(line)?.[1];
    if (!section) continue;
    if (kind === 'credentials') names.push(section);
    else if (section === 'default') names.push('default');
    else {
      const named = /^profile\s+(.+)$/.exec(section)?.[1];
      if (named) names.push(named.trim());
    }
  }
  return names;
}

/**
 * Exit 2 when `profile` (from --profile, else AWS_PROFILE) is in neither file. `readText` answers undefined for a
 * file that does not exist.
 */
export function checkProfileExists(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
  readText: (path: string) => string | undefined,
): void {
  const profile = flag ?? env.AWS_PROFILE;
  if (!profile) return;
  const files = profileFiles(env);
  const known = [
    ...profilesIn(readText(files.config) ?? '', 'config'),
    ...profilesIn(readText(files.credentials) ?? '', 'credentials'),
  ];
  if (known.includes(profile)) return;
  const from = flag ? '--profile' : 'AWS_PROFILE';
  const others = [...new Set(known)];
  const list = others.length ? ` Profiles there: ${others.join(', ')}.` : ' Neither file defines any profile (aws configure, or aws configure sso, creates one).';
  throw new UsageError(`${from}: profile "${profile}" not found in ${files.config} or ${files.credentials}.${list}`);
}
