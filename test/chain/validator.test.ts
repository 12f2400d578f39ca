import type { ApiPromise } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import type { KeyringPair } from '@polkadot/keyring/types';
import type { Codec } from '@polkadot/types/types';
import { compactAddLength, compactStripLength, u8aToHex } from '@polkadot/util';
import { blake2AsU8a, cryptoWaitReady, decodeAddress, encodeAddress } from '@polkadot/util-crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { connectApi, produceUntil, sendAndWatch } from './helpers.js';
import { ALL_METADATA, TestChain, type ValidatorScenario } from './testChain.js';

const address = (seed: string) => encodeAddress(blake2AsU8a(seed), 42);
const big = (c: Codec | null) => BigInt(c === null ? 0 : c.toString());
const bits = (c: Codec | null) => (c === null ? 0n : BigInt((c as unknown as { bits: Codec }).bits.toString()));
const TAO = 1_000_000_000n;
const EMISSION = 1_000_000n;

describe.each(ALL_METADATA)('a seeded validator on %s', (metadata) => {
  let chain: TestChain;
  let api: ApiPromise;
  let owner: KeyringPair;
  let scenario: ValidatorScenario;
  const hotkey = address('hotkey');
  const nominators = [address('n1'), address('n2'), address('n3')];

  beforeAll(async () => {
    await cryptoWaitReady();
    owner = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri('//ValidatorOwner');
    chain = await TestChain.start({ metadata });
    scenario = {
      hotkey, owner: owner.address, takePpm: 180_000n, emissionPerBlock: EMISSION,
      subnets: [{ netuid: 0, subnetTao: 0n, subnetAlphaIn: 0n }, { netuid: 1, subnetTao: 2_000n * TAO, subnetAlphaIn: 8_000n * TAO }],
      stakes: [
        { coldkey: owner.address, netuid: 0, alpha: 50n * TAO }, { coldkey: owner.address, netuid: 1, alpha: 40n * TAO },
        { coldkey: nominators[0], netuid: 0, alpha: 100n * TAO }, { coldkey: nominators[1], netuid: 0, alpha: 300n * TAO },
        { coldkey: nominators[1], netuid: 1, alpha: 70n * TAO }, { coldkey: nominators[2], netuid: 1, alpha: 11n * TAO },
      ],
    };
    chain.seedValidator(scenario);
    chain.setFreeBalance(owner.address, 10n * TAO);
    await chain.produceBlocks(1);
    api = await connectApi(chain.url, metadata);
  });
  afterAll(async () => {
    await api?.disconnect();
    await chain?.close();
  });

  /** A coldkey's alpha as the runtime derives it from the share pool. */
  const alphaOf = (coldkey: string, netuid: number, at?: number) => {
    const shares = bits(chain.storage('SubtensorModule', 'Alpha', [hotkey, coldkey, netuid], at));
    const total = bits(chain.storage('SubtensorModule', 'TotalHotkeyShares', [hotkey, netuid], at));
    return total === 0n ? 0n : (shares * big(chain.storage('SubtensorModule', 'TotalHotkeyAlpha', [hotkey, netuid], at))) / total;
  };

  test('emission grows stake every block: the take to the owner, the rest pro rata', async () => {
    const before = chain.bestNumber();
    await chain.produceBlocks(5);
    const after = chain.bestNumber();
    if (chain.era === 'legacy') {
      const stakeOf = (ck: string, at: number) => big(chain.storage('SubtensorModule', 'Stake', [hotkey, ck], at));
      const total = (at: number) => big(chain.storage('SubtensorModule', 'TotalHotkeyStake', [hotkey], at));
      expect(total(after) - total(before)).toBeLessThanOrEqual(5n * EMISSION);
      expect(total(after) - total(before)).toBeGreaterThan(5n * EMISSION - 5n * 4n);
      expect(stakeOf(owner.address, after) - stakeOf(owner.address, before)).toBeGreaterThanOrEqual(5n * (EMISSION * 180_000n) / 1_000_000n);
      // Pro rata: nominator 2 held 3.7x nominator 1 and gains 3.7x as much (to rounding).
      const g1 = stakeOf(nominators[0], after) - stakeOf(nominators[0], before);
      const g2 = stakeOf(nominators[1], after) - stakeOf(nominators[1], before);
      expect(g1).toBeGreaterThan(0n);
      expect(g2 * 100n / g1).toBe(370n * 100n / 100n);
      return;
    }
    for (const netuid of [0, 1]) {
      expect(big(chain.storage('SubtensorModule', 'TotalHotkeyAlpha', [hotkey, netuid], after))
        - big(chain.storage('SubtensorModule', 'TotalHotkeyAlpha', [hotkey, netuid], before))).toBe(5n * EMISSION);
    }
    // Nominators' shares stay put while their alpha grows; the owner's shares grow with the take.
    expect(bits(chain.storage('SubtensorModule', 'Alpha', [hotkey, nominators[1], 0], after)))
      .toBe(bits(chain.storage('SubtensorModule', 'Alpha', [hotkey, nominators[1], 0], before)));
    expect(alphaOf(nominators[1], 0, after)).toBeGreaterThan(alphaOf(nominators[1], 0, before));
    expect(bits(chain.storage('SubtensorModule', 'Alpha', [hotkey, owner.address, 0], after)))
      .toBeGreaterThan(bits(chain.storage('SubtensorModule', 'Alpha', [hotkey, owner.address, 0], before)));
    const holders = [owner.address, ...nominators];
    const sum = holders.reduce((s, ck) => s + alphaOf(ck, 1, after), 0n);
    const total = big(chain.storage('SubtensorModule', 'TotalHotkeyAlpha', [hotkey, 1], after));
    expect(total - sum).toBeGreaterThanOrEqual(0n);
    expect(total - sum).toBeLessThan(BigInt(holders.length));
  });

  test('DelegateInfoRuntimeApi.get_delegate answers from storage where the metadata declares it', async () => {
    const declared = chain.registry.metadata.apis.some((a) => a.name.toString() === 'DelegateInfoRuntimeApi');
    if (!declared) {
      expect(api.call.delegateInfoRuntimeApi).toBeUndefined();
      if (chain.era === 'legacy') {
        // V14 runtimes export it as get_delegate(Vec<u8>) -> Vec<u8> holding `DelegateInfo.encode()` (no Option tag).
        const raw = await api.rpc.state.call('DelegateInfoRuntimeApi_get_delegate', u8aToHex(compactAddLength(decodeAddress(hotkey))));
        const [, infoBytes] = compactStripLength(raw.toU8a(true));
        const decoded = api.createType('(AccountId32, Compact<u16>, Vec<(AccountId32, Compact<u64>)>, AccountId32, Vec<Compact<u16>>, Vec<Compact<u16>>, Compact<u64>, Compact<u64>)', infoBytes);
        expect(decoded.encodedLength).toBe(infoBytes.length);
        const [delegate, take, noms, ownerSs58] = decoded as unknown as [Codec, Codec, Array<[Codec, Codec]>, Codec];
        expect(delegate.toString()).toBe(hotkey);
        expect(ownerSs58.toString()).toBe(owner.address);
        expect(Number(take.toString())).toBe(Math.floor((180_000 * 65_535) / 1_000_000));
        const n1 = noms.find(([ck]) => ck.toString() === nominators[0])!;
        expect(big(n1[1])).toBe(big(chain.storage('SubtensorModule', 'Stake', [hotkey, nominators[0]])));
      }
      return;
    }
    const info = (await api.call.delegateInfoRuntimeApi.getDelegate(hotkey)) as unknown as { isSome: boolean; unwrap(): Record<string, Codec> };
    expect(info.isSome).toBe(true);
    const d = info.unwrap();
    expect(d.ownerSs58.toString()).toBe(owner.address);
    expect(d.delegateSs58.toString()).toBe(hotkey);
    expect(Number(d.take.toString())).toBe(Math.floor((180_000 * 65_535) / 1_000_000));
    const rows = (d.nominators as unknown as Array<[Codec, Codec]>).map(([ck, v]) => [ck.toString(), v] as const);
    expect(rows.map(([ck]) => ck).sort()).toEqual([owner.address, ...nominators].sort());
    const n2 = rows.find(([ck]) => ck === nominators[1])![1];
    if (Array.isArray(n2)) {
      const perSubnet = new Map((n2 as Array<[Codec, Codec]>).map(([netuid, alpha]) => [Number(netuid.toString()), big(alpha)]));
      expect(perSubnet.get(0)).toBe(alphaOf(nominators[1], 0));
      expect(perSubnet.get(1)).toBe(alphaOf(nominators[1], 1));
    } else {
      // Early-2025 runtimes report one TAO-valued total: root alpha 1:1, subnet alpha at SubnetTAO / SubnetAlphaIn.
      expect(big(n2 as Codec)).toBe(alphaOf(nominators[1], 0) + (alphaOf(nominators[1], 1) * 2_000n) / 8_000n);
    }
    const none = (await api.call.delegateInfoRuntimeApi.getDelegate(address('nobody'))) as unknown as { isNone: boolean };
    expect(none.isNone).toBe(true);
  });

  test('SwapRuntimeApi.current_alpha_price where declared', async () => {
    if (!api.call.swapRuntimeApi?.currentAlphaPrice) return;
    expect(big(await api.call.swapRuntimeApi.currentAlphaPrice(1))).toBe((2_000n * TAO * TAO) / (8_000n * TAO));
    expect(big(await api.call.swapRuntimeApi.currentAlphaPrice(0))).toBe(TAO);
  });

  test('transfer_stake moves the owner’s alpha to another coldkey on the same subnet', async () => {
    if (!api.tx.subtensorModule?.transferStake) {
      expect(chain.era === 'legacy' || metadata === 'testnet-224').toBe(true);
      return;
    }
    const dest = address('payee');
    const amount = 3n * TAO;
    const ownerBefore = alphaOf(owner.address, 1);
    const result = await produceUntil(chain, sendAndWatch(api.tx.subtensorModule.transferStake(dest, hotkey, 1, 1, amount), owner));
    const n = (await api.rpc.chain.getHeader(result.blockHash)).number.toNumber();
    expect(result.dispatchError).toBeUndefined();
    expect(result.events.map((e) => e.method)).toContain('StakeTransferred');
    const moved = alphaOf(dest, 1, n);
    expect(amount - moved).toBeGreaterThanOrEqual(0n);
    expect(amount - moved).toBeLessThanOrEqual(1n);
    // Shares move 1:1 between coldkeys; the only new shares in that block are the owner's take.
    const sharesOf = (ck: string, at: number) => bits(chain.storage('SubtensorModule', 'Alpha', [hotkey, ck, 1], at));
    const minted = bits(chain.storage('SubtensorModule', 'TotalHotkeyShares', [hotkey, 1], n)) - bits(chain.storage('SubtensorModule', 'TotalHotkeyShares', [hotkey, 1], n - 1));
    expect(sharesOf(owner.address, n - 1) + minted - sharesOf(owner.address, n)).toBe(sharesOf(dest, n));
    expect(alphaOf(owner.address, 1, n)).toBeLessThan(ownerBefore);
  });
});
