/**
 * A mistake the person can fix (bad input, a missing file, a problem in the workbook).
 * The CLI prints its message and exits with `exitCode`, never a stack trace.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'UserError';
  }
}
