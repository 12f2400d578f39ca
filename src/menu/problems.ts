import type { Problem } from '../domain/types.js';

/** How a prompt shows a problem: exactly the sheet's message and fix, with the cell it would be flagged in. */
export function describeProblem(p: Problem): string {
  return `  ${p.sheet}!${p.cell}: ${p.message}\n  Fix: ${p.fix}`;
}

/** Problems in `after` that were not already in `before` (the sheet may have problems of its own). */
export function newProblems(before: readonly Problem[], after: readonly Problem[]): Problem[] {
  const key = (p: Problem) => `${p.cell}\u0000${p.message}`;
  const known = new Set(before.map(key));
  return after.filter((p) => !known.has(key(p)));
}

export function column(cell: string): string {
  return /^[A-Z]+/.exec(cell)?.[0] ?? '';
}
