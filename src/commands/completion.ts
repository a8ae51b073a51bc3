/**
 * `iam-bootstrap completion <shell>`: a completion script for bash, zsh or fish, made from the command
 * definitions themselves (so it lists every command and option this version has), with the values an option
 * takes where they are a fixed list (formats, frameworks, check and step ids, severities).
 */
import type { Command, Option } from 'commander';
import { CHECK_IDS } from '../checks/registry.js';
import { CHECK_STATUSES, SEVERITIES } from '../checks/types.js';
import { UsageError } from '../errors.js';
import { FRAMEWORK_IDS } from '../frameworks/catalog.js';
import { ADMIN_PATHS, STEP_IDS } from '../steps/types.js';
import { AUDIT_FORMATS, REPORT_FORMATS } from './audit/options.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;

/** The values an option takes, by its long flag, where they are a fixed list. */
const VALUES: Record<string, readonly string[]> = {
  '--format': AUDIT_FORMATS,
  '--framework': FRAMEWORK_IDS,
  '--check': CHECK_IDS,
  '--exclude-check': CHECK_IDS,
  '--only': STEP_IDS,
  '--skip': STEP_IDS,
  '--fail-on': SEVERITIES,
  '--status': CHECK_STATUSES,
  '--color': ['auto', 'always', 'never'],
  '--password-policy': ['cis', 'aws-default'],
  '--admin': ADMIN_PATHS,
  '--report': REPORT_FORMATS.map((f) => `${f}=`),
};

interface Described {
  name: string;
  description: string;
  /** path: the value is a file name (file completion); else a word we know the values of, or free text. */
  options: { flags: string[]; takesValue: boolean; path: boolean; description: string }[];
}

function optionsOf(options: readonly Option[]): Described['options'] {
  return options
    .filter((o) => !o.hidden)
    .map((o) => ({
      flags: [o.short, o.long].filter((f): f is string => Boolean(f)),
      takesValue: o.required || o.optional,
      path: /<(path|file)>/.test(o.flags),
      description: o.description,
    }));
}

function describe(program: Command): { globals: Described['options']; commands: Described[] } {
  return {
    globals: optionsOf(program.options),
    commands: program.commands.map((c) => ({ name: c.name(), description: c.description(), options: optionsOf(c.options) })),
  };
}

const quote = (text: string) => `'${text.replace(/'/g, "'\\''")}'`;

function bash(tree: ReturnType<typeof describe>): string {
  const cases = tree.commands
    .map((c) => `    ${c.name}) opts=${quote([...c.options, ...tree.globals].flatMap((o) => o.flags).join(' '))} ;;`)
    .join('\n');
  const values = Object.entries(VALUES)
    .map(([flag, list]) => `    ${flag}) COMPREPLY=($(compgen -W ${quote(list.join(' '))} -- "$cur")); return ;;`)
    .join('\n');
  return `# bash completion for iam-bootstrap (iam-bootstrap completion bash)
_iam_bootstrap() {
  local cur prev cmd opts i
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  case "$prev" in
${values}
  esac
  cmd=""
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in ${tree.commands.map((c) => c.name).join('|')}) cmd="\${COMP_WORDS[i]}"; break ;; esac
  done
  case "$cmd" in
${cases}
    *) opts=${quote([...tree.commands.map((c) => c.name), ...tree.globals.flatMap((o) => o.flags)].join(' '))} ;;
  esac
  COMPREPLY=($(compgen -W "$opts" -- "$cur"))
}
complete -o default -F _iam_bootstrap iam-bootstrap
`;
}

function zsh(tree: ReturnType<typeof describe>): string {
  const spec = (o: Described['options'][number]) => {
    const long = o.flags.find((f) => f.startsWith('--')) ?? o.flags[0] ?? '';
    const values = VALUES[long];
    const desc = o.description.replace(/[[\]:']/g, ' ');
    const arg = o.takesValue ? `:value:${values ? `(${values.join(' ')})` : o.path ? '_files' : ' '}` : '';
    return `    '${o.flags.length > 1 ? `(${o.flags.join(' ')})'{${o.flags.join(',')}}'` : long}[${desc}]${arg}'`;
  };
  const commands = tree.commands.map((c) => `    '${c.name}:${c.description.replace(/[:']/g, ' ')}'`).join('\n');
  const perCommand = tree.commands
    .map((c) => `      ${c.name})\n        _arguments -s \\\n${[...c.options, ...tree.globals].map(spec).join(' \\\n')}\n        ;;`)
    .join('\n');
  return `#compdef iam-bootstrap
# zsh completion for iam-bootstrap (iam-bootstrap completion zsh)
_iam_bootstrap() {
  local -a commands
  commands=(
${commands}
  )
  if (( CURRENT == 2 )); then
    _describe 'command' commands
    return
  fi
  case "$words[2]" in
${perCommand}
  esac
}
if [[ "$funcstack[1]" == _iam_bootstrap ]]; then _iam_bootstrap "$@"; else compdef _iam_bootstrap iam-bootstrap; fi
`;
}

function fish(tree: ReturnType<typeof describe>): string {
  const lines = ['# fish completion for iam-bootstrap (iam-bootstrap completion fish)', 'complete -c iam-bootstrap -f'];
  const names = tree.commands.map((c) => c.name).join(' ');
  for (const c of tree.commands) lines.push(`complete -c iam-bootstrap -n "not __fish_seen_subcommand_from ${names}" -a ${c.name} -d ${quote(c.description)}`);
  const option = (o: Described['options'][number], condition: string) => {
    const long = o.flags.find((f) => f.startsWith('--'));
    const short = o.flags.find((f) => /^-\w$/.test(f));
    const values = long ? VALUES[long] : undefined;
    const parts = [`complete -c iam-bootstrap`, condition ? `-n ${quote(condition)}` : '', long ? `-l ${long.slice(2)}` : '', short ? `-s ${short.slice(1)}` : ''];
    if (o.takesValue) parts.push(values ? `-x -a ${quote(values.join(' '))}` : o.path ? '-r -F' : '-x');
    parts.push(`-d ${quote(o.description)}`);
    return parts.filter(Boolean).join(' ');
  };
  for (const o of tree.globals) lines.push(option(o, ''));
  for (const c of tree.commands) for (const o of c.options) lines.push(option(o, `__fish_seen_subcommand_from ${c.name}`));
  return `${lines.join('\n')}\n`;
}

export function completionScript(program: Command, shell: string): string {
  const tree = describe(program);
  if (shell === 'bash') return bash(tree);
  if (shell === 'zsh') return zsh(tree);
  if (shell === 'fish') return fish(tree);
  throw new UsageError(`completion: unknown shell "${shell}"; choose ${SHELLS.join(', ')}.`);
}
