import type { EventRecord } from '@polkadot/types/interfaces';
import type { Codec } from '@polkadot/types/types';

// What an extrinsic did, read from its events with the test's own decoding (not ValTrac's), so a test can hold
// ValTrac's figures against the chain's.

export function named(events: readonly EventRecord[], section: string, method: string): EventRecord[] {
  return events.filter((e) => e.event.section === section && e.event.method === method);
}

export function fields(e: EventRecord): Codec[] {
  return e.event.data as unknown as Codec[];
}

const int = (c: Codec): bigint => BigInt(c.toString());

export interface StakeRemoval {
  netuid: number;
  alpha: bigint;
  tao: bigint;
}

/** Each SubtensorModule.StakeRemoved (coldkey, hotkey, tao, alpha, netuid, ...): what a sale took and brought. */
export function stakeRemovals(events: readonly EventRecord[]): StakeRemoval[] {
  return named(events, 'subtensorModule', 'StakeRemoved').map((e) => ({ netuid: Number(int(fields(e)[4]!)), tao: int(fields(e)[2]!), alpha: int(fields(e)[3]!) }));
}

/** The amounts of the Balances.Transfer events to `address`. */
export function transfersTo(events: readonly EventRecord[], address: string): bigint[] {
  return named(events, 'balances', 'Transfer').filter((e) => fields(e)[1]!.toString() === address).map((e) => int(fields(e)[2]!));
}

/** The fee the signer paid (TransactionPayment.TransactionFeePaid's actual fee plus tip). */
export function feePaid(events: readonly EventRecord[]): bigint {
  const [paid] = named(events, 'transactionPayment', 'TransactionFeePaid');
  if (!paid) throw new Error('the extrinsic has no TransactionFeePaid event');
  return int(fields(paid)[1]!) + int(fields(paid)[2]!);
}
