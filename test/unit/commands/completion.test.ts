/** Shell completion: made from the command definitions, so every command and option of this version is in it. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../../src/cli.js';
import { completionScript } from '../../../src/commands/completion.js';
import { UsageError } from '../../../src/errors.js';

const program = buildProgram();
const longFlags = (name: string) => (program.commands.find((c) => c.name() === name)?.options ?? []).map((o) => o.long as string);

/** What bash completes for a command line (the word under the cursor last). */
function bashComplete(words: string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'completion-'));
  const script = join(dir, 'c.bash');
  writeFileSync(script, completionScript(program, 'bash'));
  const line = `source ${script}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _iam_bootstrap; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = spawnSync('bash', ['-c', line], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return r.stdout.trim().split('\n').filter(Boolean);
}

describe('iam-bootstrap completion', () => {
  it('bash: commands, each command\'s options with the global ones, and the values an option takes', () => {
    expect(bashComplete(['iam-bootstrap', ''])).toEqual(expect.arrayContaining(['init', 'audit', 'checks', 'completion', '--profile', '--json']));
    const audit = bashComplete(['iam-bootstrap', 'audit', '--']);
    for (const flag of [...longFlags('audit'), '--profile', '--region']) expect(audit).toContain(flag);
    expect(bashComplete(['iam-bootstrap', 'init', '--only', 'ac'])).toEqual(['account-alias', 'access-analyzer', 'account-assignment', 'access-key']);
    expect(bashComplete(['iam-bootstrap', 'audit', '--framework', ''])).toEqual(['cis-7.0', 'cis-5.0', 'cis-3.0', 'security-hub', 'ssb']);
    expect(bashComplete(['iam-bootstrap', 'audit', '--check', 'root-m'])).toEqual(['root-mfa']);
    expect(bashComplete(['iam-bootstrap', 'init', '--admin', ''])).toEqual(['iam-user', 'identity-center']);
  });

  it('zsh and fish name every option of every command', () => {
    for (const shell of ['zsh', 'fish']) {
      const script = completionScript(program, shell);
      for (const flag of [...longFlags('init'), ...longFlags('audit')]) expect(script, `${shell} ${flag}`).toMatch(shell === 'fish' ? `-l ${flag.slice(2)} ` : new RegExp(`${flag}[\\[,}]`));
    }
    expect(completionScript(program, 'fish')).toContain("-n '__fish_seen_subcommand_from audit' -l format -x -a 'table jsonl html junit ocsf json markdown csv'");
    expect(completionScript(program, 'zsh')).toContain("'--framework[only the checks of cis-7.0, cis-5.0, cis-3.0, security-hub or ssb, with its ids and a requirement-by-requirement summary]:value:(cis-7.0 cis-5.0 cis-3.0 security-hub ssb)'");
  });

  it('zsh parses (when zsh is installed)', () => {
    const zsh = spawnSync('zsh', ['--version']);
    if (zsh.status !== 0) return;
    const r = spawnSync('zsh', ['-n', '-c', completionScript(program, 'zsh')], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
  });

  it('an unknown shell is exit 2', () => {
    expect(() => completionScript(program, 'tcsh')).toThrow(new UsageError('completion: unknown shell "tcsh"; choose bash, zsh, fish.'));
  });
});
