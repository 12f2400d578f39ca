import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { DEFAULT_SETTINGS } from '../src/domain/settings.js';
import { createWorkbook } from '../src/workbook/layout.js';
import { WorkbookStore } from '../src/workbook/store.js';
import { Terminal } from './helpers/tmux.js';

const CLI = path.resolve(import.meta.dirname, '../dist/cli.js');
const ALICE = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY';
const ALICE_TYPO = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQX';
const DAVE = '5DAAnrj7VHTznn2AWBemMuyBwZWs6FNFjdyVXUeYum3PTXFy';
const BOB = '5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty';

let terminal: Terminal | null = null;
afterEach(async () => {
  await terminal?.close();
  terminal = null;
});

test('in a real terminal: valtrac alone opens the menu; add users by hand, add a referral, exit', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'valtrac-menu-'));
  const workbook = path.join(dir, 'valtrac.xlsx');
  await new WorkbookStore(workbook).create(createWorkbook({ ...DEFAULT_SETTINGS }), false);

  terminal = new Terminal();
  await terminal.start(`'${process.execPath}' '${CLI}' --workbook '${workbook}'; echo "menu exited with $?"; sleep 600`);
  const t = terminal;
  const menu = async (n: number) => t.waitFor('Choose [1-8]:', n);

  await menu(1);
  await t.type('3');
  await t.waitFor('Add users [1-3]:');
  await t.type('2');
  await t.waitFor('Name: ');
  await t.type('alice');
  await t.waitFor('Address 1 (receives payouts): ');
  // A mistyped address is refused with the message the Users sheet would show, and asked again.
  await t.type(ALICE_TYPO);
  let screen = await t.waitFor('Address 1 (receives payouts): ', 2);
  expect(screen).toContain(`Users!B3: "${ALICE_TYPO}" fails the SS58 checksum`);
  await t.type(ALICE);
  await t.waitFor('Address 2 (Enter to finish): ');
  await t.type(DAVE);
  await t.waitFor('Address 3 (Enter to finish): ');
  await t.type('');
  screen = await menu(2);
  expect(screen).toContain(`Added 2 addresses for alice (written to ${workbook}).`);

  await t.type('3');
  await t.waitFor('Add users [1-3]:', 2);
  await t.type('2');
  await t.waitFor('Name: ', 2);
  await t.type('bob');
  await t.waitFor('Address 1 (receives payouts): ', 3);
  // alice's second key cannot be bob's too.
  await t.type(DAVE);
  screen = await t.waitFor('Address 1 (receives payouts): ', 4);
  expect(screen).toContain(`Users!B4: The address ${DAVE} also belongs to alice (C3); an address can belong to one user only.`);
  await t.type(BOB);
  await t.waitFor('Address 2 (Enter to finish): ', 2);
  await t.type('');
  await menu(3);

  await t.type('5');
  await t.waitFor('Referrer: ');
  await t.type('Alice');
  screen = await t.waitFor('Referrer: ', 2);
  expect(screen).toContain('Referrals!A3: The referrer "Alice" is not a user in Users.');
  await t.type('alice');
  await t.waitFor('Referee: ');
  await t.type('alice');
  screen = await t.waitFor('Referee: ', 2);
  expect(screen).toContain('Referrals!B3: alice refers themself.');
  await t.type('bob');
  await t.waitFor('Referral tax in percent (e.g. 15): ');
  await t.type('150');
  screen = await t.waitFor('Referral tax in percent (e.g. 15): ', 2);
  expect(screen).toContain('Referrals!C3: The tax 150% is outside 0 to 100%.');
  // 0.15 could be 15 % or 0.15 %: asked again with both readings, not taken as either.
  await t.type('0.15');
  screen = await t.waitFor('Referral tax in percent (e.g. 15): ', 3);
  expect(screen).toContain('The tax "0.15" could mean 15% or 0.15% (a hundred times less), so ValTrac does not guess.\n  Fix: For 15% type 15 or 15%; for 0.15% type 0.15%.');
  await t.type('12.5');
  screen = await menu(4);
  expect(screen).toContain(`alice now refers bob at 12.5% (written to ${workbook}).`);

  await t.type('8');
  screen = await t.waitFor('menu exited with 0');
  expect(screen).toContain('Go on! Get!!!');

  const data = await new WorkbookStore(workbook).read();
  expect(data.users.map((u) => [u.name, u.addresses])).toEqual([
    ['alice', [ALICE, DAVE]],
    ['bob', [BOB]],
  ]);
  expect(data.referrals.map((r) => [r.referrer, r.referee, r.taxPpm])).toEqual([['alice', 'bob', 125_000n]]);
  const { problems } = await new WorkbookStore(workbook).readWithProblems();
  expect(problems).toEqual([]);
}, 180_000);

test('in a real terminal: load a CSV, change and remove a referral, delete an address and a user, plan refused, render charts, Ctrl-D', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'valtrac-menu-'));
  const workbook = path.join(dir, 'valtrac.xlsx');
  await new WorkbookStore(workbook).create(createWorkbook({ ...DEFAULT_SETTINGS }), false);
  const csv = path.join(dir, 'users.csv');
  await writeFile(csv, `Name,Address1,Address2\nalice,${ALICE},${DAVE}\nbob,${BOB},\n`);

  terminal = new Terminal();
  await terminal.start(`'${process.execPath}' '${CLI}' menu --workbook '${workbook}'; echo "menu exited with $?"; sleep 600`);
  const t = terminal;
  const menu = (n: number) => t.waitFor('Choose [1-8]:', n);
  let screen: string;

  await menu(1);
  // 2 runs `valtrac plan` on this terminal; with no snapshot yet it refuses, and the menu comes back.
  await t.type('2');
  await t.waitFor('Pool in TAO (Enter: what the delegate stake accrued since the last payout): ');
  await t.type('');
  screen = await t.waitFor('No payout planned (see above).');
  expect(screen).toContain('no snapshots in the period');
  await menu(2);
  await t.type('3');
  screen = await t.waitFor('Add users [1-3]:');
  // After a sub-process the terminal echoes each key once (it used to print "Choose [1-8]: 33").
  expect(screen.split('\n').filter((l) => l.startsWith('Choose [1-8]:')).map((l) => l.trimEnd())).toEqual(['Choose [1-8]: 2', 'Choose [1-8]: 3']);
  await t.type('1');
  await t.waitFor('Path of the CSV file: ');
  await t.type(path.join(dir, 'missing.csv'));
  screen = await t.waitFor('Path of the CSV file: ', 2);
  expect(screen).toContain(`Cannot read ${path.join(dir, 'missing.csv')} (ENOENT). Check the path.`);
  await t.type(csv);
  await t.waitFor('Existing users [1-2]:');
  await t.type('1');
  screen = await menu(3);
  expect(screen).toContain('Imported 2 users');

  await t.type('5');
  await t.waitFor('Referrer: ');
  await t.type('alice');
  await t.waitFor('Referee: ');
  await t.type('bob');
  await t.waitFor('Referral tax in percent (e.g. 15): ');
  await t.type('10%');
  await menu(4);

  await t.type('6');
  await t.waitFor('Which referral [1-2]:');
  await t.type('1');
  await t.waitFor('alice → bob [1-3]:');
  await t.type('1');
  await t.waitFor('New tax in percent (now 10): ');
  await t.type('abc');
  screen = await t.waitFor('New tax in percent (now 10): ', 2);
  expect(screen).toContain('The tax "abc" is not a number.');
  await t.type('0.5');
  screen = await t.waitFor('New tax in percent (now 10): ', 3);
  expect(screen).toContain('The tax "0.5" could mean 50% or 0.5% (a hundred times less), so ValTrac does not guess.\n  Fix: For 50% type 50 or 50%; for 0.5% type 0.5%.');
  await t.type('0.5%');
  screen = await menu(5);
  expect(screen).toContain('Set the tax of alice → bob to 0.5%');
  const afterTax = await new WorkbookStore(workbook).readWithProblems();
  expect([afterTax.data.referrals.map((r) => r.taxPpm), afterTax.problems]).toEqual([[5_000n], []]);

  // bob cannot be deleted while a referral names him: the store refuses with the sheet's message.
  await t.type('4');
  await t.waitFor('Which user [1-3]:');
  await t.type('2');
  await t.waitFor('Edit bob [1-3]:');
  await t.type('1');
  await t.waitFor('Delete bob and all their addresses? [y/N]: ');
  await t.type('y');
  screen = await menu(6);
  // Said as what to do (remove the referral first), not as the sheet's "add bob to Users" for the row left behind.
  expect(screen).toContain('valtrac: bob is still in Referrals!B3 (alice → bob): remove that referral first (valtrac referrals remove alice bob), then remove bob. Nothing was written.');
  expect((await new WorkbookStore(workbook).read()).users.map((u) => u.name)).toEqual(['alice', 'bob']);

  await t.type('6');
  await t.waitFor('Which referral [1-2]:', 2);
  await t.type('1');
  await t.waitFor('alice → bob [1-3]:', 2);
  await t.type('2');
  await t.waitFor('Remove the referral alice → bob? [y/N]: ');
  await t.type('y');
  screen = await menu(7);
  expect(screen).toContain('Removed alice → bob');

  await t.type('4');
  await t.waitFor('Which user [1-3]:', 2);
  await t.type('1');
  await t.waitFor('Edit alice [1-3]:');
  await t.type('2');
  await t.waitFor('Which address [1-3]:');
  await t.type('2');
  screen = await menu(8);
  expect(screen).toContain(`Removed ${DAVE} from alice`);

  await t.type('4');
  await t.waitFor('Which user [1-3]:', 3);
  await t.type('2');
  await t.waitFor('Edit bob [1-3]:', 2);
  await t.type('1');
  await t.waitFor('Delete bob and all their addresses? [y/N]: ', 2);
  await t.type('y');
  screen = await menu(9);
  expect(screen).toContain('Removed bob');

  await t.type('7');
  await t.waitFor('Charts and statistics [1-5]:');
  await t.type('1');
  screen = await t.waitFor('Charts and statistics [1-5]:', 2);
  expect(screen).toContain(`Charts written: open ${path.join(dir, 'charts', 'index.html')}`);
  // the statements are reached from here too; nothing has been paid in this workbook yet
  await t.type('4');
  await t.waitFor('Statements for [1-2]:');
  await t.type('1');
  await t.waitFor('User (Enter for everybody): ');
  await t.type('');
  screen = await t.waitFor('Charts and statistics [1-5]:', 3);
  expect(screen).toContain('No paid payout matches: nothing written.');
  await t.type('5');
  await menu(10);
  await t.sendKeys('C-d');
  await t.waitFor('menu exited with 0');

  const data = await new WorkbookStore(workbook).read();
  expect(data.users.map((u) => [u.name, u.addresses])).toEqual([['alice', [ALICE]]]);
  expect(data.referrals).toEqual([]);
  expect((await readdir(path.join(dir, 'charts'))).sort()).toContain('index.html');
}, 240_000);
