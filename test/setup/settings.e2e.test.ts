import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { WorkbookStore } from '../../src/workbook/store.js';
import { address, baseWorkbook, mistyped, tempDir, treeDigest, valtrac } from '../faults/helpers.js';

// Issue 12, cases 1, 5 (network names), 6 and 8: setting up and editing from a terminal, every message naming its cell.

async function run(args: string[], cwd: string) {
  return valtrac(args, { cwd });
}

describe('case 1: init works on the workbook npm start made, and Settings are set from the CLI', () => {
  it('init fills in Settings of an existing workbook; settings shows and sets them with the sheet checks', async () => {
    const dir = tempDir('setup-');
    const w = ['--workbook', path.join(dir, 'valtrac.xlsx')];
    // What npm start leaves: a workbook with the defaults and nothing else.
    expect((await run(['init', ...w], dir)).code).toBe(0);

    const init = await run(['init', ...w, '--hotkey', address(1), '--network', 'local'], dir);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain(`already exists: set hotkey = ${address(1)}, network = local in its Settings`);
    const { settings } = await new WorkbookStore(w[1]!).read();
    expect([settings.hotkey, settings.network]).toEqual([address(1), 'local']);

    // check no longer says only "No problems" while the payout coldkey is empty.
    const check = await run(['check', ...w], dir);
    expect(check.code).toBe(0);
    expect(check.stdout).toContain('No problems: 0 users, 0 referrals.');
    expect(check.stdout).toContain('Settings!B6 (Payout coldkey) is empty; confirm needs it: valtrac settings set payout-coldkey');

    const shown = await run(['settings', ...w], dir);
    expect(shown.stdout).toMatch(new RegExp(`hotkey +Settings!B3 +Validator hotkey: ${address(1)}`));
    expect(shown.stdout).toMatch(/snapshot-interval +Settings!B5 +Snapshot interval \(blocks\): 300/);
    expect(shown.stdout).toMatch(/payout-coldkey +Settings!B6 +Payout coldkey: \(empty\)\n +needed by confirm: valtrac settings set payout-coldkey/);

    // Refused exactly as the sheet would flag the cell, and nothing is written.
    const before = treeDigest(dir);
    for (const [args, message] of [
      [['snapshot-interval', '0'], /nothing was written:\n {2}Settings!B5: The snapshot interval 0 is not a whole number of blocks of at least 1\. Fix: Type a whole number/],
      [['payout-coldkey', mistyped(address(2))], /Settings!B6: .*fails the SS58 checksum/],
      [['network', 'finny'], /Settings!B4: The network "finny" is not local, finney, test, archive or a ws:\/\/ \/ wss:\/\/ URL\. Fix: Did you mean finney\?/],
      [['tax-mode', 'compund'], /Settings!B7: The tax mode "compund" is unknown\. Fix: Did you mean compound\?/],
      [['intervall', '5'], /SETTING argument: "intervall" is not a setting\. Did you mean snapshot-interval\?/],
    ] as const) {
      const refused = await run(['settings', 'set', ...w, ...args], dir);
      expect(refused.code, args.join(' ')).toBe(1);
      expect(refused.stderr).toMatch(message);
      expect(refused.stderr).not.toMatch(/\n\s+at /);
    }
    expect((await run(['init', ...w, '--hotkey', mistyped(address(3))], dir)).stderr).toMatch(/Settings!B3: .*checksum/);
    expect(treeDigest(dir)).toEqual(before);

    // Several at once, names in any of their forms, "archive" as btcli names it; "" empties a setting.
    const set = await run(['settings', 'set', ...w, 'payout-coldkey', address(2), 'interval', '25', 'Network', 'archive'], dir);
    expect(set.code, set.stderr).toBe(0);
    let read = (await new WorkbookStore(w[1]!).read()).settings;
    expect([read.payoutColdkey, read.snapshotInterval, read.network]).toEqual([address(2), 25, 'archive']);
    expect((await run(['check', ...w], dir)).stdout).not.toContain('Still to fill in');
    await run(['settings', 'set', ...w, 'payout-coldkey', ''], dir);
    read = (await new WorkbookStore(w[1]!).read()).settings;
    expect(read.payoutColdkey).toBeNull();
  }, 300_000);

  it('init without a workbook creates it with every setting given, or refuses naming the option and the cell', async () => {
    const dir = tempDir('setup-');
    const w = ['--workbook', path.join(dir, 'valtrac.xlsx')];
    const bad = await run(['init', ...w, '--network', 'finny'], dir);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('valtrac: --network (Settings!B4): The network "finny" is not local, finney, test, archive or a ws:// / wss:// URL. Did you mean finney?');
    expect(treeDigest(dir)).toEqual({});
    const made = await run(['init', ...w, '--hotkey', address(1), '--payout-coldkey', address(2), '--interval', '10', '--tax-mode', 'compound'], dir);
    expect(made.code, made.stderr).toBe(0);
    const { settings } = await new WorkbookStore(w[1]!).read();
    expect(settings).toMatchObject({ hotkey: address(1), payoutColdkey: address(2), snapshotInterval: 10, taxMode: 'compound', network: 'local' });
  }, 120_000);
});

describe('case 6: users list and referrals list (with layers)', () => {
  it('lists users with every address and its cell, and referrals with the referrer\'s layer', async () => {
    const dir = tempDir('setup-');
    const workbook = await baseWorkbook(dir);
    const w = ['--workbook', workbook];
    await run(['referrals', 'add', ...w, 'Carol', 'Dave', '5'], dir);
    const users = await run(['users', 'list', ...w], dir);
    expect(users.stdout).toContain('Users (4):');
    expect(users.stdout).toMatch(new RegExp(`Alice +Users!B3 +${address(1)} \\(receives payouts\\)\\n +Users!C3 +${address(5)}\\n +Bob +Users!B4 +${address(2)}`));
    const referrals = await run(['referrals', 'list', ...w], dir);
    expect(referrals.stdout.trim().split('\n').slice(1).map((l) => l.trim().replace(/ +/g, ' '))).toEqual([
      'layer 1 → 2 Alice → Bob 10% Referrals!A3',
      'layer 2 → 3 Bob → Carol 20% Referrals!A4',
      'layer 3 → 4 Carol → Dave 5% Referrals!A5',
    ]);
  }, 120_000);
});

describe('case 8: messages that say what to do', () => {
  it('users remove of a referee names the referral to remove first; names typed in another case are resolved and said so', async () => {
    const dir = tempDir('setup-');
    const workbook = await baseWorkbook(dir);
    const w = ['--workbook', workbook];
    const before = treeDigest(dir);
    const remove = await run(['users', 'remove', ...w, 'bob'], dir);
    expect(remove.code).toBe(1);
    expect(remove.stderr).toBe(
      'valtrac: Bob is still in Referrals!B3 (Alice → Bob), Referrals!A4 (Bob → Carol): remove those referrals first ' +
        '(valtrac referrals remove Alice Bob; valtrac referrals remove Bob Carol), then remove Bob. Nothing was written.\n',
    );
    expect(remove.stderr).not.toContain('Add bob to Users');
    const typo = await run(['referrals', 'add', ...w, 'Dave', 'Carl', '5'], dir);
    expect(typo.stderr).toContain('valtrac: REFEREE argument: there is no user "Carl" in Users. Did you mean Carol?');
    expect(treeDigest(dir)).toEqual(before);

    // "dave" is Dave: the referral is written with the Users spelling, and the output says so (no dropdown advice).
    const add = await run(['referrals', 'add', ...w, 'dave', 'alice', '5'], dir);
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout).toContain('"dave" is the user Dave in Users (names compare ignoring case).');
    expect(add.stdout).not.toContain('dropdown');
    expect((await new WorkbookStore(workbook).read()).referrals.at(-1)).toMatchObject({ referrer: 'Dave', referee: 'Alice' });

    // users add of an existing name in another case merges, and says so.
    const merge = await run(['users', 'add', ...w, 'dAVE', address(6)], dir);
    expect(merge.stdout).toContain('"dAVE" is the existing user Dave (names compare ignoring case): added the address(es) to Dave (Users row 6)');
    expect((await new WorkbookStore(workbook).read()).users.find((u) => u.name === 'Dave')!.addresses).toEqual([address(4), address(6)]);
  }, 180_000);
});
