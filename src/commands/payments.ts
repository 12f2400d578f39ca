import type { ApiPromise } from '@polkadot/api';
import { finalizedHead } from '../chain/blocks.js';
import { readValidator } from '../chain/stake.js';
import {
  accountStates,
  canTransferStake,
  stakeCalls,
  taoCalls,
  type PaymentCalls,
  type StakeTransfer,
  type Transfer,
} from '../chain/transfer.js';
import { alphaBySubnet, splitIntoAlpha } from '../domain/stakePayout.js';
import { formatTao } from '../domain/tao.js';
import type { PayoutRow, Rao } from '../domain/types.js';
import { UserError } from '../util/errors.js';

/** How confirm pays the due rows: the payments, the calls that make each, and what the sender's free TAO pays out. */
export interface Payment<T extends Transfer> {
  transfers: T[];
  calls: PaymentCalls<T>;
  /** Free TAO leaving the sender besides fees (the transfers themselves when paying TAO; nothing when paying stake). */
  taoOut: Rao;
  /** One line per payment, printed before asking (amounts in what is actually sent). */
  lines: string[];
  question: string;
}

/** TAO transfers: refused when a new account would receive less than the existential deposit (the batch would fail). */
export async function taoPayment(api: ApiPromise, due: readonly PayoutRow[], existentialDeposit: Rao): Promise<Payment<Transfer>> {
  const transfers: Transfer[] = due.map((r) => ({ user: r.user, address: r.address, amount: r.amount }));
  const recipients = await accountStates(api, transfers.map((t) => t.address));
  for (const [i, t] of transfers.entries()) {
    if (!recipients[i]!.exists && t.amount < existentialDeposit) {
      throw new UserError(
        `${t.user}'s address ${t.address} is a new account and ${formatTao(t.amount)} TAO is below the existential ` +
          `deposit (${formatTao(existentialDeposit)} TAO): the whole batch would fail. Run valtrac plan again to carry it.`,
      );
    }
  }
  const total = transfers.reduce((sum, t) => sum + t.amount, 0n);
  return {
    transfers,
    calls: taoCalls,
    taoOut: total,
    lines: transfers.map((t) => `  ${t.user}: ${formatTao(t.amount)} TAO to ${t.address}`),
    question: `Send ${formatTao(total)} TAO to ${transfers.length} users? Type yes to send: `,
  };
}

/** Refuses `--as-stake` on a runtime without `SubtensorModule.transfer_stake`, before anything else is done. */
export function requireTransferStake(api: ApiPromise): void {
  if (!canTransferStake(api)) {
    throw new UserError(
      `--as-stake: this network's runtime (${api.runtimeVersion.specName.toString()} ${api.runtimeVersion.specVersion.toString()}) ` +
        'has no SubtensorModule.transfer_stake call, so stake cannot be paid out: run confirm without --as-stake to pay TAO. ' +
        'Nothing was sent.',
    );
  }
}

/**
 * Stake payments: each planned TAO amount split over the subnets in proportion to the owner's TAO-valued alpha there
 * and converted at the current finalized block's prices; refused unless the signer is the validator's owner and its
 * alpha on every subnet covers what is sent.
 */
export async function stakePayment(
  api: ApiPromise,
  hotkey: string | null,
  signer: string,
  due: readonly PayoutRow[],
): Promise<Payment<StakeTransfer>> {
  requireTransferStake(api);
  if (!hotkey) throw new UserError('Settings has no validator hotkey: --as-stake pays the owner\'s alpha on it; enter it and run confirm again');
  const head = await finalizedHead(api);
  const validator = await readValidator(api, hotkey, head.hash);
  if (validator.owner !== signer) {
    throw new UserError(
      `--as-stake pays the owner's alpha on ${validator.hotkey}, but its owner is ${validator.owner}, not the payout ` +
        `coldkey ${signer}: set Settings payout coldkey to the owner and sign with its key, or pay TAO without --as-stake`,
    );
  }
  const owned = validator.delegateSubnets ?? [];
  const prices = validator.prices ?? [];
  const transfers: StakeTransfer[] = due.map((r) => {
    const parts = splitIntoAlpha(r.amount, owned, prices);
    if (parts.length === 0) {
      throw new UserError(
        `${r.user}'s ${formatTao(r.amount)} TAO is worth no alpha on any subnet the owner stakes on at block ${validator.block}: ` +
          'pay this plan without --as-stake. Nothing was sent.',
      );
    }
    return { user: r.user, address: r.address, amount: r.amount, parts };
  });
  for (const [netuid, alpha] of alphaBySubnet(transfers.map((t) => t.parts))) {
    const has = owned.find((s) => s.netuid === netuid)?.alpha ?? 0n;
    if (has < alpha) {
      throw new UserError(
        `the owner ${signer} has ${formatTao(has)} alpha of subnet ${netuid} on ${validator.hotkey} at block ${validator.block}, ` +
          `but the plan needs ${formatTao(alpha)}: add stake there or pay without --as-stake. Nothing was sent.`,
      );
    }
  }
  const alphaText = (t: StakeTransfer) => t.parts.map((p) => `${formatTao(p.alpha)} α on subnet ${p.netuid}`).join(' + ');
  return {
    transfers,
    calls: stakeCalls(validator.hotkey),
    taoOut: 0n,
    lines: [
      `Paid as stake on ${validator.hotkey} at the prices of block ${validator.block}:`,
      ...transfers.map((t) => `  ${t.user}: ${alphaText(t)} (${formatTao(t.amount)} TAO) to ${t.address}`),
    ],
    question: `Move stake worth ${formatTao(transfers.reduce((s, t) => s + t.amount, 0n))} TAO to ${transfers.length} users? Type yes to send: `,
  };
}
