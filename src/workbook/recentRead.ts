import nodePath from 'node:path';
import { fileIdentity } from '../util/fileIdentity.js';
import { WorkbookStore, type WorkbookData } from './store.js';

const last = new Map<string, { stamp: string; data: WorkbookData }>();

/**
 * The workbook as `store.read()` gives it, read again only when the file or its journal changed since the last read in
 * this process: the snapshotter redraws the charts and then checks the payout balance from the same read.
 */
export async function readRecent(workbookPath: string): Promise<WorkbookData> {
  const store = new WorkbookStore(workbookPath);
  const stem = nodePath.basename(workbookPath, nodePath.extname(workbookPath));
  const journal = nodePath.join(nodePath.dirname(workbookPath), `.${stem}-journal.jsonl`);
  const stamp = `${fileIdentity(workbookPath)}|${fileIdentity(journal)}`;
  const cached = last.get(workbookPath);
  if (cached?.stamp === stamp) return cached.data;
  const data = await store.read();
  last.set(workbookPath, { stamp, data });
  return data;
}
