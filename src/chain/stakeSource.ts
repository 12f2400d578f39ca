import type { ApiDecoration } from '@polkadot/api/types';
import { reconcile, stakeTotal, subnetSums, type Mismatch } from '../domain/reconcile.js';
import { formatTao } from '../domain/tao.js';
import { UserError } from '../util/errors.js';
import { readDelegateInfo, readLegacyDelegateInfo, type DelegateStake } from './delegateInfo.js';
import type { RawStake } from './rawStake.js';
import type { StakeLayout } from './stakeLayout.js';
import { readDynamicStake, readLegacyStake, readOwnerAndTake, readTotalHotkeyAlpha, readTotalHotkeyStake } from './stakeStorage.js';

type Api = ApiDecoration<'promise'>;
export type Era = 'dynamic' | 'legacy';

/** A validator's stake as recorded: reconciled with the runtime's own totals. */
export interface ReconciledStake extends DelegateStake {
  era: Era;
  /** What was read and checked against what, e.g. "DelegateInfoRuntimeApi.get_delegate = TotalHotkeyAlpha". */
  source: string;
  /** Anything the reader had to work around (a runtime view that disagreed with storage...). */
  notes: string[];
}

/** A snapshot that does not add up to the runtime's own totals: nothing is recorded. */
export class UnreconciledError extends UserError {
  constructor(block: number, hotkey: string, detail: string) {
    super(`snapshot of block ${block} refused, nothing was recorded: ${detail} (hotkey ${hotkey}). ` +
      'The runtime stores stake in a way ValTrac does not read correctly here; the snapshotter tries again at the next ' +
      'block. Report this with the node\'s runtime spec version if it persists.');
    this.name = 'UnreconciledError';
  }
}

interface Candidate {
  era: Era;
  stake: RawStake;
  source: string;
  /** Empty when the read adds up to the runtime's totals. */
  mismatches: Mismatch[];
  totalsName: string;
  unit: string;
  /** The runtime's totals (or the read) say there is stake here at all. */
  populated: boolean;
}

/**
 * Reads the stake from every layout the runtime has and keeps the one that agrees with the runtime's own totals:
 * per subnet, the sum over every coldkey (owner included) must equal `TotalHotkeyAlpha` (dynamic, to the rounding of
 * a share pool) or `TotalHotkeyStake` (legacy, exactly). The runtime's `get_delegate` answer is used where it
 * reconciles (one call), and storage is read where it does not. Null: the hotkey is not a delegate.
 */
export async function readReconciledStake(api: Api, hotkey: string, layout: StakeLayout, block: number): Promise<ReconciledStake | null> {
  const notes: string[] = [];
  const view = await runtimeView(api, hotkey, layout, notes);
  const who = view ?? (await storageOwner(api, hotkey));
  if (!who) return null;

  const candidates: Candidate[] = [];
  if (layout.dynamic) candidates.push(await dynamicCandidate(api, hotkey, layout, layout.delegateInfo === 'perSubnet' ? view : null, notes));
  if (layout.legacy) candidates.push(await legacyCandidate(api, hotkey, layout, layout.delegateInfo === 'legacyBytes' ? view : null));

  const chosen = choose(candidates, layout, block, hotkey);
  if (chosen.mismatches.length > 0) throw new UnreconciledError(block, hotkey, [describeMismatches(chosen), ...notes].join('; '));
  return { owner: who.owner, take: who.take, stake: chosen.stake, era: chosen.era, source: chosen.source, notes };
}

async function runtimeView(api: Api, hotkey: string, layout: StakeLayout, notes: string[]): Promise<DelegateStake | null> {
  if (!layout.delegateInfo) return null;
  try {
    return layout.delegateInfo === 'perSubnet' ? await readDelegateInfo(api, hotkey) : await readLegacyDelegateInfo(api, hotkey);
  } catch (error) {
    if (error instanceof UserError) throw error;
    // A node without the runtime API answer still has the storage: read that instead, and say so.
    notes.push(`DelegateInfoRuntimeApi.get_delegate failed (${(error as Error).message.split('\n')[0]}); read storage instead`);
    return null;
  }
}

async function storageOwner(api: Api, hotkey: string): Promise<{ owner: string; take: bigint } | null> {
  const { owner, take } = await readOwnerAndTake(api, hotkey);
  return owner === null || take === null ? null : { owner, take };
}

async function dynamicCandidate(
  api: Api,
  hotkey: string,
  layout: StakeLayout,
  view: DelegateStake | null,
  notes: string[],
): Promise<Candidate> {
  const totals = await readTotalHotkeyAlpha(api, hotkey);
  const populated = [...totals.values()].some((t) => t > 0n);
  const base = { era: 'dynamic' as const, totalsName: 'TotalHotkeyAlpha', unit: 'alpha', populated };
  if (view) {
    const mismatches = reconcile(view.stake, totals, 'perHolder');
    if (mismatches.length === 0) return { ...base, stake: view.stake, source: 'DelegateInfoRuntimeApi.get_delegate', mismatches };
    notes.push(`DelegateInfoRuntimeApi.get_delegate disagrees with TotalHotkeyAlpha (${mismatches.map((m) => short(m, 'alpha')).join('; ')}); read storage instead`);
  }
  const read = await readDynamicStake(api, hotkey, layout.dynamic!);
  return { ...base, stake: read.stake, source: 'SubtensorModule.Alpha', mismatches: reconcile(read.stake, totals, 'perHolder', read.holders) };
}

async function legacyCandidate(api: Api, hotkey: string, layout: StakeLayout, view: DelegateStake | null): Promise<Candidate> {
  const stake = await readLegacyStake(api, hotkey);
  const base = { era: 'legacy' as const, stake, source: 'SubtensorModule.Stake', unit: 'TAO' };
  let totals: Map<number, bigint>;
  let totalsName: string;
  if (layout.legacy!.totalHotkeyStake) {
    totals = await readTotalHotkeyStake(api, hotkey);
    totalsName = 'TotalHotkeyStake';
  } else if (view) {
    // No per-hotkey total on this runtime: its own delegate view, computed from the same map, is the reference.
    totals = new Map([...subnetSums(view.stake)].map(([netuid, s]) => [netuid, s.sum]));
    totalsName = 'DelegateInfoRuntimeApi.get_delegate';
  } else {
    totals = new Map([...subnetSums(stake)].map(([netuid, s]) => [netuid, s.sum]));
    totalsName = 'nothing (this runtime reports no total to check against)';
  }
  const populated = stakeTotal(stake) > 0n || [...totals.values()].some((t) => t > 0n);
  return { ...base, totalsName, populated, mismatches: reconcile(stake, totals, 'exact') };
}

/**
 * Where a runtime has both maps (spec 218), the one with stake in it is the one in use; if both hold stake, the one
 * the runtime's own delegate view reads from decides. A hotkey with no stake anywhere is recorded as empty.
 */
function choose(candidates: Candidate[], layout: StakeLayout, block: number, hotkey: string): Candidate {
  const populated = candidates.filter((c) => c.populated);
  if (populated.length === 1) return populated[0]!;
  if (populated.length === 0) return candidates[0]!;
  const viewEra: Era | null = layout.delegateInfo === 'legacyBytes' ? 'legacy' : layout.delegateInfo === 'perSubnet' ? 'dynamic' : null;
  const byView = populated.find((c) => c.era === viewEra);
  if (byView) return byView;
  throw new UnreconciledError(
    block,
    hotkey,
    `the runtime holds stake in both ${populated.map((c) => `${c.source} (${formatTao(stakeTotal(c.stake))} ${c.unit})`).join(' and ')} ` +
      'and offers no delegate view to tell which one it uses',
  );
}

function short(m: Mismatch, unit: string): string {
  return `subnet ${m.netuid}: ${formatTao(m.read)} vs ${formatTao(m.total)} ${unit}`;
}

function describeMismatches(c: Candidate): string {
  return c.mismatches
    .map((m) =>
      `on subnet ${m.netuid} the coldkeys' stake read from ${c.source} adds up to ${formatTao(m.read)} ${c.unit}, but the ` +
      `runtime's ${c.totalsName} is ${formatTao(m.total)} ${c.unit}` +
      (m.allowed > 0n ? ` (its rounding explains at most ${m.allowed} RAO less: one per coldkey holding shares)` : ''),
    )
    .join('; ');
}
