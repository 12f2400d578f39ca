import type { KeyringPair } from '@polkadot/keyring/types';
import { deepenPool, RuntimeChain } from './chain.js';
import { startRuntime, type Runtime } from './chopsticks.js';
import { registerValidator, runtimeKeys, tao } from './validator.js';

export type RuntimeKeys<N extends string> = Record<N, KeyringPair & { uri: string }>;

/**
 * The opening the spec-300 program tests share: the real runtime under chopsticks, three blocks, the test's keys
 * (`//rt-<tag>-<name>`) each funded with `balance` (10,000 TAO unless said), subnet 1's pool deepened to 1,000 TAO
 * against 800 α (1.25 TAO an α), and `hotkey` registered there by `owner` as a delegate (take 9,000 of u16::MAX).
 * A failure on the way stops the runtime it started.
 */
export async function startValidator300<N extends string>(
  tag: string,
  names: readonly N[],
  balance: (name: N) => bigint = () => tao(10_000),
): Promise<{ rt: Runtime; chain: RuntimeChain; k: RuntimeKeys<N> }> {
  const rt = await startRuntime(300);
  try {
    const chain = await RuntimeChain.connect(rt.url);
    await chain.newBlocks(3);
    const k = await runtimeKeys(tag, names);
    const { owner, hotkey } = k as Record<string, KeyringPair | undefined>;
    if (!owner || !hotkey) throw new Error('startValidator300: the names must include "owner" and "hotkey"');
    await chain.fund(new Map(names.map((name) => [k[name].address, balance(name)])));
    await deepenPool(chain, 1, tao(1_000), tao(800));
    await registerValidator(chain, owner, hotkey.address, 1, 9_000);
    return { rt, chain, k };
  } catch (error) {
    await rt.stop();
    throw error;
  }
}
