import type { ApiPromise } from '@polkadot/api';
import { blake2AsU8a, cryptoWaitReady, encodeAddress } from '@polkadot/util-crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readValidator } from '../../src/chain/stake.js';
import { stakeLayout } from '../../src/chain/stakeLayout.js';
import { ESCROW_COLDKEY } from '../../src/domain/basket.js';
import { connectApi } from './helpers.js';
import { TestChain } from './testChain.js';

// The simulated node on a real metadata (devnet-381) extended with the storage of 2026 runtimes (AlphaV2,
// TotalHotkeySharesV2, BasketShares, BasketRate, BasketClaimed; test/chain/metadataFiles.ts), read by the real
// snapshot reader over WebSocket: shares in the v2 map with one coldkey not migrated yet, v1 denominators gone, and
// the basket escrow holding 300 TAO on root and 8 alpha on subnet 1 for the hotkey's root stakers.

const address = (seed: string) => encodeAddress(blake2AsU8a(seed), 42);
const TAO = 1_000_000_000n;
const hotkey = address('2026-hotkey');
const owner = address('2026-owner');
const alice = address('2026-alice');
const bob = address('2026-bob');
const float = (mantissa: bigint) => ({ mantissa, exponent: 0n });

let chain: TestChain;
let api: ApiPromise;

beforeAll(async () => {
  await cryptoWaitReady();
  chain = await TestChain.start({ metadata: 'devnet-381+2026' });
  chain.seedValidator({
    hotkey, owner, takePpm: 180_000n,
    subnets: [{ netuid: 0, subnetTao: 0n, subnetAlphaIn: 0n }, { netuid: 1, subnetTao: 1_000n * TAO, subnetAlphaIn: 1_000n * TAO }],
    stakes: [
      { coldkey: owner, netuid: 0, alpha: 100n * TAO },
      { coldkey: alice, netuid: 0, alpha: 50n * TAO },
      { coldkey: bob, netuid: 0, alpha: 30n * TAO },
      { coldkey: bob, netuid: 1, alpha: 2n * TAO },
    ],
  });
  // The 2026 layout: owner, alice and the escrow in AlphaV2; bob's root entry not migrated yet (still in Alpha);
  // every pool's denominator only in TotalHotkeySharesV2.
  const set = (item: string, keys: unknown[], value: unknown | null) => chain.setStorage('SubtensorModule', item, keys, value);
  for (const [coldkey, alpha] of [[owner, 100n * TAO], [alice, 50n * TAO]] as const) {
    set('Alpha', [hotkey, coldkey, 0], null);
    set('AlphaV2', [hotkey, coldkey, 0], float(alpha));
  }
  set('Alpha', [hotkey, bob, 1], null);
  set('AlphaV2', [hotkey, bob, 1], float(2n * TAO));
  set('AlphaV2', [hotkey, ESCROW_COLDKEY, 0], float(300n * TAO));
  set('AlphaV2', [hotkey, ESCROW_COLDKEY, 1], float(8n * TAO));
  set('TotalHotkeyShares', [hotkey, 0], null);
  set('TotalHotkeyShares', [hotkey, 1], null);
  set('TotalHotkeySharesV2', [hotkey, 0], float(480n * TAO));
  set('TotalHotkeySharesV2', [hotkey, 1], float(10n * TAO));
  set('TotalHotkeyAlpha', [hotkey, 0], 480n * TAO);
  set('TotalHotkeyAlpha', [hotkey, 1], 10n * TAO);
  // The basket: rate 1/2^30 fund shares per RAO of root stake; alice has claimed 10 shares already.
  set('BasketRate', [hotkey], { bits: 4n });
  set('BasketClaimed', [hotkey, alice], 10n);
  set('BasketShares', [hotkey], 93n + 36n + 27n); // Σ owed == BasketShares, as the runtime keeps it
  await chain.produceBlocks(3); // finalized lags the best block by 2
  api = await connectApi(chain.url, 'devnet-381+2026');
});

afterAll(async () => {
  await api?.disconnect();
  await chain?.close();
});

describe('the 2026 layout on the simulated node', () => {
  it('declares the 2026 storage, so the reader sees the v2 maps and the basket', async () => {
    const at = await api.at(await api.rpc.chain.getFinalizedHead());
    expect(stakeLayout(at)).toMatchObject({ dynamic: { shares: 'fixed', alphaV2: true, sharesV2: true }, basket: true });
  });

  it('reads AlphaV2 first, values in SafeFloat, and looks the escrow through to the root stakers by what each can claim', async () => {
    const snapshot = await readValidator(api, hotkey, (await api.rpc.chain.getFinalizedHead()).toHex());
    // owed = floor(4 × root / 2^32) − claimed: owner 100 TAO → 93, alice 50 TAO → 46 − 10 = 36, bob 30 TAO → 27.
    const owed = new Map([[owner, 93n], [alice, 36n], [bob, 27n]]);
    const shares = 93n + 36n + 27n;
    const part = (coldkey: string, holding: bigint) => (holding * owed.get(coldkey)!) / shares;
    expect(snapshot.escrow?.basket).toEqual({
      holdings: [[0, 300n * TAO], [1, 8n * TAO]],
      shares,
      owed: [...owed].sort(([a], [b]) => (a < b ? -1 : 1)),
    });
    expect(snapshot.nominators.map((n) => n.coldkey)).not.toContain(ESCROW_COLDKEY);
    const alpha = (coldkey: string) => new Map(snapshot.nominators.find((n) => n.coldkey === coldkey)!.subnets.map((s) => [s.netuid, s.alpha]));
    expect(alpha(alice)).toEqual(new Map([[0, 50n * TAO + part(alice, 300n * TAO)], [1, part(alice, 8n * TAO)]]));
    expect(alpha(bob)).toEqual(new Map([[0, 30n * TAO + part(bob, 300n * TAO)], [1, 2n * TAO + part(bob, 8n * TAO)]]));
    expect(new Map(snapshot.delegateSubnets!.map((s) => [s.netuid, s.alpha]))).toEqual(
      new Map([[0, 100n * TAO + part(owner, 300n * TAO)], [1, part(owner, 8n * TAO)]]),
    );
    // What no claim covers stays with the escrow, shown apart and outside the total.
    const left0 = 300n * TAO - part(owner, 300n * TAO) - part(alice, 300n * TAO) - part(bob, 300n * TAO);
    expect(snapshot.escrow!.subnets.find((s) => s.netuid === 0)?.alpha ?? 0n).toBe(left0);
    const everything = snapshot.totalStake + snapshot.escrow!.stake;
    expect(everything).toBe(480n * TAO + 10n * TAO); // subnet 1 priced 1:1 here
  });
});
