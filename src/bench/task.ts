/**
 * One measured piece of work, run in a fresh process by run.ts so that its wall time and peak RSS are its own:
 * `node dist/bench/task.js <name> <json args>` prints one JSON line `{ ms, rssMb, ...details }`.
 */
import fs from 'node:fs';
import { computePayouts } from '../domain/payout.js';
import { PeriodShares, type PeriodSnapshot } from '../domain/periodShares.js';
import { listRecords, readRecord, readStakes, writeRecord } from '../workbook/records.js';
import { WorkbookStore } from '../workbook/store.js';
import { summaryOf } from './fixtures.js';
import { generateScenario } from './scenario.js';
import { connect } from '../chain/connect.js';
import { readValidator } from '../chain/stake.js';

type Args = Record<string, string | number>;
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

  /** One snapshot's lossless record plus its Snapshots row, as the snapshotter writes them. */
  async appendSnapshot({ workbook, records, seed, index }) {
    const scenario = generateScenario(Number(seed));
    const registered = new Set(scenario.users.flatMap((u) => u.addresses));
    const { snapshot, summary } = summaryOf(scenario, Number(index), registered);
    const record = await timed(() => writeRecord(String(records), snapshot));
    const row = await timed(() => new WorkbookStore(String(workbook)).apply({ kind: 'appendSnapshots', rows: [summary] }));
    return { ms: record.ms + row.ms, recordMs: record.ms, rowMs: row.ms };
  },

  /** readValidator of the 5,000-nominator hotkey at the finalized head, with the RPC requests it made. */
  async readValidator({ url, hotkey }) {
    const api = await connect(String(url), { log: () => undefined });
    try {
      const head = (await api.rpc.chain.getFinalizedHead()).toHex();
      const before = Number(await asks('count'));
      // CPU time of this process alone: the wall time also holds the simulated node working out its answer.
      const cpu = process.cpuUsage();
      const { ms, value } = await timed(() => readValidator(api, String(hotkey), head));
      const used = process.cpuUsage(cpu);
      const after = Number(await asks('count'));
      return { ms, cpuMs: (used.user + used.system) / 1000, requests: after - before, nominators: value.nominators.length };
    } finally {
      await api.disconnect();
    }
  },

  /** What plan averages over: the period's records only, with the registered users' coldkeys. */
  async averagePeriod({ records, from, to, seed }) {
    const scenario = generateScenario(Number(seed));
    const coldkeys = scenario.users.flatMap((u) => u.addresses);
    const { ms, value } = await timed(async () => {
      const shares = new PeriodShares(scenario.users);
      for await (const s of readStakes(String(records), { fromBlock: Number(from), toBlock: Number(to) }, coldkeys)) {
        shares.add({ block: s.block, nominatorStake: s.nominatorStake, stakeByColdkey: s.stakes });
      }
      payoutOf(scenario, shares);
      return shares.counted + shares.skipped.length;
    });
    return { ms, snapshots: value };
  },

  /**
   * The original Python ValTrac's way on the same records: parse the whole snapshot log from its first entry on every
   * payout and keep the period's entries.
   */
  async averagePython({ records, from, to, seed }) {
    const scenario = generateScenario(Number(seed));
    const { ms, value } = await timed(async () => {
      const snapshots: PeriodSnapshot[] = [];
      for (const block of await listRecords(String(records))) {
        const record = await readRecord(String(records), block);
        if (block < Number(from) || block > Number(to)) continue;
        snapshots.push({
          block,
          nominatorStake: record.totalStake - record.delegateStake,
          stakeByColdkey: new Map(record.nominators.map((n) => [n.coldkey, n.stake])),
        });
      }
      payoutOf(scenario, snapshots);
      return snapshots.length;
    });
    return { ms, snapshots: value };
  },
};

function payoutOf(scenario: ReturnType<typeof generateScenario>, snapshots: PeriodSnapshot[] | PeriodShares): void {
  computePayouts({
    users: scenario.users,
    referrals: scenario.referrals,
    taxMode: 'base',
    snapshots,
    pool: 10n ** 11n,
    carriedIn: new Map(),
    accountExists: () => true,
    existentialDeposit: 500n,
  });
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
