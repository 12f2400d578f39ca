import { safeText } from '../domain/text.js';
import type { Problem } from '../domain/types.js';
import { describeCatchUp } from '../workbook/catchUp.js';
import { describeEditorLocks, editorLocks } from '../workbook/editorLock.js';
import { WorkbookStore } from '../workbook/store.js';

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
  for (const line of describeCatchUp(catchUp)) console.log(safeText(line));
  if (catchUp.outcome === 'deferred') console.log(safeText(store.editorLockReport()));
  return store;
}

export function reportOutcome(outcome: 'written' | 'deferred', what: string, workbook: string): void {
  console.log(
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
