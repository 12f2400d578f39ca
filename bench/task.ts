/**
 * One measured piece of work, run in a fresh process by run.ts so that its wall time and peak RSS are its own:
 * `node bench/dist/bench/task.js <name> <json args>` prints one JSON line `{ ms, rssMb, ...details }`.
 */
import fs from 'node:fs';
import { computePayouts } from '../src/domain/payout.js';
import { PeriodShares, type PeriodSnapshot } from '../src/domain/periodShares.js';
import { listRecords, readRecordsAt, readStakes, writeRecord } from '../src/workbook/records.js';
import { readPeriodByUser, STAKES_FILE } from '../src/workbook/periodStakes.js';
import { planFingerprint, planIdFor } from '../src/domain/period.js';
import type { PayoutRow } from '../src/domain/types.js';
import { WorkbookStore } from '../src/workbook/store.js';
import { summaryOf } from './fixtures.js';
import { generateScenario } from './scenario.js';
import { connect } from '../src/chain/connect.js';
import { readValidator } from '../src/chain/stake.js';
import { BIG_VALIDATOR, snapshotAt } from './scenario.js';
import { measureConfirm, measurePythonTransfers } from './transfers.js';
import { dirBytes } from './measure.js';
import os from 'node:os';
import path from 'node:path';

type Args = Record<string, string | number>;
type NodeStats = { requests: number; busyMs: number };
type Result = { ms: number } & Record<string, unknown>;

function asks(message: string): Promise<unknown> {
  // The parent answers over IPC (e.g. the test chain's request counter), so a task can bracket just its own calls.
  return new Promise((resolve) => {
    process.once('message', (reply: { result: unknown }) => resolve(reply.result));
    process.send!({ ask: message });
  });
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await work();
  return { ms: performance.now() - start, value };
}

const tasks: Record<string, (args: Args) => Promise<Result>> = {
  /** The store's read: every sheet parsed and Users/Referrals/Settings validated (what check and watch do first). */
  async openValidate({ workbook }) {
    const { ms, value } = await timed(() => new WorkbookStore(String(workbook)).readWithProblems());
    return { ms, problems: value.problems.length, users: value.data.users.length, snapshots: value.data.snapshots.length, payouts: value.data.payouts.length };
  },

  /** A full write of the workbook that changes no data (layout, feedback and version mark brought up to date). */
  async rewrite({ workbook }) {
    return timed(() => new WorkbookStore(String(workbook)).apply({ kind: 'feedback', problems: [] }));
  },

  /** One snapshot's lossless record plus its Snapshots row, as the snapshotter writes them. */
  async appendSnapshot({ workbook, records, seed, index }) {
    const scenario = generateScenario(Number(seed));
    const registered = new Set(scenario.users.flatMap((u) => u.addresses));
    const { snapshot, summary } = summaryOf(scenario, Number(index), registered);
    const record = await timed(() => writeRecord(String(records), snapshot));
    const store = new WorkbookStore(String(workbook));
    const row = await timed(() => store.apply({ kind: 'appendSnapshots', rows: [summary] }));
    return { ms: record.ms + row.ms, recordMs: record.ms, rowMs: row.ms, path: store.lastWrite?.how, fallback: store.lastWrite?.why };
  },

  /**
   * A plan's Payouts rows as `plan` writes them (`replacePlan`, right after its read of the workbook): the newest plan's
   * rows again under a new plan id, as planned.
   */
  async replacePlan({ workbook }) {
    const data = await new WorkbookStore(String(workbook)).read();
    const newest = data.payouts.at(-1)?.planId;
    const rows: PayoutRow[] = data.payouts
      .filter((p) => p.planId === newest)
      .map((p) => ({ ...p, planId: 'P99999999-bench', status: 'planned', batch: null, extrinsicHash: null, blockNumber: null, blockHash: null, note: '', delivered: null, paidAt: undefined, usdPrice: undefined }));
    const store = new WorkbookStore(String(workbook));
    const { ms } = await timed(() => store.apply({ kind: 'replacePlan', rows }));
    return { ms, rows: rows.length, path: store.lastWrite?.how, fallback: store.lastWrite?.why };
  },

  /**
   * readValidator of the hotkey at the finalized head: the RPC requests it made, the time the node was answering them
   * (from the bench's proxy) and this process's own CPU time.
   */
  async readValidator({ url, hotkey }) {
    const api = await connect(String(url), { log: () => undefined });
    try {
      const head = (await api.rpc.chain.getFinalizedHead()).toHex();
      const before = (await asks('node')) as NodeStats;
      const cpu = process.cpuUsage();
      const { ms, value } = await timed(() => readValidator(api, String(hotkey), head));
      const used = process.cpuUsage(cpu);
      const after = (await asks('node')) as NodeStats;
      return { ms, cpuMs: (used.user + used.system) / 1000, requests: after.requests - before.requests, nodeMs: after.busyMs - before.busyMs, nominators: value.nominators.length };
    } finally {
      await api.disconnect();
    }
  },

  /** `confirm`'s sending path: 500 payouts in batch_all from //Alice, followed until included. */
  async confirm({ url, seed }) {
    const measured = await measureConfirm(generateScenario(Number(seed)), String(url));
    return { ...measured };
  },

  /** The original tool's way: one transfer per user, each waited for. */
  async python({ url, seed }) {
    return { ...(await measurePythonTransfers(generateScenario(Number(seed)), String(url), (line) => console.error(line))) };
  },

  /** `count` consecutive records of the scenario at `nominators` nominators: bytes per snapshot, write and read time. */
  async recordSize({ seed, nominators, count }) {
    const scenario = generateScenario(Number(seed), { ...BIG_VALIDATOR, nominators: Number(nominators) });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'valtrac-bench-records-'));
    try {
      // One snapshot in memory at a time, as the snapshotter has: a heap full of them would slow every step here.
      const written = await timed(async () => {
        for (let i = 0; i < Number(count); i++) await writeRecord(dir, snapshotAt(scenario, i));
      });
      const coldkeys = scenario.users.flatMap((u) => u.addresses);
      const read = await timed(async () => {
        let n = 0;
        for await (const _ of readStakes(dir, { fromBlock: 0, toBlock: Number.MAX_SAFE_INTEGER }, coldkeys)) n++;
        return n;
      });
      const { bytes, files } = dirBytes(dir);
      const dictionary = fs.statSync(path.join(dir, 'coldkeys.txt')).size;
      return { ms: read.ms / read.value, writeMs: written.ms / Number(count), bytesPerSnapshot: (bytes - dictionary) / (files - 1), dictionary };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },

  /** What plan averaged over before stakes.sqlite: the period's records decoded one by one, the users' coldkeys kept. */
  async averagePeriod({ records, from, to, seed }) {
    const scenario = generateScenario(Number(seed));
    const coldkeys = scenario.users.flatMap((u) => u.addresses);
    const { ms, value } = await timed(async () => {
      const shares = new PeriodShares(scenario.users);
      for await (const s of readStakes(String(records), { fromBlock: Number(from), toBlock: Number(to) }, coldkeys)) {
        shares.add({ block: s.block, nominatorStake: s.nominatorStake, stakeByColdkey: s.stakes });
      }
      return { planId: payoutOf(scenario, shares, Number(to)), snapshots: shares.counted + shares.skipped.length };
    });
    return { ms, ...value };
  },

  /**
   * What plan averages over now: the period read per coldkey from stakes.sqlite (`fresh`: the table deleted first, so
   * it is filled from the records, as on the first plan after an upgrade or after a user's coldkey is added).
   */
  async averagePeriodStakes({ records, from, to, seed, fresh }) {
    const scenario = generateScenario(Number(seed));
    if (fresh) for (const suffix of ['', '-wal', '-shm']) fs.rmSync(path.join(String(records), STAKES_FILE + suffix), { force: true });
    const blocks = (await listRecords(String(records))).filter((b) => b >= Number(from) && b <= Number(to));
    const { ms, value } = await timed(async () => {
      const shares = new PeriodShares(scenario.users);
      for await (const s of readPeriodByUser(String(records), blocks, shares.groups, shares.wholeFrom)) {
        if (s.byUser) shares.addUserStakes(s.block, s.nominatorStake, s.byUser);
        else shares.addStakes(s.block, s.nominatorStake, s.byColdkey);
      }
      return { planId: payoutOf(scenario, shares, Number(to)), snapshots: shares.counted + shares.skipped.length };
    });
    return { ms, ...value, tableBytes: fs.statSync(path.join(String(records), STAKES_FILE)).size };
  },

  /**
   * The original Python ValTrac's way on the same records: parse the whole snapshot log from its first entry on every
   * payout and keep the period's entries.
   */
  async averagePython({ records, from, to, seed }) {
    const scenario = generateScenario(Number(seed));
    const { ms, value } = await timed(async () => {
      const snapshots: PeriodSnapshot[] = [];
      for await (const record of readRecordsAt(String(records), await listRecords(String(records)))) {
        const block = record.block;
        if (block < Number(from) || block > Number(to)) continue;
        snapshots.push({
          block,
          nominatorStake: record.totalStake - record.delegateStake,
          stakeByColdkey: new Map(record.nominators.map((n) => [n.coldkey, n.stake])),
        });
      }
      return { planId: payoutOf(scenario, snapshots, Number(to)), snapshots: snapshots.length };
    });
    return { ms, ...value };
  },
};

/** The payout over `snapshots` and the id plan would give it: equal ids mean the same rows, to the RAO. */
function payoutOf(scenario: ReturnType<typeof generateScenario>, snapshots: PeriodSnapshot[] | PeriodShares, toBlock: number): string {
  const pool = 10n ** 11n;
  const result = computePayouts({
    users: scenario.users,
    referrals: scenario.referrals,
    taxMode: 'base',
    snapshots,
    pool,
    carriedIn: new Map(),
    accountExists: () => true,
    existentialDeposit: 500n,
  });
  const rows = result.rows.map((r): PayoutRow => ({
    planId: '', status: r.status, fromBlock: 0, toBlock, pool, user: r.user, address: r.address, basePpb: r.basePpb, taxPaid: r.taxPaid,
    taxReceived: r.taxReceived, amount: r.amount, batch: null, extrinsicHash: null, blockNumber: null, blockHash: null, note: r.reason ?? '', delivered: null,
  }));
  return planIdFor(toBlock, planFingerprint(rows));
}

const [name, json] = process.argv.slice(2);
const task = tasks[name ?? ''];
if (!task) {
  console.error(`bench task: unknown task "${name}" (known: ${Object.keys(tasks).join(', ')})`);
  process.exit(2);
}
const result = await task(JSON.parse(json ?? '{}') as Args);
const rssMb = process.resourceUsage().maxRSS / 1024;
fs.writeSync(1, `${JSON.stringify({ ...result, rssMb })}\n`);
process.exit(0);
