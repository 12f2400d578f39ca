import { describe, expect, it } from 'vitest';
import { attributeBasket, ESCROW_COLDKEY, isEscrow, owedShares, separateEscrow } from '../../src/domain/basket.js';
import { decodeSs58 } from '../../src/domain/ss58.js';

const HALF = 1n << 31n; // I96F32 bits of 0.5
const ONE = 1n << 32n;

describe('the basket escrow coldkey', () => {
  it('is "modl" ++ "subtensr" ++ "beta/esc" zero-padded to 32 bytes, SS58 prefix 42', () => {
    const decoded = decodeSs58(ESCROW_COLDKEY)!;
    if (decoded.kind !== 'account') throw new Error(`${ESCROW_COLDKEY} does not decode as an account`);
    expect(decoded.prefix).toBe(42);
    const key = decoded.key;
    expect(new TextDecoder().decode(key.subarray(0, 20))).toBe('modlsubtensrbeta/esc');
    expect([...key.subarray(20)]).toEqual(new Array(12).fill(0));
    expect(ESCROW_COLDKEY).toBe('5EYCAe5jLQhn6ofDSwHx3AZmsZPVFHnKpstqap4vqwDWtp7s');
    expect(isEscrow(ESCROW_COLDKEY)).toBe(true);
  });
});

describe("a staker's owed fund shares (claim_root.rs get_basket_owed_shares)", () => {
  const basket = { shares: 10_000n, rateBits: HALF, claimed: new Map<string, bigint>() };
  it('is rate × root stake − claimed, floored at zero, never above the shares outstanding', () => {
    expect(owedShares(basket, 1_000n, 0n)).toBe(500n);
    expect(owedShares(basket, 1_001n, 0n)).toBe(500n); // 500.5 truncated
    expect(owedShares(basket, 1_000n, 100n)).toBe(400n);
    expect(owedShares(basket, 1_000n, 600n)).toBe(0n);
    // A negative watermark is a share grant that needs no root stake (stake_into_basket).
    expect(owedShares(basket, 0n, -50n)).toBe(50n);
    expect(owedShares({ ...basket, rateBits: 100n * ONE }, 1_000n, 0n)).toBe(10_000n);
  });
});

describe('look-through: the escrow’s holdings belong to the root stakers by what each can claim', () => {
  it('gives each staker floor(holding × owed / shares) of every holding; the rest stays with the escrow', () => {
    // 1,000 shares outstanding, rate 0.5: a (root 1,200) owes 600, b (root 800) owes 400.
    const holdings = new Map([[0, 1_000n], [1, 333n]]);
    const basket = { shares: 1_000n, rateBits: HALF, claimed: new Map<string, bigint>() };
    const got = attributeBasket(holdings, basket, new Map([['a', 1_200n], ['b', 800n]]));
    expect(got.owed).toEqual(new Map([['a', 600n], ['b', 400n]]));
    expect(got.parts).toEqual(new Map([['a', new Map([[0, 600n], [1, 199n]])], ['b', new Map([[0, 400n], [1, 133n]])]]));
    expect(got.left).toEqual(new Map([[1, 1n]]));
  });

  it('the escrow is never a staker of its own basket, and a basket that owes more than it has is refused', () => {
    const basket = { shares: 100n, rateBits: ONE, claimed: new Map<string, bigint>() };
    const got = attributeBasket(new Map([[0, 100n]]), basket, new Map([[ESCROW_COLDKEY, 100n], ['a', 40n]]));
    expect([...got.owed.keys()]).toEqual(['a']);
    expect(got.left).toEqual(new Map([[0, 60n]]));
    expect(() => attributeBasket(new Map([[0, 100n]]), basket, new Map([['a', 60n], ['b', 60n]]))).toThrow(/owes 120 fund shares but has 100/);
  });

  it('separateEscrow without basket maps (spec 300 seeded by hand) leaves the escrow out of every coldkey', () => {
    const stake = new Map([['owner', new Map([[0, 20n]])], ['a', new Map([[0, 30n]])], [ESCROW_COLDKEY, new Map([[0, 300n]])]]);
    const { stake: rest, escrow } = separateEscrow(stake, null);
    expect([...rest.keys()]).toEqual(['owner', 'a']);
    expect(escrow).toEqual({ left: new Map([[0, 300n]]) });
  });

  it('separateEscrow with basket maps adds each part to the staker (a grantee with no stake appears) and records it', () => {
    const stake = new Map([['a', new Map([[0, 480n]])], [ESCROW_COLDKEY, new Map([[0, 90n], [1, 30n]])]]);
    const basket = { shares: 90n, rateBits: ONE / 8n, claimed: new Map([['g', -30n]]) }; // rate 0.125: a owes 60, g 30
    const { stake: rest, escrow } = separateEscrow(stake, basket);
    expect(rest).toEqual(new Map([['a', new Map([[0, 540n], [1, 20n]])], ['g', new Map([[0, 30n], [1, 10n]])]]));
    expect(escrow!.left).toEqual(new Map());
    expect(escrow!.basket).toEqual({ holdings: [[0, 90n], [1, 30n]], shares: 90n, owed: [['a', 60n], ['g', 30n]] });
  });

  it('no escrow positions: nothing changes', () => {
    const stake = new Map([['a', new Map([[0, 1n]])]]);
    expect(separateEscrow(stake, null)).toEqual({ stake, escrow: null });
  });
});
