import './websocket.js';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { UserError } from '../util/errors.js';
import { MetadataCache } from './metadataCache.js';
import { resolveNetwork, type Network } from './networks.js';
import { out } from '../util/output.js';

/**
 * subtensor's own transaction extensions, across the runtimes validators still meet. None carries data in the
 * extrinsic or the signed payload; declaring them keeps @polkadot/api from guessing (and warning) at start-up.
 */
export const SUBTENSOR_EXTENSIONS = [
  'SubtensorSignedExtension',
  'CommitmentsSignedExtension',
  'SubtensorTransactionExtension',
  'DrandPriority',
  'SudoTransactionExtension',
  'CheckShieldedTxValidity',
] as const;

const DATALESS = { extrinsic: {}, payload: {} };
export const signedExtensions = Object.fromEntries(SUBTENSOR_EXTENSIONS.map((name) => [name, DATALESS]));

/** Bittensor's SS58 prefix: addresses in the workbook are checked against it, so the node must agree. */
export const SS58_PREFIX = 42;

export interface ConnectOptions {
  /** Stop retrying after this long (ms) and explain what to check. Default 60 s. */
  giveUpAfterMs?: number;
  /** First retry delay (ms); doubles up to `maxRetryDelayMs`. */
  firstRetryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** Where progress lines go while the node is down. */
  log?: (line: string) => void;
  /** The genesis hash the node must have (guards against pointing a finney workbook at testnet). */
  expectedGenesis?: string | null;
  /** Names the origin of `network` in messages, e.g. `--network` or `Settings network`. */
  argument?: string;
  /** Where the node's metadata is kept between runs (default: the user's cache folder, see MetadataCache). */
  metadataCache?: MetadataCache;
}

/** Connections a long-running process keeps open between the commands it answers, by node URL. */
let kept: Map<string, ApiPromise> | null = null;

/** From now on, `release` leaves connections open and `connect` hands out the open one (the watcher). */
export function keepConnections(): void {
  kept ??= new Map();
}

/** Done with a connection from `connect`: closes it, unless this process keeps its connections. */
export async function release(api: ApiPromise): Promise<void> {
  if (kept && [...kept.values()].includes(api)) return;
  await api.disconnect();
}

/** Connects to a subtensor node by btcli name or URL, retrying with backoff while it is unreachable. */
export async function connect(network: string | null | undefined, opts: ConnectOptions = {}): Promise<ApiPromise> {
  const target = resolveNetwork(network, opts.argument);
  const open = kept?.get(target.url);
  if (open?.isConnected) {
    checkNode(open, target, opts.expectedGenesis ?? null);
    return open;
  }
  if (open) {
    kept!.delete(target.url);
    await open.disconnect().catch(() => undefined);
  }
  const api = await dial(target, opts);
  kept?.set(target.url, api);
  return api;
}

async function dial(target: Network, opts: ConnectOptions): Promise<ApiPromise> {
  const provider = await openProvider(target, opts);
  let api: ApiPromise;
  // @polkadot/api logs a failed start-up with its stack trace before rejecting; the UserError below says it plainly.
  const restore = withoutLibraryErrors();
  const cache = opts.metadataCache ?? MetadataCache.forUser();
  try {
    api = await ApiPromise.create({ provider, signedExtensions, noInitWarn: true, throwOnConnect: true, metadata: cache.entries() });
  } catch (error) {
    await provider.disconnect().catch(() => undefined);
    throw new UserError(`${target.url} answered but is not a usable subtensor node: ${messageOf(error)}`);
  } finally {
    restore();
  }
  try {
    checkNode(api, target, opts.expectedGenesis ?? null);
    // The next run skips the 0.7 MB download (a remote node's slowest answer) when the chain's runtime is the same.
    await cache.remember(api.genesisHash.toHex(), api.runtimeVersion.specVersion.toString(), () => api.runtimeMetadata.toHex());
  } catch (error) {
    await api.disconnect().catch(() => undefined);
    throw error;
  }
  return api;
}

function checkNode(api: ApiPromise, target: Network, expectedGenesis: string | null): void {
  const prefix = api.registry.chainSS58;
  if (prefix !== undefined && prefix !== SS58_PREFIX) {
    throw new UserError(
      `${target.url} uses SS58 prefix ${prefix}, not Bittensor's ${SS58_PREFIX}: is this a subtensor node?`,
    );
  }
  const genesis = api.genesisHash.toHex();
  if (expectedGenesis && genesis.toLowerCase() !== expectedGenesis.toLowerCase()) {
    throw new UserError(
      `${target.url} is a different chain (genesis ${genesis}) than the one expected (${expectedGenesis}). ` +
        `Check the network setting.`,
    );
  }
}

/** Dials until the WebSocket opens, backing off between attempts, and gives up with a message that says what to check. */
async function openProvider(target: Network, opts: ConnectOptions): Promise<WsProvider> {
  const giveUpAfter = opts.giveUpAfterMs ?? 60_000;
  const maxDelay = opts.maxRetryDelayMs ?? 15_000;
  const log = opts.log ?? ((line: string) => out.problem(line));
  const deadline = Date.now() + giveUpAfter;
  let delay = opts.firstRetryDelayMs ?? 500;
  for (let attempt = 1; ; attempt++) {
    const provider = new WsProvider(target.url, false);
    const failure = await tryOpen(provider);
    if (!failure) return provider;
    await provider.disconnect().catch(() => undefined);
    const left = deadline - Date.now();
    if (left <= 0) {
      throw new UserError(
        `cannot reach the subtensor node at ${target.url} (${failure}; gave up after ${attempt} attempts in ` +
          `${Math.round(giveUpAfter / 1000)} s). Check that the node is running and its WebSocket RPC port is open ` +
          `(subtensor's --rpc-port, usually 9944; --rpc-external for another machine), or point ` +
          `${opts.argument ?? '--network'} at another node.`,
      );
    }
    const wait = Math.min(delay, left);
    log(`node ${target.url} not reachable (${failure}); retrying in ${(wait / 1000).toFixed(1)} s (attempt ${attempt})`);
    await new Promise((resolve) => setTimeout(resolve, wait));
    delay = Math.min(delay * 2, maxDelay);
  }
}

/** Resolves null once connected, or a short reason when the socket fails or closes first. */
function tryOpen(provider: WsProvider): Promise<string | null> {
  return new Promise((resolve) => {
    const unsubs: Array<() => void> = [];
    const done = (result: string | null) => {
      unsubs.forEach((u) => u());
      resolve(result);
    };
    unsubs.push(provider.on('connected', () => done(null)));
    unsubs.push(provider.on('error', (error: unknown) => done(reasonOf(error))));
    unsubs.push(provider.on('disconnected', () => done('connection closed')));
    provider.connect().catch((error: unknown) => done(reasonOf(error)));
  });
}

function reasonOf(error: unknown): string {
  const anyError = error as { message?: string; error?: { code?: string; message?: string } } | undefined;
  // An empty message is no reason either: read as "no failure", the dial would go on with a closed socket.
  return anyError?.error?.code || anyError?.error?.message || anyError?.message || 'connection refused';
}

/** Drops @polkadot's own error log lines (`... API/INIT: ...` with a stack) while the api starts; returns the undo. */
function withoutLibraryErrors(): () => void {
  const original = console.error;
  console.error = (...args: unknown[]) => {
    const head = args.slice(0, 2).map(String).join(' ');
    if (/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+(API|RPC-CORE)/.test(head)) return;
    original(...args);
  };
  return () => {
    console.error = original;
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
