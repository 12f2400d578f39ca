import fs from 'node:fs';
import nodePath from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { watch, type FSWatcher } from 'chokidar';
import type { Problem } from '../domain/types.js';
import { UserError } from '../util/errors.js';
import { FileSystemError } from '../util/fsError.js';
import { fileIdentity } from '../util/fileIdentity.js';
import { describeCatchUp } from './catchUp.js';
import { editorLockPaths } from './editorLock.js';
import { UnreadableWorkbook } from './openFile.js';
import type { WorkbookStore } from './store.js';

export interface WatchLog {
  checked(problems: Problem[], outcome: 'written' | 'deferred'): void;
  note(message: string): void;
}

/** How often the watcher looks whether its folder still exists (chokidar stops for good when it goes). */
const FOLDER_POLL_MS = 1_000;
/** How long an unreadable workbook must stay unchanged before it is called unreadable (a save may be landing). */
const UNFINISHED_SAVE_MS = 1_500;
/** Retries of a check that failed on the file system: after 1 s, doubling up to once a minute. */
const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 60_000;

/**
 * Validates the workbook on every save and writes the feedback. Watches the folder (editors save by writing a new file
 * and renaming it over the old one), ignores lock and temporary files, and skips events its own writes cause: a run
 * that finds the people's sheets unchanged and the feedback already in place writes nothing. When the folder goes away
 * (a sync tool, a move) it says so once, waits for it to come back and carries on.
 */
export class WorkbookWatcher {
  private watcher: FSWatcher | null = null;
  private running: Promise<void> = Promise.resolve();
  private queued = false;
  private lastHash: string | null = null;
  /** A save was checked while an editor held the file, so its marks still have to be written. */
  private pendingMarks = false;
  private folderPoll: NodeJS.Timeout | null = null;
  private folderGone = false;
  /** "There is no workbook" was logged; said again only after the workbook was back in between. */
  private toldMissing = false;
  /** The notices (Problems rows of what ValTrac did on its own) already in the log. */
  private readonly toldNotices = new Set<string>();
  private closed = false;
  /** The file-system failure last logged, while checks keep failing with it; null when the last check went through. */
  private failing: string | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryDelay = FIRST_RETRY_MS / 2;
  private readonly workbook: string;
  private readonly folder: string;

  constructor(
    private readonly store: WorkbookStore,
    private readonly log: WatchLog,
  ) {
    this.workbook = nodePath.resolve(this.store.path);
    this.folder = nodePath.dirname(this.workbook);
  }

  async start(): Promise<void> {
    this.tellNotices(false);
    this.folderPoll = setInterval(() => this.lookAtFolder(), FOLDER_POLL_MS);
    if (!fs.existsSync(this.folder)) {
      this.lookAtFolder();
      return;
    }
    await this.follow();
    this.schedule();
    this.running = this.running.then(() => this.store.warmUp().catch(() => undefined));
    await this.running;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.folderPoll) clearInterval(this.folderPoll);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.watcher?.close();
    await this.running;
  }

  /** Resolves when every scheduled check has run. */
  idle(): Promise<void> {
    return this.running;
  }

  private async follow(): Promise<void> {
    const editorLocks = new Set(editorLockPaths(this.workbook));
    const watcher = watch(this.folder, {
      depth: 0,
      ignoreInitial: true,
      ignored: (file) => {
        const full = nodePath.resolve(file);
        if (full === this.folder || full === this.workbook || editorLocks.has(full)) return false;
        return true;
      },
      awaitWriteFinish: { stabilityThreshold: 120, pollInterval: 30 },
    });
    this.watcher = watcher;
    watcher.on('all', (event, file) => {
      const full = nodePath.resolve(file);
      if (full === this.folder && event === 'unlinkDir') {
        this.lookAtFolder();
      } else if (full === this.workbook && (event === 'add' || event === 'change')) {
        if (this.isOwnWrite()) return;
        this.schedule();
      } else if (editorLocks.has(full) && event === 'unlink') {
        this.schedule();
      }
    });
    watcher.on('error', (error) => this.log.note(`Watching ${this.folder} failed: ${(error as Error).message}`));
    await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  }

  /** One line when the folder goes, one when it is back; chokidar is restarted on the folder that came back. */
  private lookAtFolder(): void {
    if (this.closed) return;
    const exists = fs.existsSync(this.folder);
    if (!exists && !this.folderGone) {
      this.folderGone = true;
      const old = this.watcher;
      this.watcher = null;
      void old?.close();
      this.log.note(`The folder ${this.folder} is gone (moved or deleted); waiting for it to come back.`);
    } else if (exists && this.folderGone) {
      this.folderGone = false;
      this.running = this.running.then(async () => {
        try {
          await this.follow();
          this.log.note(`The folder ${this.folder} is back; watching it again.`);
          // A folder restored file by file may get its workbook later: chokidar's "add" for it starts the check then.
          if (fs.existsSync(this.workbook)) this.schedule();
        } catch (error) {
          // Gone again before chokidar could watch it: the next look starts over.
          this.folderGone = !fs.existsSync(this.folder);
          if (!this.folderGone) this.log.note(`Watching ${this.folder} failed: ${(error as Error).message}`);
        }
      });
    }
  }

  /** Logs the notices not logged yet (`tell` false: only remembers them, as when this process reported them itself). */
  private tellNotices(tell: boolean): void {
    for (const notice of this.store.activeNotices()) {
      const key = `${notice.sheet}\u0000${notice.message}`;
      if (this.toldNotices.has(key)) continue;
      this.toldNotices.add(key);
      if (tell) this.log.note(`${notice.sheet}: ${notice.message}`);
    }
  }

  private isOwnWrite(): boolean {
    const now = fileIdentity(this.store.path);
    return now !== 'missing' && now === this.store.lastWritten;
  }

  private schedule(): void {
    if (this.queued) return;
    this.queued = true;
    this.running = this.running.then(async () => {
      this.queued = false;
      if (this.folderGone) return;
      try {
        await this.check();
      } catch (error) {
        // The folder going away mid-check is told once, by lookAtFolder, not as a failed check.
        if (!fs.existsSync(this.folder)) return;
        const missing = !fs.existsSync(this.workbook);
        if (missing && this.toldMissing) return;
        this.toldMissing = missing;
        const message = error instanceof UserError ? error.message : `Check failed: ${(error as Error).message}`;
        if (error instanceof FileSystemError) {
          // Told once, then retried quietly: the marks are written as soon as the disk has room (or the permission) again.
          if (this.failing !== message) this.log.note(`${message} The watcher tries again on its own.`);
          this.failing = message;
          this.retryLater();
          return;
        }
        this.log.note(message);
        return;
      }
      this.toldMissing = false;
      if (this.failing !== null) this.log.note('The earlier file-system failure has cleared; the workbook is checked and marked.');
      this.failing = null;
      this.retryDelay = FIRST_RETRY_MS / 2;
    });
  }

  private async check(): Promise<void> {
    // A save may still be landing (another program writing in place, or slowly): a workbook that does not read yet is
    // read again once it has stayed the same for a moment, and only one still unreadable then is logged.
    let settledSince = Date.now();
    let seen = fileIdentity(this.store.path);
    for (;;) {
      try {
        const catchUp = await this.store.applyPending();
        for (const line of describeCatchUp(catchUp)) this.log.note(line);
        // Another process's write may have done a catch-up (its notices are new here): the log tells those too.
        this.tellNotices(catchUp.outcome === 'none');
        const marksWait = await this.validateAndMark();
        // Whatever waits for an editor: say which lock file, how old, and how to clear it if it is left over.
        const locks = marksWait || catchUp.outcome === 'deferred' ? this.store.editorLockReport() : '';
        if (locks !== '') this.log.note(locks);
        return;
      } catch (error) {
        if (!(error instanceof UnreadableWorkbook) || this.closed) throw error;
        const now = fileIdentity(this.store.path);
        if (now !== seen) {
          seen = now;
          settledSince = Date.now();
        } else if (Date.now() - settledSince >= UNFINISHED_SAVE_MS) throw error;
        await sleep(100);
      }
    }
  }

  /** A check that failed on the file system (a full disk): tried again on a growing delay until it goes through. */
  private retryLater(): void {
    if (this.retryTimer || this.closed) return;
    this.retryDelay = Math.min(this.retryDelay * 2, MAX_RETRY_MS);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.schedule();
    }, this.retryDelay);
  }

  /** Checks and marks the workbook; true when the marks wait for an editor to close it. */
  private async validateAndMark(): Promise<boolean> {
    if (this.store.editorOpen()) {
      // Marks could only be journalled, and they are recomputed when written anyway: mark once the editor closes.
      const parsed = await this.store.readParsed();
      if (parsed.peopleHash !== this.lastHash) this.log.checked(parsed.problems, 'deferred');
      this.lastHash = parsed.peopleHash;
      this.pendingMarks = true;
      return true;
    }
    const { outcome, parsed, catchUp } = await this.store.refreshFeedback(this.pendingMarks ? null : this.lastHash);
    for (const line of describeCatchUp(catchUp)) this.log.note(line);
    this.tellNotices(false);
    this.pendingMarks = outcome === 'deferred';
    if (outcome !== 'unchanged' || parsed.peopleHash !== this.lastHash) this.log.checked(parsed.problems, outcome === 'unchanged' ? 'written' : outcome);
    this.lastHash = parsed.peopleHash;
    return outcome === 'deferred';
  }
}
