import { spawn, type ChildProcess } from 'node:child_process';
import { cli, repoRoot } from './helpers.js';

/** The real CLI as a child process, its output collected so a test can wait for a line and show it on failure. */
export class CliProcess {
  readonly output: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcess;
  private waiters: Array<() => void> = [];

  constructor(args: string[], env: NodeJS.ProcessEnv = process.env) {
    this.child = spawn(process.execPath, [cli, ...args], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const collect = (chunk: Buffer) => {
      this.output.push(...chunk.toString('utf8').split('\n').filter((l) => l.length > 0));
      this.waiters.forEach((w) => w());
    };
    this.child.stdout!.on('data', collect);
    this.child.stderr!.on('data', collect);
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  /** Resolves once a line matches; rejects after `timeoutMs` with the output so far. */
  waitFor(pattern: RegExp, timeoutMs = 60_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const line = this.output.find((l) => pattern.test(l));
        if (line === undefined) return false;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== listener);
        resolve(line);
        return true;
      };
      const listener = () => void check();
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== listener);
        reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms. Output:\n${this.text()}`));
      }, timeoutMs);
      if (!check()) this.waiters.push(listener);
    });
  }

  /** Whether the process is still running (it has neither exited nor been killed). */
  alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  text(): string {
    return this.output.join('\n');
  }

  kill(signal: NodeJS.Signals): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }
}

/** Runs the CLI to completion. */
export async function runCli(args: string[], env?: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  const p = new CliProcess(args, env);
  const { code } = await p.exited;
  return { code, output: p.text() };
}
