/**
 * Hosts a real subtensor runtime (spec 300 under chopsticks) for `npm run bench`, with the bench scenario's validator
 * at its real size: the hotkey is registered and made a delegate with real extrinsics, the owner stakes with a real
 * extrinsic, then the scenario's nominators are written straight into the runtime's own maps (Alpha shares,
 * TotalHotkeyAlpha, TotalHotkeyShares) with chopsticks' dev_setStorage, since 5,000 real add_stake calls would take
 * hours. The host checks that the runtime's get_delegate reads them all back before it says it is ready.
 * IPC: replies `{ url, hotkey, owner, nominators, payerUri }` once ready; `close` stops chopsticks.
 */
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { generateScenario, positionsAt, BIG_VALIDATOR } from '../../bench/scenario.js';
import { deepenPool, RuntimeChain, shareBits } from '../support/runtimes/chain.js';
import { startRuntime } from '../support/runtimes/chopsticks.js';
import { addStake, registerValidator, runtimeKeys, tao } from '../support/runtimes/validator.js';

const [seedText, nominatorsText] = process.argv.slice(2);
const scenario = generateScenario(Number(seedText ?? 1), { ...BIG_VALIDATOR, nominators: Number(nominatorsText ?? 5000) });
const NETUIDS = [0, 1];

await cryptoWaitReady();
const rt = await startRuntime(300);
const chain = await RuntimeChain.connect(rt.url);
try {
  await chain.newBlocks(3);
  const keys = await runtimeKeys('bench', ['hotkey', 'owner'] as const);
  const payer = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri('//Alice');
  await chain.fund(new Map([[keys.owner.address, tao(100_000)], [keys.hotkey.address, tao(10)], [payer.address, tao(1_000_000)]]));
  await deepenPool(chain, 1, tao(100_000), tao(1_000_000));
  await registerValidator(chain, keys.owner, keys.hotkey.address, 1, 11_796);
  await addStake(chain, keys.hotkey.address, NETUIDS.map((netuid) => ({ coldkey: keys.owner, netuid, amount: tao(1_000) })));

  const hotkey = keys.hotkey.address;
  const sm = chain.subtensor;
  const alpha: Array<[[string, string, number], { bits: string }]> = [];
  const totals: Array<[[string, number], string]> = [];
  const shares: Array<[[string, number], { bits: string }]> = [];
  const coldkeys = new Set<string>();
  for (const netuid of NETUIDS) {
    const pool = BigInt((await sm.totalHotkeyAlpha!(hotkey, netuid)).toString());
    const poolShares = shareBits(await sm.totalHotkeyShares!(hotkey, netuid));
    let addedAlpha = 0n;
    let addedShares = 0n;
    for (const [j, n] of scenario.nominators.entries()) {
      // The scenario's positions folded onto the two subnets this chain has: root and subnet 1.
      const position = positionsAt(scenario, n, 0).find((_, k) => NETUIDS[(j + k) % NETUIDS.length] === netuid);
      if (!position) continue;
      const bits = (position.alpha * poolShares) / pool;
      alpha.push([[hotkey, n.coldkey, netuid], { bits: bits.toString() }]);
      addedAlpha += position.alpha;
      addedShares += bits;
      coldkeys.add(n.coldkey);
    }
    totals.push([[hotkey, netuid], (pool + addedAlpha).toString()]);
    shares.push([[hotkey, netuid], { bits: (poolShares + addedShares).toString() }]);
  }
  await chain.api.rpc('dev_setStorage', { SubtensorModule: { Alpha: alpha, TotalHotkeyAlpha: totals, TotalHotkeyShares: shares } });
  await chain.newBlocks(1);

  // The runtime's own view must list every coldkey seeded (plus the owner) before anything is measured on it.
  const runtimeApi = chain.api.call.delegateInfoRuntimeApi as unknown as { getDelegate(hotkey: string): Promise<{ isSome: boolean; unwrap(): { nominators: unknown[] } }> };
  const info = await runtimeApi.getDelegate(hotkey);
  const listed = info.isSome ? info.unwrap().nominators.length : 0;
  if (listed < coldkeys.size) throw new Error(`get_delegate lists ${listed} nominators after ${coldkeys.size} were seeded (${alpha.length} positions)`);
  await chain.close();
  process.send!({ id: 0, result: { url: rt.url, hotkey, owner: keys.owner.address, nominators: listed, positions: alpha.length, payerUri: '//Alice' } });
} catch (error) {
  await chain.close().catch(() => undefined);
  await rt.stop();
  throw error;
}

process.on('message', async (message: { id: number; cmd: string }) => {
  if (message.cmd !== 'close') return;
  await rt.stop();
  process.send!({ id: message.id, result: null });
  process.disconnect();
});
