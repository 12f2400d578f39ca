import { readFile } from 'node:fs/promises';
import nodePath from 'node:path';
import type { PayoutRow } from '../domain/types.js';
import { writeFileAtomic } from '../util/atomicFile.js';

/**
 * The plan as `plan` wrote it, kept beside the workbook (`.valtrac-plan.json`): `confirm` compares every Payouts row
 * with it, field by field, so a row edited by hand after `plan` is refused with its cell named.
 */
export interface StoredPlan {
  planId: string;
  fingerprint: string;
  rows: PayoutRow[];
}

export function planFilePath(workbookPath: string): string {
  const stem = nodePath.basename(workbookPath, nodePath.extname(workbookPath));
  return nodePath.join(nodePath.dirname(workbookPath), `.${stem}-plan.json`);
}

export async function writePlanFile(workbookPath: string, plan: StoredPlan): Promise<void> {
  const text = JSON.stringify(plan, (_key, value: unknown) => (typeof value === 'bigint' ? `${value}n` : value), 2);
  await writeFileAtomic(planFilePath(workbookPath), text);
}

export async function readPlanFile(workbookPath: string): Promise<StoredPlan | null> {
  let text: string;
  try {
    text = await readFile(planFilePath(workbookPath), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  return JSON.parse(text, (_key, value: unknown) =>
    typeof value === 'string' && /^-?\d+n$/.test(value) ? BigInt(value.slice(0, -1)) : value,
  ) as StoredPlan;
}
