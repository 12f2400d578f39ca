import type { ApiPromise } from '@polkadot/api';
import type { Settings } from '../domain/types.js';
import { UserError } from '../util/errors.js';
import { KNOWN_RUNTIME, newestVerifiedSpec, runtimeDifferences, type RuntimeDifference } from './knownRuntime.js';
import { runtimeShapes } from './runtimeShapes.js';

/** The option that accepts a runtime ValTrac does not know, on every command that refuses one. */
export const ACCEPT_RUNTIME_OPTION = 'accept-runtime';

export interface RuntimeCheck {
  spec: number;
  differences: RuntimeDifference[];
  /** The owner accepted this spec (Settings "Accepted runtime spec"). */
  accepted: boolean;
}

const WANTED = new Set(Object.keys(KNOWN_RUNTIME));
const checked = new WeakMap<object, RuntimeDifference[]>();

/** A runtime as @polkadot/api describes it: the connection's own (`api`), or a past block's (see runtimeAt). */
export type RuntimeView = Pick<ApiPromise, 'runtimeVersion' | 'runtimeMetadata'>;

const pastRuntimes = new WeakMap<ApiPromise, Map<number, RuntimeView>>();

/** The runtime a block was made by: the connection's when the spec is the same, else its metadata, asked once per spec. */
export async function runtimeAt(api: ApiPromise, blockHash: string): Promise<RuntimeView> {
  const runtimeVersion = await api.rpc.state.getRuntimeVersion(blockHash);
  const spec = runtimeVersion.specVersion.toNumber();
  if (spec === api.runtimeVersion.specVersion.toNumber()) return api;
  const known = pastRuntimes.get(api) ?? new Map<number, RuntimeView>();
  pastRuntimes.set(api, known);
  let view = known.get(spec);
  if (!view) {
    view = { runtimeVersion, runtimeMetadata: await api.rpc.state.getMetadata(blockHash) };
    known.set(spec, view);
  }
  return view;
}

/** The runtime compared with the known-runtime table (once per metadata: the watcher keeps connections). */
export function checkRuntime(api: RuntimeView, settings: Pick<Settings, 'acceptedRuntime'>): RuntimeCheck {
  const spec = api.runtimeVersion.specVersion.toNumber();
  const metadata = api.runtimeMetadata;
  let differences = checked.get(metadata);
  if (!differences) {
    differences = runtimeDifferences(runtimeShapes(metadata, spec, WANTED));
    checked.set(metadata, differences);
  }
  return { spec, differences, accepted: settings.acceptedRuntime === spec };
}

/** One line naming the runtime's differences: "spec 470: `SubtensorModule.AlphaV3` is new (...); ValTrac was verified up to spec 381". */
export function differenceLine(check: RuntimeCheck): string {
  return `spec ${check.spec}: ${check.differences.map((d) => d.text).join('; ')}; ValTrac was verified up to spec ${newestVerifiedSpec()}`;
}

/**
 * Refuses, before anything is computed or signed, a runtime whose shapes differ from what ValTrac was verified on,
 * unless the owner accepted that very spec. For every command that moves or plans money (`plan`, `confirm`, `fund`).
 */
export function requireKnownRuntime(api: RuntimeView, settings: Pick<Settings, 'acceptedRuntime'>, command: string): RuntimeCheck {
  const check = checkRuntime(api, settings);
  if (check.differences.length === 0 || check.accepted) return check;
  throw new UserError(
    `${command}: ${differenceLine(check)}. A runtime ValTrac does not know may be read or paid wrongly: check these ` +
      `changes (valtrac doctor lists them), then accept this runtime with --${ACCEPT_RUNTIME_OPTION} ${check.spec} ` +
      '(recorded in Settings "Accepted runtime spec"). Nothing was done.',
  );
}

/** What `doctor` and `status` print about the runtime: one line when it is known, else one line per difference. */
export function runtimeReport(check: RuntimeCheck): string[] {
  if (check.differences.length === 0) return [`Runtime spec ${check.spec}: matches what ValTrac was verified on (up to spec ${newestVerifiedSpec()}).`];
  return [
    `Runtime spec ${check.spec} differs from what ValTrac was verified on (up to spec ${newestVerifiedSpec()})` +
      (check.accepted ? '; accepted by the owner (Settings "Accepted runtime spec"):' : `; plan and confirm refuse it until accepted (--${ACCEPT_RUNTIME_OPTION} ${check.spec}):`),
    ...check.differences.map((d) => `  - ${d.text}`),
  ];
}
