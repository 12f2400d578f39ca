import type { ApiPromise } from '@polkadot/api';
import { decodeSs58, encodeSs58 } from '../domain/ss58.js';
import { ESCROW_COLDKEY, separateEscrow, type BasketState } from '../domain/basket.js';
import { PPM, type NominatorStake, type SubnetPrice, type SubnetStake, type ValidatorSnapshot } from '../domain/types.js';
import { UserError } from '../util/errors.js';
import { big } from './codec.js';
import { SS58_PREFIX } from './connect.js';
import type { DelegateStake } from './delegateInfo.js';
import { alphaToTao } from './fixedPoint.js';
import { readPrices } from './prices.js';
import { readBasket } from './basketStorage.js';
import { netuidsOf, type RawStake } from './rawStake.js';
import { atBlock } from './stateErrors.js';
import { stakeLayout } from './stakeLayout.js';
import { readReconciledStake } from './stakeSource.js';

/** subtensor stores a delegate's take as a fraction of u16::MAX. */
const TAKE_DENOMINATOR = 65_535n;

/**
 * Reads a validator hotkey's stake at one block: owner, take, each coldkey's stake per subnet (raw alpha and its
 * TAO value at that block's price), the owner's own stake (the payout pool) and the total. The stake is reconciled
 * with the runtime's own totals before it is returned (chain/stakeSource.ts); a read that does not add up throws.
 */
export async function readValidator(api: ApiPromise, hotkey: string, blockHash: string): Promise<ValidatorSnapshot> {
  const hk = parseHotkey(hotkey);
  return atBlock(blockHash, async () => {
    const [at, header] = await Promise.all([api.at(blockHash), api.rpc.chain.getHeader(blockHash)]);
    const block = header.number.toNumber();
    return decoding(block, blockHash, async () => {
      const layout = stakeLayout(at);
      const [now, delegate] = await Promise.all([at.query.timestamp!.now!(), readReconciledStake(at, hk, layout, block)]);
      if (!delegate) {
        throw new UserError(
          `hotkey ${hk} is not a delegate with an owner at block ${block}: check the validator hotkey in Settings ` +
            `(or --hotkey) and the network.`,
        );
      }
      const basket = layout.basket && hasEscrow(delegate.stake) ? await readBasket(at, hk) : null;
      const prices = await readPrices(at, netuidsOf(delegate.stake), delegate.era, layout);
      return { ...assemble({ block, blockHash, time: new Date(Number(big(now))), hotkey: hk, era: delegate.era }, delegate, prices, basket), notes: delegate.notes };
    });
  });
}

/**
 * A value the metadata promised but the node's bytes do not match is not the person's mistake, but it must not end in
 * a stack trace either: name what could not be read, where, and that nothing was recorded.
 */
async function decoding<T>(block: number, blockHash: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof UserError || !(error instanceof Error)) throw error;
    const storage = /Unable to decode storage ([\w.]+)/.exec(error.message);
    const shape = /createType\(|expected a struct|expected an integer|Decoded input doesn't match|Unable to decode/.test(error.message);
    if (!storage && !shape) throw error;
    const what = storage ? storage[1]! : 'a value of the validator\'s stake';
    throw new UserError(
      `could not decode ${what} at block ${block} (${blockHash}): ${error.message.split('\n')[0]!.slice(0, 200)}. ` +
        "The node's runtime stores it in a layout this ValTrac does not read; nothing was recorded.",
    );
  }
}

interface Header {
  block: number;
  blockHash: string;
  time: Date;
  hotkey: string;
  era: 'dynamic' | 'legacy';
}

function assemble(header: Header, delegate: DelegateStake, prices: SubnetPrice[], basket: BasketState | null): ValidatorSnapshot {
  const priceOf = new Map(prices.map((p) => [p.netuid, p]));
  const value = (subnets: Map<number, bigint>): SubnetStake[] =>
    [...subnets]
      .sort(([a], [b]) => a - b)
      .map(([netuid, alpha]) => ({ netuid, alpha, tao: alphaToTao(alpha, priceOf.get(netuid)!) }));
  const sum = (subnets: SubnetStake[]) => subnets.reduce((total, s) => total + s.tao, 0n);

  const owner = normalize(delegate.owner);
  const normalized = basket ? { ...basket, claimed: new Map([...basket.claimed].map(([coldkey, c]) => [normalize(coldkey), c])) } : null;
  const { stake, escrow } = separateEscrow(new Map(sortedByColdkey(delegate.stake)), normalized);
  const nominators: NominatorStake[] = [];
  let delegateSubnets: SubnetStake[] = [];
  for (const [coldkey, subnets] of [...stake].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const valued = value(subnets);
    if (coldkey === owner) delegateSubnets = valued;
    else nominators.push({ coldkey, stake: sum(valued), subnets: valued });
  }
  const delegateStake = sum(delegateSubnets);
  // The escrow is not in the total: the nominator stake (total − delegate) is what users' shares are measured against.
  const totalStake = nominators.reduce((total, n) => total + n.stake, delegateStake);
  const escrowSubnets = escrow ? value(escrow.left) : [];
  return {
    ...header,
    owner,
    takePpm: (delegate.take * PPM) / TAKE_DENOMINATOR,
    totalStake,
    delegateStake,
    nominators,
    delegateSubnets,
    prices,
    ...(escrow ? { escrow: { subnets: escrowSubnets, stake: sum(escrowSubnets), ...(escrow.basket ? { basket: escrow.basket } : {}) } } : {}),
  };
}

function hasEscrow(stake: RawStake): boolean {
  for (const coldkey of stake.keys()) if (normalize(coldkey) === ESCROW_COLDKEY) return true;
  return false;
}

function sortedByColdkey(stake: RawStake): Array<[string, Map<number, bigint>]> {
  return [...stake]
    .map(([coldkey, subnets]) => [normalize(coldkey), subnets] as [string, Map<number, bigint>])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The prefix-42 form of an account address of any network; throws on anything else. */
function normalize(address: string): string {
  const decoded = decodeSs58(address);
  if (decoded?.kind !== 'account') throw new Error(`${address} is not an SS58 account address`);
  return decoded.prefix === SS58_PREFIX ? address : encodeSs58(decoded.key, SS58_PREFIX);
}

function parseHotkey(hotkey: string): string {
  try {
    return normalize(hotkey.trim());
  } catch {
    throw new UserError(`hotkey "${hotkey}" is not an SS58 address: copy the validator hotkey (5...) from btcli.`);
  }
}
