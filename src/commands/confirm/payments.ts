import type { ApiPromise } from '@polkadot/api';
import { finalizedHead } from '../../chain/blocks.js';
import { readValidator } from '../../chain/stake.js';
import { subnetStakeRules } from '../../chain/stakeRules.js';
import {
  accountStates,
  canTransferStake,
  stakeCalls,
  taoCalls,
  type PaymentCalls,
  type StakeTransfer,
  type Transfer,
} from '../../chain/transfer.js';
import { alphaBySubnet, stakeParts } from '../../domain/stakePayout.js';
import { formatTao } from '../../domain/tao.js';
import type { PayoutRow, Rao, ValidatorSnapshot } from '../../domain/types.js';
import { UserError } from '../../util/errors.js';

/** How confirm pays the due rows: the payments, the calls that make each, and what the sender's free TAO pays out. */
export interface Payment<T extends Transfer> {
  transfers: T[];
  calls: PaymentCalls<T>;
  /** Free TAO leaving the sender besides fees (the transfers themselves when paying TAO; nothing when paying stake). */
  taoOut: Rao;
  /** One line per payment, printed before asking (amounts in what is actually sent). */
  lines: string[];
  question: string;
  /** The validator hotkey a stake payment moves alpha on (null for TAO). */
  hotkey: string | null;
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
    hotkey: null,
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

/** The owner's stake on the validator at the current finalized block, checked to be the signer's. */
export async function ownerStake(api: ApiPromise, hotkey: string | null, signer: string): Promise<ValidatorSnapshot> {
  requireTransferStake(api);
  if (!hotkey) throw new UserError("Settings has no validator hotkey: --as-stake pays the owner's alpha on it; enter it and run confirm again");
  const head = await finalizedHead(api);
  const validator = await readValidator(api, hotkey, head.hash);
  if (validator.owner !== signer) {
    throw new UserError(
      `--as-stake pays the owner's alpha on ${validator.hotkey}, but its owner is ${validator.owner}, not the payout ` +
        `coldkey ${signer}: set Settings payout coldkey to the owner and sign with its key, or pay TAO without --as-stake`,
    );
  }
  return validator;
}

/**
 * Stake payments: each planned TAO amount split over the subnets where the owner's alpha may be moved (transfers
 * enabled, subtoken enabled) in proportion to its TAO value there, converted at the current finalized block's prices;
 * a part below the runtime's minimum stake move (`minimum`, TAO; null when the runtime does not say) is merged onto
 * the owner's largest subnet, and a payment too small for any is paid as TAO. Refused unless the owner's alpha on
 * every subnet covers what is sent there.
 */
export async function stakePayment(
  api: ApiPromise,
  validator: ValidatorSnapshot,
  due: readonly PayoutRow[],
  minimum: Rao | null,
): Promise<Payment<StakeTransfer>> {
  const owned = validator.delegateSubnets ?? [];
  const prices = validator.prices ?? [];
  const rules = await subnetStakeRules(api, owned.map((s) => s.netuid));
  const usable = owned.filter((s) => rules.get(s.netuid)?.allowed !== false && s.tao > 0n);
  if (usable.length === 0) {
    const why = owned.map((s) => `subnet ${s.netuid}: ${rules.get(s.netuid)?.why ?? 'no alpha'}`).join('; ');
    throw new UserError(
      `--as-stake: the owner's alpha on ${validator.hotkey} cannot be moved on any subnet at block ${validator.block} ` +
        `(${why || 'the owner has no stake on it'}): pay without --as-stake. Nothing was sent.`,
    );
  }
  const transfers: StakeTransfer[] = due.map((r) => ({ user: r.user, address: r.address, amount: r.amount, ...stakeParts(r.amount, usable, prices, minimum) }));
  for (const [netuid, alpha] of alphaBySubnet(transfers.map((t) => t.parts))) {
    const has = owned.find((s) => s.netuid === netuid)?.alpha ?? 0n;
    if (has < alpha) {
      throw new UserError(
        `the owner ${validator.owner} has ${formatTao(has)} alpha of subnet ${netuid} on ${validator.hotkey} at block ${validator.block}, ` +
          `but the plan needs ${formatTao(alpha)}: add stake there or pay without --as-stake. Nothing was sent.`,
      );
    }
  }
  const skipped = owned.filter((s) => !usable.includes(s)).map((s) => `subnet ${s.netuid} (${rules.get(s.netuid)?.why ?? 'no alpha'})`);
  const alphaText = (t: StakeTransfer) =>
    [...t.parts.map((p) => `${formatTao(p.alpha)} α on subnet ${p.netuid}`), ...(t.tao > 0n ? [`${formatTao(t.tao)} TAO (below the minimum stake move)`] : [])].join(' + ');
  const taoOut = transfers.reduce((sum, t) => sum + t.tao, 0n);
  return {
    transfers,
    calls: stakeCalls(validator.hotkey),
    taoOut,
    lines: [
      `Paid as stake on ${validator.hotkey} at the prices of block ${validator.block}` +
        `${minimum === null ? '' : `, minimum stake move ${formatTao(minimum)} TAO`}${skipped.length ? `; not from ${skipped.join(', ')}` : ''}:`,
      ...transfers.map((t) => `  ${t.user}: ${alphaText(t)} (${formatTao(t.amount)} TAO) to ${t.address}`),
    ],
    question: `Move stake worth ${formatTao(transfers.reduce((s, t) => s + t.amount, 0n))} TAO to ${transfers.length} users? Type yes to send: `,
    hotkey: validator.hotkey,
  };
}
