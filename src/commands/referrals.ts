import type { ArgumentsCamelCase, Argv } from 'yargs';
import { layers } from '../domain/referrals.js';
import { formatTaxPercent } from '../domain/tax.js';
import { excerpt } from '../domain/text.js';
import type { Referral } from '../domain/types.js';
import { addReferral, removeReferral, setReferralTax, taxText, userNamed } from '../workbook/edits.js';
import type { WorkbookStore } from '../workbook/store.js';
import { openStore, reportOutcome, type WorkbookArgs } from './common.js';
import { out } from '../util/output.js';

interface EdgeArgs extends WorkbookArgs {
  referrer: string;
  referee: string;
}

const edge = (y: Argv<WorkbookArgs>) =>
  y.positional('referrer', { type: 'string', demandOption: true }).positional('referee', { type: 'string', demandOption: true });

/**
 * The two names as Users spells them (names compare ignoring case, as in the sheet), saying so when the spelling
 * typed differs; an unknown name is refused with the closest user's name.
 */
async function edgeNames(store: WorkbookStore, argv: EdgeArgs): Promise<{ referrer: string; referee: string }> {
  const { users } = await store.read();
  const referrer = userNamed(users, String(argv.referrer), 'REFERRER argument');
  const referee = userNamed(users, String(argv.referee), 'REFEREE argument');
  for (const [typed, name] of [[String(argv.referrer), referrer], [String(argv.referee), referee]] as const) {
    if (typed !== name) out.line(`"${typed}" is the user ${name} in Users (names compare ignoring case).`);
  }
  return { referrer, referee };
}

export function builder(yargs: Argv<WorkbookArgs>): Argv<WorkbookArgs> {
  return yargs
    .command(
      'list',
      'List every referral with its tax and both people\'s layers (1 = referred by nobody)',
      (y) => y,
      async (argv: ArgumentsCamelCase<WorkbookArgs>) => {
        const store = await openStore(argv.workbook);
        out.line(referralsList((await store.read()).referrals));
      },
    )
    .command(
      'add <referrer> <referee> <tax>',
      'Record that REFERRER referred REFEREE, taking TAX percent (15 or 15%) of their base reward',
      (y) => edge(y).positional('tax', { type: 'string', demandOption: true }),
      async (argv: ArgumentsCamelCase<EdgeArgs & { tax: string }>) => {
        const store = await openStore(argv.workbook);
        const { referrer, referee } = await edgeNames(store, argv);
        const outcome = await addReferral(store, referrer, referee, String(argv.tax));
        reportOutcome(outcome, `${referrer} now refers ${referee} at ${taxText(String(argv.tax))}`, argv.workbook);
      },
    )
    .command(
      'set-tax <referrer> <referee> <tax>',
      'Change the tax of a referral',
      (y) => edge(y).positional('tax', { type: 'string', demandOption: true }),
      async (argv: ArgumentsCamelCase<EdgeArgs & { tax: string }>) => {
        const store = await openStore(argv.workbook);
        const { referrer, referee } = await edgeNames(store, argv);
        const outcome = await setReferralTax(store, referrer, referee, String(argv.tax));
        reportOutcome(outcome, `Set the tax of ${referrer} → ${referee} to ${taxText(String(argv.tax))}`, argv.workbook);
      },
    )
    .command(
      'remove <referrer> <referee>',
      'Remove a referral',
      (y) => edge(y),
      async (argv: ArgumentsCamelCase<EdgeArgs>) => {
        const store = await openStore(argv.workbook);
        const { referrer, referee } = await edgeNames(store, argv);
        reportOutcome(await removeReferral(store, referrer, referee), `Removed ${referrer} → ${referee}`, argv.workbook);
      },
    )
    .demandCommand(1, 'Name an action: list, add, set-tax or remove.')
    .example('valtrac referrals add Alice Bob 15%', '')
    .example('valtrac referrals list', '');
}

export function handler(): void {}

/**
 * One line per referral in sheet order: the edge with each person's layer, its tax and its row. A layer is always a
 * person's (1 = referred by nobody), as in the Referrals sheet's column and the referral chart's columns: an edge goes
 * from its referrer's layer to the next.
 */
export function referralsList(referrals: readonly Referral[]): string {
  if (referrals.length === 0) return 'No referrals yet (valtrac referrals add REFERRER REFEREE TAX).';
  const layer = layers([...referrals]);
  const of = (name: string) => (layer.has(name) ? String(layer.get(name)) : '–');
  const rows = [...referrals].sort((a, b) => a.row - b.row).map((r) => [
    `layer ${of(r.referrer)} → ${of(r.referee)}`,
    `${excerpt(r.referrer)} → ${excerpt(r.referee)}`,
    r.taxDate === undefined ? `${formatTaxPercent(r.taxPpm)}%` : `${r.taxDate} (a date, not a tax: see valtrac check)`,
    `Referrals!A${r.row}`,
  ]);
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  return [
    `Referrals (${referrals.length}; a person's layer: 1 = referred by nobody, 2 = referred by a layer-1 person, ...; – = on a cycle, see valtrac check):`,
    ...rows.map((row) => `  ${row.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd()}`),
  ].join('\n');
}
