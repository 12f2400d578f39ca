import fs from 'node:fs';
import path from 'node:path';
import { compactAddLength, compactStripLength, u8aToHex } from '@polkadot/util';
import { decodeAddress } from '@polkadot/util-crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDelegateInfo, readLegacyDelegateInfo } from '../../src/chain/delegateInfo.js';
import { u64f64Value } from '../../src/chain/sharePool.js';
import { readDynamicStake } from '../../src/chain/stakeStorage.js';
import { listRecords, readRecord, recordsDir } from '../../src/workbook/records.js';
import { WorkbookStore } from '../../src/workbook/store.js';
import { tempDir } from '../helpers.js';
import { ok, valtrac } from '../payout/harness.js';
import { alphaOf, deepenPool, RuntimeChain, shareBits, TAO } from '../support/runtimes/chain.js';
import { startRuntime, type Runtime } from '../support/runtimes/chopsticks.js';
import { addStake, registerValidator, removeStake, runtimeKeys, tao } from '../support/runtimes/validator.js';

// Snapshots taken by the real CLI from real subtensor runtimes (chopsticks), compared with what the runtime's own
// storage and runtime APIs say, read here with the test's own code.

const NAMES = ['hotkey', 'owner', 'n1', 'n2', 'n3', 'n4'] as const;

/** The reconciliation figures the closing note reports. */
const figures: string[] = [];
afterAll(() => {
  if (figures.length) console.log(`Own-view figures:\n${figures.join('\n')}`);
});

interface Program {
  rt: Runtime;
  chain: RuntimeChain;
  workbook: string;
  keys: Awaited<ReturnType<typeof runtimeKeys<(typeof NAMES)[number]>>>;
}

async function openProgram(spec: 218 | 300, tag: string): Promise<Program> {
  const rt = await startRuntime(spec);
  const chain = await RuntimeChain.connect(rt.url);
  // spec 300 runs on the spec-218 genesis: its first blocks still decode with 218's types (runtimes README).
  await chain.newBlocks(3);
  const keys = await runtimeKeys(tag, NAMES);
  await chain.fund(new Map(Object.values(keys).map((k) => [k.address, tao(10_000)])));
  const dir = tempDir(`rt-snapshot-${spec}`);
  const workbook = path.join(dir, 'valtrac.xlsx');
  await ok(['init', '--workbook', workbook, '--hotkey', keys.hotkey.address, '--network', rt.url]);
  await ok(['users', 'add', '--workbook', workbook, 'alice', keys.n1.address, keys.n2.address]);
  return { rt, chain, workbook, keys };
}

async function closeProgram(p: Program | undefined): Promise<void> {
  await p?.chain.close();
  await p?.rt.stop();
  if (p) fs.rmSync(path.dirname(p.workbook), { recursive: true, force: true });
}

/** Runs `snapshot --once` and returns the record it wrote. */
async function snapshot(p: Program) {
  const before = await listRecords(recordsDir(p.workbook));
  const run = await ok(['snapshot', '--once', '--workbook', p.workbook]);
  const after = await listRecords(recordsDir(p.workbook));
  const block = after.find((b) => !before.includes(b));
  expect(block, run.stdout + run.stderr).toBeDefined();
  return { record: await readRecord(recordsDir(p.workbook), block!), output: run.stdout + run.stderr };
}

/** The coldkey -> netuid -> alpha of a record, the owner included. */
function recordedAlpha(record: Awaited<ReturnType<typeof readRecord>>): Map<string, Map<number, bigint>> {
  const all = new Map<string, Map<number, bigint>>();
  for (const n of record.nominators) all.set(n.coldkey, new Map(n.subnets.map((s) => [s.netuid, s.alpha])));
  if (record.delegateSubnets?.length) all.set(record.owner, new Map(record.delegateSubnets.map((s) => [s.netuid, s.alpha])));
  return all;
}

async function refusedWithoutRecord(p: Program, expected: RegExp): Promise<string> {
  const records = await listRecords(recordsDir(p.workbook));
  const rows = (await new WorkbookStore(p.workbook).read()).snapshots.length;
  const run = await valtrac(['snapshot', '--once', '--workbook', p.workbook]);
  const output = run.stdout + run.stderr;
  expect(run.code, output).not.toBe(0);
  expect(output).toMatch(expected);
  expect(output).not.toMatch(/\n\s+at /);
  expect(await listRecords(recordsDir(p.workbook))).toEqual(records);
  expect((await new WorkbookStore(p.workbook).read()).snapshots).toHaveLength(rows);
  return output;
}

describe('spec 300 (dynamic TAO): every snapshot adds up to the runtime’s own totals', { timeout: 900_000 }, () => {
  let p: Program;
  beforeAll(async () => {
    p = await openProgram(300, 's300');
    const { chain, keys: k } = p;
    await deepenPool(chain, 1, tao(1_000), tao(800));
    await registerValidator(chain, k.owner, k.hotkey.address, 1, 9_000);
    await addStake(chain, k.hotkey.address, [
      { coldkey: k.owner, netuid: 0, amount: tao(20) },
      { coldkey: k.owner, netuid: 1, amount: tao(10) },
      { coldkey: k.n1, netuid: 0, amount: tao(30) },
      { coldkey: k.n2, netuid: 1, amount: tao(5) },
      { coldkey: k.n3, netuid: 1, amount: 12_345_678_901n },
      { coldkey: k.n4, netuid: 0, amount: tao(7) },
    ]);
  }, 600_000);
  afterAll(() => closeProgram(p));

  it('records each coldkey’s alpha as the runtime’s share pools value it, before and after stake moves', async () => {
    const { chain, keys: k } = p;
    const hotkey = k.hotkey.address;
    for (const round of [0, 1]) {
      if (round === 1) {
        await addStake(chain, hotkey, [{ coldkey: k.n2, netuid: 1, amount: tao(3) }]);
        await removeStake(chain, hotkey, [{ coldkey: k.n3, netuid: 1, amount: 4_000_000_000n }]);
      }
      const { record, output } = await snapshot(p);
      const at = await chain.api.at(record.blockHash);
      const recorded = recordedAlpha(record);
      expect(record.era).toBe('dynamic');
      expect(record.owner).toBe(k.owner.address);
      // The runtime's own view of each coldkey, and the storage valued as the runtime's U64F64 share pool values it:
      // the same to the RAO (the exact rational shares × pool / total shares can be one RAO higher).
      const own = (await readDelegateInfo(at, hotkey))!.stake;
      const storage = (await readDynamicStake(at, hotkey, { shares: 'fixed', alphaV2: false, sharesV2: false })).stake;
      for (const netuid of [0, 1]) {
        const total = BigInt((await (at.query.subtensorModule!.totalHotkeyAlpha!(hotkey, netuid))).toString());
        let sum = 0n;
        for (const coldkey of [k.owner, k.n1, k.n2, k.n3, k.n4]) {
          const shares = shareBits(await at.query.subtensorModule!.alpha!(hotkey, coldkey.address, netuid));
          const poolShares = shareBits(await at.query.subtensorModule!.totalHotkeyShares!(hotkey, netuid));
          const expected = u64f64Value(total, shares, poolShares);
          expect(recorded.get(coldkey.address)?.get(netuid) ?? 0n).toBe(expected);
          expect(own.get(coldkey.address)?.get(netuid) ?? 0n).toBe(expected);
          expect(storage.get(coldkey.address)?.get(netuid) ?? 0n).toBe(expected);
          sum += expected;
        }
        // One rule: each of the 5 coldkeys loses at most one RAO.
        expect(total - sum).toBeGreaterThanOrEqual(0n);
        expect(total - sum).toBeLessThanOrEqual(5n);
        figures.push(`spec 300 round ${round} subnet ${netuid}: TotalHotkeyAlpha ${total}, coldkeys add up to ${sum} (${total - sum} RAO short, 5 holders)`);
      }
      expect(output).not.toMatch(/get_delegate disagrees/);
      const price = BigInt((await at.call.swapRuntimeApi!.currentAlphaPrice!(1)).toString());
      expect(price).not.toBe(TAO);
      expect(record.prices).toContainEqual({ netuid: 1, num: price, den: TAO });
      const n2 = record.nominators.find((n) => n.coldkey === k.n2.address)!;
      expect(n2.stake).toBe((n2.subnets[0]!.alpha * price) / TAO);
    }
  });

  it('reads storage when get_delegate misvalues a subnet that follows a gap in the netuids', async () => {
    const { chain, keys: k } = p;
    const sm = chain.subtensor;
    const hotkey = k.hotkey.address;
    // A subnet 3 with no subnet 2: the runtime values a subnet's shares with the pool at its position in the list of
    // netuids, so it has no pool for netuid 3 and leaves that stake out of its answer.
    const bits = (n: bigint) => u8aToHex(chain.api.createType('u128', n << 64n).toU8a());
    await chain.setRaw([
      [sm.networksAdded!.key(3), '0x01'],
      [sm.subnetTAO!.key(3), chain.u64(tao(500))],
      [sm.subnetAlphaIn!.key(3), chain.u64(tao(400))],
      [sm.totalHotkeyAlpha!.key(hotkey, 3), chain.u64(tao(6))],
      [sm.totalHotkeyShares!.key(hotkey, 3), bits(6_000n)],
      [sm.alpha!.key(hotkey, k.n4.address, 3), bits(6_000n)],
    ]);
    await chain.newBlocks(1);
    const view = (await chain.api.call.delegateInfoRuntimeApi!.getDelegate!(hotkey)).toJSON() as { nominators: Array<[string, Array<[number, number]>]> };
    const n4 = view.nominators.find(([ck]) => ck === k.n4.address)![1];
    expect(n4.map(([netuid]) => netuid)).not.toContain(3);

    const { record, output } = await snapshot(p);
    expect(output).toMatch(/get_delegate disagrees with TotalHotkeyAlpha \(subnet 3: 0\.000000000 vs 6\.000000000 alpha\); read storage instead/);
    expect(recordedAlpha(record).get(k.n4.address)?.get(3)).toBe(tao(6));
  });

  it('refuses a read that does not add up to TotalHotkeyAlpha, naming the block, the subnet and both figures', async () => {
    const { chain, keys: k } = p;
    const sm = chain.subtensor;
    const hotkey = k.hotkey.address;
    // Shares the pool counts but no Alpha entry holds (what a map ValTrac does not read would look like): the
    // coldkeys' alpha then adds up to half of TotalHotkeyAlpha, in the runtime's own view and in storage.
    const key = sm.totalHotkeyShares!.key(hotkey, 1);
    const shares = shareBits(await sm.totalHotkeyShares!(hotkey, 1));
    const u128 = (n: bigint) => u8aToHex(chain.api.createType('u128', n).toU8a());
    await chain.setRaw([[key, u128(shares * 2n)]]);
    await chain.newBlocks(1);
    const output = await refusedWithoutRecord(
      p,
      /valtrac: snapshot of block \d+ refused, nothing was recorded: on subnet 1 the coldkeys' stake read from SubtensorModule\.Alpha adds up to [\d.]+ alpha, but the runtime's TotalHotkeyAlpha is [\d.]+ alpha/,
    );
    expect(output).toContain('get_delegate disagrees with TotalHotkeyAlpha');
    await chain.setRaw([[key, u128(shareBits(await sm.totalHotkeyShares!(hotkey, 1)) - shares)]]);
    await chain.newBlocks(1);
  });

  it('names the storage item and block of a value it cannot decode, in one line', async () => {
    const { chain, keys: k } = p;
    const key = chain.subtensor.alpha!.key(k.hotkey.address, k.n1.address, 0);
    const good = (await chain.api.rpc.state.getStorage(key)) as unknown as { toHex(): string };
    await chain.setRaw([[key, '0x0102']]);
    await chain.newBlocks(1);
    await refusedWithoutRecord(p, /valtrac: could not decode subtensorModule\.alpha at block \d+ \(0x[0-9a-f]{64}\)/);
    await chain.setRaw([[key, good.toHex()]]);
  });
});

describe('spec 218: both a legacy Stake map and an early u64 Alpha map', { timeout: 900_000 }, () => {
  let p: Program;
  beforeAll(async () => {
    p = await openProgram(218, 's218');
    const { chain, keys: k } = p;
    // spec 218's subnet 1 starts with 1 TAO of liquidity; give it a realistic pool (constant product, no V3 here).
    await chain.setRaw([
      [chain.subtensor.subnetTAO!.key(1), chain.u64(tao(1_000))],
      [chain.subtensor.subnetAlphaIn!.key(1), chain.u64(tao(800))],
    ]);
    await registerValidator(chain, k.owner, k.hotkey.address, 1, 9_000);
  }, 600_000);
  afterAll(() => closeProgram(p));

  it('stake that the runtime keeps in Alpha (u64 shares) is read there and adds up to TotalHotkeyAlpha', async () => {
    const { chain, keys: k } = p;
    const hotkey = k.hotkey.address;
    await addStake(chain, hotkey, [
      { coldkey: k.n1, netuid: 0, amount: tao(4) },
      { coldkey: k.n2, netuid: 1, amount: tao(3) },
      { coldkey: k.owner, netuid: 1, amount: tao(2) },
    ]);
    const { record } = await snapshot(p);
    expect(record.era).toBe('dynamic');
    const recorded = recordedAlpha(record);
    for (const [coldkey, netuid] of [[k.n1, 0], [k.n2, 1], [k.owner, 1]] as const) {
      const expected = await alphaOf(chain, hotkey, coldkey.address, netuid);
      expect(expected).toBeGreaterThan(0n);
      expect(recorded.get(coldkey.address)?.get(netuid)).toBe(expected);
    }
  });

  it('where Stake holds stake too, the snapshot is what the runtime’s get_delegate reports', async () => {
    const { chain, keys: k } = p;
    const hotkey = k.hotkey.address;
    // A validator whose stake predates dynamic TAO: its nominators' TAO sits in the legacy map.
    await chain.api.rpc('dev_setStorage', {
      SubtensorModule: { Stake: [[[hotkey, k.n3.address], tao(25).toString()], [[hotkey, k.n4.address], '7777777777']] },
    });
    await chain.newBlocks(1);
    const { record, output } = await snapshot(p);

    const raw = await chain.api.rpc.state.call('DelegateInfoRuntimeApi_get_delegate', u8aToHex(compactAddLength(decodeAddress(hotkey))), record.blockHash);
    // The answer is a SCALE Vec<u8> holding `DelegateInfo.encode()` (no Option tag: a non-delegate gets an empty vector).
    const [, inner] = compactStripLength(raw.toU8a(true));
    const info = chain.api.createType('(AccountId32, Compact<u16>, Vec<(AccountId32, Compact<u64>)>, AccountId32, Vec<Compact<u16>>, Vec<Compact<u16>>, Compact<u64>, Compact<u64>)', inner);
    expect(info.encodedLength).toBe(inner.length);
    const reported = new Map((info as unknown as [unknown, unknown, Array<[{ toString(): string }, { toString(): string }]>])[2].map(([ck, v]) => [ck.toString(), BigInt(v.toString())]));
    expect(reported).toEqual(new Map([[k.n3.address, tao(25)], [k.n4.address, 7_777_777_777n]]));

    expect(record.era).toBe('legacy');
    expect(new Map(record.nominators.map((n) => [n.coldkey, n.stake]))).toEqual(reported);
    // The snapshot was checked against the runtime's own view, which ValTrac now decodes (no fallback note).
    expect(output).not.toMatch(/get_delegate failed/);
    const own = (await readLegacyDelegateInfo(await chain.api.at(record.blockHash), hotkey))!;
    expect(own.stake).toEqual(new Map([[k.n3.address, new Map([[0, tao(25)]])], [k.n4.address, new Map([[0, 7_777_777_777n]])]]));
    figures.push(`spec 218: get_delegate reports ${[...reported].map(([c, v]) => `${c.slice(0, 6)}… ${v}`).join(', ')} RAO; the Stake map adds up to ${record.totalStake} RAO, the same`);
    expect(record.totalStake).toBe(tao(25) + 7_777_777_777n);
  });
});
