import fs from 'node:fs';
import path from 'node:path';
import { Keyring } from '@polkadot/keyring';
import { mnemonicGenerate } from '@polkadot/util-crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SendLog } from '../../src/workbook/sendLog.js';
import { ok, planRows, setUpProgram, tearDown, TAO, valtrac, type Setup } from './harness.js';

// confirm as an owner used to btcli meets it: the dry run needs no key, btcli's wallet and network options work, and
// the network given on the command line wins over Settings.
let s: Setup;
let wallets: string;
let payer: string;
let other: string;
const w = () => ['--workbook', s.workbook];

/** A btcli-style wallet folder: <wallets>/<name>/coldkey (unencrypted keyfile) and coldkeypub.txt. */
function writeWallet(name: string, phrase: string, publicAddress: string): void {
  fs.mkdirSync(path.join(wallets, name), { recursive: true });
  fs.writeFileSync(path.join(wallets, name, 'coldkey'), JSON.stringify({ secretPhrase: phrase }));
  fs.writeFileSync(path.join(wallets, name, 'coldkeypub.txt'), JSON.stringify({ ss58Address: publicAddress }));
}

beforeAll(async () => {
  s = await setUpProgram('options');
  wallets = path.join(s.dir, 'wallets');
  const phrase = mnemonicGenerate();
  payer = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromMnemonic(phrase).address;
  writeWallet('payout', phrase, payer);
  const otherPhrase = mnemonicGenerate();
  other = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromMnemonic(otherPhrase).address;
  writeWallet('other', otherPhrase, other);
  s.chain.setFreeBalance(payer, 1_000n * TAO);
  await s.chain.produceBlocks(1);
  await ok(['settings', 'set', ...w(), 'payout-coldkey', payer]);
  await ok(['plan', ...w(), '--pool', '10']);
}, 600_000);
afterAll(async () => {
  await tearDown(s);
});

describe('confirm options', { timeout: 300_000 }, () => {
  it('--dry-run needs no key: the payer is Settings payout coldkey, and nothing is signed', async () => {
    const nonce = s.chain.nonce(payer);
    const free = s.chain.freeBalance(payer);
    // No mnemonic, no wallet, no password anywhere in the environment.
    const result = await valtrac(['confirm', ...w(), '--dry-run'], { VALTRAC_PAYOUT_MNEMONIC: '', VALTRAC_WALLET_PASSWORD: '' });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/batch 1: 3 transfers, \d+\.\d{9} TAO, fee \d+\.\d{9} TAO/);
    expect(result.stdout).toContain(`the payout coldkey has ${(free / TAO).toString()}.000000000 TAO free`);
    expect(result.stdout).toContain('Dry run: nothing was signed or sent.');
    expect(s.chain.nonce(payer)).toBe(nonce);
    expect(SendLog.beside(s.workbook).open()).toEqual([]);
  });

  it('--dry-run with a wallet loads it and checks it against Settings, naming the cell', async () => {
    const result = await valtrac(['confirm', ...w(), '--dry-run', '--wallet.name', 'other', '--wallet.path', wallets]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`valtrac: the key loaded (${other}) is not the payout coldkey ${payer} in Settings!B6 (Payout coldkey)`);
  });

  it('pays with --wallet.name / --wallet.path and --subtensor.network / --network over a Settings network it cannot reach', async () => {
    // Settings now names a node this machine cannot reach: only the command-line network gets there.
    await ok(['settings', 'set', ...w(), 'network', 'ws://127.0.0.1:1']);
    await ok(['plan', ...w(), '--pool', '10', '--subtensor.network', s.chain.url]);
    const rows = (await planRows(s)).filter((r) => r.status === 'planned');
    const before = new Map(rows.map((r) => [r.address, s.chain.freeBalance(r.address)]));
    s.chain.resumeProduction();
    const result = await valtrac(['confirm', ...w(), '--yes', '--wallet.name', 'payout', '--wallet.path', wallets, '--network', s.chain.url]);
    s.chain.pauseProduction();
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('is paid: the period through block');
    for (const r of rows) expect(s.chain.freeBalance(r.address) - before.get(r.address)!).toBe(r.amount);
  });

  it('names the Settings cell when the payout coldkey is empty', async () => {
    await ok(['settings', 'set', ...w(), 'payout-coldkey', '']);
    const result = await valtrac(['confirm', ...w(), '--dry-run', '--network', s.chain.url]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('valtrac: Settings!B6 (Payout coldkey) is empty: type the SS58 address that pays there (or valtrac settings set payout-coldkey ADDRESS)');
  });
});
