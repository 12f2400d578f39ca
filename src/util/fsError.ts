import { UserError } from './errors.js';

/** What a file-system error code means to the person, and what they can do about it. */
const CAUSES: Record<string, { cause: string; fix: string }> = {
  ENOSPC: { cause: 'the disk is full', fix: 'free some space on that disk, then run the command again' },
  EDQUOT: { cause: 'the disk quota is used up', fix: 'free some space or raise the quota, then run the command again' },
  EACCES: { cause: 'permission denied', fix: 'give the user running ValTrac read and write access to it and its folder, or run ValTrac as their owner' },
  EPERM: { cause: 'permission denied', fix: 'give the user running ValTrac read and write access to it and its folder, or run ValTrac as their owner' },
  EROFS: { cause: 'the file system is read-only', fix: 'keep the workbook on a writable disk (or remount it read-write)' },
  ENOENT: { cause: 'the folder does not exist', fix: 'create the workbook there with "valtrac init", or pass --workbook PATH' },
  ENOTDIR: { cause: 'a part of the path is not a folder', fix: 'check the path given with --workbook' },
  EISDIR: { cause: 'it is a folder, not a regular file', fix: 'pass the .xlsx file itself with --workbook' },
  EMFILE: { cause: 'too many files are open', fix: 'close other programs or raise the open-files limit (ulimit -n)' },
  ENFILE: { cause: 'too many files are open on this machine', fix: 'close other programs, then run the command again' },
  EIO: { cause: 'the disk reported an input/output error', fix: 'check the disk (it may be failing) and restore the workbook from .backup/ if it is damaged' },
  EBUSY: { cause: 'the file is busy', fix: 'close the program using it, then run the command again' },
  ETXTBSY: { cause: 'the file is busy', fix: 'close the program using it, then run the command again' },
};

/** A file operation that failed for a reason outside ValTrac (a full disk, a permission): worth trying again later. */
export class FileSystemError extends UserError {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'FileSystemError';
  }
}

/** An error thrown by node:fs (it carries an errno code such as ENOSPC), not yet worded for the person. */
export function isFsError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && !(error instanceof UserError) && typeof (error as NodeJS.ErrnoException).code === 'string' && /^E[A-Z]+$/.test((error as NodeJS.ErrnoException).code!);
}

/**
 * One line for a failed file operation: what ValTrac was doing, the path, the cause in words and the fix. Other errors
 * (a bug, a UserError already worded) are returned as they are, so callers can `throw fsFailure(...)` in any catch.
 */
export function fsFailure(error: unknown, doing: string, file: string): unknown {
  if (!isFsError(error)) return error;
  const known = CAUSES[error.code!];
  // The file node:fs names is added when it says more than `file`: not a temp file of ours, nor a file in the folder named.
  const inner = error.path && error.path !== file && !error.path.endsWith('.tmp') && !error.path.startsWith(`${file}/`);
  const where = inner ? `${file} (${error.path})` : file;
  if (!known) return new FileSystemError(`${doing} ${where} failed: ${error.code} (${error.syscall ?? 'file operation'}). Nothing was half-written; check the disk and the folder's permissions, then run the command again.`, error.code!);
  return new FileSystemError(`${doing} ${where} failed: ${known.cause}. Nothing was half-written; ${known.fix}.`, error.code!);
}

/** For an error no place worded (the CLI's last resort): the operation and path node:fs names. */
export function fsFailureAnywhere(error: NodeJS.ErrnoException): FileSystemError {
  return fsFailure(error, `A file operation (${error.syscall ?? 'unknown'}) on`, error.path ?? 'a file') as FileSystemError;
}
