import type { Settings, TaxMode } from './types.js';

export const DEFAULT_SETTINGS: Settings = {
  hotkey: null,
  network: 'local',
  snapshotInterval: 300,
  payoutColdkey: null,
  taxMode: 'base',
};

/** The network names btcli uses, so a validator owner can type what they already know. */
export const NETWORKS: Readonly<Record<string, string>> = {
  local: 'ws://127.0.0.1:9944',
  finney: 'wss://entrypoint-finney.opentensor.ai:443',
  test: 'wss://test.finney.opentensor.ai:443',
};

/** Longer text is not taken for a node's URL (nor parsed as one). */
const MAX_URL_LENGTH = 512;

/** A btcli network name in any case (`Finney`), trimmed: the one rule for Settings, `init` and `--network`. */
export function knownNetwork(network: string): string | null {
  const name = network.trim().toLowerCase();
  return Object.hasOwn(NETWORKS, name) ? name : null;
}

/** The WebSocket URL of a network named as btcli names them, or given as a ws:// / wss:// URL; null if neither. */
export function networkUrl(network: string): string | null {
  const known = knownNetwork(network);
  if (known) return NETWORKS[known]!;
  const text = network.trim();
  if (text.length > MAX_URL_LENGTH) return null;
  if (!/^wss?:\/\/[^\s/]+/i.test(text)) return null;
  try {
    const url = new URL(text);
    return url.protocol === 'ws:' || url.protocol === 'wss:' ? text : null;
  } catch {
    return null;
  }
}

export const TAX_MODES: readonly TaxMode[] = ['base', 'compound'];

/** The Settings sheet's rows, in order: key, label shown in column A, what goes there. */
export const SETTING_ROWS: ReadonlyArray<{ key: keyof Settings; label: string; note: string }> = [
  { key: 'hotkey', label: 'Validator hotkey', note: "The validator's hotkey (SS58, 48 characters). Its delegate stake is the payout pool." },
  { key: 'network', label: 'Network', note: 'local, finney, test, or a ws:// / wss:// URL of a subtensor node.' },
  { key: 'snapshotInterval', label: 'Snapshot interval (blocks)', note: 'Record the stake every this many blocks (300 blocks = 1 hour).' },
  { key: 'payoutColdkey', label: 'Payout coldkey', note: 'The coldkey address that pays (SS58). Only the address: never a seed or password.' },
  { key: 'taxMode', label: 'Tax mode', note: 'base: the referral tax applies to the referee\'s base share only. compound: to all they receive, referral income included.' },
];
