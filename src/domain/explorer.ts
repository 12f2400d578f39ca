import { knownNetwork } from './settings.js';

/** Pages of a public block explorer that anyone given a statement can open. */
export interface Explorer {
  name: string;
  block(number: number): string;
  account(ss58: string): string;
}

const TAOSTATS: Explorer = {
  name: 'TaoStats',
  block: (number) => `https://taostats.io/block/${number}`,
  account: (ss58) => `https://taostats.io/account/${encodeURIComponent(ss58)}`,
};

/**
 * The explorer the Settings row chose, for the network the program runs on. TaoStats shows the main network (finney,
 * and the archive node of the same chain); a local node or any other URL is a chain no public explorer knows, so there
 * statements carry no links rather than links to the owner's own node.
 */
export function explorerFor(setting: string, network: string): Explorer | null {
  if (setting !== 'taostats') return null;
  const name = knownNetwork(network);
  return name === 'finney' || name === 'archive' ? TAOSTATS : null;
}
