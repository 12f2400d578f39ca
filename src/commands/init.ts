import fs from 'node:fs';
import type { ArgumentsCamelCase, Argv } from 'yargs';
import { SETTING_ROWS, settingOption } from '../domain/settings.js';
import { UserError } from '../util/errors.js';
import { newWorkbook, setSettings } from '../workbook/edits.js';
import { WorkbookStore } from '../workbook/store.js';
import { reportOutcome, type WorkbookArgs } from './common.js';
import { out } from '../util/output.js';

interface InitArgs extends WorkbookArgs {
  force: boolean;
  [setting: string]: unknown;
}

/** One option per Settings row (`--hotkey`, `--payout-coldkey`, ...), so init covers every setting the sheet has. */
export function builder(yargs: Argv<WorkbookArgs>): Argv<InitArgs> {
  let y = yargs.option('force', { type: 'boolean', default: false, describe: 'Replace an existing workbook (a backup is kept)' });
  for (const row of SETTING_ROWS) {
    y = y.option(settingOption(row.key), {
      type: 'string',
      describe: `Settings: ${row.label}. ${row.note}`,
      ...(row.key === 'snapshotInterval' ? { alias: 'interval' } : {}),
    });
  }
  return y
    .example('valtrac init --hotkey 5F...xyz --network finney', 'create the workbook, or set these two in the one npm start made')
    .example('valtrac init --payout-coldkey 5G...abc', 'fill in one more setting') as unknown as Argv<InitArgs>;
}

export async function handler(argv: ArgumentsCamelCase<InitArgs>): Promise<void> {
  const values = SETTING_ROWS.flatMap((row) => {
    const value = argv[settingOption(row.key)];
    return value === undefined ? [] : [[settingOption(row.key), String(value)] as const];
  });
  const store = new WorkbookStore(argv.workbook);
  if (fs.existsSync(argv.workbook) && !argv.force) {
    if (values.length === 0) {
      throw new UserError(
        `${argv.workbook} already exists. Fill in its Settings with valtrac init --hotkey 5F... --network finney (or ` +
          `valtrac settings set NAME VALUE), or use --force to replace it (the current one is kept in ${store.backupDir}).`,
      );
    }
    const outcome = await setSettings(store, values);
    reportOutcome(outcome, `${argv.workbook} already exists: set ${values.map(([name, value]) => `${name} = ${value}`).join(', ')} in its Settings`, argv.workbook);
    return;
  }
  await store.create(newWorkbook(values, (key) => `--${settingOption(key)}`), argv.force);
  out.line(`Created ${argv.workbook}. Add users in the Users sheet (or valtrac import-users FILE.csv), then run valtrac check.`);
}
