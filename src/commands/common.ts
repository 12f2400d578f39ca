import type { Argv } from 'yargs';
import { settingPlace } from '../domain/settings.js';
import { safeText } from '../domain/text.js';
import type { Problem, Settings } from '../domain/types.js';
import type { SettingsCells } from '../domain/validate.js';
import { describeCatchUp } from '../workbook/catchUp.js';
import { describeEditorLocks, editorLocks } from '../workbook/editorLock.js';
import { WorkbookStore } from '../workbook/store.js';
import { out } from '../util/output.js';

export interface WorkbookArgs {
  workbook: string;
}

/**
 * The store for --workbook, brought up to what ValTrac has written first: the changes an older copy saved over it
 * lacks, and those journalled while an editor had the file open (each one that could not be applied is said).
 */
export async function openStore(workbook: string): Promise<WorkbookStore> {
  const store = new WorkbookStore(workbook);
  const catchUp = await store.applyPending();
  for (const line of describeCatchUp(catchUp)) out.line(safeText(line));
  if (catchUp.outcome === 'deferred') out.line(safeText(store.editorLockReport()));
  return store;
}

export function reportOutcome(outcome: 'written' | 'deferred', what: string, workbook: string): void {
  out.line(
    safeText(
      outcome === 'written'
        ? `${what} (written to ${workbook}).`
        : `${what}: ${workbook} is open in an editor, so the change is saved in the journal and will be written when it is closed. ${describeEditorLocks(editorLocks(workbook))}`,
    ),
  );
}

export function formatProblems(problems: Problem[]): string {
  return problems.map((p) => `${p.sheet}${p.cell === '' ? '' : `!${p.cell}`}: ${safeText(p.message)}\n    Fix: ${safeText(p.fix)}`).join('\n');
}

export interface NetworkArgs {
  network?: string;
}

/**
 * `--network`, also as btcli spells it (`--subtensor.network`): dot notation is switched off for the command so that
 * the dotted name is an option of its own.
 */
export function networkOption<T>(yargs: Argv<T>): Argv<T & NetworkArgs> {
  return yargs.parserConfiguration({ 'dot-notation': false }).option('network', {
    type: 'string',
    alias: 'subtensor.network',
    describe: 'local, finney, test, archive or a ws(s):// URL (default: Settings network)',
  });
}

/** The node to use: `--network` when given, else Settings; `argument` names where it came from, for messages. */
export function chosenNetwork(args: NetworkArgs, settings: Settings, cells: SettingsCells): { network: string; argument: string } {
  if (args.network !== undefined) return { network: args.network, argument: '--network' };
  return { network: settings.network, argument: settingPlace('network', cells.network) };
}
