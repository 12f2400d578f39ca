import fs from 'node:fs';
import type { ApiPromise } from '@polkadot/api';
import type { ArgumentsCamelCase, Argv } from 'yargs';
import { blockHashAt, disconnected, finalizedHead, followFinalized } from '../chain/blocks.js';
import { connect } from '../chain/connect.js';
import { refreshChartsQuietly } from './charts.js';
import { EXIT_GRACE_MS, notifyAfterSnapshots, notifySnapshotGap, settleDeliveries, watchNodeReach } from '../notify/notify.js';
import { readValidator } from '../chain/stake.js';
import { atBlock, StateUnavailableError } from '../chain/stateErrors.js';
import { countUnavailable, dueBlocks, nextGridBlock as nextDue } from '../domain/snapshotGrid.js';
import { summarize } from '../domain/snapshotSummary.js';
import { formatTao } from '../domain/tao.js';
import type { SnapshotSummary, ValidatorSnapshot } from '../domain/types.js';
import { UserError } from '../util/errors.js';
import { checkChain, listRecords, readRecordsAt, recordsDir, rememberChain, writeRecord } from '../workbook/records.js';
import { snapshotsArchivedThrough } from '../workbook/archive.js';
import { describeCatchUp } from '../workbook/catchUp.js';
import { WorkbookStore } from '../workbook/store.js';

/** Storage key of Timestamp.Now (twox128("Timestamp") ++ twox128("Now")): a cheap probe for a block's state. */
const TIMESTAMP_NOW = '0xf0c365c3cf59d671eb72da0e7a4113c49f1f0515f462cdcf84e0f1d6045dfcbb';

interface SnapshotArgs {
  workbook: string;
  once: boolean;
  backfill: boolean;
  network?: string;
  hotkey?: string;
  interval?: number;
  connectTimeout: number;
}

export function builder(y: Argv): Argv<SnapshotArgs> {
  return y
    .option('once', { type: 'boolean', default: false, describe: 'Record the newest finalized block now and exit' })
    .option('backfill', {
      type: 'boolean',
      default: false,
      describe: 'Fill every missing grid block since the last snapshot (needs an archive node for old blocks)',
    })
    .option('network', { type: 'string', describe: 'local, finney, test or a ws(s):// URL (default: Settings network)' })
    .option('hotkey', { type: 'string', describe: 'Validator hotkey (default: Settings hotkey)' })
    .option('interval', { type: 'number', describe: 'Blocks between snapshots (default: Settings snapshot interval)' })
    .option('connect-timeout', { type: 'number', default: 60, describe: 'Seconds to keep retrying an unreachable node' })
    .example('valtrac snapshot --once', 'record the newest finalized block now')
    .example('valtrac snapshot', 'follow finalized blocks and record every N (what pm2 runs)')
    .example('valtrac snapshot --backfill --network wss://archive.example:443', 'fill a gap from an archive node') as unknown as Argv<SnapshotArgs>;
}

export async function handler(argv: ArgumentsCamelCase<SnapshotArgs>): Promise<void> {
  const snapshotter = await Snapshotter.open(argv);
  try {
    if (argv.once) await snapshotter.once();
    else await snapshotter.follow();
  } catch (error) {
    // A request cut off by the node going away fails with @polkadot's own error: say what happened instead.
    if (!(error instanceof UserError) && snapshotter.lostNode()) throw new UserError(LOST_NODE);
    throw error;
  } finally {
    await snapshotter.close();
    await settleDeliveries(EXIT_GRACE_MS);
  }
}

const LOST_NODE = 'lost the connection to the node; exiting so pm2 restarts the snapshotter (it fills the gap).';

/** Records snapshots: record file first (lossless), then the Snapshots row, so a crash in between is repaired. */
class Snapshotter {
  private last: number | null = null;

  private constructor(
    private readonly store: WorkbookStore,
    private readonly dir: string,
    private readonly api: ApiPromise,
    private readonly hotkey: string,
    private readonly interval: number,
    private readonly args: SnapshotArgs,
  ) {}

  static async open(args: SnapshotArgs): Promise<Snapshotter> {
    const store = new WorkbookStore(args.workbook);
    if (!fs.existsSync(args.workbook)) {
      throw new UserError(`There is no workbook at ${args.workbook}: create it with "valtrac init" (or pass --workbook PATH).`);
    }
    for (const line of describeCatchUp(await store.applyPending())) log(line);
    const { settings } = await store.read();
    const hotkey = args.hotkey ?? settings.hotkey;
    if (!hotkey) {
      throw new UserError('Settings: the validator hotkey is empty. Type it in the Settings sheet (or pass --hotkey).');
    }
    const interval = args.interval ?? settings.snapshotInterval;
    if (!Number.isInteger(interval) || interval < 1) {
      throw new UserError(
        `${args.interval !== undefined ? '--interval' : 'Settings: snapshot interval'} must be a whole number of blocks ` +
          `of at least 1 (300 blocks is about an hour), not ${interval}.`,
      );
    }
    const dir = recordsDir(args.workbook);
    const api = await watchNodeReach(args.workbook, settings, args.network ?? settings.network, connect(args.network ?? settings.network, {
      argument: args.network !== undefined ? '--network' : 'Settings: network',
      giveUpAfterMs: args.connectTimeout * 1000,
    }));
    try {
      await checkChain(dir, api.genesisHash.toHex(), args.network ?? settings.network);
    } catch (error) {
      await api.disconnect().catch(() => undefined);
      throw error;
    }
    const snapshotter = new Snapshotter(store, dir, api, hotkey, interval, args);
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
      const coldkeys = registeredColdkeys(data.users);
      const rows: SnapshotSummary[] = [];
      for await (const record of readRecordsAt(this.dir, missing)) rows.push(summarize(record, coldkeys));
      await this.store.apply({ kind: 'appendSnapshots', rows });
      log(`restored ${rows.length} Snapshots row(s) from their records (blocks ${missing.join(', ')})`);
    }
    const all = [...blocks, ...inSheet];
    this.last = all.length ? Math.max(...all) : null;
  }

  async once(): Promise<void> {
    const head = await finalizedHead(this.api);
    if (this.last !== null && head.number <= this.last) {
      log(`block ${head.number} is not newer than the last snapshot (block ${this.last}); nothing recorded`);
      return;
    }
    await this.recordBlocks([head.number]);
  }

  async follow(): Promise<void> {
    const head = await finalizedHead(this.api);
    log(
      `following finalized blocks of ${this.hotkey}: a snapshot every ${this.interval} blocks` +
        (this.last === null ? ' (no snapshot yet)' : ` (last snapshot at block ${this.last})`) +
        `, finalized head ${head.number}`,
    );
    await this.catchUp(head.number, true);

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
    const stop = new Promise<void>((resolve) => {
      process.once('SIGTERM', resolve);
      process.once('SIGINT', resolve);
    });
    const lost = disconnected(this.api).then(() => {
      throw new UserError(LOST_NODE);
    });
    try {
      await Promise.race([stop, lost, failure]);
    } finally {
      unsubscribe();
      await draining;
    }
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
      const coldkeys = registeredColdkeys((await this.store.read()).users);
      const rows: SnapshotSummary[] = [];
      let failure: unknown = null;
      try {
        for (const [i, block] of chunk.entries()) {
          const snapshot = await this.readBlock(block);
          if (!snapshot) continue;
          for (const note of snapshot.notes ?? []) log(`block ${block}: ${note}`);
          await rememberChain(this.dir, this.api.genesisHash.toHex());
          await writeRecord(this.dir, snapshot);
          const row = summarize(snapshot, coldkeys);
          rows.push(row);
          this.last = Math.max(this.last ?? 0, block);
          const position = progress ? ` [${start + i + 1}/${blocks.length}]` : '';
          log(`snapshot${position} ${describeRow(row)}`);
        }
      } catch (error) {
        // The node went away mid-chunk: the rows of the records already written still go in before exiting.
        failure = error;
      }
      if (rows.length) await this.store.apply({ kind: 'appendSnapshots', rows });
      if (failure !== null) throw failure;
      if (rows.length) await refreshChartsQuietly(this.store.path, log);
      if (rows.length) await notifyAfterSnapshots(this.api, this.store.path, { log });
    }
  }

  /** One block's snapshot; a block pruned in the meantime is reported (and fatal when backfilling or --once). */
  private async readBlock(block: number): Promise<ValidatorSnapshot | null> {
    const hash = await blockHashAt(this.api, block);
    try {
      return await readValidator(this.api, this.hotkey, hash);
    } catch (error) {
      if (!(error instanceof StateUnavailableError)) throw error;
      const named = new StateUnavailableError(`${block} (${hash})`, error.nodeMessage);
      if (this.args.backfill || this.args.once) throw named;
      log(`skipped block ${block}: ${named.message}`);
      return null;
    }
  }
}

function registeredColdkeys(users: Array<{ addresses: string[] }>): Set<string> {
  return new Set(users.flatMap((u) => u.addresses));
}

function describeRow(row: SnapshotSummary): string {
  return (
    `block ${row.block} ${row.blockHash.slice(0, 10)}… ${row.time.toISOString()}: total ${formatTao(row.totalStake)} TAO, ` +
    `delegate ${formatTao(row.delegateStake)} TAO, nominators ${row.nominators} with ${formatTao(row.nominatorStake)} TAO, ` +
    `registered users ${formatTao(row.usersStake)} TAO`
  );
}

function log(line: string): void {
  console.log(`${new Date().toISOString()} ${line}`);
}
