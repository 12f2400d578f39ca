import type { ArgumentsCamelCase, Argv } from 'yargs';
import { checkAddress } from '../domain/address.js';
import { DEFAULT_SETTINGS, networkUrl } from '../domain/settings.js';
import { UserError } from '../util/errors.js';
import { createWorkbook } from '../workbook/layout.js';
import { WorkbookStore } from '../workbook/store.js';
import type { WorkbookArgs } from './common.js';

interface InitArgs extends WorkbookArgs {
  hotkey?: string;
  network: string;
  force: boolean;
}

export function builder(yargs: Argv<WorkbookArgs>): Argv<InitArgs> {
  return yargs
    .option('hotkey', { type: 'string', describe: "The validator's hotkey (SS58)" })
    .option('network', { type: 'string', default: DEFAULT_SETTINGS.network, describe: 'local, finney, test or a ws(s):// URL' })
    .option('force', { type: 'boolean', default: false, describe: 'Replace an existing workbook (a backup is kept)' })
    .example('valtrac init --hotkey 5F...xyz --network finney', '');
}

export async function handler(argv: ArgumentsCamelCase<InitArgs>): Promise<void> {
  if (argv.hotkey !== undefined) {
    const check = checkAddress(argv.hotkey);
    if (!check.ok) throw new UserError(`--hotkey: ${check.message} ${check.fix}`);
  }
  if (networkUrl(argv.network) === null) {
    throw new UserError(`--network: "${argv.network}" is not local, finney, test or a ws:// / wss:// URL.`);
  }
  const workbook = createWorkbook({ ...DEFAULT_SETTINGS, hotkey: argv.hotkey ?? null, network: argv.network });
  await new WorkbookStore(argv.workbook).create(workbook, argv.force);
  console.log(`Created ${argv.workbook}. Add users in the Users sheet (or valtrac import-users FILE.csv), then run valtrac check.`);
}
