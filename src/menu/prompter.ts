import { createInterface, type Interface } from 'node:readline/promises';
import { readSecret } from '../util/secretPrompt.js';

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
  private onClose: (() => void) | null = null;

  constructor(
    private readonly input: NodeJS.ReadableStream = process.stdin,
    private readonly output: NodeJS.WritableStream = process.stdout,
  ) {}

  private open(): { rl: Interface; closed: Promise<never> } {
    if (!this.rl) {
      const rl = createInterface({ input: this.input, output: this.output });
      this.rl = rl;
      this.closed = new Promise<never>((_, reject) => {
        this.onClose = () => reject(new InputClosed());
        rl.once('close', this.onClose);
      });
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

  /** A line typed without echo (a password): the line interface is closed meanwhile, so nothing shows the keys. */
  async askSecret(question: string): Promise<string> {
    this.close();
    return readSecret(question, this.input as NodeJS.ReadStream, this.output);
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

  /** Runs `work` (a sub-process on this terminal) with the interface closed, and leaves the terminal in line mode. */
  async handOver<T>(work: () => Promise<T>): Promise<T> {
    this.close();
    try {
      return await work();
    } finally {
      // A sub-process killed while it read a password leaves the terminal raw; the next question starts from line mode.
      const input = this.input as NodeJS.ReadStream;
      if (input.isTTY) input.setRawMode(false);
    }
  }

  /**
   * Closes the interface without rejecting a pending question. Only this class's own 'close' listener is removed:
   * readline's own one detaches its keypress handler from the terminal, and without it every closed interface kept
   * echoing each key (after one sub-process `Choose [1-8]: 33`, after two `333`).
   */
  close(): void {
    const rl = this.rl;
    if (rl && this.onClose) rl.off('close', this.onClose);
    this.rl = null;
    this.closed = null;
    this.onClose = null;
    rl?.close();
  }
}
