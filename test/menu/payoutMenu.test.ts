import { PassThrough } from 'node:stream';
import { expect, test } from 'vitest';
import { payoutMenu } from '../../src/menu/payout.js';
import { Prompter } from '../../src/menu/prompter.js';

/** A prompter over in-memory streams that answers each question as it appears, and the commands the menu ran. */
function scripted(answers: Array<[question: string, answer: string]>, exitCodes: (args: string[]) => number) {
  const input = new PassThrough();
  const output = new PassThrough();
  let screen = '';
  let next = 0;
  output.on('data', (chunk: Buffer) => {
    screen += chunk.toString();
    const pending = answers[next];
    if (pending && screen.endsWith(pending[0])) {
      next++;
      setImmediate(() => input.write(`${pending[1]}\n`));
    }
  });
  const ran: string[][] = [];
  const run = async (args: string[]) => {
    ran.push(args);
    return exitCodes(args);
  };
  return { prompter: new Prompter(input, output), run, ran, screen: () => screen };
}

test("menu 2 stops when fund's dry run fails: no key is asked for and confirm never runs", async () => {
  const s = scripted(
    [
      ['Pool in TAO (Enter: what the delegate stake accrued since the last payout): ', ''],
      ['Pay this plan? (next: the payout key, then a dry run with the fees) [y/N]: ', 'y'],
    ],
    (args) => (args[0] === 'fund' ? 1 : 0),
  );
  await payoutMenu(s.prompter, '/nowhere/valtrac.xlsx', s.run);
  expect(s.ran.map((a) => a.slice(0, 2))).toEqual([['plan', '--workbook'], ['fund', '--dry-run']]);
  expect(s.screen()).toContain("fund's dry run stopped (exit code 1); see above. Nothing was paid");
  expect(s.screen()).not.toContain('A Bittensor wallet (its name, or the path of its coldkey file)');
});
