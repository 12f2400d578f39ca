#!/usr/bin/env node
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import * as charts from './commands/charts.js';
import * as check from './commands/check.js';
import * as confirm from './commands/confirm/index.js';
import * as doctor from './commands/doctor.js';
import * as importUsers from './commands/import-users.js';
import * as init from './commands/init.js';
import * as menu from './commands/menu.js';
import * as plan from './commands/plan.js';
import * as reconcile from './commands/reconcile.js';
import * as referrals from './commands/referrals.js';
import * as settings from './commands/settings.js';
import * as snapshot from './commands/snapshot.js';
import * as start from './commands/start.js';
import * as statements from './commands/statements.js';
import * as stats from './commands/stats.js';
import * as status from './commands/status.js';
import * as users from './commands/users.js';
import * as watch from './commands/watch.js';
import { UserError } from './util/errors.js';

// The command table reads like the README's command list: one line per command, each module owns its options.
const cli = yargs(hideBin(process.argv))
  .scriptName('valtrac')
  .usage("$0 <command>\n\nRuns a Bittensor validator's referral rewards program from one workbook. Without a command, in a terminal, it opens the menu.")
  .option('workbook', {
    type: 'string',
    default: 'workbook/valtrac.xlsx',
    describe: 'Path of the workbook',
    global: true,
  })
  .command(init)
  .command(importUsers)
  .command(users)
  .command(referrals)
  .command(settings)
  .command(check)
  .command(watch)
  .command(snapshot)
  .command(plan)
  .command(confirm)
  .command(reconcile)
  .command(charts)
  .command(stats)
  .command(statements)
  .command(menu)
  .command(start)
  .command(status)
  .command(doctor)
  .demandCommand(1, 'Name a command (valtrac --help lists them).')
  .strict()
  .help()
  .fail((message, error, y) => {
    if (error) throw error;
    console.error(`${message}\n\n${y.help()}`);
    process.exit(2);
  });

try {
  await cli.parseAsync();
} catch (error) {
  if (error instanceof UserError) {
    console.error(`valtrac: ${error.message}`);
    process.exit(error.exitCode);
  }
  throw error;
}
