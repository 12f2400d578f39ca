import type { Settings, TaxMode } from './types.js';

export const DEFAULT_SETTINGS: Settings = {
  hotkey: null,
  network: 'local',
  snapshotInterval: 300,
  payoutColdkey: null,
  taxMode: 'base',
  priceUrl: null,
  pricePath: null,
  webhookUrl: null,
  nodeAlertMinutes: 10,
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

/**
 * How a setting's cell is read: `text` as typed, `count` as a whole number. Validation of the value itself lives in
 * validateSettings, keyed by the setting.
 */
export type SettingCell = 'text' | 'count';

export interface SettingRow {
  key: keyof Settings;
  label: string;
  note: string;
  cell: SettingCell;
  /** A workbook written before this row existed has none: the default applies and nothing is flagged. */
  optional?: true;
}

/** The Settings sheet's rows, in order: key, label shown in column A, what goes there. */
export const SETTING_ROWS: readonly SettingRow[] = [
  { key: 'hotkey', label: 'Validator hotkey', cell: 'text', note: "The validator's hotkey (SS58, 48 characters). Its delegate stake is the payout pool." },
  { key: 'network', label: 'Network', cell: 'text', note: 'local, finney, test, or a ws:// / wss:// URL of a subtensor node.' },
  { key: 'snapshotInterval', label: 'Snapshot interval (blocks)', cell: 'count', note: 'Record the stake every this many blocks (300 blocks = 1 hour).' },
  { key: 'payoutColdkey', label: 'Payout coldkey', cell: 'text', note: 'The coldkey address that pays (SS58). Only the address: never a seed or password.' },
  { key: 'taxMode', label: 'Tax mode', cell: 'text', note: 'base: the referral tax applies to the referee\'s base share only. compound: to all they receive, referral income included.' },
  {
    key: 'priceUrl',
    label: 'USD price URL',
    cell: 'text',
    optional: true,
    note: 'Optional: an http(s) URL answering JSON with the TAO price in USD, asked once by confirm and kept with the payout. Empty: no USD values.',
  },
  {
    key: 'pricePath',
    label: 'USD price JSON path',
    cell: 'text',
    optional: true,
    note: 'Where the price is in that JSON, e.g. bittensor.usd or data[0].price. Needed with the USD price URL.',
  },
  {
    key: 'webhookUrl',
    label: 'Webhook URL',
    cell: 'text',
    optional: true,
    note: 'Optional: a Discord or Slack incoming webhook (http(s) URL) told when a plan is ready or paid, a payout fails, snapshots stop, or problems appear.',
  },
  {
    key: 'nodeAlertMinutes',
    label: 'Node alert after (minutes)',
    cell: 'count',
    optional: true,
    note: 'The webhook is told once the node has been unreachable this many minutes (default 10).',
  },
];

/** An http:// or https:// URL with a host, as the price source and the webhook need; null if the text is not one. */
export function httpUrl(text: string): URL | null {
  if (!/^https?:\/\/[^\s/]+/i.test(text.trim())) return null;
  try {
    const url = new URL(text.trim());
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}
