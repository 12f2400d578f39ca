import { UserError } from '../util/errors.js';
import { formatTao } from './tao.js';
import type { Rao } from './types.js';

/**
 * What the runtime says about moving a coldkey's stake on one validator hotkey, read once at one block (see
 * chain/moveFacts.ts). Each rule is subtensor's own check on the extrinsic (RaoFoundation/subtensor,
 * `pallets/subtensor/src/staking/`), so a move it would refuse is refused here, before anything is signed.
 */
export interface StakeMoveFacts {
  block: number;
  /**
   * `ensure_beta_basket_seed_idle`: while `migrate_seed_beta_basket_v2` runs (its cursor `SeedBetaBasketV2Migration`
   * is stored) or a root dividend waits to enter its basket, root stake cannot change (`BetaBasketSeedInProgress`).
   */
  basketMigration: boolean;
  /**
   * `ensure_root_stake_unlocked`: root stake leaves root only `RootStakeUnlockInterval` blocks after the pair's last
   * root stake change (`LastColdkeyHotkeyStakeBlock`), else `RootStakeLocked`. Null: the runtime has no hold.
   */
  rootHold: { interval: bigint; lastChange: bigint | null } | null;
  /**
   * `StakeInfoRuntimeApi.get_stake_availability_for_coldkeys`: per subnet, the coldkey's alpha, the locked part and what
   * may leave (`StakeUnavailable` beyond it). A subnet without a row has neither stake nor lock. Null: no such API.
   */
  availability: ReadonlyMap<number, { total: bigint; locked: bigint; available: bigint }> | null;
  /** The runtime locks stake (it declares `StakeUnavailable` or a `Lock` map) but has no API to read what is free. */
  locksUnreadable: boolean;
  /** `TransferToggle(netuid)`, where the runtime has the switch: false refuses stake transfers there. */
  transferEnabled: ReadonlyMap<number, boolean>;
  /** The smallest stake move (`MinStake`) and stake transfer (`MinTransfer`) in TAO, where the runtime declares them. */
  minStake: Rao | null;
  minTransfer: Rao | null;
}

/** One stake move: `alpha` of subnet `netuid` leaving the coldkey, worth `tao` at the current price. */
export interface StakeMove {
  kind: 'transfer' | 'unstake';
  netuid: number;
  alpha: bigint;
  tao: Rao;
}

export interface StakeMoveRefusal {
  netuid: number;
  reason: string;
}

/** Every reason the runtime would refuse these moves, per subnet; empty when it would let them all through. */
export function stakeMoveRefusals(facts: StakeMoveFacts, moves: readonly StakeMove[]): StakeMoveRefusal[] {
  const out: StakeMoveRefusal[] = [];
  const netuids = [...new Set(moves.map((m) => m.netuid))].sort((a, b) => a - b);
  for (const netuid of netuids) {
    const here = moves.filter((m) => m.netuid === netuid);
    const refuse = (reason: string) => out.push({ netuid, reason });
    if (netuid === 0 && facts.basketMigration) {
      refuse('a basket migration is in progress (BetaBasketSeedInProgress): root stake cannot change until it finishes');
    }
    const hold = facts.rootHold;
    if (netuid === 0 && hold && hold.interval > 0n) {
      const until = (hold.lastChange ?? 0n) + hold.interval;
      if (BigInt(facts.block) < until) refuse(`root stake is inside its hold window until block ${until} (RootStakeLocked)`);
    }
    if (here.some((m) => m.kind === 'transfer') && facts.transferEnabled.get(netuid) === false) {
      refuse('stake transfers are disabled there (TransferToggle)');
    }
    if (facts.locksUnreadable) {
      refuse('this runtime locks stake, but has no get_stake_availability_for_coldkeys to tell how much is free (StakeUnavailable)');
    } else {
      const row = facts.availability?.get(netuid);
      const need = here.reduce((sum, m) => sum + m.alpha, 0n);
      if (row && need > row.available) {
        refuse(`only ${formatTao(row.available)} of ${formatTao(row.total)} alpha may leave (${formatTao(row.locked)} locked), ${formatTao(need)} needed (StakeUnavailable)`);
      }
    }
    for (const m of here) {
      const [minimum, name] = m.kind === 'transfer' && facts.minTransfer !== null ? [facts.minTransfer, 'MinTransfer'] : [facts.minStake, 'MinStake'];
      if (minimum !== null && m.tao < minimum) {
        refuse(`a move worth ${formatTao(m.tao)} TAO is below the runtime's minimum of ${formatTao(minimum)} TAO (${name}, AmountTooLow)`);
      }
    }
  }
  return out;
}

/** Refuses, naming each reason and subnet, moves the runtime would not let through; `what` names the command. */
export function requireStakeMoves(facts: StakeMoveFacts, moves: readonly StakeMove[], what: string): void {
  const refusals = stakeMoveRefusals(facts, moves);
  if (refusals.length === 0) return;
  throw new UserError(
    `${what}: the runtime would refuse this stake move at block ${facts.block}: ` +
      `${refusals.map((r) => `subnet ${r.netuid}: ${r.reason}`).join('; ')}. Nothing was signed.`,
  );
}
