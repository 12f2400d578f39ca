import { spawn } from 'node:child_process';
import path from 'node:path';
import { packageRoot } from '../util/packageRoot.js';
import type { Prompter } from './prompter.js';

const CLI = path.join(packageRoot(), 'dist', 'cli.js');

/** Runs a valtrac command as its own process on this terminal (confirm may ask for the wallet password). */
function valtrac(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/** 2: `valtrac plan` (which prints the plan), then, if the person agrees, `valtrac confirm`. */
export async function payoutMenu(p: Prompter, workbook: string): Promise<void> {
  const planned = await p.handOver(() => valtrac(['plan', '--workbook', workbook]));
  if (planned !== 0) {
    p.print('No payout planned (see above).');
    return;
  }
  if (!(await p.confirm('Go on to send it? (confirm shows the fees and asks once more before signing)'))) {
    p.print('The plan stays in Payouts as planned; send it later with 2 or valtrac confirm.');
    return;
  }
  const confirmed = await p.handOver(() => valtrac(['confirm', '--workbook', workbook]));
  p.print(confirmed === 0 ? 'Payout sent.' : `confirm stopped (exit code ${confirmed}); see above.`);
}
