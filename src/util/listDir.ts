import { readdir } from 'node:fs/promises';

/** The names in `dir`, or none when it does not exist yet (ValTrac creates its folders on first write). */
export async function namesIn(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
