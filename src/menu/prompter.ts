import { createInterface, type Interface } from 'node:readline/promises';

/** The person closed the input (Ctrl-D) or the terminal went away: the menu ends quietly. */
export class InputClosed extends Error {}

export type Parse<T> = { ok: true; value: T } | { ok: false; message: string };

/**
 * Line prompts over node:readline/promises. `ask` rejects with InputClosed at end of input instead of hanging; a child
 * process that needs the terminal (a password prompt) runs inside `handOver`, with this interface closed meanwhile.
 */
export class Prompter {
  private rl: Interface | null = null;
  private closed: Promise<never> | null = null;

  constructor(
    private readonly input: NodeJS.ReadableStream = process.stdin,
    private readonly output: NodeJS.WritableStream = process.stdout,
  ) {}

  private open(): { rl: Interface; closed: Promise<never> } {
    if (!this.rl) {
      const rl = createInterface({ input: this.input, output: this.output });
      this.rl = rl;
      this.closed = new Promise<never>((_, reject) => rl.once('close', () => reject(new InputClosed())));
      this.closed.catch(() => undefined);
    }
    return { rl: this.rl, closed: this.closed! };
  }

  print(text = ''): void {
    this.output.write(`${text}\n`);
  }

  async ask(question: string): Promise<string> {
    const { rl, closed } = this.open();
    return (await Promise.race([rl.question(question), closed])).trim();
  }

  /** Asks until `parse` accepts the answer, printing its message before asking again. */
  async askValid<T>(question: string, parse: (answer: string) => Parse<T>): Promise<T> {
    for (;;) {
      const result = parse(await this.ask(question));
      if (result.ok) return result.value;
      this.print(result.message);
    }
  }

  /** A numbered list; returns the chosen index (0-based). */
  async choose(question: string, options: readonly string[]): Promise<number> {
    options.forEach((option, i) => this.print(`  ${String(i + 1).padStart(2)}. ${option}`));
    return this.askValid(`${question} [1-${options.length}]: `, (answer) => {
      const n = Number(answer);
      return /^\d+$/.test(answer) && n >= 1 && n <= options.length
        ? { ok: true, value: n - 1 }
        : { ok: false, message: `Type a number from 1 to ${options.length}.` };
    });
  }

  async confirm(question: string, byDefault = false): Promise<boolean> {
    const answer = await this.askValid(`${question} ${byDefault ? '[Y/n]' : '[y/N]'}: `, (a): Parse<boolean | null> => {
      if (a === '') return { ok: true, value: null };
      if (/^(y|yes)$/i.test(a)) return { ok: true, value: true };
      if (/^(n|no)$/i.test(a)) return { ok: true, value: false };
      return { ok: false, message: 'Type y or n.' };
    });
    return answer ?? byDefault;
  }

  async handOver<T>(work: () => Promise<T>): Promise<T> {
    this.close();
    return work();
  }

  close(): void {
    const rl = this.rl;
    this.rl = null;
    this.closed = null;
    rl?.removeAllListeners('close');
    rl?.close();
  }
}
