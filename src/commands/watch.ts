import type { ArgumentsCamelCase, Argv } from 'yargs';
import { keepConnections } from '../chain/connect.js';
import { CommandServer, commandRunner } from '../resident/server.js';
import { socketPath } from '../resident/socket.js';
import { safeText } from '../domain/text.js';
import { logLine } from '../util/logLine.js';
import { WATCHER } from '../util/pm2.js';
import { WorkbookWatcher } from '../workbook/watcher.js';
import { formatProblems, openStore, type WorkbookArgs } from './common.js';
import { notifyNewProblems, stopDeliveries } from '../notify/notify.js';
import { out } from '../util/output.js';

/** Under pm2 (which sets pm_id) Ctrl-C reaches no one: pm2 stops the watcher, and restarts it if it is only killed. */
export function howToStop(env: NodeJS.ProcessEnv = process.env): string {
  return env.pm_id !== undefined ? `npx pm2 stop ${WATCHER} stops it` : 'Ctrl-C stops';
}

export function builder(yargs: Argv<WorkbookArgs>): Argv<WorkbookArgs> {
  return yargs;
}

export async function handler(argv: ArgumentsCamelCase<WorkbookArgs>): Promise<void> {
  const store = await openStore(argv.workbook);
  const watcher = new WorkbookWatcher(store, {
    checked(problems, outcome) {
      const where = outcome === 'deferred' ? ' (marks wait until the editor closes the workbook)' : '';
      out.line(logLine(problems.length === 0 ? 'no problems' : `${problems.length} problem(s)${where}:\n${formatProblems(problems)}`));
      void notifyNewProblems(argv.workbook, problems, { log: (line) => out.line(logLine(line)) });
    },
    note(message) {
      out.line(logLine(safeText(message)));
    },
  });
  await watcher.start();
  // plan, check and charts typed meanwhile are answered here, where the workbook and the node connection stay loaded.
  keepConnections();
  const runner = commandRunner();
  // Loaded now, so that the first command answered does not wait for @polkadot/api, the xlsx library's writer or Vega.
  await runner.load();
  const commands = new CommandServer(argv.workbook, runner.run, (line) => out.line(logLine(line)));
  const serving = await commands.start().catch((error: Error) => {
    out.line(logLine(`not answering commands (${error.message}); they run on their own`));
    return false;
  });
  out.line(logLine(`watching ${argv.workbook}${serving ? `, answering plan, check and charts at ${socketPath(argv.workbook)}` : ''} (${howToStop()})`));
  // Stopped by a signal: one line saying so (and what it gives up), exit code 0, whatever is still pending.
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  await Promise.all([watcher.close(), commands.close()]);
  const givenUp = await stopDeliveries();
  out.line(logLine(`stopped (${signal})${givenUp ? `; ${givenUp}` : ''}`));
}
