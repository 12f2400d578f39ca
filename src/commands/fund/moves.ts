import type { ApiPromise } from '@polkadot/api';
import type { EventRecord } from '@polkadot/types/interfaces';
import type { Codec } from '@polkadot/types/types';
import { big, str } from '../../chain/codec.js';
import type { PaymentCalls, Transfer } from '../../chain/transfer.js';
import type { Unstake } from '../../domain/funding.js';
import { formatTao } from '../../domain/tao.js';
import type { Rao } from '../../domain/types.js';

/**
 * One call of the funding batch, shaped as a transfer so confirm's batch code (fee estimate, signing, dry run) takes it
 * as it is: an unstake of the owner's alpha on one subnet, or the transfer of the TAO to the payout coldkey.
 */
export type FundMove = Transfer & ({ kind: 'unstake'; unstake: Unstake } | { kind: 'transfer' });

/** The unstakes, then the transfer (none when the owner coldkey pays the plan itself). */
export function fundMoves(hotkey: string, unstakes: readonly Unstake[], payout: string | null, transfer: Rao): FundMove[] {
  return [
    ...unstakes.map((u): FundMove => ({ kind: 'unstake', unstake: u, user: `subnet ${u.netuid}`, address: hotkey, amount: u.expected })),
    ...(payout === null ? [] : [{ kind: 'transfer' as const, user: 'payout coldkey', address: payout, amount: transfer }]),
  ];
}

/** Whether the runtime can sell alpha with a price limit (`remove_stake_limit`), rather than at whatever price. */
export function hasPriceLimit(api: ApiPromise): boolean {
  return Boolean(api.tx.subtensorModule?.removeStakeLimit);
}

/**
 * `remove_stake_limit(hotkey, netuid, alpha, limit_price, allow_partial = false)`: the whole alpha at the limit or
 * better, or the call fails (and `batch_all` with it: nothing moves). Runtimes without it: `remove_stake`.
 */
export function fundCalls(hotkey: string): PaymentCalls<FundMove> {
  return (api, move) => {
    if (move.kind === 'transfer') return [api.tx.balances!.transferKeepAlive!(move.address, move.amount)];
    const { netuid, alpha, limitPrice } = move.unstake;
    const sm = api.tx.subtensorModule!;
    return [hasPriceLimit(api) ? sm.removeStakeLimit!(hotkey, netuid, alpha, limitPrice, false) : sm.removeStake!(hotkey, netuid, alpha)];
  };
}

/** What the block's events show the funding batch did. */
export interface FundOutcome {
  /** Per subnet: the alpha that left the owner and the TAO it brought (`SubtensorModule.StakeRemoved`). */
  received: Array<{ netuid: number; alpha: bigint; tao: Rao }>;
  /** `Balances.Transfer` from the owner to the payout coldkey. */
  transferred: Rao;
}

/** Reads `StakeRemoved(coldkey, hotkey, tao, alpha, netuid, ...)` and `Transfer(from, to, amount)` of the owner. */
export function fundOutcome(api: ApiPromise, events: readonly EventRecord[], owner: string, hotkey: string, payout: string | null): FundOutcome {
  const received: FundOutcome['received'] = [];
  let transferred = 0n;
  for (const { event } of events) {
    const data = event.data as unknown as Codec[];
    if (api.events.subtensorModule?.StakeRemoved?.is(event) && data.length >= 5 && str(data[0]) === owner && str(data[1]) === hotkey) {
      received.push({ netuid: Number(big(data[4])), tao: big(data[2]), alpha: big(data[3]) });
    }
    if (payout !== null && api.events.balances?.Transfer?.is(event) && str(data[0]) === owner && str(data[1]) === payout) transferred += big(data[2]);
  }
  return { received, transferred };
}

/**
 * One line per unstake: what arrived against what the signing block's price promised (a sale moves its own price, so a
 * subnet's TAO usually falls a little below it: said, with how much) and against the least the price limit allowed
 * (below it is SHORT). The sum is what the owner coldkey received.
 */
export function outcomeLines(unstakes: readonly Unstake[], outcome: FundOutcome): { lines: string[]; short: boolean; total: Rao } {
  let short = false;
  let total = 0n;
  const lines = unstakes.map((u) => {
    const got = outcome.received.filter((r) => r.netuid === u.netuid);
    const tao = got.reduce((s, r) => s + r.tao, 0n);
    const alpha = got.reduce((s, r) => s + r.alpha, 0n);
    total += tao;
    const gap = u.expected - tao;
    if (tao < u.guaranteed) short = true;
    const note =
      got.length === 0
        ? '  NOT UNSTAKED (no StakeRemoved event)'
        : tao < u.guaranteed
          ? `  SHORT by ${formatTao(u.guaranteed - tao)} TAO of the least the price limit allowed`
          : gap > 0n
            ? `, ${formatTao(gap)} TAO below the signing block's price (the sale's own price impact)`
            : '';
    return `  subnet ${u.netuid}: ${formatTao(alpha)} α unstaked, ${formatTao(tao)} TAO received (expected ${formatTao(u.expected)}, at least ${formatTao(u.guaranteed)})${note}`;
  });
  return { lines, short, total };
}
