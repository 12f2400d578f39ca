import fs from 'node:fs';
import type { ApiPromise } from '@polkadot/api';
import type { ArgumentsCamelCase, Argv } from 'yargs';
import { blockHashAt, disconnected, finalizedHead, followFinalized } from '../chain/blocks.js';
import { connect } from '../chain/connect.js';
import { refreshChartsQuietly } from './charts.js';
import { EXIT_GRACE_MS, notifyAfterSnapshots, notifySnapshotGap, settleDeliveries, stopDeliveries, watchNodeReach } from '../notify/notify.js';
import { checkRuntime, differenceLine, runtimeAt, type RuntimeCheck } from '../chain/runtimeGuard.js';
import { readValidator } from '../chain/stake.js';
import { atBlock, StateUnavailableError } from '../chain/stateErrors.js';
import { settingPlace } from '../domain/settings.js';
import { countUnavailable, dueBlocks, lastGridBlock, nextGridBlock as nextDue } from '../domain/snapshotGrid.js';
import { summarize } from '../domain/snapshotSummary.js';
import { formatTao } from '../domain/tao.js';
import type { Settings, SnapshotSummary, ValidatorSnapshot } from '../domain/types.js';
import { UserError } from '../util/errors.js';
import { fileIdentity } from '../util/fileIdentity.js';
import { logLine } from '../util/logLine.js';
import { checkChain, listRecords, readRecordsAt, recordsDir, rememberChain, writeRecord } from '../workbook/records.js';
import { snapshotsArchivedThrough } from '../workbook/archive.js';
import { storeSnapshotStakes } from '../workbook/periodStakes.js';
import { userGroups } from '../domain/periodShares.js';
import { describeCatchUp } from '../workbook/catchUp.js';
import { WorkbookStore, type ReadForFeedback } from '../workbook/store.js';
import { networkOption, type NetworkArgs } from './common.js';
import { countedColdkeys, countFromFor, noteUsersAt, restateUsersStake } from './counting.js';
import { out } from '../util/output.js';

/** Storage key of Timestamp.Now (twox128("Timestamp") ++ twox128("Now")): a cheap probe for a block's state. */
const TIMESTAMP_NOW = '0xf0c365c3cf59d671eb72da0e7a4113c49f1f0515f462cdcf84e0f1d6045dfcbb';

interface SnapshotArgs extends NetworkArgs {
  workbook: string;
  once: boolean;
  backfill: boolean;
  hotkey?: string;
  interval?: number;
  connectTimeout: number;
}

export function builder(y: Argv): Argv<SnapshotArgs> {
  return networkOption(y)
    .option('once', { type: 'boolean', default: false, describe: 'Record the newest finalized block now and exit' })
    .option('backfill', {
      type: 'boolean',
      default: false,
      describe: 'Fill every missing grid block since the last snapshot (needs an archive node for old blocks)',
    })
    .option('hotkey', { type: 'string', describe: 'Validator hotkey (default: Settings hotkey)' })
    .option('interval', { type: 'number', describe: 'Blocks between snapshots (default: Settings snapshot interval)' })
    .option('connect-timeout', { type: 'number', default: 60, describe: 'Seconds to keep retrying an unreachable node' })
    .example('valtrac snapshot --once', 'record the newest finalized block now')
    .example('valtrac snapshot', 'follow finalized blocks and record every N (what pm2 runs)')
    .example('valtrac snapshot --backfill --network wss://archive.example:443', 'fill a gap from an archive node') as unknown as Argv<SnapshotArgs>;
}

export async function handler(argv: ArgumentsCamelCase<SnapshotArgs>): Promise<void> {
  let stop: Promise<'stopped'> | null = null;
  let signal: NodeJS.Signals | null = null;
  const stopped = () =>
    (stop ??= new Promise<'stopped'>((resolve) => {
      process.once('SIGTERM', () => resolve(((signal = 'SIGTERM'), 'stopped')));
      process.once('SIGINT', () => resolve(((signal = 'SIGINT'), 'stopped')));
    }));
  // Before following starts (waiting for the hotkey, connecting) a signal ends the process at once, as pm2 expects,
  // with its line and exit code 0 like a stop while following.
  const early = (name: NodeJS.Signals) => () => {
    if (stop !== null) return;
    log(`stopped (${name}) before following began`);
    process.exit(0);
  };
  if (!argv.once) {
    process.once('SIGINT', early('SIGINT'));
    process.once('SIGTERM', early('SIGTERM'));
  }
  if (!argv.once) await waitForHotkey(argv);
  try {
    // Following ends when stopped, or starts over (connection, hotkey, grid) when Settings changed what it follows.
    for (;;) {
      const snapshotter = await Snapshotter.open(argv);
      try {
        if (argv.once) return await snapshotter.once();
        if ((await snapshotter.follow(stopped())) === 'stopped') return;
      } catch (error) {
        // A request cut off by the node going away fails with @polkadot's own error: say what happened instead.
        if (!(error instanceof UserError) && snapshotter.lostNode()) throw new UserError(LOST_NODE);
        throw error;
      } finally {
        await snapshotter.close();
      }
    }
  } finally {
    if (signal === null) await settleDeliveries(EXIT_GRACE_MS);
    else {
      // Stopped by a signal: one line saying so (and what it gives up), exit code 0, whatever is still pending.
      const givenUp = await stopDeliveries();
      log(`stopped (${signal})${givenUp ? `; ${givenUp}` : ''}`);
    }
  }
}

/** How often the follower looks at the workbook for changed Settings (a stat; the sheet is read only when it changed). */
const SETTINGS_POLL_MS = 2_000;

/**
 * `npm start` starts the snapshotter before the owner has typed the hotkey: it waits for one in Settings (the usual
 * first edit) instead of failing and being restarted by pm2 over and over.
 */
async function waitForHotkey(args: SnapshotArgs): Promise<void> {
  if (args.hotkey !== undefined || !fs.existsSync(args.workbook)) return;
  const store = new WorkbookStore(args.workbook);
  let seen = '';
  for (let told = false; ; ) {
    const now = fileIdentity(store.path);
    if (now !== seen) {
      seen = now;
      const parsed = await store.readParsed();
      if (parsed.data.settings.hotkey !== null) return;
      if (!told) {
        log(`waiting for the validator hotkey: ${settingPlace('hotkey', parsed.settingsCells.hotkey)} is empty ` +
          '(type it there, or valtrac settings set hotkey 5F...); snapshots start once it is set');
      }
      told = true;
    }
    await new Promise((resolve) => setTimeout(resolve, SETTINGS_POLL_MS));
  }
}

/** What the snapshotter follows, from the options or else Settings. */
interface Followed {
  hotkey: string;
  interval: number;
  network: string;
}

const LOST_NODE = 'lost the connection to the node; exiting so pm2 restarts the snapshotter (it fills the gap).';

/** Records snapshots: record file first (lossless), then the Snapshots row, so a crash in between is repaired. */
class Snapshotter {
  private last: number | null = null;
  /** The newest block actually recorded (`last` also moves past a gap that could not be recorded). */
  private recorded: number | null = null;

  private constructor(
    private readonly store: WorkbookStore,
    private readonly dir: string,
    private readonly api: ApiPromise,
    private readonly followed: Followed,
    private readonly args: SnapshotArgs,
  ) {}

  private get hotkey(): string {
    return this.followed.hotkey;
  }

  private get interval(): number {
    return this.followed.interval;
  }

  static async open(args: SnapshotArgs): Promise<Snapshotter> {
    const store = new WorkbookStore(args.workbook);
    if (!fs.existsSync(args.workbook)) {
      throw new UserError(`There is no workbook at ${args.workbook}: create it with "valtrac init" (or pass --workbook PATH).`);
    }
    for (const line of describeCatchUp(await store.applyPending())) log(line);
    const parsed = await store.readParsed();
    const followed = followedFrom(args, parsed);
    const dir = recordsDir(args.workbook);
    const api = await watchNodeReach(args.workbook, parsed.data.settings, followed.network, connect(followed.network, {
      argument: args.network !== undefined ? '--network' : settingPlace('network', parsed.settingsCells.network),
      giveUpAfterMs: args.connectTimeout * 1000,
    }));
    try {
      await checkChain(dir, api.genesisHash.toHex(), followed.network);
    } catch (error) {
      await api.disconnect().catch(() => undefined);
      throw error;
    }
    const snapshotter = new Snapshotter(store, dir, api, followed, args);
    await snapshotter.repair();
    return snapshotter;
  }

  async close(): Promise<void> {
    await this.api.disconnect().catch(() => undefined);
  }

  lostNode(): boolean {
    return !this.api.isConnected;
  }

  /**
   * Appends the Snapshots rows of records written before a crash or dropped by an older copy saved over the workbook
   * (archived periods' rows stay in their archive), and finds where the series stands.
   */
  private async repair(): Promise<void> {
    const [blocks, data, archivedThrough] = await Promise.all([
      listRecords(this.dir),
      this.store.read(),
      snapshotsArchivedThrough(this.store.path),
    ]);
    const inSheet = new Set(data.snapshots.map((s) => s.block));
    const missing = blocks.filter((b) => !inSheet.has(b) && (archivedThrough === null || b > archivedThrough));
    if (missing.length > 0) {
      const countFrom = await countFromFor(this.dir, data);
      const rows: SnapshotSummary[] = [];
      for await (const record of readRecordsAt(this.dir, missing)) rows.push(summarize(record, countedColdkeys(countFrom, record.block)));
      await this.store.apply({ kind: 'appendSnapshots', rows });
      log(`restored ${rows.length} Snapshots row(s) from their records (blocks ${missing.join(', ')})`);
    }
    const all = [...blocks, ...inSheet];
    this.last = all.length ? Math.max(...all) : null;
    this.recorded = this.last;
  }

  async once(): Promise<void> {
    const head = await finalizedHead(this.api);
    if (this.last !== null && head.number <= this.last) {
      log(`block ${head.number} is not newer than the last snapshot (block ${this.last}); nothing recorded`);
      return;
    }
    await this.recordBlocks([head.number]);
  }

  /** Follows finalized blocks until stopped, or until Settings change what is followed ('reload'). */
  async follow(stop: Promise<'stopped'>): Promise<'stopped' | 'reload'> {
    const head = await finalizedHead(this.api);
    log(
      `following finalized blocks of ${this.hotkey}: a snapshot every ${this.interval} blocks` +
        (this.last === null ? ' (no snapshot yet)' : ` (last snapshot at block ${this.last})`) +
        `, finalized head ${head.number}`,
    );
    await this.catchUp(head.number, true);
    await this.fillCurrentSlot(head.number);

    // Heads arrive faster than a backlog is written: remember the newest and drain up to it in one pass.
    let newest = head.number;
    let draining: Promise<void> | null = null;
    let failed: (error: unknown) => void = () => undefined;
    const failure = new Promise<never>((_, reject) => (failed = reject));
    const drain = async () => {
      while (this.last === null || nextDue(this.last, this.interval) <= newest) {
        const before = this.last;
        await this.catchUp(newest, false);
        if (this.last === before) break;
      }
    };
    const unsubscribe = await followFinalized(this.api, (number) => {
      newest = Math.max(newest, number);
      draining ??= drain()
        .catch(failed)
        .finally(() => (draining = null));
    });
    const lost = disconnected(this.api).then(() => {
      throw new UserError(LOST_NODE);
    });
    const watching = this.watchSettings();
    try {
      return await Promise.race([stop, watching.changed, lost, failure]);
    } finally {
      watching.stop();
      unsubscribe();
      await draining;
    }
  }

  /**
   * With no snapshot in the current grid slot (a first start, or a start after the node had pruned the slot's block),
   * the finalized head is recorded at once instead of waiting for the next grid block (an hour on finney); the grid
   * resumes after it, as after `--once`.
   */
  private async fillCurrentSlot(head: number): Promise<void> {
    const slot = lastGridBlock(head, this.interval);
    if (head === 0 || (this.recorded !== null && this.recorded >= slot)) return;
    log(`no snapshot since block ${slot}: recording the finalized head ${head} now; the grid continues at block ${nextDue(head, this.interval)}`);
    await this.recordBlocks([head]);
  }

  /**
   * Resolves `changed` with 'reload' once the workbook's Settings change the hotkey, interval or network this process
   * follows (options given on the command line win over Settings). Settings with a problem are logged and ignored
   * until fixed, so a half-typed value never stops the snapshotter.
   */
  private watchSettings(): { changed: Promise<'reload'>; stop: () => void } {
    let seen = fileIdentity(this.store.path);
    let reading = false;
    let reported = '';
    let timer: NodeJS.Timeout | undefined;
    const changed = new Promise<'reload'>((resolve) => {
      timer = setInterval(() => {
        const now = fileIdentity(this.store.path);
        if (reading || now === seen) return;
        reading = true;
        this.store
          .readParsed()
          .then((parsed) => {
            seen = now;
            const next = followedFrom(this.args, parsed);
            const what = describeChange(this.followed, next);
            if (what) {
              log(`Settings changed (${what}): following with the new settings`);
              resolve('reload');
            }
          })
          .catch((error: unknown) => {
            const message = error instanceof UserError ? error.message : String(error);
            if (message !== reported) log(`Settings not applied: ${message}`);
            reported = message;
            seen = now;
          })
          .finally(() => (reading = false));
      }, SETTINGS_POLL_MS);
    });
    return { changed, stop: () => clearInterval(timer) };
  }

  /** Records every grid block due at finalized head `finalized`; without --backfill, reports what was pruned. */
  private async catchUp(finalized: number, startUp: boolean): Promise<void> {
    let due = dueBlocks(this.last, finalized, this.interval);
    if (due.length === 0) return;
    if (!this.args.backfill) {
      const pruned = await countUnavailable(due, (block) => this.stateAvailable(block));
      if (pruned > 0) {
        const missed = due.slice(0, pruned);
        log(
          `gap: ${missed.length} snapshot(s) missing from block ${missed[0]} to ${missed.at(-1)}: the node no longer ` +
            `has their state. Fill them with: valtrac snapshot --backfill --network <archive node URL>`,
        );
        void notifySnapshotGap(this.store.path, missed, { log });
        this.last = missed.at(-1)!;
        due = due.slice(pruned);
      }
    }
    if ((startUp || this.args.backfill) && due.length > 1) {
      log(`catching up ${due.length} snapshot(s) from block ${due[0]} to ${due.at(-1)}`);
    }
    await this.recordBlocks(due, due.length > 1);
  }

  /** Whether the node still has the state of `block` (a pruning node keeps only recent blocks). */
  private async stateAvailable(block: number): Promise<boolean> {
    try {
      await atBlock(`#${block}`, async () => this.api.rpc.state.getStorage(TIMESTAMP_NOW, await blockHashAt(this.api, block)));
      return true;
    } catch (error) {
      if (error instanceof StateUnavailableError) return false;
      throw error;
    }
  }

  /** Reads and records each block; rows go to the workbook in chunks so a long backfill is not one write per block. */
  private async recordBlocks(blocks: number[], progress = false): Promise<void> {
    const CHUNK = 50;
    for (let start = 0; start < blocks.length; start += CHUNK) {
      const chunk = blocks.slice(start, start + CHUNK);
      const data = await this.store.read();
      let noted = false;
      let countFrom: Map<string, number> | null = null;
      const rows: SnapshotSummary[] = [];
      let failure: unknown = null;
      try {
        for (const [i, block] of chunk.entries()) {
          const snapshot = await this.readBlock(block);
          if (!snapshot) continue;
          // Users new since the last snapshot are noted as added at this chunk (Settings: Users count from), once a
          // snapshot was read: a read that fails leaves nothing written.
          if (countFrom === null) {
            noted = await noteUsersAt(this.dir, data.users, Math.max(...chunk));
            countFrom = await countFromFor(this.dir, data);
          }
          for (const note of snapshot.notes ?? []) log(`block ${block}: ${note}`);
          await rememberChain(this.dir, this.api.genesisHash.toHex());
          await writeRecord(this.dir, snapshot);
          try {
            storeSnapshotStakes(this.dir, snapshot, userGroups(data.users));
          } catch (error) {
            // The record is written; the table is derived from it and the next plan fills the row.
            log(`block ${block}: stakes.sqlite not updated (${(error as Error).message}); the next plan reads this snapshot from its record`);
          }
          const row = summarize(snapshot, countedColdkeys(countFrom, block));
          rows.push(row);
          this.last = Math.max(this.last ?? 0, block);
          this.recorded = Math.max(this.recorded ?? 0, block);
          const position = progress ? ` [${start + i + 1}/${blocks.length}]` : '';
          log(`snapshot${position} ${describeRow(row)}`);
        }
      } catch (error) {
        // The node went away mid-chunk: the rows of the records already written still go in before exiting.
        failure = error;
      }
      if (rows.length) await this.store.apply({ kind: 'appendSnapshots', rows });
      if (failure !== null) throw failure;
      if (noted && countFrom !== null) await restateUsersStake(this.store, this.dir, countFrom, log);
      if (rows.length) await refreshChartsQuietly(this.store.path, log);
      if (rows.length) await notifyAfterSnapshots(this.api, this.store.path, { log });
    }
  }

  /** One block's snapshot; a block pruned in the meantime is reported (and fatal when backfilling or --once). */
  private async readBlock(block: number): Promise<ValidatorSnapshot | null> {
    const hash = await blockHashAt(this.api, block);
    try {
      const snapshot = await readValidator(this.api, this.hotkey, hash);
      const flag = unverifiedRuntimeNote(checkRuntime(await runtimeAt(this.api, hash), { acceptedRuntime: null }));
      return flag ? { ...snapshot, notes: [...(snapshot.notes ?? []), flag] } : snapshot;
    } catch (error) {
      if (!(error instanceof StateUnavailableError)) throw error;
      const named = new StateUnavailableError(`${block} (${hash})`, error.nodeMessage);
      if (this.args.backfill || this.args.once) throw named;
      log(`skipped block ${block}: ${named.message}`);
      return null;
    }
  }
}

/**
 * The hotkey, interval and network to follow: the options, else Settings. A Settings value with a problem (the
 * watcher marks it in the sheet) stops here with that problem, naming its cell.
 */
function followedFrom(args: SnapshotArgs, parsed: ReadForFeedback): Followed {
  const { settings } = parsed.data;
  const cells = parsed.settingsCells;
  const used: Array<keyof Settings> = [
    ...(args.hotkey === undefined ? (['hotkey'] as const) : []),
    ...(args.interval === undefined ? (['snapshotInterval'] as const) : []),
    ...(args.network === undefined ? (['network'] as const) : []),
  ];
  const problem = parsed.problems.find((p) => p.sheet === 'Settings' && used.some((key) => cells[key] === p.cell));
  if (problem) throw new UserError(`Settings!${problem.cell}: ${problem.message} Fix: ${problem.fix}`);
  const hotkey = args.hotkey ?? settings.hotkey;
  if (!hotkey) {
    throw new UserError(
      `${settingPlace('hotkey', cells.hotkey)} is empty: type the validator's hotkey there ` +
        '(or valtrac settings set hotkey 5F...), or pass --hotkey.',
    );
  }
  const interval = args.interval ?? settings.snapshotInterval;
  if (!Number.isInteger(interval) || interval < 1) {
    throw new UserError(
      `${args.interval !== undefined ? '--interval' : settingPlace('snapshotInterval', cells.snapshotInterval)} must be a whole ` +
        `number of blocks of at least 1 (300 blocks is about an hour), not ${interval}.`,
    );
  }
  return { hotkey, interval, network: args.network ?? settings.network };
}

function describeChange(from: Followed, to: Followed): string {
  const changes: string[] = [];
  if (from.hotkey !== to.hotkey) changes.push(`hotkey ${from.hotkey} -> ${to.hotkey}`);
  if (from.interval !== to.interval) changes.push(`interval ${from.interval} -> ${to.interval} blocks`);
  if (from.network.trim() !== to.network.trim()) changes.push(`network ${from.network} -> ${to.network}`);
  return changes.join(', ');
}

function describeRow(row: SnapshotSummary): string {
  return (
    `block ${row.block} ${row.blockHash.slice(0, 10)}… ${row.time.toISOString()}: total ${formatTao(row.totalStake)} TAO, ` +
    `delegate ${formatTao(row.delegateStake)} TAO, nominators ${row.nominators} with ${formatTao(row.nominatorStake)} TAO, ` +
    `registered users ${formatTao(row.usersStake)} TAO` +
    (row.escrowStake !== undefined ? `, basket escrow ${formatTao(row.escrowStake)} TAO (not a nominator)` : '')
  );
}

/**
 * The flag on a snapshot read through a runtime ValTrac was not verified on: it is recorded (the stake is the chain's),
 * but its figures rest on shapes nobody checked, so the log says which.
 */
function unverifiedRuntimeNote(check: RuntimeCheck): string | null {
  return check.differences.length === 0 ? null : `recorded on an unverified runtime: ${differenceLine(check)} (valtrac doctor lists each difference)`;
}

function log(line: string): void {
  out.line(logLine(line));
}
