import { closest } from './suggest.js';
import type { CountFrom, Settings, TaxMode } from './types.js';

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
  countFrom: 'period',
  explorer: 'taostats',
  acceptedRuntime: null,
};

/** The block explorers a statement may link to: one a nominator can open, never the owner's own node. */
export const EXPLORERS = ['taostats', 'none'] as const;

/** The network names btcli uses, so a validator owner can type what they already know. */
export const NETWORKS: Readonly<Record<string, string>> = {
  local: 'ws://127.0.0.1:9944',
  finney: 'wss://entrypoint-finney.opentensor.ai:443',
  test: 'wss://test.finney.opentensor.ai:443',
  archive: 'wss://archive.chain.opentensor.ai:443',
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

/** What to say about a network that is neither a name nor a URL: the names, and the one it looks like a slip of. */
export function networkAdvice(network: string): string {
  const near = closest(network, Object.keys(NETWORKS));
  const names = `${Object.keys(NETWORKS).join(', ')} or a node URL such as ws://127.0.0.1:9944 or wss://host:443`;
  return near ? `Did you mean ${near}? Use ${names}.` : `Use ${names}.`;
}

export const TAX_MODES: readonly TaxMode[] = ['base', 'compound'];
export const COUNT_FROM: readonly CountFrom[] = ['period', 'added'];

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
  {
    key: 'countFrom',
    label: 'Users count from',
    cell: 'text',
    optional: true,
    note: "period: a user's stake counts from the start of the period in which they were added (as the original tool did). added: from the first snapshot after they were added.",
  },
  {
    key: 'explorer',
    label: 'Block explorer',
    cell: 'text',
    optional: true,
    note: 'Where statements link blocks and accounts: taostats (default) or none. A local node gets no links.',
  },
  {
    key: 'acceptedRuntime',
    label: 'Accepted runtime spec',
    cell: 'count',
    optional: true,
    note: 'A runtime spec ValTrac was not verified on that the owner checked and accepted (valtrac plan --accept-runtime SPEC). Empty: only verified runtimes are paid on.',
  },
];

/** A setting's name on the command line: its key in kebab case (`payoutColdkey` -> `payout-coldkey`). */
export function settingOption(key: keyof Settings): string {
  return key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/** The names a setting answers to: its option name, its key, its label, and its option's last word when no other has it. */
function settingNames(row: (typeof SETTING_ROWS)[number]): string[] {
  const option = settingOption(row.key);
  const last = option.split('-').at(-1)!;
  const unique = SETTING_ROWS.filter((other) => settingOption(other.key).split('-').at(-1) === last).length === 1;
  return [option, row.key.toLowerCase(), row.label.toLowerCase(), ...(unique ? [last] : [])];
}

/** The Settings row a typed name means (`payout-coldkey`, `payoutColdkey`, `Payout coldkey` or `coldkey`), any case. */
export function findSettingRow(name: string): (typeof SETTING_ROWS)[number] | null {
  const typed = name.trim().toLowerCase();
  return SETTING_ROWS.find((row) => settingNames(row).includes(typed)) ?? null;
}

/** The setting names `settings set` takes, and the one `name` looks like a slip of. */
export function settingAdvice(name: string): string {
  const near = closest(name, SETTING_ROWS.flatMap(settingNames));
  const meant = near === null ? null : findSettingRow(near);
  return `${meant ? `Did you mean ${settingOption(meant.key)}? ` : ''}The settings are ${SETTING_ROWS.map((row) => settingOption(row.key)).join(', ')}.`;
}

/** Where a setting is, for messages that ask the person to change it: `Settings!B6 (Payout coldkey)`. */
export function settingPlace(key: keyof Settings, cell: string | undefined): string {
  const label = SETTING_ROWS.find((row) => row.key === key)?.label ?? key;
  return cell ? `Settings!${cell} (${label})` : `Settings (${label}, no row yet)`;
}

/** The settings that may stay empty while the program is set up, and which step cannot run until they are filled in. */
export const NEEDED_SETTINGS: ReadonlyArray<{ key: keyof Settings; neededBy: string; example: string }> = [
  { key: 'hotkey', neededBy: 'snapshot (and so plan)', example: '5F...your-validator-hotkey' },
  { key: 'payoutColdkey', neededBy: 'confirm', example: '5F...the-coldkey-that-pays' },
];

/** The needed settings still empty, each with where it is and the command that fills it in. */
export function missingSettings(
  settings: Settings,
  cells: Partial<Record<keyof Settings, string>>,
): Array<{ key: keyof Settings; place: string; neededBy: string; command: string }> {
  return NEEDED_SETTINGS.filter(({ key }) => settings[key] === null).map(({ key, neededBy, example }) => ({
    key,
    place: settingPlace(key, cells[key]),
    neededBy,
    command: `valtrac settings set ${settingOption(key)} ${example}`,
  }));
}

/**
 * Why `text` cannot be a URL ValTrac calls (the price source, the webhook), or null when it can. Credentials in the URL
 * are refused rather than hidden: fetch refuses them anyway, and a URL that holds none can be named in any log by host.
 */
export function urlFault(text: string): string | null {
  const trimmed = text.trim();
  if (/[\s\u0000-\u001f\u007f-\u009f]/.test(trimmed)) return 'holds a space or a control character (such as a line break or a tab)';
  let url: URL;
  try {
    if (!/^https?:\/\/[^/]+/i.test(trimmed)) throw new Error('not http');
    url = new URL(trimmed);
  } catch {
    return 'is not an http:// or https:// URL';
  }
  if (url.username !== '' || url.password !== '') return 'carries a user name or password before the host (user:password@); ValTrac does not keep credentials in the workbook';
  return null;
}

/** An http:// or https:// URL with a host and no credentials, as the price source and the webhook need; else null. */
export function httpUrl(text: string): URL | null {
  return urlFault(text) === null ? new URL(text.trim()) : null;
}
