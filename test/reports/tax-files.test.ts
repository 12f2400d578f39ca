import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseCsv } from '../../src/domain/csv.js';
import { deliveredAssets } from '../../src/domain/delivered.js';
import { moneyHistory } from '../../src/domain/money.js';
import { DEFAULT_SETTINGS } from '../../src/domain/settings.js';
import { parseTao } from '../../src/domain/tao.js';
import type { PayoutRow } from '../../src/domain/types.js';
import { writeStatements } from '../../src/commands/statements.js';
import { COINTRACKER_HEADER, cointrackerDate, KOINLY_HEADER } from '../../src/statements/taxFiles.js';
import { createWorkbook } from '../../src/workbook/layout.js';
import { SendLog } from '../../src/workbook/sendLog.js';
import { WorkbookStore } from '../../src/workbook/store.js';
import * as seed from '../fixtures/seed.js';
import { tempDir } from '../helpers.js';

const HASH = (n: number) => `0x${n.toString(16).padStart(64, '0')}`;
const T = (text: string) => parseTao(text)!;
const HOTKEY = seed.settings.hotkey!;

function paid(p: Partial<PayoutRow> & Pick<PayoutRow, 'planId' | 'toBlock' | 'user' | 'amount' | 'pool'>): PayoutRow {
  return {
    status: 'paid',
    fromBlock: p.toBlock - 600,
    address: seed.ADDR.alice,
    basePpb: 0n,
    taxPaid: 0n,
    taxReceived: 0n,
    batch: 1,
    extrinsicHash: HASH(p.toBlock),
    blockNumber: p.toBlock + 10,
    blockHash: HASH(p.toBlock + 10),
    note: '',
    delivered: null,
    ...p,
  };
}

// The history of issue 22 on spec 300: two TAO payouts, one --as-stake payout that arrived 0.004395061 TAO short on
// subnet 1 (root arrived whole), then the next plan paid that shortfall as a carry.
const P3_POOL = T('25.192763394');
const history: PayoutRow[] = [
  paid({ planId: 'P1900-a', toBlock: 1900, user: 'alice', amount: T('5'), pool: T('10'), paidAt: new Date(Date.UTC(2026, 0, 5)) }),
  paid({ planId: 'P2500-b', toBlock: 2500, user: 'alice', amount: T('6'), pool: T('12'), paidAt: new Date(Date.UTC(2026, 1, 5)) }),
  paid({ planId: 'P3100-c', toBlock: 3100, user: 'alice', amount: T('12.111269351'), delivered: T('12.106874290'), pool: P3_POOL, paidAt: new Date(Date.UTC(2026, 2, 1, 12)), usdPrice: T('400') }),
  paid({ planId: 'P3100-c', toBlock: 3100, user: 'bob', address: seed.ADDR.bob, amount: T('0.890517698'), pool: P3_POOL, paidAt: new Date(Date.UTC(2026, 2, 1, 12)), usdPrice: T('400') }),
  paid({ planId: 'P3700-d', toBlock: 3700, user: 'alice', amount: T('4.200547098'), pool: T('9'), paidAt: new Date(Date.UTC(2026, 3, 1, 9, 5, 7)) }),
];

/** What confirm's send log holds for the stake payment: root part and subnet-1 part sent, and what each event showed. */
async function logStakePayment(workbook: string, withReceived: boolean): Promise<void> {
  const log = SendLog.beside(workbook);
  const at = '2026-03-01T12:00:00.000Z';
  log.append({
    type: 'sending', planId: 'P3100-c', batch: 1, users: ['alice', 'bob'], extrinsicHash: HASH(3100), hex: '0x00', nonce: 7, eraBirth: 3100, eraPeriod: 64, at,
    hotkey: HOTKEY,
    payments: [
      { user: 'alice', address: seed.ADDR.alice, amount: '12111269351', tao: '0', parts: [{ netuid: 0, tao: '6000000000', alpha: '6000000000' }, { netuid: 1, tao: '6111269351', alpha: '12222538702' }] },
      { user: 'bob', address: seed.ADDR.bob, amount: '890517698', tao: '890517698', parts: [] },
    ],
  });
  log.append({
    type: 'settled', planId: 'P3100-c', batch: 1, extrinsicHash: HASH(3100), outcome: 'paid', blockNumber: 3110, blockHash: HASH(3110), error: null, at,
    ...(withReceived ? { received: [{ user: 'alice', parts: [{ netuid: 0, alpha: '6000000000' }, { netuid: 1, alpha: '12213748580' }] }] } : {}),
  });
}

async function program(network = 'finney'): Promise<string> {
  const workbook = path.join(tempDir('tax-files'), 'valtrac.xlsx');
  const store = new WorkbookStore(workbook);
  await store.create(createWorkbook({ ...DEFAULT_SETTINGS, network, hotkey: HOTKEY }), false);
  await store.apply({ kind: 'appendSnapshots', rows: seed.snapshots });
  await store.apply({ kind: 'replacePlan', rows: history });
  await logStakePayment(workbook, true);
  return workbook;
}

const cells = async (file: string) => parseCsv(await readFile(file, 'utf8')).records.map((r) => r.cells);

describe('tax files from what was delivered (issue 22, point 1)', () => {
  test("alice's Koinly CSV: the delivered amounts, the subnet-1 part as SN1 alpha, totalling what the chain delivered", async () => {
    const workbook = await program();
    const { csvs } = await writeStatements(workbook, { user: 'alice', year: 2026 });
    const [header, ...lines] = await cells(csvs[0]!);
    expect(header).toEqual([...KOINLY_HEADER]);
    expect(lines.map((l) => [l[0], l[3], l[4], l[7], l[8], l[9]])).toEqual([
      ['2026-01-05 00:00:00 UTC', '5.000000000', 'TAO', '', '', 'reward'],
      ['2026-02-05 00:00:00 UTC', '6.000000000', 'TAO', '', '', 'reward'],
      // root stake is TAO; 6 TAO at 400 USD
      ['2026-03-01 12:00:00 UTC', '6.000000000', 'TAO', '2400.00', 'USD', 'reward'],
      // 12.213748580 alpha arrived of 12.222538702 sent, worth 6.106874290 TAO: 2442.749716 USD
      ['2026-03-01 12:00:00 UTC', '12.213748580', 'SN1', '2442.75', 'USD', 'reward'],
      // the carry is income when it is paid: here, once
      ['2026-04-01 09:05:07 UTC', '4.200547098', 'TAO', '', '', 'reward'],
    ]);
    expect(lines[3]![10]).toContain('worth 6.106874290 TAO when paid');
    expect(lines[4]![10]).toContain('includes 0.004395061 TAO owed from the previous plan');
    // TAO value of every line: TAO lines as they are, the SN1 line as its description says
    const taoValue = lines.reduce((sum, l) => sum + (l[4] === 'TAO' ? T(l[3]!) : T(/worth ([\d.]+) TAO/.exec(l[10]!)![1]!)), 0n);
    expect(taoValue).toBe(T('27.307421388'));
    expect(taoValue).not.toBe(T('27.311816449'));
  });

  test("CoinTracker's CSV: its eight columns, US dates in UTC, one line per asset", async () => {
    const workbook = await program();
    const { csvs } = await writeStatements(workbook, { user: 'alice', year: 2026, format: 'cointracker' });
    const [header, ...lines] = await cells(csvs[0]!);
    expect(header).toEqual([...COINTRACKER_HEADER]);
    expect(lines).toEqual([
      ['01/05/2026 00:00:00', '5.000000000', 'TAO', '', '', '', '', 'income'],
      ['02/05/2026 00:00:00', '6.000000000', 'TAO', '', '', '', '', 'income'],
      ['03/01/2026 12:00:00', '6.000000000', 'TAO', '', '', '', '', 'income'],
      ['03/01/2026 12:00:00', '12.213748580', 'SN1', '', '', '', '', 'income'],
      ['04/01/2026 09:05:07', '4.200547098', 'TAO', '', '', '', '', 'income'],
    ]);
  });

  test('the headers are the ones the tools document', () => {
    // Koinly, "How to create a custom CSV file with your data": the universal template's columns
    expect([...KOINLY_HEADER]).toEqual(['Date', 'Sent Amount', 'Sent Currency', 'Received Amount', 'Received Currency', 'Fee Amount', 'Fee Currency', 'Net Worth Amount', 'Net Worth Currency', 'Label', 'Description', 'TxHash']);
    // CoinTracker, "Convert your transaction history to CoinTracker CSV": columns A-H, the date as MM/DD/YYYY HH:MM:SS
    expect([...COINTRACKER_HEADER]).toEqual(['Date', 'Received Quantity', 'Received Currency', 'Sent Quantity', 'Sent Currency', 'Fee Amount', 'Fee Currency', 'Tag']);
    expect(cointrackerDate(new Date(Date.UTC(2026, 11, 31, 23, 59, 58)))).toBe('12/31/2026 23:59:58');
  });

  test('an older send log without the events per subnet: the shortfall is shared over the alpha parts, the total still holds', () => {
    const assets = deliveredAssets(history[2]!, {
      tao: 0n,
      parts: [{ netuid: 0, tao: T('6'), alpha: T('6') }, { netuid: 1, tao: T('6.111269351'), alpha: T('12.222538702') }],
      received: null,
    });
    expect(assets.map((a) => a.asset)).toEqual(['TAO', 'SN1']);
    const total = assets.reduce((s, a) => s + a.tao, 0n);
    expect(T('12.106874290') - total).toBeGreaterThanOrEqual(0n);
    expect(T('12.106874290') - total).toBeLessThan(3n);
  });
});

describe('the money in words and figures (one function for statements, stats and charts)', () => {
  test('pool, allocated to registered users, paid, kept by the owner, carried: paid + carried out = allocated + carried in', () => {
    const money = moneyHistory(history);
    const p3 = money.find((m) => m.planId === 'P3100-c')!;
    expect(p3).toMatchObject({ pool: P3_POOL, allocated: T('13.001787049'), keptByOwner: T('12.190976345'), paid: T('12.997391988'), carriedOut: T('0.004395061'), carriedIn: 0n });
    const p4 = money.find((m) => m.planId === 'P3700-d')!;
    expect(p4).toMatchObject({ carriedIn: T('0.004395061'), allocated: T('4.196152037'), paid: T('4.200547098'), keptByOwner: T('4.803847963') });
    for (const m of money) expect(m.paid + m.carriedOut).toBe(m.allocated + m.carriedIn);
  });

  test('a carry keyed by the name in another case is still the same user’s carry', () => {
    const renamed = history.map((r) => (r.planId === 'P3700-d' ? { ...r, user: 'Alice' } : r));
    expect(moneyHistory(renamed).find((m) => m.planId === 'P3700-d')).toMatchObject({ carriedIn: T('0.004395061'), allocated: T('4.196152037') });
  });
});

describe('statements a nominator can check (issue 22, point 2)', () => {
  test('the validator, the pool, what registered users got, the share without the carry and the carry apart, TaoStats links', async () => {
    const workbook = await program();
    const { pages } = await writeStatements(workbook, { user: 'alice' }, new Date(Date.UTC(2026, 4, 1)), );
    const p3 = await readFile(pages.find((p) => p.endsWith('P3100-c.html'))!, 'utf8');
    expect(p3).toContain(`<a href="https://taostats.io/account/${HOTKEY}"><code>${HOTKEY}</code></a>`);
    expect(p3).toContain('Pool (take accrued in the period)</th><td class="num">25.192763394 TAO');
    expect(p3).toContain('Allocated to registered users</th><td class="num">13.001787049 TAO');
    expect(p3).toContain('Kept by the validator owner</th><td class="num">12.190976345 TAO');
    expect(p3).not.toContain('Pool shared out');
    expect(p3).toContain('6.000000000 TAO + 12.213748580 SN1 alpha (worth 6.106874290 TAO); 0.004395061 TAO short, carried into the next plan');
    expect(p3).toContain('<a href="https://taostats.io/block/3110">3110</a>');
    expect(p3).not.toContain('polkadot.js');
    expect(p3).not.toContain('127.0.0.1');
    const p4 = await readFile(pages.find((p) => p.endsWith('P3700-d.html'))!, 'utf8');
    // 4.196152037 / 9 = 46.6239115 %: the share is of what was earned, the carry stands on its own line
    expect(p4).toContain('Share of the pool (earned ÷ pool)</th><td class="num">46.6239115 %');
    expect(p4).toContain('Earned this period</th><td class="num">4.196152037 TAO');
    expect(p4).toContain('Carried from the previous plan</th><td class="num">0.004395061 TAO');
  });

  test('with the identity name the page names the validator; a local node gets no explorer links, and none when Settings says none', async () => {
    const local = await program('local');
    const { pages } = await writeStatements(local, { user: 'alice', plan: 'P1900-a', validatorName: 'Tensor Friends' });
    const html = await readFile(pages[0]!, 'utf8');
    expect(html).toContain('Validator referral rewards from Tensor Friends');
    expect(html).toContain(`Tensor Friends<br><code>${HOTKEY}</code>`);
    expect(html).not.toContain('<a href');
    const finney = await program();
    await new WorkbookStore(finney).apply({ kind: 'setSettings', settings: { explorer: 'none' } });
    const none = await readFile((await writeStatements(finney, { user: 'alice', plan: 'P1900-a' })).pages[0]!, 'utf8');
    expect(none).not.toContain('<a href');
  });
});

describe('without a send log', () => {
  test('a row paid as TAO is one TAO line of what was delivered', async () => {
    const workbook = await program();
    await writeFile(SendLog.beside(workbook).path, '');
    const { csvs } = await writeStatements(workbook, { user: 'bob' });
    expect((await cells(csvs[0]!)).slice(1).map((l) => [l[3], l[4]])).toEqual([['0.890517698', 'TAO']]);
  });
});
