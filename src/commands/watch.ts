import type { ArgumentsCamelCase, Argv } from 'yargs';
import { logLine } from '../util/logLine.js';
import { WorkbookWatcher } from '../workbook/watcher.js';
import { formatProblems, openStore, type WorkbookArgs } from './common.js';
import { notifyNewProblems } from '../notify/notify.js';

export const command = 'watch';
export const describe = 'Check the workbook on every save and mark problems in it; keeps running';

export function builder(yargs: Argv<WorkbookArgs>): Argv<WorkbookArgs> {
  return yargs;
}

export async function handler(argv: ArgumentsCamelCase<WorkbookArgs>): Promise<void> {
  const store = await openStore(argv.workbook);
  const watcher = new WorkbookWatcher(store, {
    checked(problems, outcome) {
      const where = outcome === 'deferred' ? ' (marks wait until the editor closes the workbook)' : '';
      console.log(logLine(problems.length === 0 ? 'no problems' : `${problems.length} problem(s)${where}:\n${formatProblems(problems)}`));
      void notifyNewProblems(argv.workbook, problems, { log: (line) => console.log(logLine(line)) });
    },
    note(message) {
      console.log(logLine(message));
    },
  });
  await watcher.start();
  console.log(logLine(`watching ${argv.workbook} (Ctrl-C stops)`));
  await new Promise<void>((resolve) => {
    const stop = () => {
      void watcher.close().then(resolve);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
