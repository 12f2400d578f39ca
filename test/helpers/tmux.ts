import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A real terminal for interactive tests: a tmux server on its own socket (so nothing else's sessions are touched),
 * one 120x40 window running `command`.
 */
export class Terminal {
  private readonly socket = `valtrac-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

  private tmux(...args: string[]) {
    return run('tmux', ['-L', this.socket, ...args]);
  }

  async start(command: string): Promise<void> {
    await this.tmux('new-session', '-d', '-x', '120', '-y', '40', '-s', 'test', command);
  }

  /** The whole scrollback, with wrapped lines joined. */
  async screen(): Promise<string> {
    return (await this.tmux('capture-pane', '-p', '-J', '-S', '-5000', '-t', 'test')).stdout;
  }

  /** Waits until `text` appears on screen at least `times` times (prompts repeat, so count them). */
  async waitFor(text: string, times = 1, timeoutMs = 60_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = await this.screen().catch(() => '');
      if (screen.split(text).length - 1 >= times) return screen;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${JSON.stringify(text)} x${times}; screen:\n${screen}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async type(line: string): Promise<void> {
    await this.tmux('send-keys', '-t', 'test', '-l', line);
    await this.tmux('send-keys', '-t', 'test', 'Enter');
  }

  /** Keys by tmux name, e.g. C-d. */
  async sendKeys(keys: string): Promise<void> {
    await this.tmux('send-keys', '-t', 'test', keys);
  }

  async close(): Promise<void> {
    await this.tmux('kill-server').catch(() => undefined);
  }
}
