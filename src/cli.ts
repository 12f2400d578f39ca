#!/usr/bin/env node
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import path from 'node:path';
import { runInWatcher } from './resident/client.js';
import { provideCommandRunner } from './resident/server.js';
import { safeText } from './domain/text.js';
import { UserError } from './util/errors.js';
import { fsFailureAnywhere, isFsError } from './util/fsError.js';
import { out } from './util/output.js';

/** What a command's module exports: its options and what it does (its name and description are the table's). */
interface CommandModule {
  builder?: (yargs: Argv<{ workbook: string }>) => Argv<any>;
  handler?: (argv: any) => Promise<void> | void;
}

interface Command {
  command: string | readonly string[];
  describe: string;
  load: () => Promise<CommandModule>;
  /** Answered by the workbook's watcher when it runs (already warm), else run here. */
  resident?: true;
}

// The command table reads like the README's command list: one line per command. Only the command being run is
// loaded (most commands never need the xlsx library's writer, @polkadot/api, pm2 or Vega); the others are only listed.
const COMMANDS: Command[] = [
  { command: 'init', describe: 'Create the workbook with its sheets, or fill in Settings of the one there (--force replaces it)', load: () => import('./commands/init.js') },
  { command: 'import-users <file>', describe: 'Import users from a CSV file Name,Address1,Address2,... (adds and merges, or --replace)', load: () => import('./commands/import-users.js') },
  { command: 'users <action>', describe: 'Edit the Users sheet: add, remove, remove-address; or list it', load: () => import('./commands/users.js') },
  { command: 'referrals <action>', describe: 'Edit the Referrals sheet: add, set-tax, remove; or list it with layers', load: () => import('./commands/referrals.js') },
  { command: 'settings [action]', describe: 'Show the Settings sheet, or set values in it: settings set NAME VALUE [NAME VALUE ...]', load: () => import('./commands/settings.js') },
  { command: 'check', describe: "Check the people's sheets once and list every problem (exit code 1 if there is any)", load: () => import('./commands/check.js'), resident: true },
  { command: 'watch', describe: 'Check the workbook on every save and mark problems in it; keeps running', load: () => import('./commands/watch.js') },
  { command: 'snapshot', describe: "Record the validator's stake every N finalized blocks (run by pm2), or once with --once", load: () => import('./commands/snapshot.js') },
  { command: 'plan', describe: 'Work out who is owed what for the current period and write the plan to Payouts', load: () => import('./commands/plan.js'), resident: true },
  { command: 'fund', describe: "Move what the open plan needs from the owner's take to the payout coldkey (unstake, transfer), checked against the chain, never twice", load: () => import('./commands/fund/index.js') },
  { command: 'confirm', describe: 'Pay the planned rows in signed batch transfers from the payout coldkey, checked against the chain, never twice', load: () => import('./commands/confirm/index.js') },
  { command: 'reconcile', describe: "Settle the send log with the chain: find the payout coldkey's transactions the log does not know", load: () => import('./commands/reconcile.js') },
  { command: 'charts', describe: 'Render the charts (SVG, PNG and index.html) into the charts folder beside the workbook', load: () => import('./commands/charts.js'), resident: true },
  { command: 'statements', describe: 'Write per-user payout statements (HTML per period, CSV per year for tax tools) beside the workbook', load: () => import('./commands/statements.js') },
  { command: 'stats [user]', describe: 'Validator summary, or one user’s stake, shares, referrals, estimate and payouts (from the workbook and records)', load: () => import('./commands/stats.js') },
  { command: ['menu', '$0'], describe: 'The interactive main menu (also what `valtrac` alone opens in a terminal)', load: () => import('./menu/command.js') },
  { command: 'start', describe: 'Start watch and snapshot under pm2 (creates the workbook first if there is none) and report how they run', load: () => import('./commands/start.js') },
  { command: 'status', describe: 'One screen: processes, node, snapshots, problems, journal, the open plan and the payout balance', load: () => import('./commands/status.js') },
  { command: 'doctor', describe: 'Everything status knows as checks, each with its fix (exit code 1 if any check fails)', load: () => import('./commands/doctor.js') },
];

function withGlobals(y: Argv): Argv<{ workbook: string }> {
  return y.option('workbook', {
    type: 'string',
    default: 'workbook/valtrac.xlsx',
    describe: 'Path of the workbook',
    global: true,
  });
}

/** The table line `args` run (the named command, or the menu when none is named and no help is asked for), and the workbook. */
function chosen(args: string[]): { run: Command | undefined; workbook: string; help: boolean } {
  const parsed = withGlobals(yargs(args)).help(false).version(false).parseSync();
  const first = parsed._[0];
  const help = args.some((a) => /^(--help|-h|--version)$/.test(a));
  const names = (c: Command) => [c.command].flat().map((n) => n.split(' ')[0]!);
  const run = first === undefined ? (help ? undefined : COMMANDS.find((c) => names(c).includes('$0'))) : COMMANDS.find((c) => names(c).includes(String(first)));
  return { run, workbook: parsed.workbook, help };
}

/**
 * Parses and runs one command line in this process. `served`: for a CLI started elsewhere, whose workbook paths are
 * relative to `cwd` (the watcher answering it); then nothing here exits the process, and only the watcher's own
 * workbook and the table's `resident` commands are run ('declined' otherwise).
 */
async function runCommand(args: string[], served?: { cwd: string; workbook: string; check?: boolean }): Promise<number | 'declined'> {
  const { run, workbook } = chosen(args);
  if (served && (!run?.resident || path.resolve(served.cwd, workbook) !== served.workbook)) return 'declined';
  if (served?.check) return 0;
  const loaded = run ? await run.load() : {};
  const cli = withGlobals(yargs(args))
    .scriptName('valtrac')
    .usage("$0 <command>\n\nRuns a Bittensor validator's referral rewards program from one workbook. Without a command, in a terminal, it opens the menu.");
  if (served) cli.middleware((argv) => void (argv.workbook = path.resolve(served.cwd, argv.workbook)), true);
  for (const c of COMMANDS) {
    const module = c === run ? loaded : {};
    cli.command(c.command as string | string[], c.describe, module.builder ?? {}, module.handler);
  }
  cli
    .demandCommand(1, 'Name a command (valtrac --help lists them).')
    .strict()
    .help()
    .exitProcess(!served)
    .fail((message, error, y) => {
      if (error) throw error;
      throw new UsageError(`${safeText(message)}\n\n${y.help()}`);
    });
  try {
    await cli.parseAsync();
    const code = Number(process.exitCode ?? 0);
    if (served) process.exitCode = undefined;
    return code;
  } catch (thrown) {
    // A file-system error no place worded still becomes one line with its cause in words, never a stack trace.
    const error = isFsError(thrown) ? fsFailureAnywhere(thrown) : thrown;
    if (error instanceof UsageError) {
      out.problem(error.message);
      return 2;
    }
    if (!(error instanceof UserError)) {
      if (!served) throw error;
      out.problem(error instanceof Error ? (error.stack ?? error.message) : String(error));
      return 1;
    }
    out.problem(`valtrac: ${safeText(error.message)}`);
    return error.exitCode;
  }
}

/** Wrong arguments: the message and the help, exit code 2. */
class UsageError extends Error {}

provideCommandRunner(runCommand, () => Promise.all(COMMANDS.filter((c) => c.resident).map((c) => c.load())));
const args = hideBin(process.argv);
const { run, workbook, help } = chosen(args);
// A watcher running for this workbook has the modules, the workbook and the node connection loaded already.
const answered = run?.resident && !help ? await runInWatcher(args, workbook) : null;
process.exitCode = answered ?? (await runCommand(args));
// A finished command ends the process: @polkadot/rpc-core keeps a 1.75 s unsubscribe timer alive after disconnect().
await new Promise<void>((resolve) => process.stdout.write('', () => process.stderr.write('', () => resolve())));
process.exit();
