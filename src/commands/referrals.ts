import type { ArgumentsCamelCase, Argv } from 'yargs';
import { addReferral, removeReferral, setReferralTax } from '../workbook/edits.js';
import { openStore, reportOutcome, type WorkbookArgs } from './common.js';

interface EdgeArgs extends WorkbookArgs {
  referrer: string;
  referee: string;
}

const edge = (y: Argv<WorkbookArgs>) =>
  y.positional('referrer', { type: 'string', demandOption: true }).positional('referee', { type: 'string', demandOption: true });

export function builder(yargs: Argv<WorkbookArgs>): Argv<WorkbookArgs> {
  return yargs
    .command(
      'add <referrer> <referee> <tax>',
      'Record that REFERRER referred REFEREE, taking TAX percent (15 or 15%) of their base reward',
      (y) => edge(y).positional('tax', { type: 'string', demandOption: true }),
      async (argv: ArgumentsCamelCase<EdgeArgs & { tax: string }>) => {
        const store = await openStore(argv.workbook);
        const outcome = await addReferral(store, String(argv.referrer), String(argv.referee), String(argv.tax));
        reportOutcome(outcome, `${argv.referrer} now refers ${argv.referee} at ${argv.tax}`, argv.workbook);
      },
    )
    .command(
      'set-tax <referrer> <referee> <tax>',
      'Change the tax of a referral',
      (y) => edge(y).positional('tax', { type: 'string', demandOption: true }),
      async (argv: ArgumentsCamelCase<EdgeArgs & { tax: string }>) => {
        const store = await openStore(argv.workbook);
        const outcome = await setReferralTax(store, String(argv.referrer), String(argv.referee), String(argv.tax));
        reportOutcome(outcome, `Set the tax of ${argv.referrer} → ${argv.referee} to ${argv.tax}`, argv.workbook);
      },
    )
    .command(
      'remove <referrer> <referee>',
      'Remove a referral',
      (y) => edge(y),
      async (argv: ArgumentsCamelCase<EdgeArgs>) => {
        const store = await openStore(argv.workbook);
        reportOutcome(await removeReferral(store, String(argv.referrer), String(argv.referee)), `Removed ${argv.referrer} → ${argv.referee}`, argv.workbook);
      },
    )
    .demandCommand(1, 'Name an action: add, set-tax or remove.')
    .example('valtrac referrals add Alice Bob 15%', '');
}

export function handler(): void {}
