#!/usr/bin/env node
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { UserError } from './util/errors.js';
import * as snapshot from './commands/snapshot.js';

// The command table reads like the README's command list: one line per command, each module owns its options.
const cli = yargs(hideBin(process.argv))
  .scriptName('valtrac')
  .option('workbook', {
    type: 'string',
    default: 'workbook/valtrac.xlsx',
    describe: 'Path of the workbook',
    global: true,
  })
  .command(snapshot)
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
