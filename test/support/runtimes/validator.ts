import { Keyring } from '@polkadot/keyring';
import type { KeyringPair } from '@polkadot/keyring/types';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { TAO, type RuntimeChain } from './chain.js';

/** Real sr25519 keys derived from `//rt-<tag>-<name>`; the URI is the secret a test hands to confirm. */
export async function runtimeKeys<N extends string>(tag: string, names: readonly N[]): Promise<Record<N, KeyringPair & { uri: string }>> {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const keys = {} as Record<N, KeyringPair & { uri: string }>;
  for (const name of names) {
    const uri = `//rt-${tag}-${name}`;
    keys[name] = Object.assign(keyring.addFromUri(uri), { uri });
  }
  return keys;
}

export interface StakeMove {
  coldkey: KeyringPair;
  netuid: number;
  /** TAO staked (add) or alpha unstaked (remove), in RAO. */
  amount: bigint;
}

/**
 * Registers `hotkey` on `netuid` for `owner` (burned registration) and makes it a delegate with `take` (out of
 * u16::MAX) the way owners do on these runtimes: spec 300 ignores `become_delegate`, and a lowered take is what puts
 * the hotkey in `Delegates`, which the runtime's `get_delegate` requires.
 */
export async function registerValidator(chain: RuntimeChain, owner: KeyringPair, hotkey: string, netuid: number, take: number): Promise<void> {
  const tx = chain.api.tx.subtensorModule!;
  await chain.send(tx.burnedRegister!(netuid, hotkey), owner);
  if (tx.decreaseTake) await chain.send(tx.decreaseTake(hotkey, take), owner);
  else await chain.send(tx.becomeDelegate!(hotkey), owner);
}

export async function addStake(chain: RuntimeChain, hotkey: string, moves: readonly StakeMove[]): Promise<void> {
  const tx = chain.api.tx.subtensorModule!;
  for (const m of moves) await chain.send(tx.addStake!(hotkey, m.netuid, m.amount), m.coldkey);
}

export async function removeStake(chain: RuntimeChain, hotkey: string, moves: readonly StakeMove[]): Promise<void> {
  const tx = chain.api.tx.subtensorModule!;
  for (const m of moves) await chain.send(tx.removeStake!(hotkey, m.netuid, m.amount), m.coldkey);
}

export const tao = (n: number | bigint): bigint => BigInt(n) * TAO;
