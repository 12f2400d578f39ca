import type { ArgumentsCamelCase, Argv } from 'yargs';
import { missingSettings, SETTING_ROWS, settingOption, urlFault } from '../domain/settings.js';
import type { Problem, Settings } from '../domain/types.js';
import { excerpt } from '../domain/text.js';
import { UserError } from '../util/errors.js';
import { setSettings } from '../workbook/edits.js';
import type { ReadForFeedback } from '../workbook/store.js';
import { openStore, reportOutcome, type WorkbookArgs } from './common.js';
import { out } from '../util/output.js';

interface SettingsArgs extends WorkbookArgs {
  action?: string;
  pairs?: string[];
}

export function builder(yargs: Argv<WorkbookArgs>): Argv<SettingsArgs> {
  return yargs
    .command(
      ['show', '$0'],
      'List every setting with its cell, its value and any problem in it',
      (y) => y,
      async (argv: ArgumentsCamelCase<WorkbookArgs>) => {
        const store = await openStore(argv.workbook);
        out.line(settingsReport(await store.readParsed()));
      },
    )
    .command(
      'set <pairs..>',
      'Set one or more settings (NAME VALUE pairs; "" empties a value), checked exactly like a save in the sheet',
      (y) => y.positional('pairs', { type: 'string', array: true, demandOption: true }),
      async (argv: ArgumentsCamelCase<SettingsArgs>) => {
        const pairs = (argv.pairs ?? []).map(String);
        if (pairs.length % 2 !== 0) {
          throw new UserError(`settings set takes NAME VALUE pairs; "${pairs.at(-1)}" has no value (use "" to empty a setting).`);
        }
        const values = Array.from({ length: pairs.length / 2 }, (_, i) => [pairs[2 * i]!, pairs[2 * i + 1]!] as const);
        const store = await openStore(argv.workbook);
        const outcome = await setSettings(store, values);
        reportOutcome(outcome, `Set ${values.map(([name, value]) => `${excerpt(name)} = ${value === '' ? '(empty)' : excerpt(value)}`).join(', ')}`, argv.workbook);
      },
    )
    .example('valtrac settings', 'show every setting')
    .example('valtrac settings set hotkey 5F... network finney', 'set the validator hotkey and the network')
    .example('valtrac settings set payout-coldkey ""', 'empty a setting') as unknown as Argv<SettingsArgs>;
}

export function handler(): void {}

/** One line per Settings row: its command-line name, cell, value, and the problems or the missing value in it. */
export function settingsReport(parsed: Pick<ReadForFeedback, 'data' | 'problems' | 'settingsCells'>): string {
  const { settings } = parsed.data;
  const cells = parsed.settingsCells;
  const missing = missingSettings(settings, cells);
  const names = SETTING_ROWS.map((row) => settingOption(row.key));
  const width = Math.max(...names.map((n) => n.length));
  const lines = SETTING_ROWS.map((row, i) => {
    const cell = cells[row.key];
    const value = settings[row.key as keyof Settings];
    const head = `  ${names[i]!.padEnd(width)}  ${(cell ? `Settings!${cell}` : 'no row').padEnd(11)}  ${row.label}: ${value === null ? '(empty)' : shownValue(String(value))}`;
    const notes = [
      ...parsed.problems.filter((p: Problem) => p.sheet === 'Settings' && cell !== undefined && p.cell === cell).map((p) => `${p.message} Fix: ${p.fix}`),
      ...missing.filter((m) => m.key === row.key).map((m) => `needed by ${m.neededBy}: ${m.command}`),
    ];
    return [head, ...notes.map((n) => `      ${n}`)].join('\n');
  });
  const rowless = parsed.problems.filter((p) => p.sheet === 'Settings' && !Object.values(cells).includes(p.cell));
  return [
    'Settings (change them in the sheet, or with valtrac settings set NAME VALUE):',
    ...lines,
    ...rowless.map((p) => `  Settings!${p.cell}: ${p.message} Fix: ${p.fix}`),
  ].join('\n');
}

/** A setting's value as printed: bounded and escaped, and a URL that carries a password shown by its host alone. */
function shownValue(value: string): string {
  if (urlFault(value)?.startsWith('carries')) return `(a URL for ${excerpt(new URL(value.trim()).host)} with user:password@, not shown)`;
  return excerpt(value);
}
