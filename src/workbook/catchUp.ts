import type { Problem, SheetName } from '../domain/types.js';
import { changeSheet, describeChange, type Change } from './changes.js';
import type { Lag } from './versions.js';

/** A change ValTrac had to replay and could not: what it was, where it came from, and why it did not apply. */
export interface NotApplied {
  change: Change;
  why: string;
  /** `journal`: it waited while an editor had the workbook open; `older copy`: ValTrac had written it before. */
  source: 'journal' | 'older copy';
}

/** What bringing the file up to what ValTrac has written found, and did. */
export interface CatchUp {
  /** `deferred`: an editor holds the file, so the catch-up waits (nothing below was written yet). */
  outcome: 'written' | 'deferred' | 'none';
  /** Journalled changes that applied. */
  journal: Change[];
  /** The file was an older copy of ValTrac's version `copy.version`: the changes ValTrac wrote after it, re-applied. */
  olderCopy: { version: number; writtenAt: Date | null; reapplied: Change[] } | null;
  /** ValTrac cannot tell which of its changes the file lacks, and why. */
  unplaced: string | null;
  notApplied: NotApplied[];
}

const stamp = (date: Date) => `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** The catch-up of a file as read: nothing written yet. */
export function catchUpOf(lag: Lag, journal: Change[], reapplied: Change[], notApplied: NotApplied[]): Omit<CatchUp, 'outcome'> {
  return {
    journal,
    olderCopy: lag.kind === 'older' && reapplied.length + notApplied.filter((n) => n.source === 'older copy').length > 0 ? { version: lag.copy.version, writtenAt: lag.copyWrittenAt, reapplied } : null,
    unplaced: lag.kind === 'unplaced' ? lag.why : null,
    notApplied,
  };
}

function copyName(olderCopy: NonNullable<CatchUp['olderCopy']>): string {
  return `ValTrac's version ${olderCopy.version}${olderCopy.writtenAt ? ` of ${stamp(olderCopy.writtenAt)}` : ''}`;
}

function listed(changes: readonly Change[], max = 8): string {
  const shown = changes.slice(0, max).map(describeChange);
  return changes.length > max ? `${shown.join('; ')}; and ${changes.length - max} more` : shown.join('; ');
}

const NOT_APPLIED_FIX =
  'If it should still happen, do it again with the names as they are now (valtrac check lists them), or edit the sheet yourself.';

/** The rows of Problems that tell a person what a catch-up did: per sheet re-applied, each change not applied. */
export function catchUpNotices(c: Omit<CatchUp, 'outcome'>): Problem[] {
  const notices: Problem[] = [];
  if (c.olderCopy) {
    const bySheet = new Map<SheetName, Change[]>();
    for (const change of c.olderCopy.reapplied) {
      const sheet = changeSheet(change);
      if (sheet) bySheet.set(sheet, [...(bySheet.get(sheet) ?? []), change]);
    }
    for (const [sheet, changes] of bySheet) {
      notices.push({
        sheet,
        cell: '',
        message: `An older copy of the workbook (${copyName(c.olderCopy)}) was saved over what ValTrac wrote after it. ValTrac re-applied to ${sheet}: ${listed(changes)}.`,
        fix: 'Nothing to do if these belong here. To undo one, edit the sheet or run the opposite valtrac command; the file as it was before is in .backup/.',
      });
    }
  }
  if (c.unplaced) {
    notices.push({
      sheet: 'Problems',
      cell: '',
      message: `The workbook was replaced by a file ValTrac cannot place: ${c.unplaced}. Changes ValTrac wrote earlier may be missing from it.`,
      fix: 'Compare it with the newest file in .backup/ (users added with valtrac users add, referrals, Settings) and copy back what is missing.',
    });
  }
  for (const n of c.notApplied) {
    const origin = n.source === 'journal' ? 'it waited while the workbook was open in an editor' : 'ValTrac had written it before an older copy was saved over the workbook';
    notices.push({ sheet: changeSheet(n.change) ?? 'Problems', cell: '', message: `Not applied: ${describeChange(n.change)} (${origin}). ${n.why}`, fix: NOT_APPLIED_FIX });
  }
  return notices;
}

/** The lines a command or the watcher prints about a catch-up; none when there was nothing to catch up. */
export function describeCatchUp(c: CatchUp): string[] {
  if (c.outcome === 'none') return [];
  const lines: string[] = [];
  const waiting = c.outcome === 'deferred';
  if (c.olderCopy && c.olderCopy.reapplied.length > 0) {
    lines.push(
      `An older copy of the workbook (${copyName(c.olderCopy)}) was saved over what ValTrac wrote after it; ${waiting ? 'ValTrac re-applies once the editor closes it' : 'ValTrac re-applied'}: ${listed(c.olderCopy.reapplied)}.`,
    );
  }
  if (c.unplaced) lines.push(`The workbook was replaced by a file ValTrac cannot place: ${c.unplaced}. Compare it with the newest file in .backup/.`);
  const fromJournal = c.notApplied.filter((n) => n.source === 'journal').length;
  if (c.journal.length + fromJournal > 0) {
    const all = c.journal.length + fromJournal;
    if (waiting) lines.push(`Changes are still waiting: the workbook is open in an editor (${all} in the journal).`);
    else if (fromJournal === 0) lines.push('Wrote the changes that waited while the workbook was open in an editor.');
    else lines.push(`Of the ${all} change${all === 1 ? '' : 's'} that waited while the workbook was open in an editor, ${c.journal.length} ${c.journal.length === 1 ? 'was' : 'were'} written and ${fromJournal} could not be applied.`);
  }
  for (const n of c.notApplied) lines.push(`${waiting ? 'Cannot apply to the workbook as it is now' : 'Not applied (listed in Problems)'}: ${describeChange(n.change)}: ${n.why}`);
  return lines;
}
