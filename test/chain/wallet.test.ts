import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { u8aToHex, stringToU8a } from '@polkadot/util';
import { cryptoWaitReady, mnemonicToMiniSecret, signatureVerify } from '@polkadot/util-crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keySource, loadPayoutKey, MNEMONIC_ENV } from '../../src/chain/wallet.js';
import { naclColdkey } from '../helpers/wallet.js';

// Substrate's well-known development phrase; its bare sr25519 key is this address (documented across Substrate tooling).
const PHRASE = 'bottom drive obey lake curtain smoke basket hold race lonely fit walk';
const PHRASE_ADDRESS = '5DfhGyQdFobKM8NsWvEeAKk5EQQgYe9AydgJ7rMB6E1EqRzV';
const PASSWORD = 'correct horse battery staple';
const noPrompt = async (): Promise<string> => {
  throw new Error('must not prompt');
};

let dir: string;
let encrypted: Uint8Array;

async function writeWallet(name: string, contents: Uint8Array | string): Promise<string> {
  await mkdir(path.join(dir, name), { recursive: true });
  await writeFile(path.join(dir, name, 'coldkey'), contents);
  return name;
}

beforeAll(async () => {
  await cryptoWaitReady();
  dir = await mkdtemp(path.join(os.tmpdir(), 'valtrac-wallet-'));
  // argon2i over 512 MiB takes seconds: encrypt once, reuse the file.
  encrypted = await naclColdkey(JSON.stringify({ secretPhrase: PHRASE }), PASSWORD);
}, 180_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadPayoutKey', { timeout: 180_000 }, () => {
  it('decrypts a $NACL coldkey encrypted by libsodium and signs with the right key', async () => {
    const name = await writeWallet('enc', encrypted);
    const pair = await loadPayoutKey(keySource(name, dir, {}), { VALTRAC_WALLET_PASSWORD: PASSWORD }, noPrompt);
    expect(pair.address).toBe(PHRASE_ADDRESS);
    const message = stringToU8a('valtrac payout');
    expect(signatureVerify(message, pair.sign(message), PHRASE_ADDRESS).isValid).toBe(true);
  });

  it('asks for the password when the environment has none', async () => {
    const name = await writeWallet('ask', encrypted);
    let asked = 0;
    const pair = await loadPayoutKey(keySource(name, dir, {}), {}, async () => {
      asked += 1;
      return PASSWORD;
    });
    expect(asked).toBe(1);
    expect(pair.address).toBe(PHRASE_ADDRESS);
  });

  it('a wrong password is a clear error that reveals nothing', async () => {
    const name = await writeWallet('wrong', encrypted);
    const attempt = loadPayoutKey(keySource(name, dir, {}), { VALTRAC_WALLET_PASSWORD: 'not it' }, noPrompt);
    await expect(attempt).rejects.toThrow(/wrong password for wallet coldkey file .*wrong\/coldkey/);
    await attempt.catch((e: Error) => {
      expect(e.message).not.toContain('not it');
      expect(e.message).not.toContain(PHRASE.split(' ')[0]);
    });
  });

  it('reads an unencrypted keyfile with only secretSeed (the sr25519 mini secret)', async () => {
    const seed = u8aToHex(mnemonicToMiniSecret(PHRASE));
    const name = await writeWallet('seed', JSON.stringify({ secretSeed: seed }));
    const pair = await loadPayoutKey(keySource(name, dir, {}), {}, noPrompt);
    expect(pair.address).toBe(PHRASE_ADDRESS);
  });

  it('takes a secret URI from the environment', async () => {
    const env = { [MNEMONIC_ENV]: `${PHRASE}//Alice` };
    const pair = await loadPayoutKey(keySource(undefined, dir, env), env, noPrompt);
    expect(pair.address).toBe('5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY');
  });

  it('explains a missing key, a missing file and a public-only keyfile', async () => {
    expect(() => keySource(undefined, dir, {})).toThrow(/--wallet NAME .* VALTRAC_PAYOUT_MNEMONIC/);
    await expect(loadPayoutKey(keySource('nobody', dir, {}), {}, noPrompt)).rejects.toThrow(/does not exist/);
    const name = await writeWallet('pub', JSON.stringify({ ss58Address: PHRASE_ADDRESS }));
    await expect(loadPayoutKey(keySource(name, dir, {}), {}, noPrompt)).rejects.toThrow(/neither secretPhrase/);
  });
});
