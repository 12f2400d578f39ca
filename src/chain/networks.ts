import { DEFAULT_SETTINGS, knownNetwork, networkAdvice, networkUrl } from '../domain/settings.js';
import { UserError } from '../util/errors.js';

export interface Network {
  /** What the person typed (a btcli name or the URL itself), for messages. */
  name: string;
  url: string;
}

/**
 * Turns a btcli network name or a ws(s):// URL into the endpoint to dial.
 * `argument` names where the value came from (e.g. `--network` or `Settings!B3`) for the error message.
 */
export function resolveNetwork(value: string | null | undefined, argument = '--network'): Network {
  const name = (value ?? '').trim() || DEFAULT_SETTINGS.network;
  const url = networkUrl(name);
  if (url) return { name: knownNetwork(name) ?? name, url };
  throw new UserError(`${argument}: "${name}" is not a network. ${networkAdvice(name)}`);
}
