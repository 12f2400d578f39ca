import type { Problem } from '../domain/types.js';
import { WorkbookStore } from '../workbook/store.js';

export interface WorkbookArgs {
  workbook: string;
}

/** The store for --workbook, with changes journalled while an editor had the file open written first if it is closed now. */
export async function openStore(workbook: string): Promise<WorkbookStore> {
  const store = new WorkbookStore(workbook);
  const pending = await store.applyPending();
  if (pending === 'written') console.log('Wrote the changes that waited while the workbook was open in an editor.');
  if (pending === 'deferred') console.log('Changes are still waiting: the workbook is open in an editor.');
  return store;
}

export function reportOutcome(outcome: 'written' | 'deferred', what: string, workbook: string): void {
  console.log(
    outcome === 'written'
      ? `${what} (written to ${workbook}).`
      : `${what}: ${workbook} is open in an editor, so the change is saved in the journal and will be written when it is closed.`,
  );
}

export function formatProblems(problems: Problem[]): string {
  return problems.map((p) => `${p.sheet}!${p.cell}: ${p.message}\n    Fix: ${p.fix}`).join('\n');
}
