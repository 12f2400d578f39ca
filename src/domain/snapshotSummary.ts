import type { SnapshotSummary, ValidatorSnapshot } from './types.js';

/** The Snapshots sheet's row for a snapshot: totals, and the stake of the registered coldkeys that count at its block. */
export function summarize(snapshot: ValidatorSnapshot, registeredColdkeys: ReadonlySet<string>): SnapshotSummary {
  let usersStake = 0n;
  for (const n of snapshot.nominators) if (registeredColdkeys.has(n.coldkey)) usersStake += n.stake;
  return {
    block: snapshot.block,
    blockHash: snapshot.blockHash,
    time: snapshot.time,
    totalStake: snapshot.totalStake,
    delegateStake: snapshot.delegateStake,
    nominatorStake: snapshot.totalStake - snapshot.delegateStake,
    nominators: snapshot.nominators.length,
    usersStake,
    ...(snapshot.escrow ? { escrowStake: snapshot.escrow.stake } : {}),
  };
}
