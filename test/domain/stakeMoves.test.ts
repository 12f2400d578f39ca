import { describe, expect, it } from 'vitest';
import { requireStakeMoves, stakeMoveRefusals, type StakeMove, type StakeMoveFacts } from '../../src/domain/stakeMoves.js';
import { UserError } from '../../src/util/errors.js';

const TAO = 1_000_000_000n;
const free: StakeMoveFacts = {
  block: 5_000,
  basketMigration: false,
  rootHold: null,
  availability: null,
  locksUnreadable: false,
  transferEnabled: new Map(),
  minStake: null,
  minTransfer: null,
};
const root: StakeMove = { kind: 'transfer', netuid: 0, alpha: 2n * TAO, tao: 2n * TAO };
const sn3: StakeMove = { kind: 'transfer', netuid: 3, alpha: 40n * TAO, tao: 1n * TAO };

describe('stake moves: what the runtime would refuse, before anything is signed', () => {
  it('lets everything through where the runtime has no restriction', () => {
    expect(stakeMoveRefusals(free, [root, sn3])).toEqual([]);
  });

  it('root stake in its hold window (RootStakeLocked): refused until interval blocks after its last change', () => {
    const held = { ...free, rootHold: { interval: 7_200n, lastChange: 1_000n } };
    expect(stakeMoveRefusals(held, [root, sn3])).toEqual([{ netuid: 0, reason: 'root stake is inside its hold window until block 8200 (RootStakeLocked)' }]);
    expect(stakeMoveRefusals({ ...held, block: 8_200 }, [root])).toEqual([]);
    // an interval of 0 disables the hold (subtensor's default)
    expect(stakeMoveRefusals({ ...free, rootHold: { interval: 0n, lastChange: 4_999n } }, [root])).toEqual([]);
    // never touched: counted from block 0
    expect(stakeMoveRefusals({ ...free, rootHold: { interval: 7_200n, lastChange: null } }, [root])).toHaveLength(1);
  });

  it('a basket migration in progress (BetaBasketSeedInProgress) stops root stake only', () => {
    expect(stakeMoveRefusals({ ...free, basketMigration: true }, [root, sn3])).toEqual([
      { netuid: 0, reason: 'a basket migration is in progress (BetaBasketSeedInProgress): root stake cannot change until it finishes' },
    ]);
  });

  it('locked stake: the moves on a subnet together may not exceed what the runtime calls available', () => {
    const locked = { ...free, availability: new Map([[3, { total: 100n * TAO, locked: 70n * TAO, available: 30n * TAO }]]) };
    expect(stakeMoveRefusals(locked, [sn3])).toEqual([
      { netuid: 3, reason: 'only 30.000000000 of 100.000000000 alpha may leave (70.000000000 locked), 40.000000000 needed (StakeUnavailable)' },
    ]);
    expect(stakeMoveRefusals(locked, [{ ...sn3, alpha: 20n * TAO }, { ...sn3, alpha: 10n * TAO }])).toEqual([]);
    expect(stakeMoveRefusals({ ...free, locksUnreadable: true }, [sn3])[0]!.reason).toContain('has no get_stake_availability_for_coldkeys');
  });

  it('TransferToggle off refuses transfers there; MinTransfer / MinStake refuse small moves', () => {
    expect(stakeMoveRefusals({ ...free, transferEnabled: new Map([[3, false], [0, true]]) }, [root, sn3])).toEqual([
      { netuid: 3, reason: 'stake transfers are disabled there (TransferToggle)' },
    ]);
    const minimums = { ...free, minStake: 2_000_000n, minTransfer: 100_000n };
    expect(stakeMoveRefusals(minimums, [{ ...sn3, tao: 100_000n }])).toEqual([]);
    expect(stakeMoveRefusals(minimums, [{ ...sn3, tao: 99_999n }])).toEqual([
      { netuid: 3, reason: "a move worth 0.000099999 TAO is below the runtime's minimum of 0.000100000 TAO (MinTransfer, AmountTooLow)" },
    ]);
    expect(stakeMoveRefusals(minimums, [{ ...sn3, kind: 'unstake', tao: 1_999_999n }])[0]!.reason).toContain('(MinStake, AmountTooLow)');
  });

  it('requireStakeMoves names every reason and subnet in one refusal', () => {
    const facts = { ...free, basketMigration: true, transferEnabled: new Map([[3, false]]) };
    expect(() => requireStakeMoves(facts, [root, sn3], 'fund')).toThrow(UserError);
    expect(() => requireStakeMoves(facts, [root, sn3], 'fund')).toThrow(
      'fund: the runtime would refuse this stake move at block 5000: subnet 0: a basket migration is in progress ' +
        '(BetaBasketSeedInProgress): root stake cannot change until it finishes; subnet 3: stake transfers are disabled there (TransferToggle). Nothing was signed.',
    );
  });
});
