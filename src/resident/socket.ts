import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the watcher of a workbook answers commands: a Unix socket beside the workbook, or in the temp folder (named
 * by the workbook's path) when that path is too long for a socket address.
 */
export function socketPath(workbook: string): string {
  const full = path.resolve(workbook);
  const beside = path.join(path.dirname(full), `.${path.basename(full, path.extname(full))}-commands.sock`);
  if (Buffer.byteLength(beside) < 100) return beside;
  return path.join(os.tmpdir(), `valtrac-${createHash('sha256').update(full).digest('hex').slice(0, 16)}.sock`);
}

/**
 * Which build of ValTrac this process runs: a watcher started before `npm run build` must not answer for the new
 * code, so the CLI and the watcher compare it and the CLI does the work itself when they differ.
 */
export function buildId(): string {
  const file = fileURLToPath(import.meta.url);
  try {
    const stat = fs.statSync(file);
    return `${file}:${stat.size}:${stat.mtimeMs}`;
  } catch {
    return file;
  }
}
