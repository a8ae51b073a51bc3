/**
 * The AWS SDK's own warnings (it writes them with console.warn unless a client has a logger) never reach the
 * operator raw: each becomes one line, said once, in the tool's words where we know the warning.
 */
import type { Logger } from '@smithy/types';

const KNOWN: { match: RegExp; say: (env: NodeJS.ProcessEnv) => string }[] = [
  {
    match: /Multiple credential sources detected/,
    say: (env) => `Warning: both AWS_PROFILE (${env.AWS_PROFILE ?? ''}) and AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY are set; the profile is used. Unset one of them.`,
  },
];

/** A logger for every SDK client: debug and info are dropped, each distinct warning is passed to `warn` once. */
export function sdkLogger(warn: (line: string) => void, env: NodeJS.ProcessEnv = process.env): Logger {
  const said = new Set<string>();
  const once = (line: string) => {
    if (said.has(line)) return;
    said.add(line);
    warn(line);
  };
  return {
    debug: () => undefined,
    info: () => undefined,
    warn: (...content: unknown[]) => {
      const text = content.map(String).join(' ');
      const known = KNOWN.find((k) => k.match.test(text));
      if (known) return once(known.say(env));
      // Unknown warnings: their first meaningful line, without the SDK's package prefix.
      const first = text.split('\n').map((l) => l.trim()).find((l) => l && !/^@(aws-sdk|smithy)\/[\w-]+ - .*WARNING:?$/.test(l)) ?? text.trim();
      once(`Warning (AWS SDK): ${first}`);
    },
    error: () => undefined,
  };
}
