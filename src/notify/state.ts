import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../util/atomicFile.js';

/**
 * What the notifications remember between runs, so each condition is told once when it starts (and once when it ends)
 * rather than on every snapshot or save, also across pm2 restarts: `workbook/.valtrac-notify.json`.
 */
export interface NotifyState {
  /** When the snapshotter first failed to reach the node, while it still cannot. */
  nodeDownSince?: string;
  nodeDownTold?: boolean;
  /** The payout coldkey's balance was told to be below the next plan, and has not recovered since. */
  balanceLowTold?: boolean;
  /** The problems (sheet, cell, message) already told about. */
  problems?: string[];
}

export function statePath(workbookPath: string): string {
  return path.join(path.dirname(workbookPath), '.valtrac-notify.json');
}

export async function readState(workbookPath: string): Promise<NotifyState> {
  try {
    const parsed: unknown = JSON.parse(await readFile(statePath(workbookPath), 'utf8'));
    return parsed !== null && typeof parsed === 'object' ? (parsed as NotifyState) : {};
  } catch {
    // Missing or torn by hand: at worst a condition is told once more.
    return {};
  }
}

export async function updateState(workbookPath: string, change: (state: NotifyState) => NotifyState): Promise<void> {
  await writeFileAtomic(statePath(workbookPath), `${JSON.stringify(change(await readState(workbookPath)), null, 2)}\n`);
}
