import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { csvCell, parseCsv } from '../src/domain/csv.js';
import { estimateBlockTime, fileSlug, usdCents } from '../src/domain/statement.js';
import { DEFAULT_SETTINGS } from '../src/domain/settings.js';
import { parseTao } from '../src/domain/tao.js';
import type { PayoutRow } from '../src/domain/types.js';
import { writeStatements } from '../src/commands/statements.js';
import { archivePaidPeriods, listArchives } from '../src/workbook/archive.js';
import { createWorkbook } from '../src/workbook/layout.js';
import { WorkbookStore } from '../src/workbook/store.js';
import * as seed from './fixtures/seed.js';
import { inspectPage } from './helpers/chromium.js';
import { tempDir } from './helpers.js';

const TAO = 1_000_000_000n;
const SCRIPT = '<script>alert("x")</script>';
const FORMULA = "=cmd|' /C calc'!A0";
const HASH = (n: number) => `0x${n.toString(16).padStart(64, '0')}`;
const PAID_AT = new Date(Date.UTC(2026, 0, 5, 7, 30, 12));

function paid(p: Partial<PayoutRow> & Pick<PayoutRow, 'user' | 'amount'>): PayoutRow {
  return {
    planId: 'P1900-aaaaaaaa',
    status: 'paid',
    fromBlock: 1000,
    toBlock: 1900,
    pool: 40_000_000n,
    address: seed.ADDR.alice,
    basePpb: 0n,
    taxPaid: 0n,
    taxReceived: 0n,
    batch: 1,
    extrinsicHash: HASH(0xe1),
    blockNumber: 2050,
    blockHash: HASH(2050),
    note: '',
    delivered: null,
    ...p,
  };
}

/** Two paid plans: the first with the block's time and a USD price (412.37), the second paid before ValTrac recorded them. */
const rows: PayoutRow[] = [
  paid({ user: 'alice', basePpb: 600_000_000n, amount: 25_200_000n, taxReceived: 1_200_000n, paidAt: PAID_AT, usdPrice: 412_370_000_000n }),
  paid({ user: SCRIPT, address: seed.ADDR.bob, basePpb: 300_000_000n, amount: 10_800_000n, taxPaid: 1_200_000n, paidAt: PAID_AT, usdPrice: 412_370_000_000n }),
  paid({ user: FORMULA, address: seed.ADDR.carol, basePpb: 0n, amount: 0n, paidAt: PAID_AT, usdPrice: 412_370_000_000n }),
  ...[
    { user: 'alice', basePpb: 500_000_000n, amount: 1_234_567_891n, taxReceived: 375_000n },
    { user: SCRIPT, address: seed.ADDR.bob, basePpb: 250_000_000n, amount: 4_500_000n, taxPaid: 375_000n },
    { user: FORMULA, address: seed.ADDR.carol, basePpb: 150_000_000n, amount: 1_125_000n, note: 'includes 0.000000013 TAO carried from plan P1900-aaaaaaaa' },
  ].map((p) => paid({ ...p, planId: 'P3100-bbbbbbbb', fromBlock: 2200, toBlock: 3100, pool: 2_000_000_000n, batch: 1, extrinsicHash: HASH(0xe2), blockNumber: 3250, blockHash: HASH(3250) })),
];

async function programWithArchive(): Promise<string> {
  const workbook = path.join(tempDir('statements'), 'valtrac.xlsx');
  const store = new WorkbookStore(workbook);
  await store.create(createWorkbook({ ...DEFAULT_SETTINGS, network: 'finney' }), false);
  await store.apply({ kind: 'appendSnapshots', rows: seed.snapshots });
  // names no Users sheet would take still reach Payouts rows (archived years ago, or edited by hand)
  await store.apply({ kind: 'addReferral', referrer: 'alice', referee: SCRIPT, taxPpm: '100000' });
  await store.apply({ kind: 'replacePlan', rows });
  // both plans are paid: the first one moves to workbook/archive/ and leaves the workbook
  await archivePaidPeriods(store, await store.read());
  expect((await listArchives(workbook)).map((a) => a.planId)).toEqual(['P1900-aaaaaaaa', 'P3100-bbbbbbbb']);
  expect((await store.read()).payouts.map((r) => r.planId)).not.toContain('P1900-aaaaaaaa');
  return workbook;
}

describe('valtrac statements', () => {
  test('one page per user per paid period and a CSV per user per year, equal to the Payouts rows to the RAO', async () => {
    const workbook = await programWithArchive();
    const written = await writeStatements(workbook, {}, new Date(Date.UTC(2026, 1, 1)));
    const dir = path.join(path.dirname(workbook), 'statements');
    // carol's zero row of the first plan has no statement
    expect(written.pages).toHaveLength(5);
    expect(written.csvs).toHaveLength(3);
    for (const file of [...written.pages, ...written.csvs]) expect(path.relative(dir, file).startsWith('..')).toBe(false);
    expect(written.pages.map((f) => path.relative(dir, f)).sort()).toEqual(
      [
        'alice/2026/P1900-aaaaaaaa.html',
        'alice/2026/P3100-bbbbbbbb.html',
        `${fileSlug(SCRIPT)}/2026/P1900-aaaaaaaa.html`,
        `${fileSlug(SCRIPT)}/2026/P3100-bbbbbbbb.html`,
        `${fileSlug(FORMULA)}/2026/P3100-bbbbbbbb.html`,
      ].sort(),
    );

    for (const row of rows.filter((r) => r.amount > 0n)) {
      const html = await readFile(path.join(dir, fileSlug(row.user), '2026', `${row.planId}.html`), 'utf8');
      const amount = /<span class="amount-tao">([\d.]+) TAO<\/span>/.exec(html)?.[1];
      expect(parseTao(amount!), `${row.user} ${row.planId}`).toBe(row.amount);
      expect(html).toContain(row.extrinsicHash!);
      // a public explorer anyone can open (TaoStats, the default for finney), never a node URL
      expect(html).toContain(`<a href="https://taostats.io/block/${row.blockNumber}">${row.blockNumber}</a>`);
      expect(html).not.toContain('rpc=');
      // user text is escaped everywhere: no tag of it survives
      expect(html).not.toContain('<script');
      expect(html).not.toContain('alert("x")');
    }
    const alice1 = await readFile(path.join(dir, 'alice', '2026', 'P1900-aaaaaaaa.html'), 'utf8');
    expect(alice1).toContain('Stake share (base %)</th><td class="num">60.0000 %');
    expect(alice1).toContain('0.001200000 TAO<br>from &#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; 0.001200000 TAO (10 %)');
    // 0.0252 TAO at 412.37 USD = 10.391724 USD
    expect(alice1).toContain('10.39 USD (at 412.37 USD per TAO)');
    expect(alice1).toContain('2026-01-05 07:30:12 UTC</td>');
    const script2 = await readFile(path.join(dir, fileSlug(SCRIPT), '2026', 'P3100-bbbbbbbb.html'), 'utf8');
    expect(script2).toContain('0.000375000 TAO to alice (10 % of the base share)');
    // no time recorded for the second plan: 150 blocks after the snapshot of block 3100 at 12 s a block
    expect(script2).toContain('2026-01-05 07:30:00 UTC (estimated from the snapshots around the block)');
    expect(script2).not.toContain('USD');

    const csv = parseCsv(await readFile(path.join(dir, 'alice', 'alice-2026.csv'), 'utf8'));
    expect(csv.error).toBeNull();
    expect(csv.records[0]!.cells).toEqual(['Date', 'Sent Amount', 'Sent Currency', 'Received Amount', 'Received Currency', 'Fee Amount', 'Fee Currency', 'Net Worth Amount', 'Net Worth Currency', 'Label', 'Description', 'TxHash']);
    expect(csv.records.slice(1).map((r) => r.cells)).toEqual([
      ['2026-01-05 07:30:12 UTC', '', '', '0.025200000', 'TAO', '', '', '10.39', 'USD', 'reward', 'Validator referral rewards to alice, plan P1900-aaaaaaaa (blocks 1000-1900)', HASH(0xe1)],
      ['2026-01-05 07:30:00 UTC', '', '', '1.234567891', 'TAO', '', '', '', '', 'reward', 'Validator referral rewards to alice, plan P3100-bbbbbbbb (blocks 2200-3100)', HASH(0xe2)],
    ]);
    // every CSV: amounts equal the rows, and no cell a spreadsheet would run as a formula
    for (const file of written.csvs) {
      const text = await readFile(file, 'utf8');
      const records = parseCsv(text).records.slice(1);
      for (const record of records) {
        const row = rows.find((r) => r.extrinsicHash === record.cells[11] && record.cells[10]!.includes(`rewards to ${r.user},`))!;
        expect(parseTao(record.cells[3]!)).toBe(row.amount);
        for (const cell of record.cells) expect(cell).not.toMatch(/^[=+\-@]/);
      }
    }
  });

  test('--plan, --year and --user choose; a year CSV always holds the whole year', async () => {
    const workbook = await programWithArchive();
    const one = await writeStatements(workbook, { plan: 'P3100-bbbbbbbb', user: 'ALICE' });
    expect(one.pages.map((f) => path.basename(f))).toEqual(['P3100-bbbbbbbb.html']);
    expect(parseCsv(await readFile(one.csvs[0]!, 'utf8')).records).toHaveLength(3);
    expect((await writeStatements(workbook, { year: 2025 })).pages).toEqual([]);
    await expect(writeStatements(workbook, { plan: 'P1-nothere' })).rejects.toThrow('--plan: there is no paid plan "P1-nothere" in Payouts or workbook/archive/');
    await expect(writeStatements(workbook, { user: 'mallory' })).rejects.toThrow('--user: nobody named "mallory" has been paid');
    await expect(writeStatements(workbook, { year: 26 })).rejects.toThrow('--year must be a year such as 2026, not 26');
  });

  test('a statement prints on one page in headless Chromium', async () => {
    const workbook = await programWithArchive();
    const { pages } = await writeStatements(workbook, { plan: 'P1900-aaaaaaaa', user: 'alice' });
    const { value, screenshot } = await inspectPage<{ title: string; scripts: number; height: number }>(
      pages[0]!,
      '({ title: document.title, scripts: document.scripts.length, height: document.documentElement.scrollHeight })',
      800,
    );
    expect(value.title).toBe('Payout statement: alice, plan P1900-aaaaaaaa');
    expect(value.scripts).toBe(0);
    // an A4 page is about 1,120 CSS pixels high at 96 dpi
    expect(value.height).toBeLessThan(1_120);
    if (process.env.VALTRAC_SCREENSHOT_DIR) await import('node:fs/promises').then((fs) => fs.writeFile(path.join(process.env.VALTRAC_SCREENSHOT_DIR!, 'statement.png'), screenshot));
  }, 120_000);
});

describe('the parts of a statement', () => {
  test('USD cents, rounded half up', () => {
    expect(usdCents(25_200_000n, 412_370_000_000n)).toBe(1039n);
    expect(usdCents(1_234_567_891n, 500_000_000n)).toBe(62n);
    expect(usdCents(10_000_000n, 500_000_000n)).toBe(1n); // 0.005 USD
    expect(usdCents(9_999_999n, 500_000_000n)).toBe(0n);
    expect(usdCents(21_000_000n * TAO, 1_000_000n * TAO)).toBe(2_100_000_000_000_000n);
  });

  test('a block time between snapshots, and beyond them at 12 s a block', () => {
    const t = (block: number) => estimateBlockTime(block, seed.snapshots)!.toISOString();
    expect(t(1000)).toBe('2026-01-05T00:00:00.000Z');
    expect(t(1150)).toBe('2026-01-05T00:30:00.000Z');
    expect(t(3250)).toBe('2026-01-05T07:30:00.000Z');
    expect(estimateBlockTime(5, [])).toBeNull();
  });

  test('file names: safe names are kept, anything else gets a hash of the original', () => {
    expect(fileSlug('alice')).toBe('alice');
    expect(fileSlug('P599-91e2f77e')).toBe('P599-91e2f77e');
    expect(fileSlug('../../etc/passwd')).toMatch(/^etc_passwd-[0-9a-f]{8}$/);
    expect(fileSlug('a/b')).not.toBe(fileSlug('a_b'));
    expect(fileSlug(SCRIPT)).toMatch(/^script_alert_x_script_-[0-9a-f]{8}$/);
  });

  test.each([
    [FORMULA, `'${FORMULA}`],
    ['@SUM(1+1)', "'@SUM(1+1)"],
    ['+1', "'+1"],
    ['-2+3', "'-2+3"],
    ['\t=1', "'\t=1"],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['=x,"y"', `"'=x,""y"""`],
    ['0.025200000', '0.025200000'],
  ])('CSV cell %j', (value, written) => {
    expect(csvCell(value)).toBe(written);
  });
});
