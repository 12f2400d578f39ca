import fs from 'node:fs';
import nodePath from 'node:path';
import ExcelJS from 'exceljs';
import type { Problem } from '../domain/types.js';
import { validateWorkbook } from '../domain/validate.js';
import { syncDir } from '../util/appendLog.js';
import { UserError } from '../util/errors.js';
import { applyChange, type Change } from './changes.js';
import { readProblemRows, writeFeedback } from './feedback.js';
import { Journal } from './journal.js';
import { applyLayout } from './layout.js';
import { withLock } from './lock.js';
import { missingSheets, parseWorkbook, sheet, type ParsedWorkbook, type WorkbookData } from './read.js';
import { isPeopleSheet } from './schema.js';

export type { WorkbookData } from './read.js';
export type { Change } from './changes.js';

export const BACKUPS_KEPT = 20;

/** The lock files editors leave beside a workbook they have open (LibreOffice; Excel, which may drop 2 characters). */
export function editorLockPaths(workbookPath: string): string[] {
  const dir = nodePath.dirname(workbookPath);
  const base = nodePath.basename(workbookPath);
  return [...new Set([`.~lock.${base}#`, `~$${base}`, `~$${base.slice(2)}`])].map((name) => nodePath.join(dir, name));
}

export interface ParsedWithProblems extends ParsedWorkbook {
  problems: Problem[];
}

export interface ReadForFeedback extends ParsedWithProblems {
  /** The problems the Problems sheet lists now. */
  shownProblems: Problem[];
}

function problemKey(p: Problem): string {
  return `${p.sheet}\u0000${p.message}`;
}

/**
 * The only way ValTrac writes the workbook: under an inter-process lock, from a fresh read, to a temporary file renamed
 * over the workbook, with the previous version kept in .backup/. While an editor has the workbook open, changes go to a
 * durable journal instead and are written once the editor closes it.
 */
export class WorkbookStore {
  readonly dir: string;
  readonly journal: Journal;
  readonly lockPath: string;
  readonly backupDir: string;
  /** Identity of the file this process last wrote, so a watcher can ignore the events of its own rename. */
  lastWritten: { ino: number; size: number; mtimeMs: number } | null = null;
  private readonly stem: string;

  constructor(readonly path: string) {
    this.dir = nodePath.dirname(this.path);
    this.stem = nodePath.basename(this.path, nodePath.extname(this.path));
    this.journal = new Journal(nodePath.join(this.dir, `.${this.stem}-journal.jsonl`));
    this.lockPath = nodePath.join(this.dir, `.${this.stem}-write.lock`);
    this.backupDir = nodePath.join(this.dir, '.backup');
  }

  editorOpen(): boolean {
    return editorLockPaths(this.path).some((lock) => fs.existsSync(lock));
  }

  async read(): Promise<WorkbookData> {
    return (await this.readParsed()).data;
  }

  async readWithProblems(): Promise<{ data: WorkbookData; problems: Problem[] }> {
    const parsed = await this.readParsed();
    return { data: parsed.data, problems: parsed.problems };
  }

  /** The workbook as ValTrac will have written it: the file with pending journal entries applied in memory. */
  async readParsed(): Promise<ReadForFeedback> {
    const pending = this.journal.pending();
    // Nothing to apply: the read leaves the workbook as loaded, so the next read or write may start from it.
    const workbook = pending.length === 0 ? await this.loadShared() : await this.load();
    for (const change of pending) applyChange(workbook, change, false);
    return { ...withProblems(parseWorkbook(workbook)), shownProblems: readProblemRows(sheet(workbook, 'Problems')) };
  }

  /**
   * Writes `change`, or journals it while an editor holds the workbook. With `refuseNewProblems`, a change that would
   * add a problem to the people's sheets is refused (UserError listing the problems) and nothing is written.
   */
  async apply(change: Change, options: { refuseNewProblems?: boolean } = {}): Promise<'written' | 'deferred'> {
    return withLock(this.lockPath, async () => {
      for (let attempt = 0; ; attempt++) {
        const before = this.identity();
        const workbook = await this.load();
        const pending = this.journal.pending();
        for (const earlier of pending) applyChange(workbook, earlier, false);
        const previous = options.refuseNewProblems ? withProblems(parseWorkbook(workbook)).problems : [];
        applyChange(workbook, change, true);
        if (options.refuseNewProblems) refuseNew(previous, withProblems(parseWorkbook(workbook)).problems);
        if (this.editorOpen()) {
          this.journal.append(change);
          return 'deferred';
        }
        const outcome = await this.writeFinished(workbook, [...pending, change], before);
        if (outcome === 'deferred') this.journal.append(change);
        if (outcome !== 'retry') return outcome;
        if (attempt >= 5) throw new UserError(`${this.path} keeps changing while ValTrac writes it; try again.`);
      }
    });
  }

  /** Writes the journalled changes if no editor holds the workbook. Every command calls this when it starts. */
  async applyPending(): Promise<'written' | 'deferred' | 'none'> {
    if (this.journal.pending().length === 0) return 'none';
    if (this.editorOpen()) return 'deferred';
    return withLock(this.lockPath, async () => {
      for (let attempt = 0; ; attempt++) {
        const pending = this.journal.pending();
        if (pending.length === 0) return 'none';
        if (this.editorOpen()) return 'deferred';
        const before = this.identity();
        const workbook = await this.load();
        for (const change of pending) applyChange(workbook, change, false);
        const outcome = await this.writeFinished(workbook, pending, before);
        if (outcome !== 'retry') return outcome;
        if (attempt >= 5) throw new UserError(`${this.path} keeps changing while ValTrac writes it; try again.`);
      }
    });
  }

  /** Creates the workbook file; an existing one is replaced only with `force`, and then kept in .backup/. */
  async create(workbook: ExcelJS.Workbook, force: boolean): Promise<void> {
    fs.mkdirSync(this.dir, { recursive: true });
    await withLock(this.lockPath, async () => {
      if (fs.existsSync(this.path) && !force) {
        throw new UserError(`${this.path} already exists. Use --force to replace it (the current one is kept in ${this.backupDir}).`);
      }
      if (this.editorOpen()) {
        throw new UserError(`${this.path} is open in an editor (its lock file exists). Close it first.`);
      }
      this.journal.clear();
      applyLayout(workbook);
      await this.replaceFile(workbook);
    });
  }

  /**
   * Validates the people's sheets and writes the marks, in one fresh read under the lock. Writes nothing when the
   * people's sheets hash to `unlessHash` and the Problems sheet already lists exactly the current problems.
   */
  async refreshFeedback(unlessHash: string | null): Promise<{ outcome: 'written' | 'deferred' | 'unchanged'; parsed: ReadForFeedback }> {
    return withLock(this.lockPath, async () => {
      for (let attempt = 0; ; attempt++) {
        const before = this.identity();
        const workbook = await this.load();
        const pending = this.journal.pending();
        for (const change of pending) applyChange(workbook, change, false);
        const parsed = { ...withProblems(parseWorkbook(workbook)), shownProblems: readProblemRows(sheet(workbook, 'Problems')) };
        if (pending.length === 0 && parsed.peopleHash === unlessHash && sameProblems(parsed.shownProblems, parsed.problems)) {
          return { outcome: 'unchanged', parsed };
        }
        if (this.editorOpen()) return { outcome: 'deferred', parsed };
        const outcome = await this.writeFinished(workbook, pending, before, parsed);
        if (outcome !== 'retry') return { outcome, parsed };
        if (attempt >= 5) throw new UserError(`${this.path} keeps changing while ValTrac writes it; try again.`);
      }
    });
  }

  /**
   * Reads, checks and serialises the workbook in memory a few times without writing anything: a long-running process
   * (the watcher) does this at start so that its first real check runs on warmed-up code and answers quickly.
   */
  async warmUp(rounds = 3): Promise<void> {
    for (let i = 0; i < rounds; i++) {
      const workbook = await this.load();
      const parsed = withProblems(parseWorkbook(workbook));
      writeFeedback(workbook, parsed.problems, parsed.data.referrals, new Date());
      applyLayout(workbook);
      await workbook.xlsx.writeBuffer();
    }
  }

  /**
   * The workbook to change: the one a read of this file left unchanged in memory (this process, any store of the same
   * path) when the file is still the one it read, else a fresh read. The copy in memory is handed over, not shared.
   */
  async load(): Promise<ExcelJS.Workbook> {
    const key = nodePath.resolve(this.path);
    const kept = unchanged.get(key);
    unchanged.delete(key);
    return kept && kept.identity === this.identity() ? kept.workbook : this.loadFile();
  }

  /** For a read that changes nothing: the workbook is kept in memory afterwards, keyed by the file's identity. */
  private async loadShared(): Promise<ExcelJS.Workbook> {
    const key = nodePath.resolve(this.path);
    const kept = unchanged.get(key);
    const identity = this.identity();
    if (kept && kept.identity === identity) return kept.workbook;
    const workbook = await this.loadFile();
    unchanged.set(key, { identity, workbook });
    return workbook;
  }

  private async loadFile(): Promise<ExcelJS.Workbook> {
    if (!fs.existsSync(this.path)) {
      throw new UserError(`There is no workbook at ${this.path}: create it with "valtrac init" (or pass --workbook PATH).`);
    }
    const workbook = new ExcelJS.Workbook();
    try {
      await workbook.xlsx.readFile(this.path);
    } catch (error) {
      throw new UserError(`${this.path} cannot be read as an .xlsx workbook (${(error as Error).message}). Restore it from ${this.backupDir}.`);
    }
    const missing = missingSheets(workbook);
    if (missing.length > 0) {
      throw new UserError(`${this.path} has no sheet ${missing.map((m) => `"${m}"`).join(', ')}. Restore it from ${this.backupDir} or rename the sheet back.`);
    }
    return workbook;
  }

  private identity(): string {
    try {
      const stat = fs.statSync(this.path);
      return `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
    } catch {
      return 'missing';
    }
  }

  /**
   * Feedback, layout, then the atomic replace, and the journal cleared. Nothing is written if the file changed since it
   * was read ('retry') or an editor opened it meanwhile ('deferred': the caller journals its change).
   */
  private async writeFinished(
    workbook: ExcelJS.Workbook,
    changes: Change[],
    readIdentity: string,
    parsed: ParsedWithProblems = withProblems(parseWorkbook(workbook)),
  ): Promise<'written' | 'deferred' | 'retry'> {
    const lastFeedback = [...changes].reverse().find((c) => c.kind === 'feedback');
    // Problems of people's sheets are always recomputed from the data being written, never taken from a stale change.
    const extra = lastFeedback?.kind === 'feedback' ? lastFeedback.problems.filter((p) => !isPeopleSheet(p.sheet)) : [];
    writeFeedback(workbook, [...parsed.problems, ...extra], parsed.data.referrals, new Date());
    applyLayout(workbook);
    return this.replaceFile(workbook, readIdentity);
  }

  private async replaceFile(workbook: ExcelJS.Workbook, readIdentity?: string): Promise<'written' | 'deferred' | 'retry'> {
    const buffer = Buffer.from(await workbook.xlsx.writeBuffer());
    const temp = nodePath.join(this.dir, `.${this.stem}-write-${process.pid}-${Date.now()}.tmp`);
    const fd = fs.openSync(temp, 'wx');
    try {
      fs.writeSync(fd, buffer);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    const editor = this.editorOpen();
    if (editor || (readIdentity !== undefined && this.identity() !== readIdentity)) {
      fs.rmSync(temp, { force: true });
      return editor ? 'deferred' : 'retry';
    }
    this.backup();
    fs.renameSync(temp, this.path);
    syncDir(this.dir);
    const stat = fs.statSync(this.path);
    this.lastWritten = { ino: stat.ino, size: stat.size, mtimeMs: stat.mtimeMs };
    this.journal.clear();
    return 'written';
  }

  private backup(): void {
    if (!fs.existsSync(this.path)) return;
    fs.mkdirSync(this.backupDir, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    fs.copyFileSync(this.path, nodePath.join(this.backupDir, `${this.stem}-${stamp}-${process.pid}.xlsx`));
    const backups = fs
      .readdirSync(this.backupDir)
      .filter((name) => name.startsWith(`${this.stem}-`) && name.endsWith('.xlsx'))
      .sort();
    for (const old of backups.slice(0, Math.max(0, backups.length - BACKUPS_KEPT))) fs.rmSync(nodePath.join(this.backupDir, old), { force: true });
  }
}


/**
 * Workbooks read but not changed, by path: reading the same file twice in one command (or a resident process reading
 * it again) costs nothing, and a write right after a read starts from it. The identity (inode, size, mtime) is that
 * of the file before it was read, so a save in between is never missed.
 */
const unchanged = new Map<string, { identity: string; workbook: ExcelJS.Workbook }>();

function withProblems(parsed: ParsedWorkbook): ParsedWithProblems {
  const { users, referrals, settings } = parsed.data;
  return { ...parsed, problems: [...parsed.parseProblems, ...validateWorkbook(users, referrals, settings, parsed.settingsCells)] };
}

export function sameProblems(a: Problem[], b: Problem[]): boolean {
  const key = (p: Problem) => `${p.sheet}|${p.cell}|${p.message}|${p.fix}`;
  return a.length === b.length && a.every((p, i) => key(p) === key(b[i]!));
}

function refuseNew(before: Problem[], after: Problem[]): void {
  const known = new Set(before.map(problemKey));
  const added = after.filter((p) => !known.has(problemKey(p)));
  if (added.length === 0) return;
  throw new UserError(
    `nothing was written:\n${added.map((p) => `  ${p.sheet}!${p.cell}: ${p.message} Fix: ${p.fix}`).join('\n')}`,
  );
}
