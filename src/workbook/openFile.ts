import fs from 'node:fs';
import nodePath from 'node:path';
import { excerpt } from '../domain/text.js';
import { UserError } from '../util/errors.js';
import { fsFailure } from '../util/fsError.js';
import { zipDirectory } from '../util/zipEntry.js';

/**
 * Everything about getting a workbook file's bytes and saying why they cannot be read, in one place: only a regular
 * file is opened (a named pipe would hang the read, a device or /proc file is not a workbook), the zip's declared sizes
 * are checked before anything is inflated (a zip bomb is refused at once), and "restore it from .backup/" is advised
 * only for a damaged file when a backup exists, naming the newest.
 */

/** Most a workbook may unpack to: a year of hourly snapshots for 500 users is well under 100 MB of sheet XML. */
export const MAX_UNPACKED_BYTES = 512 * 1024 * 1024;

/** What the path is when it is not a regular file, in words; null for a regular file. */
function notRegular(stat: fs.Stats): string | null {
  if (stat.isFile()) return null;
  if (stat.isDirectory()) return 'a folder';
  if (stat.isFIFO()) return 'a named pipe';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** Refuses (UserError) a path that exists but is not a regular file; false when nothing is there. */
export function checkRegularFile(file: string): boolean {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw fsFailure(error, 'Reading the workbook', file);
  }
  const what = notRegular(stat);
  if (what) throw new UserError(`${file} is ${what}, not a workbook file: pass the .xlsx file itself with --workbook.`);
  return true;
}

/** The workbook file's bytes, checked: a regular file, a zip whose members declare a sane unpacked size. */
export function readWorkbookBytes(file: string): Buffer {
  if (!checkRegularFile(file)) throw new UserError(`There is no workbook at ${file}: create it with "valtrac init" (or pass --workbook PATH).`);
  let data: Buffer;
  try {
    data = fs.readFileSync(file);
  } catch (error) {
    throw fsFailure(error, 'Reading the workbook', file);
  }
  const declared = declaredUnpackedSize(data);
  if (declared !== null && declared > MAX_UNPACKED_BYTES) {
    throw new UserError(
      `${file} declares ${(declared / 2 ** 20).toFixed(0)} MiB of content once unpacked (more than ${MAX_UNPACKED_BYTES / 2 ** 20} MiB): it is not a workbook ValTrac wrote or an editor saved; nothing was unpacked. ${restoreAdvice(file)}`,
    );
  }
  return data;
}

/** The sum of the unpacked sizes the zip's central directory declares; null when there is no readable directory. */
export function declaredUnpackedSize(data: Buffer): number | null {
  const members = zipDirectory(data);
  if (members === null) return null;
  // 0xFFFFFFFF defers to a ZIP64 field: a member of 4 GiB or more, which no workbook has.
  return members.reduce((total, m) => total + (m.size === 0xffffffff ? Number.MAX_SAFE_INTEGER : m.size), 0);
}

/** The newest backup of `file` in the `.backup/` folder beside it, or null when there is none. */
export function newestBackup(file: string): string | null {
  const dir = nodePath.join(nodePath.dirname(file), '.backup');
  const stem = nodePath.basename(file, nodePath.extname(file));
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return null;
  }
  // Backup names carry an ISO time right after the stem, so the newest sorts last.
  const backups = names.filter((n) => n.startsWith(`${stem}-`) && n.endsWith('.xlsx')).sort();
  return backups.length > 0 ? nodePath.join(dir, backups.at(-1)!) : null;
}

function restoreAdvice(file: string): string {
  const backup = newestBackup(file);
  return backup ? `Restore it from the newest backup, ${backup} (copy it over ${file}).` : `There is no backup of it in ${nodePath.join(nodePath.dirname(file), '.backup')}: restore it from your own copy.`;
}

/** Whether the bytes are a complete zip holding an Office workbook (then the file is not damaged, only unread). */
function looksLikeXlsx(data: Buffer): boolean {
  return declaredUnpackedSize(data) !== null && data.includes('xl/workbook.xml') && data.includes('[Content_Types].xml');
}

/** The workbook's bytes are not a readable workbook (damaged, cut short, or still being saved by another program). */
export class UnreadableWorkbook extends UserError {}

/** Why the workbook's bytes could not be parsed, with advice that fits: damaged (restore) or valid (save it again). */
export function unreadableWorkbook(file: string, data: Buffer, error: unknown): UnreadableWorkbook {
  const reason = excerpt(error instanceof Error ? error.message : String(error), 120);
  if (data.length > 0 && looksLikeXlsx(data)) {
    return new UnreadableWorkbook(`${file} is an .xlsx file that ValTrac cannot read (${reason}). Open it in Excel or LibreOffice and save it again as .xlsx; nothing was written.`);
  }
  const what = data.length === 0 ? 'it is empty' : reason;
  return new UnreadableWorkbook(`${file} cannot be read as an .xlsx workbook (${what}). ${restoreAdvice(file)}`);
}
