import type { ApiPromise } from '@polkadot/api';
import type { KeyringPair } from '@polkadot/keyring/types';
import type { ArgumentsCamelCase, Argv } from 'yargs';
import { finalizedHead } from '../../chain/blocks.js';
import { big } from '../../chain/codec.js';
import { connect } from '../../chain/connect.js';
import { resolveNetwork } from '../../chain/networks.js';
import { payerOptions, walletName, walletsDir, type PayerArgs } from '../../chain/payer.js';
import { readValidator } from '../../chain/stake.js';
import { accountStates, planBatches, planRemark, taoCalls } from '../../chain/transfer.js';
import { OWNER_KEY } from '../../chain/walletFiles.js';
import { readStakeMoveFacts } from '../../chain/moveFacts.js';
import { chooseUnstakes, fundingNeed, type FundingChoice } from '../../domain/funding.js';
import { settingPlace } from '../../domain/settings.js';
import { requireStakeMoves } from '../../domain/stakeMoves.js';
import { formatTao } from '../../domain/tao.js';
import type { Rao, ValidatorSnapshot } from '../../domain/types.js';
import { askYes } from '../../util/askYes.js';
import { UserError } from '../../util/errors.js';
import { readPlanFile } from '../../workbook/planFile.js';
import { SendLog } from '../../workbook/sendLog.js';
import { WorkbookStore } from '../../workbook/store.js';
import { acceptRuntimeOption, guardRuntime, type AcceptRuntimeArgs } from '../acceptRuntime.js';
import { chosenNetwork, networkOption, type NetworkArgs } from '../common.js';
import { paidInLog } from '../confirm/paidTruth.js';
import { taoPayment } from '../confirm/payments.js';
import { dryRunner } from '../confirm/preflight.js';
import { reconcile } from '../confirm/reconcile.js';
import { refuseProblems } from '../payoutChecks.js';
import { restorePaidRows } from '../payoutRecovery.js';
import { checkPlanAgainstWorkbook } from '../planCheck.js';
import { fundCalls, fundMoves, hasPriceLimit, type FundMove } from './moves.js';
import { rehearseFunding } from './rehearse.js';
import { fundRemark, reconcileFunding, sendFunding } from './send.js';
import { out } from '../../util/output.js';

interface FundArgs extends PayerArgs, NetworkArgs, AcceptRuntimeArgs {
  workbook: string;
  'dry-run': boolean;
  rehearse: boolean;
  yes: boolean;
  slippage: number;
}

export function builder(yargs: Argv<{ workbook: string }>) {
  return acceptRuntimeOption(payerOptions(networkOption(yargs), OWNER_KEY))
    .option('dry-run', { type: 'boolean', default: false, describe: 'Work out and show the funding batch and its fee, send nothing (without a key: read-only)' })
    .option('rehearse', { type: 'boolean', default: false, describe: 'Send the exact signed batch to a chopsticks fork of the node and show what the chain would do; nothing reaches the real node' })
    .option('yes', { type: 'boolean', default: false, describe: 'Do not ask for "yes" before sending' })
    .option('slippage', { type: 'number', default: 0.5, describe: 'Percent below the current alpha price a subnet\'s price may end at after the sale (its price limit; the sale\'s own price impact counts); root is 1:1' })
    .example('valtrac fund --dry-run', 'what the payout coldkey lacks for the open plan, and the unstakes that would cover it (no key needed)')
    .example('valtrac fund --rehearse --wallet.name owner', 'run the signed batch on a fork of the node first')
    .example('VALTRAC_OWNER_WALLET_PASSWORD=... valtrac fund --wallet.name owner --yes', 'fund without questions');
}

/**
 * Moves what the open plan needs from the owner coldkey's take to the payout coldkey: one `batch_all` signed by the
 * owner coldkey, unstaking root first and then the subnets by value (price-limited), then `transfer_keep_alive` to
 * the payout coldkey. It is worked out from the payout coldkey's free balance, so once funded a second run sends nothing.
 */
export async function handler(args: ArgumentsCamelCase<FundArgs>): Promise<void> {
  if (args.dryRun && args.rehearse) throw new UserError('--dry-run and --rehearse: choose one (a rehearsal already sends nothing to the node)', 2);
  if (!(args.slippage >= 0 && args.slippage < 100)) throw new UserError(`--slippage ${args.slippage}: give a percent from 0 to below 100, e.g. 0.5`, 2);
  const slippagePpm = BigInt(Math.round(args.slippage * 10_000));
  const store = new WorkbookStore(args.workbook);
  await store.applyPending();
  const first = await store.readParsed();
  refuseProblems(first.problems, 'fund');
  const payout = first.data.settings.payoutColdkey;
  if (!payout) {
    const place = settingPlace('payoutColdkey', first.settingsCells.payoutColdkey);
    throw new UserError(`${place} is empty: type the SS58 address of the payout coldkey there (or valtrac settings set payout-coldkey ADDRESS), then run fund again`);
  }
  const hotkey = first.data.settings.hotkey;
  if (!hotkey) throw new UserError('Settings has no validator hotkey: fund unstakes the owner\'s take from it; enter it and run fund again');
  const log = SendLog.beside(args.workbook);
  const { network, argument } = chosenNetwork(args, first.data.settings, first.settingsCells);
  const api = await connect(network, { argument });
  try {
    await guardRuntime(api, store, first.data.settings, args.acceptRuntime, 'fund');
    // Whatever was sent before is settled with the chain first: an open funding batch, and confirm's own batches (the
    // rows still due are the chain's truth, not the workbook's last word).
    await reconcileFunding(api, log);
    await reconcile(api, store, log);
    let data = await store.read();
    if (await restorePaidRows(store, log, data.payouts)) data = await store.read();
    const plan = checkPlanAgainstWorkbook(await readPlanFile(args.workbook), data, paidInLog(log));
    const due = plan.rows.filter((r) => r.status === 'planned' || r.status === 'failed');
    if (due.length === 0) {
      out.line(`Plan ${plan.planId}: nothing to fund, no payment is due (${plan.rows.filter((r) => r.status === 'paid').length} paid).`);
      return;
    }
    const existentialDeposit = big(api.consts.balances!.existentialDeposit);
    const payment = await taoPayment(api, due, existentialDeposit);
    const firstBatch = Math.max(0, ...plan.rows.map((r) => r.batch ?? 0)) + 1;
    const payoutBatches = await planBatches(api, payout, payment.transfers, taoCalls, planRemark(plan.planId, firstBatch));
    const payoutFees = payoutBatches.reduce((sum, b) => sum + b.fee, 0n);
    const validator = await readValidator(api, hotkey, (await finalizedHead(api)).hash);
    const owner = validator.owner;
    const sameKey = owner === payout;
    const [payoutState, ownerState] = await accountStates(api, [payout, owner]);
    const need = fundingNeed(payment.taoOut, payoutFees, existentialDeposit, payoutState!.free);
    out.line(
      `Plan ${plan.planId}: payouts ${formatTao(payment.taoOut)} + confirm's fees ${formatTao(payoutFees)} + existential deposit ` +
        `${formatTao(existentialDeposit)} - the payout coldkey's free ${formatTao(payoutState!.free)} = ${formatTao(need > 0n ? need : 0n)} TAO to fund.`,
    );
    if (need <= 0n) {
      out.line(`The payout coldkey ${payout} already holds what confirm needs: nothing to fund. Next: valtrac confirm.`);
      return;
    }
    if (validator.era === 'legacy') {
      throw new UserError('fund unstakes alpha per subnet, and this runtime keeps legacy stake: unstake the take with btcli stake remove and transfer it with btcli wallet transfer. Nothing was sent.');
    }

    const funding = await workOut(api, validator, payout, sameKey, need, plan.planId, slippagePpm);
    refuseShort(validator, funding, need, sameKey);
    const ownerNeeds = funding.fee + (sameKey ? 0n : existentialDeposit);
    if (ownerState!.free < ownerNeeds) {
      throw new UserError(
        `the owner coldkey ${owner} has ${formatTao(ownerState!.free)} TAO free, but the funding batch's fee is paid before it ` +
          `runs: it needs ${formatTao(ownerNeeds)} TAO free (fee ${formatTao(funding.fee)}${sameKey ? '' : ` + existential deposit ${formatTao(existentialDeposit)}`}). ` +
          'Nothing was signed.',
      );
    }
    printBatch(funding, payout, sameKey, hasPriceLimit(api));
    // What the runtime would refuse (root hold, a basket migration, locks, minimums) is refused before a key is asked for.
    const facts = await readStakeMoveFacts(api, owner, hotkey, funding.unstakes.map((u) => u.netuid), validator.blockHash);
    requireStakeMoves(facts, funding.unstakes.map((u) => ({ kind: 'unstake' as const, netuid: u.netuid, alpha: u.alpha, tao: u.expected })), 'fund');

    const pair = await ownerKey(args, args.dryRun, owner);
    if (pair === null) {
      out.line("Dry run: nothing was signed or sent. With the owner's key (--wallet.name NAME or VALTRAC_OWNER_MNEMONIC) the runtime's own dry run checks the signed batch too.");
      return;
    }
    const verdict = await (await dryRunner(api, pair)).run(funding.moves, fundCalls(hotkey), fundRemark(plan.planId));
    if (!verdict.ok) {
      // remove_stake_limit refuses a sale that would leave the price below its limit: the sale's own price impact counts.
      const hint = verdict.module === 'SlippageTooHigh' ? ` Selling this much moves the price by more than --slippage ${args.slippage} %: allow more (e.g. --slippage 2), or plan a smaller pool.` : '';
      throw new UserError(`the runtime's dry run of the funding batch fails (${verdict.error}), so it would fail on chain and cost its fee.${hint} Nothing was sent.`);
    }
    out.line("The runtime's dry run accepts the funding batch.");
    const batch = { api, log, pair, planId: plan.planId, hotkey, payout: sameKey ? null : payout, moves: funding.moves, transfer: funding.transfer, fee: funding.fee };
    if (args.dryRun) {
      out.line('Dry run: nothing was sent.');
      return;
    }
    if (args.rehearse) {
      await rehearseFunding(batch, resolveNetwork(network, argument).url);
      return;
    }
    if (!args.yes) await askYes(`Unstake and move ${formatTao(funding.transfer)} TAO to the payout coldkey? Type yes to send: `, 'fund');
    await sendFunding(batch);
    out.line('Funded. Next: valtrac confirm pays the plan from the payout coldkey.');
  } catch (error) {
    if (!(error instanceof UserError) && !api.isConnected) {
      throw new UserError(`lost the connection to the node before fund finished. Anything submitted is recorded in ${log.path}: run fund again once the node is reachable`);
    }
    throw error;
  } finally {
    await api.disconnect();
  }
}

interface Funding extends FundingChoice {
  moves: FundMove[];
  /** TAO the owner must receive from the take (the need, plus the batch's own fee when the owner pays the plan). */
  target: Rao;
  transfer: Rao;
  fee: Rao;
}

/**
 * The unstakes for the need and the batch's fee. When the owner coldkey is the payout coldkey the fee comes out of
 * the same free balance, so the take must cover it too: worked out again once the fee is known.
 */
async function workOut(api: ApiPromise, validator: ValidatorSnapshot, payout: string, sameKey: boolean, need: Rao, planId: string, slippagePpm: bigint): Promise<Funding> {
  const terms = { slippagePpm, feePpm: await swapFees(api, (validator.delegateSubnets ?? []).map((s) => s.netuid)) };
  const make = async (target: Rao): Promise<Funding> => {
    const choice = chooseUnstakes(target, validator.delegateSubnets ?? [], validator.prices ?? [], terms);
    const moves = fundMoves(validator.hotkey, choice.unstakes, sameKey ? null : payout, need);
    const batches = await planBatches(api, validator.owner, moves, fundCalls(validator.hotkey), fundRemark(planId));
    return { ...choice, moves, target, transfer: need, fee: batches.reduce((sum, b) => sum + b.fee, 0n) };
  };
  const first = await make(need);
  return sameKey ? make(need + first.fee) : first;
}

/** The swap's fee per subnet, where the runtime has one (`Swap.FeeRate`, a fraction of u16::MAX), in parts per million. */
async function swapFees(api: ApiPromise, netuids: readonly number[]): Promise<Map<number, bigint>> {
  const feeRate = (api.query as unknown as Record<string, Record<string, ((n: number) => Promise<unknown>) | undefined> | undefined>).swap?.feeRate;
  const fees = new Map<number, bigint>();
  if (!feeRate) return fees;
  for (const netuid of netuids.filter((n) => n !== 0)) fees.set(netuid, (big(await feeRate(netuid)) * 1_000_000n + 65_534n) / 65_535n);
  return fees;
}

function refuseShort(validator: ValidatorSnapshot, funding: Funding, need: Rao, sameKey: boolean): void {
  if (funding.available >= funding.target) return;
  const held = (validator.delegateSubnets ?? []).map((s) => `subnet ${s.netuid}: ${formatTao(s.alpha)} α worth ${formatTao(s.tao)} TAO`).join(', ');
  throw new UserError(
    `the owner's take on ${validator.hotkey} is not enough: the payout coldkey needs ${formatTao(need)} TAO` +
      `${sameKey ? ` (+ the batch fee ${formatTao(funding.fee)})` : ''}, and the owner coldkey's stake there brings at most ` +
      `${formatTao(funding.available)} TAO at the price limits (${held || 'no stake'}) at block ${validator.block}. ` +
      'Wait for more take to accrue, plan a smaller pool (valtrac plan --pool TAO), or top up the payout coldkey yourself (btcli wallet transfer). Nothing was signed.',
  );
}

function printBatch(funding: Funding, payout: string, sameKey: boolean, priceLimit: boolean): void {
  out.line(`Funding batch (one utility.batch_all signed by the owner coldkey, ${priceLimit ? 'remove_stake_limit' : 'remove_stake: this runtime has no price limit'}):`);
  for (const m of funding.moves) {
    if (m.kind === 'unstake') {
      const u = m.unstake;
      const price = u.netuid === 0 ? 'root, 1:1' : `limit ${formatTao(u.limitPrice)} TAO/α`;
      out.line(`  unstake ${formatTao(u.alpha)} α on subnet ${u.netuid} (${price}): about ${formatTao(u.expected)} TAO, at least ${formatTao(u.guaranteed)}`);
    } else {
      out.line(`  transfer_keep_alive ${formatTao(m.amount)} TAO to the payout coldkey ${payout}`);
    }
  }
  if (sameKey) out.line('  (no transfer: the owner coldkey is the payout coldkey)');
  out.line(`Fee about ${formatTao(funding.fee)} TAO, paid by the owner coldkey; what the sales bring above ${formatTao(funding.transfer)} TAO stays with the owner.`);
}

/** The owner's key, checked to be the hotkey's owner on chain; none on a dry run that names no key. */
async function ownerKey(args: PayerArgs, dryRun: boolean, owner: string): Promise<KeyringPair | null> {
  const name = walletName(args);
  if (dryRun && name === undefined && !process.env[OWNER_KEY.mnemonicEnv]) return null;
  const { keySource, loadPayoutKey, promptPassword } = await import('../../chain/wallet.js');
  const pair = await loadPayoutKey(keySource(name, walletsDir(args), process.env, OWNER_KEY), process.env, () =>
    promptPassword('Password of the owner coldkey: ', OWNER_KEY.passwordEnv),
  );
  if (pair.address !== owner) throw new UserError(`the key loaded (${pair.address}) is not the owner coldkey of the validator hotkey (${owner} on chain): use the owner's wallet`);
  return pair;
}

