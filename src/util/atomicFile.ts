import { open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { fsFailure } from './fsError.js';
import { injectFsFault } from './fsFault.js';

/**
 * Writes a file so that readers see either the old content or the new, never a torn one: temp file in the same
 * folder, fsync, rename over the target, fsync the folder (so the rename itself survives a power cut). A failure
 * (a full disk, a permission) leaves no temp file and throws one line saying `doing` what to which path and why.
 */
export async function writeFileAtomic(target: string, data: Uint8Array | string, doing = 'Writing'): Promise<void> {
  const dir = path.dirname(target);
  const temp = path.join(dir, `.${path.basename(target)}.${process.pid}.${Date.now()}.tmp`);
  let created = false;
  try {
    const handle = await open(temp, 'w');
    created = true;
    try {
      injectFsFault(target);
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
    created = false;
    const folder = await open(dir, 'r');
    try {
      await folder.sync();
    } finally {
      await folder.close();
    }
  } catch (error) {
    if (created) await unlink(temp).catch(() => undefined);
    throw fsFailure(error, doing, target);
  }
}
