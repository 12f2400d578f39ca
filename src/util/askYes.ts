import { createInterface } from 'node:readline/promises';
import { UserError } from './errors.js';

/** Asks for a typed "yes" before something is sent; anything else (or no terminal) sends nothing. */
export async function askYes(question: string, command: string): Promise<void> {
  if (!process.stdin.isTTY) throw new UserError(`${command} needs your "yes": run it in a terminal, or pass --yes`);
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const answer = await rl.question(question);
  rl.close();
  if (answer.trim().toLowerCase() !== 'yes') throw new UserError('not confirmed: nothing was sent');
}
