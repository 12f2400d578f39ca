import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/domain/csv.js';
import { usdCents, formatCents } from '../../src/domain/statement.js';
import { parseTao } from '../../src/domain/tao.js';
import { listArchives, readArchive } from '../../src/workbook/archive.js';
import { downUrl, json, LocalHttpServer, type Received } from '../helpers/httpServer.js';
import { ok, planRows, setUpProgram, tearDown, TAO, type Setup } from './harness.js';

// A real plan and confirm on the test chain with the optional services on: a local server answers the TAO/USD price
// in CoinGecko's simple/price format and takes the webhook's posts as Discord does. Then both go away, and paying
// must go on regardless.
let s: Setup;
let server: LocalHttpServer;
const w = () => ['--workbook', s.workbook];
const hooks = () => server.received.filter((r: Received) => r.method === 'POST').map((r) => JSON.parse(r.body) as { content: string; text: string });

beforeAll(async () => {
  s = await setUpProgram('notify');
  server = await LocalHttpServer.start((request, res) => {
    if (request.method === 'GET') return json(res, 200, { bittensor: { usd: 412.37 } });
    res.statusCode = 204;
    res.end();
  });
  await s.store.apply({
    kind: 'setSettings',
    settings: { priceUrl: server.url('/api/v3/simple/price?ids=bittensor&vs_currencies=usd'), pricePath: 'bittensor.usd', webhookUrl: server.url('/api/webhooks/1/TOKEN') },
  });
}, 600_000);
afterAll(async () => {
  await server?.close();
  await tearDown(s);
});

describe('the price source and the webhook around a real payout', { timeout: 400_000 }, () => {
  it('plan tells the webhook the plan is ready; confirm records the price and the block time with each paid row and tells it paid', async () => {
    await ok(['plan', ...w(), '--pool', '10']);
    const plan = await planRows(s);
    const planId = plan[0]!.planId;
    expect(hooks().map((h) => h.content)).toEqual([expect.stringMatching(new RegExp(`^ValTrac: plan ${planId} is ready \\(snapshots 299–599\\): 3 payment\\(s\\), `))]);

    s.chain.resumeProduction();
    const result = await ok(['confirm', ...w(), '--yes'], s.env);
    s.chain.pauseProduction();
    expect(result.stderr).not.toContain('USD price not recorded');
    const paid = (await s.store.read()).payouts.filter((r) => r.planId === planId && r.status === 'paid');
    expect(paid).toHaveLength(3);
    const total = paid.reduce((a, r) => a + r.amount, 0n);
    expect(hooks().at(-1)!.content).toBe(`ValTrac: plan ${planId} is paid: ${(Number(total) / 1e9).toFixed(9)} TAO to 3 user(s).`);
    for (const row of paid) {
      expect(row.usdPrice).toBe(412_370_000_000n);
      // the paying block's own Timestamp.Now on the chain
      const now = s.chain.storage('Timestamp', 'Now', [], row.blockNumber!);
      expect(row.paidAt!.getTime()).toBe(Number((now as unknown as { toBigInt(): bigint }).toBigInt()));
    }
    // the price was asked once, by confirm
    expect(server.received.filter((r) => r.method === 'GET')).toHaveLength(1);
    // what survives the archive: the paid period's file carries both columns
    const archives = await listArchives(s.workbook);
    expect(archives.map((a) => a.planId)).toEqual([planId]);
    const archived = (await readArchive(archives[0]!.file)).payouts.filter((r) => r.status === 'paid');
    expect(archived.map((r) => [r.user, r.usdPrice, r.paidAt?.toISOString()])).toEqual(paid.map((r) => [r.user, r.usdPrice, r.paidAt?.toISOString()]));
    // no secret in anything the webhook received
    for (const r of server.received) expect(r.body + r.path).not.toContain(s.keys.payerUri);

    // statements: the CSV's amounts are the Payouts rows to the RAO, valued at the recorded price
    await ok(['statements', ...w()]);
    const year = String(paid[0]!.paidAt!.getUTCFullYear());
    for (const row of paid) {
      const csv = parseCsv(fs.readFileSync(path.join(s.dir, 'statements', row.user, `${row.user}-${year}.csv`), 'utf8')).records.slice(1);
      expect(csv).toHaveLength(1);
      expect(parseTao(csv[0]!.cells[3]!)).toBe(row.amount);
      expect(csv[0]!.cells[7]).toBe(formatCents(usdCents(row.amount, 412_370_000_000n)));
      expect(csv[0]!.cells[11]).toBe(row.extrinsicHash);
      const page = fs.readFileSync(path.join(s.dir, 'statements', row.user, year, `${planId}.html`), 'utf8');
      expect(page).toContain(`<span class="amount-tao">${csv[0]!.cells[3]} TAO</span>`);
    }
  });

  it('the snapshotter tells once when the payout coldkey cannot cover what a plan made now would send', async () => {
    s.chain.setFreeBalance(s.keys.payer, 1_000n);
    await s.chain.produceBlocks(300);
    const before = hooks().length;
    await ok(['snapshot', '--once', ...w()]);
    await expect.poll(() => hooks().length).toBe(before + 1);
    expect(hooks().at(-1)!.content).toMatch(
      new RegExp(`^ValTrac: the payout coldkey ${s.keys.payer} has 0\\.000001000 TAO free, less than the next plan would send now \\([\\d.]+ TAO\\)\\. Top it up before confirm\\.$`),
    );
    await s.chain.produceBlocks(300);
    await ok(['snapshot', '--once', ...w()]);
    // still low: not told again
    expect(hooks()).toHaveLength(before + 1);
    s.chain.setFreeBalance(s.keys.payer, 1_000n * TAO);
  });

  it('with the price source and the webhook both down, the next period is still planned and paid', async () => {
    const down = await downUrl('/gone');
    await s.store.apply({ kind: 'setSettings', settings: { priceUrl: down, webhookUrl: down } });
    await s.chain.produceBlocks(300);
    await ok(['snapshot', '--once', ...w()]);
    const planned = await ok(['plan', ...w(), '--pool', '5']);
    expect(planned.stderr).toMatch(/webhook 127\.0\.0\.1:\d+: still not delivered after 10 s; giving up as the command ends/);
    const rows = (await planRows(s)).filter((r) => r.status === 'planned');
    const before = new Map(rows.map((r) => [r.address, s.chain.freeBalance(r.address)]));
    s.chain.resumeProduction();
    const result = await ok(['confirm', ...w(), '--yes'], s.env);
    s.chain.pauseProduction();
    expect(result.stdout).toContain('is paid');
    expect(result.stderr).toMatch(/USD price not recorded: the price source 127\.0\.0\.1:\d+ it cannot be reached \(ECONNREFUSED\); the payout goes on without it\./);
    for (const r of rows) expect(s.chain.freeBalance(r.address) - before.get(r.address)!).toBe(r.amount);
    const paid = (await s.store.read()).payouts.filter((r) => r.planId === rows[0]!.planId);
    for (const r of paid.filter((p) => p.status === 'paid')) {
      expect(r.usdPrice).toBeUndefined();
      expect(r.paidAt).toBeInstanceOf(Date);
    }
  });
});
