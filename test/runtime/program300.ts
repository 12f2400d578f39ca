import { WorkbookStore } from '../../src/workbook/store.js';
import { ok } from '../payout/harness.js';
import type { RuntimeChain } from '../support/runtimes/chain.js';
import { startValidator300, type RuntimeKeys } from '../support/runtimes/validator300.js';
import { addStake, removeStake, tao } from '../support/runtimes/validator.js';

// The payout program payout300 runs on the real spec-300 runtime, and escrow300 replays to compare its plan with and
// without a basket escrow position: the same keys, stakes, users, referrals and snapshots in both.

export const PROGRAM_NAMES = ['hotkey', 'owner', 'payer', 'alice1', 'alice2', 'bob', 'carol', 'dust', 'outsider'] as const;
export type ProgramKeys = RuntimeKeys<(typeof PROGRAM_NAMES)[number]>;

/**
 * The validator with its first stakes: the owner's own on root and subnet 1, alice on two coldkeys (root, subnet 1),
 * bob on subnet 1, carol on both, a dust holder, and an outsider who is no user.
 */
export async function startProgram300() {
  const started = await startValidator300('p300', PROGRAM_NAMES);
  const { chain, k } = started;
  await addStake(chain, k.hotkey.address, [
    { coldkey: k.owner, netuid: 0, amount: tao(20) },
    { coldkey: k.owner, netuid: 1, amount: tao(10) },
    { coldkey: k.alice1, netuid: 0, amount: tao(30) },
    { coldkey: k.alice2, netuid: 1, amount: tao(5) },
    { coldkey: k.bob, netuid: 1, amount: tao(12) },
    { coldkey: k.carol, netuid: 0, amount: tao(4) },
    { coldkey: k.carol, netuid: 1, amount: tao(2) },
    { coldkey: k.dust, netuid: 0, amount: 3_000_000n },
    { coldkey: k.outsider, netuid: 0, amount: tao(7) },
  ]);
  return started;
}

/** The program's workbook: users alice (two coldkeys), bob, carol, dust; referrals alice→bob 10 %, bob→carol 20 %. */
export async function writeProgramWorkbook(workbook: string, k: ProgramKeys, network: string): Promise<WorkbookStore> {
  const w = ['--workbook', workbook];
  await ok(['init', ...w, '--hotkey', k.hotkey.address, '--network', network]);
  await ok(['users', 'add', ...w, 'alice', k.alice1.address, k.alice2.address]);
  await ok(['users', 'add', ...w, 'bob', k.bob.address]);
  await ok(['users', 'add', ...w, 'carol', k.carol.address]);
  await ok(['users', 'add', ...w, 'dust', k.dust.address]);
  await ok(['referrals', 'add', ...w, 'alice', 'bob', '10']);
  await ok(['referrals', 'add', ...w, 'bob', 'carol', '20']);
  const store = new WorkbookStore(workbook);
  await store.apply({ kind: 'setSettings', settings: { payoutColdkey: k.payer.address } });
  return store;
}

/** Three snapshots (`snapshot` takes one) with stake changing between them: bob up, carol down, then alice up. */
export async function snapshotProgram(chain: RuntimeChain, k: ProgramKeys, snapshot: () => Promise<unknown>): Promise<void> {
  const hotkey = k.hotkey.address;
  await snapshot();
  await addStake(chain, hotkey, [{ coldkey: k.bob, netuid: 1, amount: tao(3) }]);
  await removeStake(chain, hotkey, [{ coldkey: k.carol, netuid: 0, amount: tao(1) }]);
  await snapshot();
  await addStake(chain, hotkey, [{ coldkey: k.alice1, netuid: 0, amount: tao(5) }]);
  await snapshot();
}
