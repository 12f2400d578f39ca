import type { Problem } from '../domain/types.js';
import { UserError } from '../util/errors.js';

/** plan and confirm refuse while the people's sheets have any problem. */
export function refuseProblems(problems: readonly Problem[], command: string): void {
  if (problems.length === 0) return;
  const list = problems.map((p) => `  ${p.sheet}!${p.cell}: ${p.message} Fix: ${p.fix}`).join('\n');
  throw new UserError(
    `${command} refuses to run while the workbook has ${problems.length} problem(s) (see the Problems sheet):\n${list}`,
  );
}
