import { refreshCharts } from '../commands/charts.js';
import { statsText } from '../commands/stats.js';
import { writeStatements } from '../commands/statements.js';
import { WorkbookStore } from '../workbook/store.js';
import type { Prompter } from './prompter.js';

/** 7: render the charts, show the validator's or a user's statistics, or write the payout statements. */
export async function statisticsMenu(p: Prompter, workbook: string): Promise<void> {
  for (;;) {
    const choice = await p.choose('Charts and statistics', [
      'Render the charts',
      'Validator statistics',
      "A user's statistics",
      'Payout statements (HTML per period, CSV per year)',
      'Back',
    ]);
    if (choice === 0) p.print(`Charts written: open ${await refreshCharts(workbook)}`);
    if (choice === 1) p.print(await statsText(workbook, undefined, false));
    if (choice === 2) {
      const { users } = await new WorkbookStore(workbook).read();
      if (users.length === 0) p.print('There are no users yet.');
      else {
        const which = await p.choose('Which user', users.map((u) => u.name));
        p.print(await statsText(workbook, users[which]!.name, false));
      }
    }
    if (choice === 3) await statementsMenu(p, workbook);
    if (choice === 4) return;
  }
}

async function statementsMenu(p: Prompter, workbook: string): Promise<void> {
  const scope = await p.choose('Statements for', ['Every paid period', 'One year']);
  const year =
    scope === 1
      ? await p.askValid('Year (e.g. 2026): ', (answer) =>
          /^\d{4}$/.test(answer) ? { ok: true, value: Number(answer) } : { ok: false, message: 'Type a year of four digits.' },
        )
      : undefined;
  const user = await p.ask('User (Enter for everybody): ');
  const written = await writeStatements(workbook, { year, user: user === '' ? undefined : user });
  p.print(
    written.pages.length === 0
      ? 'No paid payout matches: nothing written.'
      : `Wrote ${written.pages.length} statement page(s) and ${written.csvs.length} CSV file(s) in ${written.dir}.`,
  );
}
