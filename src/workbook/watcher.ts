import fs from 'node:fs';
import nodePath from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { watch, type FSWatcher } from 'chokidar';
import type { Problem } from '../domain/types.js';
import { UserError } from '../util/errors.js';
import { editorLockPaths, type WorkbookStore } from './store.js';

export interface WatchLog {
  checked(problems: Problem[], outcome: 'written' | 'deferred'): void;
  note(message: string): void;
}

/**
 * Validates the workbook on every save and writes the feedback. Watches the folder (editors save by writing a new file
 * and renaming it over the old one), ignores lock and temporary files, and skips events its own writes cause: a run
 * that finds the people's sheets unchanged and the feedback already in place writes nothing.
 */
export class WorkbookWatcher {
  private watcher: FSWatcher | null = null;
  private running: Promise<void> = Promise.resolve();
  private queued = false;
  private lastHash: string | null = null;
  /** A save was checked while an editor held the file, so its marks still have to be written. */
  private pendingMarks = false;

  constructor(
    private readonly store: WorkbookStore,
    private readonly log: WatchLog,
  ) {}

  async start(): Promise<void> {
    const workbook = nodePath.resolve(this.store.path);
    const editorLocks = new Set(editorLockPaths(workbook));
    this.watcher = watch(nodePath.dirname(workbook), {
      depth: 0,
      ignoreInitial: true,
      ignored: (file) => {
        const full = nodePath.resolve(file);
        if (full === nodePath.dirname(workbook) || full === workbook || editorLocks.has(full)) return false;
        return true;
      },
      awaitWriteFinish: { stabilityThreshold: 120, pollInterval: 30 },
    });
    this.watcher.on('all', (event, file) => {
      const full = nodePath.resolve(file);
      if (full === workbook && (event === 'add' || event === 'change')) {
        if (this.isOwnWrite()) return;
        this.schedule();
      } else if (editorLocks.has(full) && event === 'unlink') {
        this.schedule();
      }
    });
    await new Promise<void>((resolve) => this.watcher!.once('ready', () => resolve()));
    this.schedule();
    this.running = this.running.then(() => this.store.warmUp().catch(() => undefined));
    await this.running;
  }

  async close(): Promise<void> {
    await this.watcher?.close();
    await this.running;
  }

  /** Resolves when every scheduled check has run. */
  idle(): Promise<void> {
    return this.running;
  }

  private isOwnWrite(): boolean {
    const last = this.store.lastWritten;
    if (!last) return false;
    try {
      const stat = fs.statSync(this.store.path);
      return stat.ino === last.ino && stat.size === last.size && stat.mtimeMs === last.mtimeMs;
    } catch {
      return false;
    }
  }

  private schedule(): void {
    if (this.queued) return;
    this.queued = true;
    this.running = this.running.then(async () => {
      this.queued = false;
      try {
        await this.check();
      } catch (error) {
        this.log.note(error instanceof UserError ? error.message : `Check failed: ${(error as Error).message}`);
      }
    });
  }

  private async check(): Promise<void> {
    if ((await this.store.applyPending()) === 'written') this.log.note('Wrote the changes that waited while the workbook was open.');
    // A save may still be landing (some editors write in place); a workbook that does not parse yet is retried.
    for (let attempt = 0; ; attempt++) {
      try {
        await this.validateAndMark();
        return;
      } catch (error) {
        if (attempt >= 10 || !(error instanceof UserError) || !fs.existsSync(this.store.path)) throw error;
        await sleep(100);
      }
    }
  }

  private async validateAndMark(): Promise<void> {
    if (this.store.editorOpen()) {
      // Marks could only be journalled, and they are recomputed when written anyway: mark once the editor closes.
      const parsed = await this.store.readParsed();
      if (parsed.peopleHash !== this.lastHash) this.log.checked(parsed.problems, 'deferred');
      this.lastHash = parsed.peopleHash;
      this.pendingMarks = true;
      return;
    }
    const { outcome, parsed } = await this.store.refreshFeedback(this.pendingMarks ? null : this.lastHash);
    this.pendingMarks = outcome === 'deferred';
    if (outcome !== 'unchanged' || parsed.peopleHash !== this.lastHash) this.log.checked(parsed.problems, outcome === 'unchanged' ? 'written' : outcome);
    this.lastHash = parsed.peopleHash;
  }
}
