/** Drives a program in a real pseudo-terminal through tmux: type keys, read the screen. */
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const hasTmux = spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0;

export class TmuxSession {
  private constructor(readonly name: string) {}

  /** Runs `command` with `env` in a detached session `width` columns wide; the shell prints EXIT=<code> after. */
  static start(dir: string, command: string[], env: NodeJS.ProcessEnv, width = 80, height = 50): TmuxSession {
    const name = `iam-bootstrap-${process.pid}-${Math.floor(Math.random() * 1e9)}`;
    const script = join(dir, 'run.sh');
    const exports = Object.entries(env)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `export ${k}='${String(v).replace(/'/g, `'\\''`)}'`)
      .join('\n');
    const quoted = command.map((c) => `'${c.replace(/'/g, `'\\''`)}'`).join(' ');
    writeFileSync(script, `${exports}\ncd '${dir}'\n${quoted}\necho "EXIT=$?"\nsleep 600\n`, { mode: 0o700 });
    execFileSync('tmux', ['new-session', '-d', '-s', name, '-x', String(width), '-y', String(height), `bash ${script}`]);
    return new TmuxSession(name);
  }

  screen(): string {
    return execFileSync('tmux', ['capture-pane', '-p', '-J', '-S', '-2000', '-t', this.name], { encoding: 'utf8' });
  }

  /** Types text literally, then presses Enter. */
  type(text: string): void {
    if (text) execFileSync('tmux', ['send-keys', '-t', this.name, '-l', text]);
    execFileSync('tmux', ['send-keys', '-t', this.name, 'Enter']);
  }

  async waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = this.screen();
      const m = pattern.exec(screen);
      if (m) return m;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern} on screen:\n${screen}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  kill(): void {
    spawnSync('tmux', ['kill-session', '-t', this.name], { stdio: 'ignore' });
  }
}
