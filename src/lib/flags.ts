/**
 * Command-line facts commander does not report: a flag and its negation given together. Commander lets the last
 * one win silently, so `--no-admin-user --admin-user alice` would run with an admin user and complain about
 * something else entirely.
 */

/** The long names of negatable options ("--no-alias") and the option each negates ("--alias"), when both exist. */
export interface NegatableOption {
  long?: string;
  negate: boolean;
}

function givenFlag(argv: readonly string[], long: string): boolean {
  const end = argv.indexOf('--');
  const flags = end < 0 ? argv : argv.slice(0, end);
  return flags.some((a) => a === long || a.startsWith(`${long}=`));
}

/** "--alias and --no-alias are both given; give one of them." for the first such pair on the command line, else undefined. */
export function negationConflict(options: readonly NegatableOption[], argv: readonly string[]): string | undefined {
  const longs = new Set(options.map((o) => o.long).filter((l): l is string => l !== undefined));
  for (const o of options) {
    if (!o.negate || !o.long) continue;
    const positive = `--${o.long.slice('--no-'.length)}`;
    if (longs.has(positive) && givenFlag(argv, positive) && givenFlag(argv, o.long)) {
      return `${positive} and ${o.long} are both given; give one of them.`;
    }
  }
  return undefined;
}
