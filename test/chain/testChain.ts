import type { TypeRegistry } from '@polkadot/types';
import type { Codec } from '@polkadot/types/types';
import { loadRuntime, type MetadataName } from './metadataFiles.js';
import { SimNode } from './node.js';
import { registerMethods } from './rpcMethods.js';
import { RpcServer } from './rpcServer.js';
import type { ValidatorScenario } from './scenario.js';

export { ALL_METADATA, metadataPath, type MetadataName } from './metadataFiles.js';
export type { ValidatorScenario } from './scenario.js';

export interface TestChainOptions {
  metadata: MetadataName;
  /** Produce a block every this many ms; default: only on demand (`produceBlocks`). */
  blockIntervalMs?: number;
  /** Finalized head = best - finalityLag; default 2. */
  finalityLag?: number;
  /** Keep state for this many blocks behind best; default: archive (all). */
  pruneDepth?: number;
  /** Listen on this port (default: a free one), e.g. to restart a node where its clients expect it. */
  port?: number;
  /**
   * Start as the chain that `genesisOf` metadata would have started (same genesis hash): a restart on another metadata
   * file then looks like a runtime upgrade of the same chain to its clients.
   */
  genesisOf?: MetadataName;
  /** Serve these metadata bytes instead of the file's (see alteredMetadata.ts); `metadata` still names the chain. */
  metadataBytes?: Uint8Array;
}

/**
 * A local subtensor node for tests: JSON-RPC over WebSocket on 127.0.0.1 (random port), the real
 * runtime metadata, signed extrinsics checked and applied, blocks on demand or on a timer.
 */
export class TestChain {
  private timer?: NodeJS.Timeout;
  private paused = false;
  private queue: Promise<unknown> = Promise.resolve();
  private serving = true;

  private constructor(private readonly node: SimNode, private server: RpcServer) {}

  static async start(opts: TestChainOptions): Promise<TestChain> {
    const node = new SimNode(loadRuntime(opts.metadata, opts.metadataBytes), { finalityLag: opts.finalityLag ?? 2, pruneDepth: opts.pruneDepth, genesisName: opts.genesisOf });
    const server = await RpcServer.listen(opts.port);
    registerMethods(server, node);
    const chain = new TestChain(node, server);
    if (opts.blockIntervalMs !== undefined) {
      chain.timer = setInterval(() => {
        if (!chain.paused) chain.produceBlocks(1).catch((e: Error) => console.error(`test chain: block production failed: ${e.stack ?? e.message}`));
      }, opts.blockIntervalMs);
    }
    return chain;
  }

  get url(): string { return this.server.url; }
  get genesisHash(): string { return this.node.genesisHash; }
  /** 'dynamic' when the metadata has subtensor's `Alpha` share map, else 'legacy' (`Stake(hotkey, coldkey)`). */
  get era(): 'dynamic' | 'legacy' { return this.node.era; }
  get registry(): TypeRegistry { return this.node.rt.registry; }

  /** JSON-RPC requests the node has received from all clients since it started. */
  get rpcRequests(): number { return this.server.requestCount; }
  /** Requests the simulator itself failed on (its bugs, not node errors); empty in a sound test. */
  internalErrors(): readonly string[] { return this.server.internalErrors; }

  bestNumber(): number { return this.node.best.number; }
  finalizedNumber(): number { return this.node.finalizedNumber; }

  blockHash(n: number): string {
    const block = this.node.blocks.byNumber(n);
    if (!block) throw new Error(`test chain: no block ${n} (best is ${this.bestNumber()})`);
    return block.hash;
  }

  /** Produces `n` blocks (default 1); the first includes the pool's ready extrinsics. */
  produceBlocks(n = 1): Promise<void> {
    const run = this.queue.then(async () => {
      for (let i = 0; i < n; i++) {
        this.node.produceBlock();
        // Let notifications of this block reach the sockets before the next one.
        await new Promise((resolve) => setImmediate(resolve));
      }
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Seeds a validator into the pending state; it is on chain from the next block. */
  seedValidator(s: ValidatorScenario): void {
    this.node.seed(s);
  }

  /** Writes (or with null removes) a storage value in the pending state, by the metadata's types (next block). */
  setStorage(pallet: string, item: string, keys: unknown[], value: unknown | null): void {
    this.node.codec.write(this.node.pendingState, pallet, item, keys, value);
  }

  /** Sets a free balance in the pending state (on chain from the next block). */
  setFreeBalance(address: string, rao: bigint): void {
    this.node.accounts.setFree(this.node.pendingState, address, rao);
  }

  freeBalance(address: string, atBlock?: number): bigint {
    return this.node.accounts.read(this.node.storage.view(atBlock ?? this.bestNumber()), address).free;
  }

  nonce(address: string): number {
    return this.node.accounts.read(this.node.storage.view(this.bestNumber()), address).nonce;
  }

  /** Decoded storage value at a block (default best); the item's default when absent, null if it has none. */
  storage(pallet: string, item: string, keys: unknown[], atBlock?: number): Codec | null {
    return this.node.codec.read(this.node.storage.view(atBlock ?? this.bestNumber()), pallet, item, keys);
  }

  /** Stops timer production (a stalled node); `produceBlocks` still works. */
  pauseProduction(): void { this.paused = true; }
  resumeProduction(): void { this.paused = false; }

  /** Cuts every client connection; the server keeps listening so clients can reconnect. */
  dropConnections(): void { this.server.dropConnections(); }

  /** Hashes of the extrinsics waiting in the node's pool, in arrival order. */
  pendingExtrinsics(): string[] { return this.node.pool.entries.map((e) => e.tx.hash); }

  /**
   * Stops the node process, as `systemctl stop` would: every client is cut off and new connections are refused, and
   * what waited in the transaction pool is lost (a node keeps it in memory only). The chain itself is kept for
   * `startServing`, which listens again on the same port.
   */
  async stopServing(): Promise<void> {
    if (!this.serving) return;
    this.serving = false;
    await this.server.close();
    this.node.clearPool();
  }

  /** Starts the stopped node again where its clients expect it; the request count starts again from 0. */
  async startServing(): Promise<void> {
    if (this.serving) return;
    const before = this.server;
    this.server = await RpcServer.listen(Number(new URL(before.url).port));
    this.server.internalErrors.push(...before.internalErrors);
    registerMethods(this.server, this.node);
    this.serving = true;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.queue;
    this.node.stop();
    if (this.serving) await this.server.close();
  }
}
