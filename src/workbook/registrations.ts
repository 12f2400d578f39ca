import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Registrations } from '../domain/countFrom.js';
import { UserError } from '../util/errors.js';
import { writeFileAtomic } from '../util/atomicFile.js';

/**
 * When each registered coldkey was added (src/domain/countFrom.ts), kept by the snapshotter beside the snapshot records:
 * the people's Users sheet stays theirs (no column they could mistype), and the block is the snapshotter's to know.
 */
export const REGISTRATIONS_FILE = 'registered.json';
const FORMAT = 'valtrac-registered/1';

export async function readRegistrations(dir: string): Promise<Map<string, number> | null> {
  const file = path.join(dir, REGISTRATIONS_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const parsed = JSON.parse(text) as { format?: string; coldkeys?: Record<string, number> };
  if (parsed.format !== FORMAT || typeof parsed.coldkeys !== 'object' || parsed.coldkeys === null) {
    throw new UserError(`${file} is not a ValTrac registration record (${FORMAT}); restore it from a backup or delete it (every user then counts from the first snapshot)`);
  }
  return new Map(Object.entries(parsed.coldkeys));
}

export async function writeRegistrations(dir: string, registrations: Registrations): Promise<void> {
  // The first snapshot of a program notes its users before its record makes the folder.
  await mkdir(dir, { recursive: true });
  const coldkeys = Object.fromEntries([...registrations].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  await writeFileAtomic(path.join(dir, REGISTRATIONS_FILE), `${JSON.stringify({ format: FORMAT, coldkeys }, null, 1)}\n`);
}
