/**
 * Hosts the test chain in its own process for `npm run bench` (started with bench/dist/bench/registerTs.js), seeded with the
 * bench scenario's validator. The bench talks to it over the IPC channel: `count` (RPC requests so far), `produce`,
 * `fund`, `close`. A separate process keeps the node's work off the measured client's event loop.
 */
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { BIG_VALIDATOR, generateScenario, positionsAt, delegateAt, poolsAt } from '../../bench/scenario.js';
import { TestChain, type MetadataName } from '../chain/testChain.js';

type Command = { id: number; cmd: 'count' } | { id: number; cmd: 'produce'; n: number } | { id: number; cmd: 'fund'; address: string; rao: string } | { id: number; cmd: 'close' };

const [seedText, metadata, snapshotIndex, blockMs, nominators] = process.argv.slice(2);
const scenario = generateScenario(Number(seedText), { ...BIG_VALIDATOR, nominators: Number(nominators ?? BIG_VALIDATOR.nominators) });
const index = Number(snapshotIndex ?? 0);
await cryptoWaitReady();
const chain = await TestChain.start({
  metadata: (metadata ?? 'devnet-346') as MetadataName,
  finalityLag: 1,
  ...(blockMs ? { blockIntervalMs: Number(blockMs) } : {}),
});
const stakes = scenario.nominators.flatMap((n) => positionsAt(scenario, n, index).map((p) => ({ coldkey: n.coldkey, netuid: p.netuid, alpha: p.alpha })));
const owned = delegateAt(scenario, index).map((p) => ({ coldkey: scenario.owner, netuid: p.netuid, alpha: p.alpha }));
chain.seedValidator({
  hotkey: scenario.hotkey,
  owner: scenario.owner,
  takePpm: scenario.takePpm,
  subnets: poolsAt(scenario, index).filter((s) => s.netuid !== 0).map((s) => ({ netuid: s.netuid, subnetTao: s.subnetTao, subnetAlphaIn: s.subnetAlphaIn })),
  stakes: [...stakes, ...owned],
});
await chain.produceBlocks(3);
// A dev account that the bench may use as the payout coldkey (its key is public: //Alice).
const alice = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri('//Alice');
chain.setFreeBalance(alice.address, 10n ** 15n);
await chain.produceBlocks(1);

process.on('message', async (message: Command) => {
  const reply = (result: unknown) => process.send!({ id: message.id, result });
  switch (message.cmd) {
    case 'count':
      return reply(chain.rpcRequests);
    case 'produce':
      await chain.produceBlocks(message.n);
      return reply(chain.bestNumber());
    case 'fund':
      chain.setFreeBalance(message.address, BigInt(message.rao));
      await chain.produceBlocks(1);
      return reply(chain.freeBalance(message.address).toString());
    case 'close':
      await chain.close();
      reply(null);
      process.disconnect();
      return;
  }
});
process.send!({ id: 0, result: { url: chain.url, genesis: chain.genesisHash, best: chain.bestNumber(), hotkey: scenario.hotkey, nominators: scenario.nominators.length } });
