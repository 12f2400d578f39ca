import type { Call } from '@polkadot/types/interfaces';
import { blake2AsHex } from '@polkadot/util-crypto';
import { stringToU8a, u8aConcat, hexToU8a, u8aToHex } from '@polkadot/util';
import { Accounts, type Emit } from './accounts.js';
import { BLOCK_TIME_MS, BlockStore, GENESIS_TIME_MS, buildHeader, type BlockRecord } from './blocks.js';
import { Dispatcher } from './dispatch.js';
import { DispatchFailure, EventCodec, type DispatchErr, type Phase } from './events.js';
import { INVALID_INDEX, InvalidTransaction, checkExtrinsic, type CheckedExtrinsic, type ValidationContext } from './extrinsics.js';
import type { LoadedRuntime } from './metadataFiles.js';
import { TxPool, type PoolEntry } from './pool.js';
import { RpcError, type Subscription } from './rpcServer.js';
import { RuntimeApis } from './runtimeApis.js';
import { emit as emitStake, seedValidator, type StakeEra, type ValidatorScenario } from './scenario.js';
import { StakeLedger } from './stake.js';
import { StorageCodec } from './storageCodec.js';
import { Overlay, VersionedStorage, type Hex, type StateView } from './storage.js';

export interface NodeOptions {
  finalityLag: number;
  pruneDepth?: number;
  /** Derive the genesis from this name instead of the runtime's, so a node restarted on newer metadata is the same chain. */
  genesisName?: string;
}

/** Heads a subscriber hears about: every new best block, and finality moving. */
export interface ChainListener {
  onBlock?(block: BlockRecord): void;
  onFinalized?(block: BlockRecord): void;
}

/** The api may skip the InBlock callback if Finalized follows within ~20 ms: keep them apart. */
const FINALIZED_AFTER_IN_BLOCK_MS = 60;

/** A subtensor node in memory: state with history, blocks, a transaction pool and finality. */
export class SimNode {
  readonly codec: StorageCodec;
  readonly events: EventCodec;
  readonly accounts: Accounts;
  readonly ledger: StakeLedger;
  readonly dispatcher: Dispatcher;
  readonly runtimeApis: RuntimeApis;
  readonly era: StakeEra;
  readonly blocks = new BlockStore();
  readonly storage = new VersionedStorage();
  readonly pool = new TxPool();
  private pending: Overlay;
  private finalized = 0;
  private readonly listeners = new Set<ChainListener>();
  private readonly scenarios: ValidatorScenario[] = [];
  private readonly blockHashCount: number;
  private readonly awaitingFinality: Array<{ sub: Subscription; block: BlockRecord; inBlockAt: number }> = [];
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(readonly rt: LoadedRuntime, readonly opts: NodeOptions) {
    this.codec = new StorageCodec(rt);
    this.events = new EventCodec(rt);
    const ed = BigInt(rt.decorated.consts.balances.existentialDeposit.toString());
    this.accounts = new Accounts(this.codec, ed);
    this.ledger = new StakeLedger(this.codec);
    this.era = this.codec.has('SubtensorModule', 'Alpha') ? 'dynamic' : 'legacy';
    this.dispatcher = new Dispatcher(this.accounts, this.ledger, this.codec, this.events);
    this.runtimeApis = new RuntimeApis(rt, this.codec, this.accounts, this.ledger, this.era);
    this.runtimeApis.applyExtrinsic = (hex, view) => this.dryRun(hex, view);
    this.blockHashCount = Number(rt.decorated.consts.system.blockHashCount.toString());
    this.pending = new Overlay(this.storage.view(0));
    this.genesis();
  }

  private genesis(): void {
    const state = this.pending;
    this.codec.write(state, 'System', 'Number', [], 0);
    this.codec.write(state, 'Timestamp', 'Now', [], GENESIS_TIME_MS);
    this.codec.write(state, 'Balances', 'TotalIssuance', [], 0n);
    const stateRoot = blake2AsHex(u8aConcat(stringToU8a(`valtrac-testchain:${this.opts.genesisName ?? this.rt.name}`), this.changesDigest(state)));
    const header = buildHeader(this.rt.registry, u8aToHex(new Uint8Array(32)), 0, stateRoot, []);
    const hash = header.hash.toHex();
    this.codec.write(state, 'System', 'BlockHash', [0], hash);
    this.storage.commit(0, state.changes);
    this.blocks.add({ number: 0, hash, header, extrinsics: [] });
    this.pending = new Overlay(this.storage.view(0));
  }

  get genesisHash(): Hex { return this.blocks.byNumber(0)!.hash; }
  get best(): BlockRecord { return this.blocks.best; }
  get finalizedNumber(): number { return this.finalized; }
  get pendingState(): Overlay { return this.pending; }

  listen(l: ChainListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** State at a block for queries; pruned blocks answer the node's "State already discarded" error. */
  stateAt(block: BlockRecord): StateView {
    if (this.opts.pruneDepth !== undefined && block.number < this.best.number - this.opts.pruneDepth) {
      throw new RpcError(4003, `Client error: UnknownBlock: State already discarded for ${block.hash}`);
    }
    return this.storage.view(block.number);
  }

  seed(s: ValidatorScenario): void {
    seedValidator(this.pending, this.codec, this.ledger, this.era, s);
    this.scenarios.push(s);
  }

  private validationContext(): ValidationContext {
    const current = this.best.number + 1;
    return {
      rt: this.rt,
      genesisHash: this.genesisHash,
      blockHashAt: (n) => (n < current && n >= current - this.blockHashCount ? this.blocks.byNumber(n)?.hash : undefined),
      accounts: this.accounts,
      dispatcher: this.dispatcher,
    };
  }

  /** The pool's view of an extrinsic: validated against the best block, future nonces wait. */
  submit(hex: Hex, watcher?: Subscription): Hex {
    const hash = blake2AsHex(hexToU8a(hex));
    if (this.pool.isBanned(hash)) throw new RpcError(1012, 'Transaction is temporarily banned');
    if (this.pool.has(hash)) throw new RpcError(1013, 'Transaction Already Imported', hash);
    const view = this.storage.view(this.best.number);
    const tx = checkExtrinsic(this.validationContext(), view, this.best.number + 1, hex);
    if (this.pool.sameNonce(tx.signer, tx.nonce)) {
      throw new RpcError(1014, 'Priority is too low: (0 vs 0)', 'The transaction has too low priority to replace another transaction already in the pool.');
    }
    const next = this.pool.nextNonce(tx.signer, this.accounts.read(view, tx.signer).nonce);
    const entry: PoolEntry = { tx, watcher, status: tx.nonce <= next ? 'ready' : 'future' };
    this.pool.add(entry);
    watcher?.send(entry.status);
    this.promoteFutures();
    return tx.hash;
  }

  /** The next nonce a signer should use: on-chain nonce plus its ready transactions in the pool. */
  nextIndex(address: string): number {
    return this.pool.nextNonce(address, this.accounts.read(this.storage.view(this.best.number), address).nonce);
  }

  produceBlock(): BlockRecord {
    const parent = this.best;
    const number = parent.number + 1;
    const state = this.pending;
    const records: Uint8Array[] = [];
    const emitAt = (phase: Phase): Emit => (pallet, name, values) => records.push(this.events.record(phase, this.events.event(pallet, name, values)));
    const now = GENESIS_TIME_MS + BigInt(number) * BLOCK_TIME_MS;

    this.codec.write(state, 'System', 'Number', [], number);
    this.codec.write(state, 'System', 'ParentHash', [], parent.hash);
    this.codec.write(state, 'System', 'BlockHash', [parent.number], parent.hash);
    for (const s of this.scenarios) emitStake(state, this.ledger, this.era, s);

    const inherent = this.rt.registry.createType('Extrinsic', this.rt.decorated.tx.timestamp.set(now), { version: 4 }).toHex();
    this.codec.write(state, 'Timestamp', 'Now', [], now);
    emitAt({ ApplyExtrinsic: 0 })('System', 'ExtrinsicSuccess', [this.dispatchInfo({ refTime: 10_000_000n, proofSize: 1_493n }, 'Mandatory')]);
    const extrinsics: Hex[] = [inherent];
    const included: PoolEntry[] = [];

    for (let progress = true; progress;) {
      progress = false;
      for (const entry of [...this.pool.entries]) {
        if (included.includes(entry)) continue;
        const nonce = this.accounts.read(state, entry.tx.signer).nonce;
        if (entry.tx.nonce > nonce) continue;
        let tx: CheckedExtrinsic;
        try {
          tx = checkExtrinsic(this.validationContext(), state, number, entry.tx.hex);
          if (tx.nonce < nonce) throw new InvalidTransaction('Stale');
        } catch (e) {
          if (!(e instanceof RpcError)) throw e;
          this.pool.remove(entry.tx.hash, true);
          entry.watcher?.send('invalid');
          entry.watcher?.close();
          continue;
        }
        this.apply(state, tx, emitAt({ ApplyExtrinsic: extrinsics.length }));
        extrinsics.push(tx.hex);
        included.push(entry);
        progress = true;
      }
    }

    state.set(this.codec.key('System', 'Events'), this.events.encodeRecords(records));
    const stateRoot = blake2AsHex(u8aConcat(hexToU8a(parent.header.stateRoot.toHex()), this.changesDigest(state)));
    const header = buildHeader(this.rt.registry, parent.hash, number, stateRoot, extrinsics);
    const block: BlockRecord = { number, hash: header.hash.toHex(), header, extrinsics };
    this.storage.commit(number, state.changes);
    this.blocks.add(block);
    this.pending = new Overlay(this.storage.view(number));

    for (const entry of included) {
      this.pool.remove(entry.tx.hash, true);
      if (entry.watcher && !entry.watcher.closed) {
        entry.watcher.send({ inBlock: block.hash });
        this.awaitingFinality.push({ sub: entry.watcher, block, inBlockAt: Date.now() });
      }
    }
    this.promoteFutures();
    for (const l of this.listeners) l.onBlock?.(block);
    this.advanceFinality();
    return block;
  }

  private apply(state: Overlay, tx: CheckedExtrinsic, emit: Emit, onFailure?: (error: DispatchErr) => void): void {
    this.accounts.chargeFee(state, tx.signer, tx.fee, emit);
    this.accounts.bumpNonce(state, tx.signer);
    const layer = state.child();
    const buffered: Array<Parameters<Emit>> = [];
    let failure: DispatchFailure | undefined;
    try {
      this.dispatcher.dispatch(layer, tx.signer, tx.call as Call, (...e) => buffered.push(e));
      state.absorb(layer);
      for (const e of buffered) emit(...e);
    } catch (e) {
      if (!(e instanceof DispatchFailure)) throw e;
      failure = e;
      onFailure?.(e.error);
    }
    emit('TransactionPayment', 'TransactionFeePaid', [tx.signer, tx.fee, tx.tip]);
    const info = this.dispatchInfo(tx.weight, 'Normal');
    if (failure) emit('System', 'ExtrinsicFailed', [this.events.dispatchError(failure.error), info]);
    else emit('System', 'ExtrinsicSuccess', [info]);
  }

  /**
   * `BlockBuilder_apply_extrinsic` as a node answers it through `state_call`: the extrinsic checked and applied to a
   * throwaway copy of `view`, the SCALE of `Result<Result<(), DispatchError>, TransactionValidityError>` returned.
   */
  dryRun(hex: Hex, view: StateView): Hex {
    let tx: CheckedExtrinsic;
    try {
      tx = checkExtrinsic(this.validationContext(), view, this.best.number + 1, hex);
      if (tx.nonce > this.accounts.read(view, tx.signer).nonce) throw new InvalidTransaction('Future');
    } catch (e) {
      if (e instanceof InvalidTransaction) return u8aToHex(new Uint8Array([1, 0, INVALID_INDEX[e.kind]]));
      if (e instanceof RpcError) return '0x010102';
      throw e;
    }
    let failure: DispatchErr | null = null;
    this.apply(new Overlay(view), tx, () => undefined, (error) => (failure = error));
    if (failure === null) return '0x0000';
    return u8aToHex(u8aConcat(new Uint8Array([0, 1]), this.events.dispatchError(failure).toU8a()));
  }

  private dispatchInfo(weight: { refTime: bigint; proofSize: bigint }, cls: 'Normal' | 'Mandatory') {
    return { weight, class: cls, paysFee: 'Yes' };
  }

  private promoteFutures(): void {
    const view = this.storage.view(this.best.number);
    for (const entry of this.pool.entries) {
      if (entry.status !== 'future') continue;
      const chainNonce = this.accounts.read(view, entry.tx.signer).nonce;
      if (entry.tx.nonce <= this.pool.nextNonce(entry.tx.signer, chainNonce)) {
        entry.status = 'ready';
        entry.watcher?.send('ready');
      }
    }
  }

  private advanceFinality(): void {
    const target = Math.max(0, this.best.number - this.opts.finalityLag);
    if (target <= this.finalized) return;
    this.finalized = target;
    const head = this.blocks.byNumber(target)!;
    for (const l of this.listeners) l.onFinalized?.(head);
    const now = Date.now();
    for (let i = this.awaitingFinality.length - 1; i >= 0; i--) {
      const w = this.awaitingFinality[i];
      if (w.block.number > target) continue;
      this.awaitingFinality.splice(i, 1);
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        w.sub.send({ finalized: w.block.hash });
        w.sub.close();
      }, Math.max(0, w.inBlockAt + FINALIZED_AFTER_IN_BLOCK_MS - now));
      this.timers.add(timer);
    }
  }

  /** Deterministic digest of a block's writes, standing in for the trie root. */
  private changesDigest(state: Overlay): Uint8Array {
    const parts = [...state.changes].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${v ?? ''}`);
    return hexToU8a(blake2AsHex(parts.join(';')));
  }

  /** What a stopped node process loses: its pool and every extrinsic watcher (the chain stays). */
  clearPool(): void {
    for (const entry of this.pool.clear()) entry.watcher?.close();
    this.awaitingFinality.length = 0;
  }

  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
