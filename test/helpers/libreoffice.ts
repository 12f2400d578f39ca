import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { repoRoot } from '../helpers.js';

/** A person at LibreOffice: test/lo_editor.py (a real soffice over UNO) driven by a line protocol. */
export class Editor {
  private readonly lines: AsyncIterator<string>;
  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    this.lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  }

  static async start(): Promise<Editor> {
    const child = spawn('/usr/bin/python3', [path.join(repoRoot, 'test', 'lo_editor.py')], { stdio: 'pipe' });
    child.stderr.on('data', (d) => process.stderr.write(`[lo_editor] ${d}`));
    const editor = new Editor(child);
    const ready = await editor.next();
    if (!ready.ready) throw new Error(`lo_editor.py did not start: ${JSON.stringify(ready)}`);
    return editor;
  }

  private async next(): Promise<Record<string, unknown>> {
    const { value, done } = await this.lines.next();
    if (done) throw new Error('lo_editor.py ended');
    return JSON.parse(value) as Record<string, unknown>;
  }

  async send(command: Record<string, unknown>): Promise<Record<string, unknown>> {
    this.child.stdin.write(`${JSON.stringify(command)}\n`);
    const answer = await this.next();
    if (answer.error) throw new Error(`LibreOffice: ${answer.error}`);
    return answer;
  }

  async quit(): Promise<void> {
    if (this.child.exitCode !== null) return;
    await this.send({ op: 'quit' }).catch(() => undefined);
    await new Promise((resolve) => this.child.once('exit', resolve));
  }
}
