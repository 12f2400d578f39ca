/**
 * The node misbehaving, through the real CLI against the test chain (real protocol, real metadata): clear messages,
 * no partial write, and the next run resumes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { freePort } from '../../src/util/freePort.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TestChain, type MetadataName } from '../chain/testChain.js';
import { address, baseWorkbook, copyFolder, readSheet, tempDir, treeDigest, valtrac } from './helpers.js';
import { listRecords } from '../../src/workbook/records.js';

const chains: TestChain[] = [];
let base: string;
const hotkey = address(900);
const owner = address(901);


async function chain(metadata: MetadataName = 'devnet-346', extra: { port?: number; genesisOf?: MetadataName } = {}): Promise<TestChain> {
  const c = await TestChain.start({ metadata, finalityLag: 1, ...extra });
  chains.push(c);
  c.seedValidator({
    hotkey,
    owner,
    takePpm: 180_000n,
    subnets: [{ netuid: 1, subnetTao: 10n ** 13n, subnetAlphaIn: 10n ** 14n }],
    stakes: [
      { coldkey: address(1), netuid: 0, alpha: 5n * 10n ** 9n },
      { coldkey: address(2), netuid: 1, alpha: 7n * 10n ** 10n },
      { coldkey: owner, netuid: 0, alpha: 10n ** 9n },
    ],
    emissionPerBlock: 10n ** 6n,
  });
  await c.produceBlocks(3);
  return c;
}

const folders: string[] = [];

function folder(): { dir: string; workbook: string } {
  const dir = copyFolder(base);
  folders.push(dir);
  return { dir, workbook: path.join(dir, 'valtrac.xlsx') };
}

const noStack = /\n\s+at .+:\d+:\d+/;

beforeAll(async () => {
  base = tempDir();
  await baseWorkbook(base, hotkey);
}, 180_000);

afterEach(async () => {
  while (chains.length) await chains.pop()!.close().catch(() => undefined);
});

afterAll(() => {
  for (const dir of [base, ...folders]) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the node', () => {
  it('down at start: gives up with what to check, writes nothing', async () => {
    const { dir, workbook } = folder();
    const before = treeDigest(dir);
    const port = await freePort();
    const r = await valtrac(['snapshot', '--once', '--network', `ws://127.0.0.1:${port}`, '--connect-timeout', '2', '--workbook', workbook], { cwd: dir });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(new RegExp(`cannot reach the subtensor node at ws://127.0.0.1:${port}.*running`, 's'));
    expect(r.stderr).not.toMatch(noStack);
    expect(treeDigest(dir)).toEqual(before);
  });

  it('a hotkey with no stake: named, nothing written', async () => {
    const c = await chain();
    const { dir, workbook } = folder();
    const before = treeDigest(dir);
    const stranger = address(555);
    const r = await valtrac(['snapshot', '--once', '--network', c.url, '--hotkey', stranger, '--workbook', workbook], { cwd: dir });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(new RegExp(`${stranger}.*not a delegate`, 's'));
    expect(r.stderr).not.toMatch(noStack);
    expect(treeDigest(dir)).toEqual(before);
  });

  it('lost mid-run: the snapshotter exits cleanly, leaves no half-written file, and the next run resumes without duplicates', async () => {
    const port = await freePort();
    const c = await chain('devnet-346', { port });
    const { dir, workbook } = folder();
    const first = await valtrac(['snapshot', '--once', '--network', c.url, '--interval', '1', '--workbook', workbook], { cwd: dir });
    expect(first.code, first.stderr).toBe(0);
    // A follower that loses its node while blocks keep coming.
    const follower = valtrac(['snapshot', '--network', c.url, '--interval', '1', '--connect-timeout', '3', '--workbook', workbook], { cwd: dir, timeoutMs: 120_000 });
    for (let i = 0; i < 10; i++) {
      await c.produceBlocks(1);
      await sleep(300);
    }
    c.dropConnections();
    await c.close();
    chains.pop();
    const lost = await follower;
    expect(lost.code).not.toBe(0);
    expect(lost.stderr).toMatch(/lost the connection|cannot reach/);
    expect(lost.stderr).not.toMatch(noStack);
    const leftovers = fs.readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.tmp') || f.includes('write.lock'));
    expect(leftovers).toEqual([]);

    const records = await listRecords(path.join(dir, 'snapshots'));
    const rows = (await readSheet(workbook, 'Snapshots')).slice(2).filter((r) => r[0]);
    expect(records.length).toBeGreaterThan(0);
    expect(rows.map((r) => Number(r[0])).sort((a, b) => a - b)).toEqual([...records].sort((a, b) => a - b));
    expect(new Set(rows.map((r) => r[0])).size).toBe(rows.length);

    // The node comes back (same chain, same URL): the next run records again, nothing twice.
    const back = await chain('devnet-346', { port });
    await back.produceBlocks(c.bestNumber() + 3);
    const resumed = await valtrac(['snapshot', '--once', '--network', back.url, '--interval', '1', '--workbook', workbook], { cwd: dir });
    expect(resumed.code, resumed.stderr).toBe(0);
    const after = (await readSheet(workbook, 'Snapshots')).slice(2).filter((r) => r[0]).map((r) => Number(r[0]));
    expect(after).toHaveLength(rows.length + 1);
    expect(new Set(after).size).toBe(after.length);
  }, 240_000);

  it("a person saves an older copy over ValTrac's appended rows: the next snapshot run restores them, none lost", async () => {
    const c = await chain();
    // With the record of ValTrac's writes the store re-applies the rows itself; without it (a copy older than its
    // month, or the folder copied without its dot-files) the snapshotter restores them from the lossless records.
    for (const [recordGone, said] of [
      [false, /older copy of the workbook .* re-applied: 1 Snapshots row \(block \d+\); 1 Snapshots row \(block \d+\)\./],
      [true, /restored 2 Snapshots row/],
    ] as const) {
      const { dir, workbook } = folder();
      const run = () => valtrac(['snapshot', '--once', '--network', c.url, '--interval', '1', '--workbook', workbook], { cwd: dir });
      expect((await run()).code).toBe(0);
      const older = fs.readFileSync(workbook);
      for (let i = 0; i < 2; i++) {
        await c.produceBlocks(2);
        expect((await run()).code).toBe(0);
      }
      const recorded = (await readSheet(workbook, 'Snapshots')).slice(2).filter((r) => r[0]).map((r) => r[0]);
      expect(recorded).toHaveLength(3);
      // The person's editor saves the copy they opened before the last two snapshots (write elsewhere, rename over).
      fs.writeFileSync(`${workbook}.person`, older);
      fs.renameSync(`${workbook}.person`, workbook);
      if (recordGone) fs.rmSync(path.join(dir, '.valtrac-writes.jsonl'));
      expect((await readSheet(workbook, 'Snapshots')).slice(2).filter((r) => r[0])).toHaveLength(1);

      await c.produceBlocks(2);
      const next = await run();
      expect(next.code, next.stderr).toBe(0);
      expect(next.stdout).toMatch(said);
      const rows = (await readSheet(workbook, 'Snapshots')).slice(2).filter((r) => r[0]).map((r) => r[0]);
      expect(rows).toEqual(expect.arrayContaining(recorded));
      expect(rows).toHaveLength(4);
    }
  }, 300_000);

  it('a runtime upgrade between snapshots (same chain, newer metadata): both recorded, nothing lost', async () => {
    const port = await freePort();
    const old = await chain('devnet-346', { port });
    const genesis = old.genesisHash;
    const { dir, workbook } = folder();
    const url = `ws://127.0.0.1:${port}`;
    const before = await valtrac(['snapshot', '--once', '--network', url, '--interval', '1', '--workbook', workbook], { cwd: dir });
    expect(before.code, before.stderr).toBe(0);
    const head = old.bestNumber();
    await old.close();
    chains.pop();

    const upgraded = await chain('devnet-381', { port, genesisOf: 'devnet-346' });
    expect(upgraded.genesisHash).toBe(genesis);
    await upgraded.produceBlocks(head + 3);
    const after = await valtrac(['snapshot', '--once', '--network', url, '--interval', '1', '--workbook', workbook], { cwd: dir });
    expect(after.code, after.stderr).toBe(0);
    const rows = (await readSheet(workbook, 'Snapshots')).slice(2).filter((r) => r[0]);
    expect(rows).toHaveLength(2);
    expect(Number(rows[1]![0])).toBeGreaterThan(Number(rows[0]![0]));
    expect(await listRecords(path.join(dir, 'snapshots'))).toEqual(rows.map((r) => Number(r[0])));
  }, 180_000);

  it('the wrong network: a node that is another chain than the recorded snapshots is refused, nothing written', async () => {
    const first = await chain('devnet-346');
    const { dir, workbook } = folder();
    const r1 = await valtrac(['snapshot', '--once', '--network', first.url, '--interval', '1', '--workbook', workbook], { cwd: dir });
    expect(r1.code, r1.stderr).toBe(0);
    const other = await chain('devnet-381');
    expect(other.genesisHash).not.toBe(first.genesisHash);
    await other.produceBlocks(first.bestNumber() + 3);
    const before = treeDigest(dir);
    const r2 = await valtrac(['snapshot', '--once', '--network', other.url, '--interval', '1', '--workbook', workbook], { cwd: dir });
    expect(r2.code).not.toBe(0);
    expect(r2.stderr).toMatch(/different chain|genesis/i);
    expect(r2.stderr).not.toMatch(noStack);
    expect(treeDigest(dir)).toEqual(before);
  }, 180_000);

  it('a node on another SS58 format than Bittensor (42) is refused before anything is read', async () => {
    // The test chain serves the metadata's own SS58 prefix (42): point the snapshotter at a non-subtensor answer instead.
    const port = await freePort();
    const { WebSocketServer } = await import('ws');
    const wss = new WebSocketServer({ host: '127.0.0.1', port });
    wss.on('connection', (ws) => ws.on('message', (m) => ws.send(JSON.stringify({ jsonrpc: '2.0', id: JSON.parse(String(m)).id, error: { code: -32601, message: 'Method not found' } }))));
    try {
      const { dir, workbook } = folder();
      const before = treeDigest(dir);
      const r = await valtrac(['snapshot', '--once', '--network', `ws://127.0.0.1:${port}`, '--connect-timeout', '2', '--workbook', workbook], { cwd: dir });
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/not a usable subtensor node/);
      expect(r.stderr).not.toMatch(noStack);
      expect(treeDigest(dir)).toEqual(before);
    } finally {
      await new Promise((resolve) => wss.close(resolve));
    }
  });
});
