/**
 * Option types shared by the router (src/cli.ts) and the commands, kept apart from both so neither imports the
 * other for them.
 */

/** The options every command accepts (commander's optsWithGlobals). */
export interface GlobalOptions {
  profile?: string;
  region?: string;
  endpointUrl?: string;
  json?: boolean;
  /** --color <when> (a string), or false for --no-color; undefined: auto. */
  color?: string | boolean;
  verbose?: boolean;
  account?: string;
  roleName?: string;
  roleArn?: string;
  externalId?: string;
}
