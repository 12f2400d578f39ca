import { createHash } from 'node:crypto';
import fs from 'node:fs';
import nodePath from 'node:path';
import { backupsToKeep } from '../domain/retention.js';
import { fitCell, safeText } from '../domain/text.js';
import type { Problem } from '../domain/types.js';
import { validateWorkbook } from '../domain/validate.js';
import { syncDir } from '../util/appendLog.js';
import { UserError } from '../util/errors.js';
import { fsFailure } from '../util/fsError.js';
import { injectFsFault } from '../util/fsFault.js';
import { fileIdentity } from '../util/fileIdentity.js';
import { catchUpNotices, catchUpOf, type CatchUp, type NotApplied } from './catchUp.js';
import { applyChange, type Change } from './changes.js';
import { describeEditorLocks, editorLockPaths, editorLocks } from './editorLock.js';
import { readProblemRows, writeFeedback } from './feedback.js';
import { Journal } from './journal.js';
import { applyLayout } from './layout.js';
import { isLeftoverAside, withLock, withLockIfFree } from './lock.js';
import { Notices } from './notices.js';
import { checkRegularFile, readWorkbookBytes, unreadableWorkbook } from './openFile.js';
import { missingSheets, parseWorkbook, sheet, type ParsedWorkbook, type WorkbookData } from './read.js';
import { isPeopleSheet } from './schema.js';
import { appendPayoutsInPlace, appendSnapshotsInPlace } from './sheetAppend.js';
import { readFileMark, readMark, setMark, WriteHistory, type Lag, type VersionMark } from './versions.js';
import * as Xlsx from './xlsx.js';

export type { WorkbookData } from './read.js';
export type { Change } from './changes.js';
export type { CatchUp } from './catchUp.js';

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

/** The workbook as read, with what ValTrac had written that it lacked and the waiting journal applied in memory. */
interface Prepared {
  workbook: Xlsx.Workbook;
  mark: VersionMark | null;
  lag: Lag;
  /** Journalled changes that applied (what the next write records as its own). */
  applied: Change[];
  /** Changes of ValTrac's older writes that the file lacked and that applied again. */
  reapplied: Change[];
  notApplied: NotApplied[];
  upToDate: boolean;
}

const NO_CATCH_UP: CatchUp = { outcome: 'none', journal: [], olderCopy: null, unplaced: null, notApplied: [] };

/**
 * The only way ValTrac writes the workbook: under an inter-process lock, from a fresh read, to a temporary file renamed
 * over the workbook, with the previous version kept in .backup/. While an editor has the workbook open, changes go to a
 * durable journal instead and are written once the editor closes it. Every write stamps the file with a version and
 * records what it changed, so a file that lacks ValTrac's later writes (an older copy saved over it) gets them back.
 */
export class WorkbookStore {
  readonly dir: string;
  readonly journal: Journal;
  readonly writes: WriteHistory;
  readonly notices: Notices;
  readonly lockPath: string;
  readonly backupDir: string;
  /** Identity of the file this process last wrote, so a watcher can ignore the events of its own rename. */
  lastWritten: string | null = null;
  /** How this process last wrote the file: the whole workbook, or one sheet in place (and why not, when it could not). */
  lastWrite: { how: 'workbook' | 'sheet'; why: string | null } | null = null;
  /** Why the change being written could not be appended in place (the full write that follows reports it). */
  private inPlaceRefused: string | null = null;
  private readonly stem: string;

  constructor(readonly path: string) {
    if (path.trim() === '') throw new UserError('--workbook is empty: give the path of the workbook (the default is workbook/valtrac.xlsx).');
    this.dir = nodePath.dirname(this.path);
    this.stem = nodePath.basename(this.path, nodePath.extname(this.path));
    this.journal = new Journal(nodePath.join(this.dir, `.${this.stem}-journal.jsonl`));
    this.writes = new WriteHistory(nodePath.join(this.dir, `.${this.stem}-writes.jsonl`));
    this.notices = new Notices(nodePath.join(this.dir, `.${this.stem}-notices.jsonl`));
    this.lockPath = nodePath.join(this.dir, `.${this.stem}-write.lock`);
    this.backupDir = nodePath.join(this.dir, '.backup');
  }

  editorOpen(): boolean {
    return editorLockPaths(this.path).some((lock) => fs.existsSync(lock));
  }

  /** Which editor locks make ValTrac wait, how old they are, and how to clear them; '' when there are none. */
  editorLockReport(): string {
    return describeEditorLocks(editorLocks(this.path));
  }

  async read(): Promise<WorkbookData> {
    return (await this.readParsed()).data;
  }

  async readWithProblems(): Promise<{ data: WorkbookData; problems: Problem[] }> {
    const parsed = await this.readParsed();
    return { data: parsed.data, problems: parsed.problems };
  }

  /** The workbook as ValTrac will have written it: the file with its missing and pending changes applied in memory. */
  async readParsed(): Promise<ReadForFeedback> {
    const { workbook } = await this.prepare(true);
    return { ...withProblems(parseWorkbook(workbook)), shownProblems: readProblemRows(sheet(workbook, 'Problems')) };
  }

  /** The notices (re-applied older copies, changes not applied) that the Problems sheet lists this week. */
  activeNotices(): Problem[] {
    return this.notices.active();
  }

  /**
   * Writes `change`, or journals it while an editor holds the workbook. With `refuseNewProblems`, a change that would
   * add a problem to the people's sheets is refused (UserError listing the problems) and nothing is written.
   */
  async apply(change: Change, options: { refuseNewProblems?: boolean } = {}): Promise<'written' | 'deferred'> {
    return this.locked(async () => {
      for (let attempt = 0; ; attempt++) {
        const before = this.identity();
        // A change a person asked for is checked against the whole workbook first: only the full path does that.
        let outcome = options.refuseNewProblems ? null : await this.writeInPlace(change, before);
        if (outcome === null) {
          const prepared = await this.prepare();
          const previous = options.refuseNewProblems ? withProblems(parseWorkbook(prepared.workbook)).problems : [];
          applyChange(prepared.workbook, change, true);
          if (options.refuseNewProblems) refuseNew(previous, withProblems(parseWorkbook(prepared.workbook)).problems);
          if (this.editorOpen()) {
            this.journal.append(change);
            return 'deferred';
          }
          outcome = await this.writeFinished(prepared, [...prepared.applied, change], before);
        }
        if (outcome === 'deferred') this.journal.append(change);
        if (outcome !== 'retry') return outcome;
        if (attempt >= 5) throw new UserError(`${this.path} keeps changing while ValTrac writes it; try again.`);
      }
    });
  }

  /**
   * Brings the file up to what ValTrac has written: the changes an older copy saved over it lacks, then the journal.
   * Every command calls this when it starts; the watcher on every save. Nothing is written while an editor holds the
   * file ('deferred': the report says what waits).
   */
  async applyPending(): Promise<CatchUp> {
    await this.sweepIfLeftovers();
    if (this.journal.pending().length === 0) {
      const mark = checkRegularFile(this.path) ? readFileMark(this.path) : null;
      if (mark !== undefined && this.writes.lag(mark).kind === 'current') return NO_CATCH_UP;
      // Not a plain zip: read it first, so a file that is no workbook is named as such before any lock is taken.
      if (mark === undefined) await this.loadShared();
    }
    return this.locked(async () => {
      for (let attempt = 0; ; attempt++) {
        const before = this.identity();
        const prepared = await this.prepare();
        const report = catchUpOf(prepared.lag, prepared.applied, prepared.reapplied, prepared.notApplied);
        if (prepared.upToDate) return { ...report, outcome: 'none' };
        if (this.editorOpen()) return { ...report, outcome: 'deferred' };
        const outcome = await this.writeFinished(prepared, prepared.applied, before);
        if (outcome !== 'retry') return { ...report, outcome };
        if (attempt >= 5) throw new UserError(`${this.path} keeps changing while ValTrac writes it; try again.`);
      }
    });
  }

  /** Creates the workbook file; an existing one is replaced only with `force`, and then kept in .backup/. */
  async create(workbook: Xlsx.Workbook, force: boolean): Promise<void> {
    fs.mkdirSync(this.dir, { recursive: true });
    await this.locked(async () => {
      if (fs.existsSync(this.path) && !force) {
        throw new UserError(`${this.path} already exists. Use --force to replace it (the current one is kept in ${this.backupDir}).`);
      }
      if (this.editorOpen()) {
        throw new UserError(`${this.path} is open in an editor. ${this.editorLockReport()}`);
      }
      // A new workbook starts its own line of versions: nothing the old one lacked is owed to it.
      this.journal.clear();
      this.writes.reset();
      this.notices.clear();
      applyLayout(workbook);
      const mark = this.writes.next(null);
      setMark(workbook, mark);
      const written = await this.replaceFile(workbook);
      if (written.outcome === 'written') await this.writes.record(mark, new Date(), [], { sha256: written.sha256, notices: 0 });
    });
  }

  /**
   * Validates the people's sheets and writes the marks, in one fresh read under the lock. Writes nothing when the
   * file is up to date, the people's sheets hash to `unlessHash` and the Problems sheet already lists exactly the
   * current problems and notices.
   */
  async refreshFeedback(unlessHash: string | null): Promise<{ outcome: 'written' | 'deferred' | 'unchanged'; parsed: ReadForFeedback; catchUp: CatchUp }> {
    return this.locked(async () => {
      for (let attempt = 0; ; attempt++) {
        const before = this.identity();
        const prepared = await this.prepare();
        const parsed = { ...withProblems(parseWorkbook(prepared.workbook)), shownProblems: readProblemRows(sheet(prepared.workbook, 'Problems')) };
        const report = catchUpOf(prepared.lag, prepared.applied, prepared.reapplied, prepared.notApplied);
        if (prepared.upToDate && parsed.peopleHash === unlessHash && sameProblems(parsed.shownProblems, [...parsed.problems, ...this.notices.active()])) {
          return { outcome: 'unchanged', parsed, catchUp: NO_CATCH_UP };
        }
        if (this.editorOpen()) return { outcome: 'deferred', parsed, catchUp: { ...report, outcome: prepared.upToDate ? 'none' : 'deferred' } };
        const outcome = await this.writeFinished(prepared, prepared.applied, before, parsed);
        // An older copy saved over the file while this check ran is caught up here, and the caller says so.
        if (outcome !== 'retry') return { outcome, parsed, catchUp: { ...report, outcome: prepared.upToDate ? 'none' : outcome } };
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
      await Xlsx.xlsxBytes(workbook);
    }
  }

  /**
   * The workbook to change: the one a read of this file left unchanged in memory (this process, any store of the same
   * path) when the file is still the one it read, else a fresh read. The copy in memory is handed over, not shared.
   */
  async load(): Promise<Xlsx.Workbook> {
    const key = nodePath.resolve(this.path);
    const kept = unchanged.get(key);
    unchanged.delete(key);
    return kept && kept.identity === this.identity() ? kept.workbook : this.loadFile();
  }

  /** For a read that changes nothing: the workbook is kept in memory afterwards, keyed by the file's identity. */
  private async loadShared(): Promise<Xlsx.Workbook> {
    const key = nodePath.resolve(this.path);
    const kept = unchanged.get(key);
    const identity = this.identity();
    if (kept && kept.identity === identity) return kept.workbook;
    const workbook = await this.loadFile();
    unchanged.set(key, { identity, workbook });
    return workbook;
  }

  private async loadFile(): Promise<Xlsx.Workbook> {
    const data = readWorkbookBytes(this.path);
    let workbook: Xlsx.Workbook;
    try {
      workbook = await Xlsx.readXlsxBytes(data);
    } catch (error) {
      throw unreadableWorkbook(this.path, data, error);
    }
    const missing = missingSheets(workbook);
    if (missing.length > 0) {
      throw new UserError(`${this.path} has no sheet ${missing.map((m) => `"${m}"`).join(', ')}. Restore it from ${this.backupDir} or rename the sheet back.`);
    }
    return workbook;
  }

  /**
   * Loads the file and replays, without the person's strictness, what it lacks of ValTrac's writes and the journal.
   * `forRead`: nothing will be written, so a workbook with nothing to replay is the one kept in memory for the next
   * read or write of the same file (see `unchanged`); one that needs replaying is a fresh copy.
   */
  private async prepare(forRead = false): Promise<Prepared> {
    if (forRead) {
      const shared = await this.loadShared();
      const mark = readMark(shared);
      const lag = this.writes.lag(mark);
      if (lag.kind === 'current' && this.journal.pending().length === 0) {
        return { workbook: shared, mark, lag, applied: [], reapplied: [], notApplied: [], upToDate: true };
      }
    }
    const workbook = forRead ? await this.loadFile() : await this.load();
    const mark = readMark(workbook);
    const lag = this.writes.lag(mark);
    const pending = this.journal.pending();
    const applied: Change[] = [];
    const reapplied: Change[] = [];
    const notApplied: NotApplied[] = [];
    const replay = (change: Change, source: NotApplied['source'], into: Change[]) => {
      const why = applyChange(workbook, change, false);
      if (why === null) into.push(change);
      else notApplied.push({ change, why, source });
    };
    if (lag.kind === 'older') for (const written of lag.missing) for (const change of written.changes) replay(change, 'older copy', reapplied);
    for (const change of pending) replay(change, 'journal', applied);
    return { workbook, mark, lag, applied, reapplied, notApplied, upToDate: lag.kind === 'current' && pending.length === 0 };
  }

  private locked<T>(fn: () => Promise<T>): Promise<T> {
    if (!fs.existsSync(this.dir)) throw new UserError(`There is no workbook at ${this.path} (no folder ${this.dir}): create it with "valtrac init" (or pass --workbook PATH).`);
    return withLock(this.lockPath, async () => {
      this.sweepLeftovers();
      return fn();
    });
  }

  private identity(): string {
    return fileIdentity(this.path);
  }

  /**
   * Feedback (with this week's notices and the new ones), layout, version mark, then the atomic replace; after it the
   * write is recorded, its notices kept and the journal cleared. Nothing is written if the file changed since it was
   * read ('retry') or an editor opened it meanwhile ('deferred': the caller journals its change).
   */
  private async writeFinished(
    prepared: Prepared,
    changes: Change[],
    readIdentity: string,
    parsed: ParsedWithProblems = withProblems(parseWorkbook(prepared.workbook)),
  ): Promise<'written' | 'deferred' | 'retry'> {
    const { workbook } = prepared;
    const now = new Date();
    const fresh = catchUpNotices(catchUpOf(prepared.lag, prepared.applied, prepared.reapplied, prepared.notApplied));
    const lastFeedback = [...changes].reverse().find((c) => c.kind === 'feedback');
    // Problems of people's sheets are always recomputed from the data being written, never taken from a stale change.
    const extra = lastFeedback?.kind === 'feedback' ? lastFeedback.problems.filter((p) => !isPeopleSheet(p.sheet)) : [];
    const notices = [...this.notices.active(now), ...fresh];
    writeFeedback(workbook, [...parsed.problems, ...extra, ...notices], parsed.data.referrals, now);
    applyLayout(workbook);
    const mark = this.writes.next(prepared.mark);
    setMark(workbook, mark);
    const { outcome, sha256 } = await this.replaceFile(workbook, readIdentity);
    if (outcome !== 'written') return outcome;
    await this.writes.record(mark, now, changes, { sha256, notices: notices.length });
    await this.notices.add(fresh, now);
    this.journal.clear();
    return outcome;
  }

  /**
   * Appends Snapshots rows, or a plan's Payouts rows, by rewriting only that sheet's part of the package (see
   * sheetAppend.ts), or returns null for the full write. Only when nothing but the rows can differ from what the full
   * write would give: the file is byte for byte the one ValTrac's last recorded write left (so its layout, marks and
   * Problems sheet are what a write computes from its people's sheets, which those rows do not enter; a person's
   * save, an older copy or a restored backup differs), nothing waits in the journal, no notice is listed or due (the
   * full write recomputes their list, and one may expire), and no editor has it open (the full path journals the
   * change). The Problems sheet keeps the time of the check that wrote it: the people's sheets it checked are unchanged.
   */
  private async writeInPlace(change: Change, readIdentity: string): Promise<'written' | 'deferred' | 'retry' | null> {
    const refused = (why: string) => {
      this.inPlaceRefused = why;
      return null;
    };
    this.inPlaceRefused = null;
    if (change.kind !== 'appendSnapshots' && change.kind !== 'replacePlan') return null;
    if (this.journal.pending().length > 0) return refused('changes wait in the journal');
    if (this.editorOpen()) return refused('an editor has the workbook open');
    const last = this.writes.lastFile();
    const now = new Date();
    if (last === null) return refused('the record of writes does not say what the last write left');
    if (last.notices > 0 || this.notices.active(now).length > 0) return refused('the Problems sheet lists notices');
    let data: Buffer;
    try {
      data = readWorkbookBytes(this.path);
    } catch {
      // The full path reads the file again and says what is wrong with it.
      return refused('the file cannot be read');
    }
    if (sha256(data) !== last.sha256) return refused("the file is not the one ValTrac's last write left");
    const mark = this.writes.next(last.mark);
    const result = change.kind === 'appendSnapshots' ? appendSnapshotsInPlace(data, change.rows, mark) : appendPayoutsInPlace(data, change.rows, mark);
    if ('fallback' in result) return refused(result.fallback);
    refuseReadOnly(this.path);
    const { outcome, sha256: written } = await this.replaceBytes(result.data, readIdentity);
    if (outcome !== 'written') return outcome;
    await this.writes.record(mark, now, [change], { sha256: written, notices: 0 });
    this.lastWrite = { how: 'sheet', why: null };
    return outcome;
  }

  private async replaceFile(workbook: Xlsx.Workbook, readIdentity?: string): Promise<{ outcome: 'written' | 'deferred' | 'retry'; sha256: string }> {
    refuseReadOnly(this.path);
    const result = await this.replaceBytes(await Xlsx.xlsxBytes(workbook), readIdentity);
    if (result.outcome === 'written') this.lastWrite = { how: 'workbook', why: this.inPlaceRefused };
    this.inPlaceRefused = null;
    return result;
  }

  private async replaceBytes(buffer: Buffer, readIdentity?: string): Promise<{ outcome: 'written' | 'deferred' | 'retry'; sha256: string }> {
    const digest = sha256(buffer);
    const temp = nodePath.join(this.dir, `.${this.stem}-write-${process.pid}-${Date.now()}.tmp`);
    // Whatever fails from here (a full disk, a permission), the workbook is the one before and no temp file is left.
    let doing = 'Writing the workbook';
    let where = this.path;
    try {
      const fd = fs.openSync(temp, 'wx');
      try {
        injectFsFault(temp);
        fs.writeSync(fd, buffer);
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      const editor = this.editorOpen();
      if (editor || (readIdentity !== undefined && this.identity() !== readIdentity)) {
        fs.rmSync(temp, { force: true });
        return { outcome: editor ? 'deferred' : 'retry', sha256: digest };
      }
      doing = 'Keeping a backup of the workbook in';
      where = this.backupDir;
      this.backup();
      doing = 'Writing the workbook';
      where = this.path;
      fs.renameSync(temp, this.path);
    } catch (error) {
      fs.rmSync(temp, { force: true });
      throw fsFailure(error, doing, where);
    }
    syncDir(this.dir);
    this.lastWritten = this.identity();
    return { outcome: 'written', sha256: digest };
  }

  /** Temp files of a write and moved-aside stale locks that a killed ValTrac process left in the folder. */
  private leftovers(): string[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir);
    } catch {
      return [];
    }
    const temp = new RegExp(`^\\.${this.stem.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-write-.*\\.tmp$`);
    return names.map((name) => nodePath.join(this.dir, name)).filter((full) => temp.test(nodePath.basename(full)) || isLeftoverAside(this.lockPath, full));
  }

  /** Only a lock holder writes temp files, so under the lock every one there is a leftover. */
  private sweepLeftovers(): void {
    for (const file of this.leftovers()) fs.rmSync(file, { force: true });
  }

  private async sweepIfLeftovers(): Promise<void> {
    if (this.leftovers().length > 0) await withLockIfFree(this.lockPath, async () => this.sweepLeftovers());
  }

  /** Keeps the file about to be replaced, then thins the backups by age (every write for an hour, hourly, daily). */
  private backup(): void {
    if (!fs.existsSync(this.path)) return;
    fs.mkdirSync(this.backupDir, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const copy = nodePath.join(this.backupDir, `${this.stem}-${stamp}-${process.pid}.xlsx`);
    try {
      injectFsFault(copy, 'copyfile');
      fs.copyFileSync(this.path, copy);
    } catch (error) {
      fs.rmSync(copy, { force: true });
      throw error;
    }
    const backups = fs.readdirSync(this.backupDir).flatMap((name) => {
      const time = backupTime(this.stem, name);
      return time === null ? [] : [{ name, time }];
    });
    const keep = backupsToKeep(backups.map((b) => b.time), Date.now());
    backups.forEach((b, i) => {
      if (!keep.has(i)) fs.rmSync(nodePath.join(this.backupDir, b.name), { force: true });
    });
  }
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A workbook whose permissions allow nobody to write it was made read-only on purpose: ValTrac does not replace it. */
function refuseReadOnly(file: string): void {
  let mode: number;
  try {
    mode = fs.statSync(file).mode;
  } catch {
    return;
  }
  if ((mode & 0o222) === 0) {
    throw new UserError(`${file} is read-only (permissions ${(mode & 0o777).toString(8)}), so ValTrac left it as it is and wrote nothing. To let ValTrac write it, make it writable: chmod u+w ${file}`);
  }
}

/** When the backup `name` was made, from its name (`valtrac-2026-05-01T10-00-00-000Z-123.xlsx`); null for other files. */
function backupTime(stem: string, name: string): number | null {
  if (!name.startsWith(`${stem}-`)) return null;
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z-\d+\.xlsx$/.exec(name.slice(stem.length + 1));
  if (!match) return null;
  const time = Date.parse(`${match[1]}T${match[2]}:${match[3]}:${match[4]}.${match[5]}Z`);
  return Number.isNaN(time) ? null : time;
}

/**
 * Workbooks read but not changed, by path: reading the same file twice in one command (or a resident process reading
 * it again) costs nothing, and a write right after a read starts from it. The identity (inode, size, mtime) is that
 * of the file before it was read, so a save in between is never missed.
 */
const unchanged = new Map<string, { identity: string; workbook: Xlsx.Workbook }>();

function withProblems(parsed: ParsedWorkbook): ParsedWithProblems {
  const { users, referrals, settings } = parsed.data;
  return { ...parsed, problems: [...parsed.parseProblems, ...validateWorkbook(users, referrals, settings, parsed.settingsCells)] };
}

/** Whether the Problems sheet shows exactly `b` (as ValTrac writes it there: escaped, at most a cell long). */
export function sameProblems(shown: Problem[], b: Problem[]): boolean {
  const key = (p: Problem) => `${p.sheet}|${p.cell}|${fitCell(safeText(p.message))}|${fitCell(safeText(p.fix))}`;
  return shown.length === b.length && shown.every((p, i) => key(p) === key(b[i]!));
}

function refuseNew(before: Problem[], after: Problem[]): void {
  const known = new Set(before.map(problemKey));
  const added = after.filter((p) => !known.has(problemKey(p)));
  if (added.length === 0) return;
  throw new UserError(
    `nothing was written:\n${added.map((p) => `  ${p.sheet}!${p.cell}: ${p.message} Fix: ${p.fix}`).join('\n')}`,
  );
}
