import { refreshCharts } from '../commands/charts.js';
import { statsText } from '../commands/stats.js';
import { WorkbookStore } from '../workbook/store.js';
import type { Prompter } from './prompter.js';

/** 7: render the charts, or show the validator's or a user's statistics. */
export async function statisticsMenu(p: Prompter, workbook: string): Promise<void> {
  for (;;) {
    const choice = await p.choose('Charts and statistics', ['Render the charts', 'Validator statistics', "A user's statistics", 'Back']);
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
    if (choice === 3) return;
  }
}
