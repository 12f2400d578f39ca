import fs from 'node:fs';

/**
 * The test seam for file-system faults that cannot be produced honestly on every machine (a full disk, a permission
 * refused to root): `VALTRAC_FS_FAULT=ENOSPC@.backup` makes the next write to a path containing `.backup` fail with
 * ENOSPC, exactly as node:fs reports it. Called at ValTrac's few write points, after any temp file is created, so the
 * clean-up path runs too. With `VALTRAC_FS_FAULT_WHILE=FILE` the fault holds only while FILE exists, so a test can
 * clear a full disk under a running process. Unset (always, outside tests) it does nothing.
 */
const ERRNO: Record<string, number> = { ENOSPC: -28, EACCES: -13, EPERM: -1, EROFS: -30, EIO: -5, EDQUOT: -122 };

export function injectFsFault(file: string, syscall = 'write'): void {
  const spec = process.env.VALTRAC_FS_FAULT ? /^(E[A-Z]+)@(.+)$/.exec(process.env.VALTRAC_FS_FAULT) : null;
  if (!spec || !file.includes(spec[2]!)) return;
  if (process.env.VALTRAC_FS_FAULT_WHILE && !fs.existsSync(process.env.VALTRAC_FS_FAULT_WHILE)) return;
  const code = spec[1]!;
  throw Object.assign(new Error(`${code}: injected fault, ${syscall} '${file}'`), { code, errno: ERRNO[code] ?? -1, syscall, path: file });
}
