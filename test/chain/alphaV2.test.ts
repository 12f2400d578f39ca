import { describe, expect, it } from 'vitest';
import { safeFloat, safeFloatFromU64F64, safeFloatValue } from '../../src/chain/sharePool.js';
import { mergeShares, valueShares, type Pool, type Share } from '../../src/chain/stakeStorage.js';

const ONE = 1n << 64n;
const v2 = (mantissa: bigint, exponent: bigint): Share => ({ kind: 'float', value: safeFloat(mantissa, exponent) });
const v1 = (bits: bigint): Share => ({ kind: 'bits', bits });
const LAYOUT_2026 = { shares: 'fixed' as const, alphaV2: true, sharesV2: true };

describe('AlphaV2 first (2026 runtimes: migrate_alpha_v1_to_v2 empties the v1 maps)', () => {
  // A pool of 1,000,000 alpha on subnet 1 with 3 shares outstanding (TotalHotkeySharesV2).
  const pools = new Map<number, Pool>([[1, { alpha: 1_000_000n, shares: v2(3n, 0n) }]]);

  it('a layout where v1 is empty: every coldkey is read from AlphaV2 and valued in SafeFloat', () => {
    const shares = mergeShares(
      [{ coldkey: 'a', netuid: 1, share: v2(1n, 0n) }, { coldkey: 'b', netuid: 1, share: v2(2n, 0n) }],
      [],
    );
    const read = valueShares(shares, pools, LAYOUT_2026);
    expect(read.stake).toEqual(new Map([['a', new Map([[1, 333_333n]])], ['b', new Map([[1, 666_666n]])]]));
    expect(read.holders).toEqual(new Map([[1, 2]]));
  });

  it('a layout where both hold entries: v1 counts only for keys not migrated, and a key in both is the v2 one', () => {
    const shares = mergeShares(
      [{ coldkey: 'a', netuid: 1, share: v2(1n, 0n) }, { coldkey: 'dup', netuid: 1, share: v2(15n, -1n) }],
      // 'old' was never written since the cutover; 'dup' still has a stale v1 entry the migration would drop.
      [{ coldkey: 'old', netuid: 1, share: v1(ONE / 2n) }, { coldkey: 'dup', netuid: 1, share: v1(7n * ONE) }],
    );
    expect(shares.get('dup')!.get(1)).toEqual(v2(15n, -1n));
    const read = valueShares(shares, pools, LAYOUT_2026);
    // 1.5 / 3 and 0.5 / 3 of the pool; the v1 share converted as SafeFloat::from(U64F64) before valuing.
    expect(read.stake.get('dup')!.get(1)).toBe(500_000n);
    expect(read.stake.get('old')!.get(1)).toBe(safeFloatValue(1_000_000n, safeFloatFromU64F64(ONE / 2n), safeFloat(3n, 0n)));
    expect(read.stake.get('old')!.get(1)).toBe(166_666n);
    expect(read.holders).toEqual(new Map([[1, 3]]));
  });
});
